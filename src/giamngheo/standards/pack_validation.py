"""Validation of a merged pack: every mistake reported at once, with file, key path and line.

`PackValidator` reads the layers of an inheritance chain (the pack first, its ancestors after)
and builds the `Pack`, or raises `PackError` listing each issue.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, TypeVar

from giamngheo.standards.errors import PackError, PackIssue
from giamngheo.standards.evaluators import Evaluator, build_evaluator, parse_exact_fraction
from giamngheo.standards.pack_model import (
    RULE_INCOME_AND_COUNT,
    RULE_INCOME_ONLY_OR_COUNT,
    RULES,
    ByArea,
    Classification,
    Dimension,
    Fact,
    Indicator,
    LegalBasis,
    Pack,
    Reading,
    ScoreMethod,
)
from giamngheo.standards.schema import AREA_TYPES
from giamngheo.standards.text import Text
from giamngheo.standards.toml_lines import KeyPath, format_key, line_of

FORMAT_VERSION: Final = 1
_CODE_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_T = TypeVar("_T")
FACT_KEYS: Final = frozenset({"source", "verified", "note"})
# Keys a pack that inherits must state itself rather than take from its parent.
_OWN_KEYS: Final = ("format", "code", "version", "name", "legal_basis")


@dataclass
class Layer:
    """One pack file of an inheritance chain."""

    file: str
    raw: dict[str, Any]
    lines: dict[KeyPath, int]


def _merge(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Child values replace parent values; tables merge key by key."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _has_path(raw: Mapping[str, Any], path: KeyPath) -> int:
    """How many leading parts of `path` exist in `raw`."""
    node: Any = raw
    depth = 0
    for part in path:
        if isinstance(part, int):
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                depth += 1
                continue
            return depth
        if isinstance(node, dict) and part in node:
            node = node[part]
            depth += 1
            continue
        return depth
    return depth


class PackValidator:
    """Checks a merged pack and builds the `Pack`, collecting every issue."""

    def __init__(self, chain: list[Layer]) -> None:
        self.chain = chain
        merged: dict[str, Any] = {}
        for layer in reversed(chain):
            merged = _merge(merged, layer.raw)
        self.raw = merged
        self.issues: list[PackIssue] = []

    # where an issue is reported

    def _layer_for(self, path: KeyPath) -> Layer:
        best = self.chain[0]
        best_depth = -1
        for layer in self.chain:  # child first
            depth = _has_path(layer.raw, path)
            if depth == len(path):
                return layer
            if depth > best_depth:
                best, best_depth = layer, depth
        return best

    def issue(self, path: KeyPath, message: str) -> None:
        layer = self._layer_for(path)
        self.issues.append(
            PackIssue(layer.file, format_key(path), line_of(layer.lines, path), message)
        )

    # typed readers

    def table(
        self, node: Mapping[str, Any], path: KeyPath, key: str, *, required: bool = True
    ) -> dict[str, Any] | None:
        if key not in node:
            if required:
                self.issue((*path, key), f"missing table [{format_key((*path, key))}]")
            return None
        value = node[key]
        if not isinstance(value, dict):
            self.issue((*path, key), f"must be a table, got {_type_name(value)}")
            return None
        return value

    def string(
        self, node: Mapping[str, Any], path: KeyPath, key: str, *, required: bool = True
    ) -> str | None:
        if key not in node:
            if required:
                self.issue((*path, key), f"missing key {key!r}")
            return None
        value = node[key]
        if not isinstance(value, str) or not value.strip():
            self.issue((*path, key), f"must be a non-empty string, got {_type_name(value)}")
            return None
        return value

    def integer(
        self,
        node: Mapping[str, Any],
        path: KeyPath,
        key: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        if key not in node:
            self.issue((*path, key), f"missing key {key!r}")
            return None
        value = node[key]
        if not isinstance(value, int) or isinstance(value, bool):
            self.issue((*path, key), f"must be a whole number, got {_type_name(value)}")
            return None
        if minimum is not None and value < minimum:
            self.issue((*path, key), f"must be at least {minimum}, got {value}")
            return None
        if maximum is not None and value > maximum:
            self.issue((*path, key), f"must be at most {maximum}, got {value}")
            return None
        return value

    def boolean(self, node: Mapping[str, Any], path: KeyPath, key: str) -> bool | None:
        if key not in node:
            self.issue((*path, key), f"missing key {key!r}")
            return None
        value = node[key]
        if not isinstance(value, bool):
            self.issue((*path, key), f"must be true or false, got {_type_name(value)}")
            return None
        return value

    def text(self, node: Mapping[str, Any], path: KeyPath, key: str | None = None) -> Text | None:
        """A {vi, en} pair: the table `key` of `node`, or `node` itself when key is None."""
        if key is not None:
            table = self.table(node, path, key)
            if table is None:
                return None
            path, node = (*path, key), table
            self.unknown_keys(node, path, {"vi", "en"})
        vi = self.string(node, path, "vi")
        en = self.string(node, path, "en")
        return Text(vi, en) if vi is not None and en is not None else None

    def fact(self, node: Mapping[str, Any], path: KeyPath) -> Fact | None:
        source = self.string(node, path, "source")
        verified = self.boolean(node, path, "verified")
        note = self.string(node, path, "note", required=False)
        if source is None or verified is None:
            return None
        return Fact(source, verified, note)

    def unknown_keys(self, node: Mapping[str, Any], path: KeyPath, allowed: Iterable[str]) -> None:
        allowed_set = set(allowed)
        for key in node:
            if key not in allowed_set:
                choices = ", ".join(sorted(allowed_set))
                self.issue((*path, key), f"unknown key {key!r} (allowed here: {choices})")

    # the pack

    def build(self) -> Pack:
        raw = self.raw
        self.unknown_keys(
            raw,
            (),
            {
                "format",
                "code",
                "version",
                "inherits",
                "name",
                "legal_basis",
                "review_years",
                "structure",
                "income_lines",
                "classification",
                "score_method",
                "dimensions",
                "indicators",
            },
        )
        self._check_own_keys()
        self._check_overrides_restate_source()

        fmt = self.integer(raw, (), "format")
        if fmt is not None and fmt != FORMAT_VERSION:
            self.issue(
                ("format",), f"unsupported pack format {fmt} (this engine reads {FORMAT_VERSION})"
            )
        code = self.string(raw, (), "code")
        expected_code = Path(self.chain[0].file).stem
        if code is not None and code != expected_code:
            self.issue(
                ("code",), f"code {code!r} does not match the file name {expected_code}.toml"
            )
        if code is not None and not _CODE_PATTERN.match(code):
            self.issue(("code",), "use letters, digits, '-', '_' or '.' only")
        version = self.string(raw, (), "version")
        inherits = self.string(raw, (), "inherits", required=False)
        name = self.text(raw, (), "name")
        legal_basis = self._legal_basis()
        review_years, review_years_fact = self._review_years()
        structure_table = self.table(raw, (), "structure")
        structure = None
        if structure_table is not None:
            self.unknown_keys(structure_table, ("structure",), FACT_KEYS)
            structure = self.fact(structure_table, ("structure",))
        lines = self._income_lines()
        dimensions = self._dimensions()
        indicators = self._indicators(dimensions)
        classification = self._classification(len(indicators), lines)
        score_method = self._score_method()

        if self.issues:
            raise PackError(self.issues)
        return Pack(
            code=_built(code),
            version=_built(version),
            name=_built(name),
            inherits=inherits,
            legal_basis=_built(legal_basis),
            review_years=_built(review_years),
            review_years_fact=_built(review_years_fact),
            structure=_built(structure),
            poverty_line=_built(_built(lines).get("poverty")),
            near_poverty_line=_built(lines).get("near_poverty"),
            average_upper=_built(lines).get("average_living_standard"),
            classification=_built(classification),
            score_method=score_method,
            dimensions=tuple(dimensions.values()),
            indicators=tuple(indicators),
            files=tuple(layer.file for layer in self.chain),
        )

    def _check_own_keys(self) -> None:
        if len(self.chain) == 1:
            return
        child = self.chain[0]
        for key in _OWN_KEYS:
            if key not in child.raw:
                self.issues.append(
                    PackIssue(
                        child.file,
                        key,
                        None,
                        f"a pack that inherits must state its own {key!r}",
                    )
                )

    def _check_overrides_restate_source(self) -> None:
        """A child that changes a fact must say where its own value comes from."""
        if len(self.chain) == 1:
            return
        child = self.chain[0]
        fact_tables: list[KeyPath] = [
            ("legal_basis",),
            ("review_years",),
            ("structure",),
            ("classification",),
            ("score_method",),
        ]
        lines = child.raw.get("income_lines")
        if isinstance(lines, dict):
            fact_tables.extend(("income_lines", key) for key in lines)
        indicators = child.raw.get("indicators")
        if isinstance(indicators, dict):
            fact_tables.extend(("indicators", key) for key in indicators)
        for path in fact_tables:
            node: Any = child.raw
            for part in path:
                node = node.get(part) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                continue
            changed = [key for key in node if key not in FACT_KEYS]
            if changed and ("source" not in node or "verified" not in node):
                self.issues.append(
                    PackIssue(
                        child.file,
                        format_key(path),
                        line_of(child.lines, path),
                        "overrides inherited values, so it must state its own 'source' and "
                        "'verified'",
                    )
                )

    def _legal_basis(self) -> LegalBasis | None:
        node = self.table(self.raw, (), "legal_basis")
        if node is None:
            return None
        path: KeyPath = ("legal_basis",)
        self.unknown_keys(node, path, {"document", "article", "date", *FACT_KEYS})
        document = self.string(node, path, "document")
        article = self.string(node, path, "article")
        date = self.string(node, path, "date", required=False)
        if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            self.issue((*path, "date"), f"write the date as YYYY-MM-DD, got {date!r}")
        fact = self.fact(node, path)
        if document is None or article is None or fact is None:
            return None
        return LegalBasis(document, article, date, fact)

    def _review_years(self) -> tuple[tuple[int, int] | None, Fact | None]:
        node = self.table(self.raw, (), "review_years")
        if node is None:
            return None, None
        path: KeyPath = ("review_years",)
        self.unknown_keys(node, path, {"first", "last", *FACT_KEYS})
        first = self.integer(node, path, "first", minimum=1990, maximum=2100)
        last = self.integer(node, path, "last", minimum=1990, maximum=2100)
        fact = self.fact(node, path)
        if first is not None and last is not None and last < first:
            self.issue((*path, "last"), f"last review year {last} is before the first ({first})")
            return None, fact
        if first is None or last is None:
            return None, fact
        return (first, last), fact

    def _by_area(self, node: Mapping[str, Any], path: KeyPath, what: str) -> ByArea | None:
        self.unknown_keys(node, path, {*AREA_TYPES, *FACT_KEYS})
        values: dict[str, int] = {}
        for area in AREA_TYPES:
            if area not in node:
                self.issue((*path, area), f"missing {what} for {area} areas")
                continue
            value = node[area]
            if not isinstance(value, int) or isinstance(value, bool):
                self.issue(
                    (*path, area),
                    f"must be a whole number of {what}, got {_type_name(value)} {value!r}",
                )
            elif value < 0:
                self.issue((*path, area), f"must not be negative, got {value}")
            else:
                values[area] = value
        fact = self.fact(node, path)
        if len(values) != len(AREA_TYPES) or fact is None:
            return None
        return ByArea(values["rural"], values["urban"], fact)

    def _income_lines(self) -> dict[str, ByArea] | None:
        node = self.table(self.raw, (), "income_lines")
        if node is None:
            return None
        path: KeyPath = ("income_lines",)
        self.unknown_keys(node, path, {"poverty", "near_poverty", "average_living_standard"})
        lines: dict[str, ByArea] = {}
        for key in ("poverty", "near_poverty", "average_living_standard"):
            table = self.table(node, path, key, required=key == "poverty")
            if table is not None:
                line = self._by_area(table, (*path, key), "đồng")
                if line is not None:
                    lines[key] = line
        # Each band must lie above the previous one.
        order = [k for k in ("poverty", "near_poverty", "average_living_standard") if k in lines]
        for lower, upper in itertools.pairwise(order):
            for area in AREA_TYPES:
                if lines[upper].for_area(area) <= lines[lower].for_area(area):
                    self.issue(
                        (*path, upper, area),
                        f"must be above the {lower.replace('_', '-')} line "
                        f"({lines[lower].for_area(area)})",
                    )
        return lines

    def _dimensions(self) -> dict[str, Dimension]:
        node = self.table(self.raw, (), "dimensions")
        if node is None:
            return {}
        dimensions: dict[str, Dimension] = {}
        for code, table in node.items():
            path: KeyPath = ("dimensions", code)
            if not isinstance(table, dict):
                self.issue(path, f"must be a table with vi and en, got {_type_name(table)}")
                continue
            self.unknown_keys(table, path, {"vi", "en"})
            label = self.text(table, path)
            if label is not None:
                dimensions[code] = Dimension(code, label)
        if not node:
            self.issue(("dimensions",), "declare at least one dimension")
        return dimensions

    def _indicators(self, dimensions: Mapping[str, Dimension]) -> list[Indicator]:
        node = self.table(self.raw, (), "indicators")
        if node is None:
            return []
        if not node:
            self.issue(("indicators",), "declare at least one indicator")
            return []
        allowed = {
            "dimension",
            "vi",
            "en",
            "evaluator",
            "params",
            "weight",
            "reading",
            "readings",
            *FACT_KEYS,
        }
        built: list[Indicator] = []
        weights: dict[str, Fraction] = {}
        for code, table in node.items():
            path: KeyPath = ("indicators", code)
            if not isinstance(table, dict):
                self.issue(path, f"must be a table, got {_type_name(table)}")
                continue
            if not _CODE_PATTERN.match(code):
                self.issue(path, "indicator codes use letters, digits, '-', '_' or '.' only")
            self.unknown_keys(table, path, allowed)
            dimension = self.string(table, path, "dimension")
            if dimension is not None and dimension not in dimensions:
                known = ", ".join(dimensions) or "(none)"
                self.issue(
                    (*path, "dimension"), f"unknown dimension {dimension!r} (declared: {known})"
                )
            label = self.text(table, path)
            fact = self.fact(table, path)
            readings: tuple[Reading, ...] = ()
            chosen: str | None = None
            if "readings" in table or "reading" in table:
                readings, chosen = self._readings(table, path)
                picked = next((r for r in readings if r.code == chosen), None)
                evaluator = picked.evaluator if picked is not None else None
                params: Mapping[str, object] = picked.params if picked is not None else {}
            else:
                evaluator = self._evaluator(table, path)
                params = table.get("params", {})
            if "weight" in table:
                try:
                    weight = parse_exact_fraction(table["weight"])
                except ValueError as error:
                    self.issue((*path, "weight"), str(error))
                else:
                    if weight <= 0:
                        self.issue(
                            (*path, "weight"), f"must be greater than 0, got {table['weight']!r}"
                        )
                    else:
                        weights[code] = weight
            if dimension is None or label is None or fact is None or evaluator is None:
                continue
            built.append(
                Indicator(
                    code,
                    dimension,
                    label,
                    str(table["evaluator"]),
                    params,
                    evaluator,
                    Fraction(0),
                    fact,
                    chosen,
                    readings,
                )
            )
        for dimension_code in dimensions:
            if not any(
                isinstance(t, dict) and t.get("dimension") == dimension_code for t in node.values()
            ):
                self.issue(("dimensions", dimension_code), "dimension has no indicator")
        return self._apply_weights(node, built, weights)

    def _apply_weights(
        self, node: Mapping[str, Any], built: list[Indicator], weights: Mapping[str, Fraction]
    ) -> list[Indicator]:
        codes = list(node)
        with_weight = [
            code for code in codes if isinstance(node[code], dict) and "weight" in node[code]
        ]
        if with_weight and len(with_weight) != len(codes):
            missing = [code for code in codes if code not in with_weight]
            for code in missing:
                self.issue(
                    ("indicators", code, "weight"),
                    "give every indicator a weight, or none (equal weights)",
                )
            return built
        if with_weight:
            total = sum(weights.values(), Fraction(0))
            if len(weights) == len(codes) and total != 1:
                self.issue(
                    ("indicators", with_weight[-1], "weight"),
                    f"indicator weights must add up to exactly 1, they add up to {total}",
                )
            return [replace(i, weight=weights.get(i.code, Fraction(0))) for i in built]
        equal = Fraction(1, len(codes)) if codes else Fraction(0)
        return [replace(i, weight=equal) for i in built]

    def _readings(
        self, table: Mapping[str, Any], path: KeyPath
    ) -> tuple[tuple[Reading, ...], str | None]:
        """The indicator's readings (each with its params, label and source) and the chosen one.

        `params` then lives in each reading, never beside them: one threshold, one place."""
        if "params" in table:
            self.issue(
                (*path, "params"),
                "an indicator with readings gives its params in each reading, not beside them",
            )
        node = self.table(table, path, "readings")
        chosen = self.string(table, path, "reading")
        if node is None:
            return (), None
        if not node:
            self.issue((*path, "readings"), "declare at least one reading")
            return (), None
        built: list[Reading] = []
        for code, reading_table in node.items():
            reading_path: KeyPath = (*path, "readings", code)
            if not isinstance(reading_table, dict):
                self.issue(reading_path, f"must be a table, got {_type_name(reading_table)}")
                continue
            if not _CODE_PATTERN.match(code):
                self.issue(reading_path, "reading codes use letters, digits, '-', '_' or '.' only")
            self.unknown_keys(reading_table, reading_path, {"vi", "en", "params", *FACT_KEYS})
            label = self.text(reading_table, reading_path)
            fact = self.fact(reading_table, reading_path)
            evaluator = self._evaluator(
                {"evaluator": table.get("evaluator"), "params": reading_table.get("params", {})},
                reading_path,
            )
            if label is None or fact is None or evaluator is None:
                continue
            built.append(Reading(code, label, reading_table.get("params", {}), evaluator, fact))
        if chosen is not None and chosen not in node:
            known = ", ".join(node)
            self.issue((*path, "reading"), f"unknown reading {chosen!r} (declared: {known})")
            chosen = None
        return tuple(built), chosen

    def _evaluator(self, table: Mapping[str, Any], path: KeyPath) -> Evaluator | None:
        name = table.get("evaluator")
        if name is None:
            self.issue(
                (*path, "evaluator"), "missing evaluator: name the rule that decides this indicator"
            )
            return None
        if not isinstance(name, str):
            self.issue((*path, "evaluator"), f"must be an evaluator name, got {_type_name(name)}")
            return None
        params = table.get("params", {})
        if not isinstance(params, dict):
            self.issue((*path, "params"), f"must be a table, got {_type_name(params)}")
            return None
        evaluator, problems = build_evaluator(name, params, (*path, "params"))
        for problem_path, message in problems:
            self.issue(problem_path, message)
        return evaluator

    def _classification(
        self, n_indicators: int, lines: Mapping[str, ByArea] | None
    ) -> Classification | None:
        node = self.table(self.raw, (), "classification")
        if node is None:
            return None
        path: KeyPath = ("classification",)
        self.unknown_keys(node, path, {"rule", "deprivation_cutoff", "reference", *FACT_KEYS})
        rule = self.string(node, path, "rule")
        if rule is not None and rule not in RULES:
            self.issue((*path, "rule"), f"unknown rule {rule!r} (known: {', '.join(RULES)})")
            rule = None
        cutoff = self.integer(
            node, path, "deprivation_cutoff", minimum=1, maximum=max(n_indicators, 1)
        )
        reference = self.text(node, path, "reference")
        fact = self.fact(node, path)
        if rule is not None and lines is not None:
            has_near = "near_poverty" in lines
            if rule == RULE_INCOME_ONLY_OR_COUNT and not has_near and "poverty" in lines:
                self.issue((*path, "rule"), f"rule {rule!r} needs [income_lines.near_poverty]")
            if rule == RULE_INCOME_AND_COUNT and has_near:
                self.issue(
                    ("income_lines", "near_poverty"),
                    f"rule {rule!r} has no near-poverty line (near-poor = at or below the "
                    "poverty line with few deprivations); remove this table",
                )
        if rule is None or cutoff is None or reference is None or fact is None:
            return None
        return Classification(rule, cutoff, reference, fact)

    def _score_method(self) -> ScoreMethod | None:
        node = self.table(self.raw, (), "score_method", required=False)
        if node is None:
            return None
        path: KeyPath = ("score_method",)
        self.unknown_keys(
            node,
            path,
            {
                "income_score_cutoff",
                "points_per_deprivation",
                "deprivation_score_cutoff",
                "reference",
                *FACT_KEYS,
            },
        )
        cutoff_table = self.table(node, path, "income_score_cutoff")
        cutoffs: dict[str, int] = {}
        if cutoff_table is not None:
            self.unknown_keys(cutoff_table, (*path, "income_score_cutoff"), AREA_TYPES)
            for area in AREA_TYPES:
                value = self.integer(cutoff_table, (*path, "income_score_cutoff"), area, minimum=0)
                if value is not None:
                    cutoffs[area] = value
        points = self.integer(node, path, "points_per_deprivation", minimum=1)
        b_cutoff = self.integer(node, path, "deprivation_score_cutoff", minimum=0)
        reference = self.text(node, path, "reference")
        fact = self.fact(node, path)
        if (
            len(cutoffs) != 2
            or points is None
            or b_cutoff is None
            or reference is None
            or fact is None
        ):
            return None
        return ScoreMethod(
            ByArea(cutoffs["rural"], cutoffs["urban"], fact), points, b_cutoff, reference, fact
        )


def _built(value: _T | None) -> _T:
    """A value the validator produced; None here means an issue went unreported."""
    if value is None:  # pragma: no cover - every None comes with a recorded issue
        raise RuntimeError("internal error: pack validation left a value unset")
    return value


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
