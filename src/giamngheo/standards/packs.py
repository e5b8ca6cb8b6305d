"""Rule packs: one TOML file per poverty standard, loaded, merged and validated.

A pack states the standard's income lines, indicators (with the evaluator and its parameters),
classification rule and, where the law has one, the score method, each fact with its `source` and
whether it is `verified`. National packs ship in `standards/packs/`; a province adds its own pack
file in a directory of its choosing (the `GIAMNGHEO_PACKS_DIR` environment variable, a list
separated by the OS path separator, or the `packs_dir` argument). A province pack says
`inherits = "2022-2025"` and overrides only what differs, e.g. higher income lines.

The file name is the pack code: `2022-2025.toml` holds code "2022-2025". Loading reports every
mistake at once, each with the file, the key path and the line (`PackError`).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, TypeVar

from giamngheo.standards.errors import PackError, PackIssue, UnknownStandardError
from giamngheo.standards.evaluators import Evaluator, build_evaluator, parse_exact_fraction
from giamngheo.standards.schema import AREA_TYPES
from giamngheo.standards.text import Text
from giamngheo.standards.toml_lines import KeyPath, format_key, key_lines, line_of, path_at_line

BUILTIN_PACKS_DIR: Final = Path(__file__).resolve().parent / "packs"
PACKS_DIR_ENV: Final = "GIAMNGHEO_PACKS_DIR"
FORMAT_VERSION: Final = 1

RULE_INCOME_ONLY_OR_COUNT: Final = "income_only_or_count"
RULE_INCOME_AND_COUNT: Final = "income_and_count"
RULES: Final = (RULE_INCOME_ONLY_OR_COUNT, RULE_INCOME_AND_COUNT)

_CODE_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_T = TypeVar("_T")
_FACT_KEYS: Final = frozenset({"source", "verified", "note"})
# Keys a pack that inherits must state itself rather than take from its parent.
_OWN_KEYS: Final = ("format", "code", "version", "name", "legal_basis")


# -- the pack model ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """Where a rule comes from and whether that was checked against a quoting source."""

    source: str
    verified: bool
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"source": self.source, "verified": self.verified}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class ByArea:
    """A whole number per area type (income lines in đồng, score cut-offs in points)."""

    rural: int
    urban: int
    fact: Fact

    def for_area(self, area_type: str) -> int:
        return self.urban if area_type == "urban" else self.rural

    def to_dict(self) -> dict[str, object]:
        return {"rural": self.rural, "urban": self.urban, **self.fact.to_dict()}


@dataclass(frozen=True)
class LegalBasis:
    document: str
    article: str
    date: str | None
    fact: Fact

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"document": self.document, "article": self.article}
        if self.date:
            out["date"] = self.date
        return {**out, **self.fact.to_dict()}


@dataclass(frozen=True)
class Classification:
    rule: str
    deprivation_cutoff: int
    reference: Text
    fact: Fact

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "deprivation_cutoff": self.deprivation_cutoff,
            "reference": self.reference.to_dict(),
            **self.fact.to_dict(),
        }


@dataclass(frozen=True)
class ScoreMethod:
    """Circular 07/2021 scores: A estimates income, B = points × deprivations."""

    income_score_cutoff: ByArea
    points_per_deprivation: int
    deprivation_score_cutoff: int
    reference: Text
    fact: Fact

    def to_dict(self) -> dict[str, object]:
        return {
            "income_score_cutoff": {
                "rural": self.income_score_cutoff.rural,
                "urban": self.income_score_cutoff.urban,
            },
            "points_per_deprivation": self.points_per_deprivation,
            "deprivation_score_cutoff": self.deprivation_score_cutoff,
            "reference": self.reference.to_dict(),
            **self.fact.to_dict(),
        }


@dataclass(frozen=True)
class Dimension:
    code: str
    label: Text


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    label: Text
    evaluator_name: str
    params: Mapping[str, object]
    evaluator: Evaluator
    weight: Fraction
    fact: Fact

    def to_dict(self) -> dict[str, object]:
        threshold = self.evaluator.threshold()
        return {
            "code": self.code,
            "dimension": self.dimension,
            "label": self.label.to_dict(),
            "evaluator": self.evaluator_name,
            "params": dict(self.params),
            "threshold": threshold.to_dict(),
            "weight": f"{self.weight.numerator}/{self.weight.denominator}",
            "household_fields": list(self.evaluator.household_fields()),
            "member_fields": list(self.evaluator.member_fields()),
            **self.fact.to_dict(),
        }


@dataclass(frozen=True)
class Pack:
    """A validated poverty standard."""

    code: str
    version: str
    name: Text
    inherits: str | None
    legal_basis: LegalBasis
    review_years: tuple[int, int]
    review_years_fact: Fact
    structure: Fact
    poverty_line: ByArea
    near_poverty_line: ByArea | None
    average_upper: ByArea | None
    classification: Classification
    score_method: ScoreMethod | None
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    files: tuple[str, ...] = field(default=())

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(indicator.code for indicator in self.indicators)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def household_fields(self) -> tuple[str, ...]:
        """Household-level raw fields needed to evaluate this pack from survey data."""
        names = ["household_id", "area_type", "income"]
        for indicator in self.indicators:
            names.extend(indicator.evaluator.household_fields())
        return tuple(dict.fromkeys(names))

    def member_fields(self) -> tuple[str, ...]:
        """Member-level raw fields needed to evaluate this pack from survey data."""
        names = ["household_id"]
        for indicator in self.indicators:
            names.extend(indicator.evaluator.member_fields())
        return tuple(dict.fromkeys(names))

    def covers_year(self, year: int) -> bool:
        return self.review_years[0] <= year <= self.review_years[1]

    @property
    def verified(self) -> bool:
        """True only when every fact of the pack is verified."""
        facts = [
            self.legal_basis.fact,
            self.review_years_fact,
            self.structure,
            self.poverty_line.fact,
            self.classification.fact,
            *(i.fact for i in self.indicators),
        ]
        for optional in (self.near_poverty_line, self.average_upper, self.score_method):
            if optional is not None:
                facts.append(optional.fact)
        return all(fact.verified for fact in facts)

    def to_dict(self) -> dict[str, object]:
        """Everything `giamngheo standards show CODE --format json` prints."""
        lines: dict[str, object] = {"poverty": self.poverty_line.to_dict()}
        if self.near_poverty_line is not None:
            lines["near_poverty"] = self.near_poverty_line.to_dict()
        if self.average_upper is not None:
            lines["average_living_standard"] = self.average_upper.to_dict()
        return {
            "code": self.code,
            "version": self.version,
            "name": self.name.to_dict(),
            "inherits": self.inherits,
            "legal_basis": self.legal_basis.to_dict(),
            "review_years": {
                "first": self.review_years[0],
                "last": self.review_years[1],
                **self.review_years_fact.to_dict(),
            },
            "structure": self.structure.to_dict(),
            "income_lines": lines,
            "classification": self.classification.to_dict(),
            "score_method": None if self.score_method is None else self.score_method.to_dict(),
            "dimensions": [
                {
                    "code": d.code,
                    "label": d.label.to_dict(),
                    "indicators": [i.code for i in self.indicators if i.dimension == d.code],
                }
                for d in self.dimensions
            ],
            "indicators": [indicator.to_dict() for indicator in self.indicators],
            "verified": self.verified,
            "files": list(self.files),
        }


# -- finding packs -----------------------------------------------------------------------------


def pack_dirs(packs_dir: str | Path | Sequence[str | Path] | None = None) -> list[Path]:
    """The directories searched for packs: the built-in one, then `GIAMNGHEO_PACKS_DIR`, then
    `packs_dir`. The environment is read at call time, never at import."""
    dirs = [BUILTIN_PACKS_DIR]
    env = os.environ.get(PACKS_DIR_ENV, "")
    dirs.extend(Path(part) for part in env.split(os.pathsep) if part)
    if isinstance(packs_dir, str | Path):
        dirs.append(Path(packs_dir))
    elif packs_dir is not None:
        dirs.extend(Path(part) for part in packs_dir)
    unique: list[Path] = []
    for directory in dirs:
        if directory.resolve() not in [d.resolve() for d in unique]:
            unique.append(directory)
    return unique


def discover(
    packs_dir: str | Path | Sequence[str | Path] | None = None,
) -> dict[str, Path]:
    """Map each pack code to its file. A code defined twice is an error."""
    found: dict[str, Path] = {}
    issues: list[PackIssue] = []
    for directory in pack_dirs(packs_dir):
        if not directory.is_dir():
            issues.append(PackIssue(str(directory), "", None, "pack directory does not exist"))
            continue
        for path in sorted(directory.glob("*.toml")):
            code = path.stem
            if code in found:
                issues.append(
                    PackIssue(
                        str(path),
                        "code",
                        None,
                        f"pack code {code!r} is already defined by {found[code]}; "
                        "give a province pack its own code",
                    )
                )
                continue
            found[code] = path
    if issues:
        raise PackError(issues)
    return found


def available_standards(packs_dir: str | Path | Sequence[str | Path] | None = None) -> list[str]:
    return sorted(discover(packs_dir))


# A pack is immutable once built, but building one parses and validates its TOML chain (a few
# milliseconds): too slow to repeat on every survey preview keystroke. Packs are kept per
# process, keyed by the exact content of every pack file that could take part, so an edited,
# added or removed file is picked up at the next call (reading a few small files is cheap;
# parsing and validating them is not).
_FilesKey = tuple[tuple[str, str, bytes], ...]
_PACKS: dict[tuple[str, _FilesKey], Pack] = {}
_CACHE_LIMIT: Final = 64


def _files_key(files: Mapping[str, Path]) -> _FilesKey:
    return tuple(
        (code, str(path), hashlib.sha256(path.read_bytes()).digest())
        for code, path in sorted(files.items())
    )


def _load_cached(code: str, files: Mapping[str, Path]) -> Pack:
    if code not in files:
        raise UnknownStandardError(code, sorted(files))
    key = (code, _files_key(files))
    pack = _PACKS.get(key)
    if pack is None:
        pack = _Loader(files).load(code)
        if len(_PACKS) >= _CACHE_LIMIT:  # packs from many temporary directories (tests)
            _PACKS.clear()
        _PACKS[key] = pack
    return pack


def clear_cache() -> None:
    """Forget every loaded pack (the next load reads and validates the files again)."""
    _PACKS.clear()


def load_pack(code: str, *, packs_dir: str | Path | Sequence[str | Path] | None = None) -> Pack:
    """Load and validate the pack with this code (following `inherits`). The same files give
    the same (immutable) `Pack` object for the life of the process."""
    return _load_cached(code, discover(packs_dir))


def load_pack_file(
    path: str | Path, *, packs_dir: str | Path | Sequence[str | Path] | None = None
) -> Pack:
    """Load one pack file; its parent (if any) is looked up in the pack directories."""
    path = Path(path)
    files = discover(packs_dir)
    files[path.stem] = path
    return _load_cached(path.stem, files)


def load_all(packs_dir: str | Path | Sequence[str | Path] | None = None) -> list[Pack]:
    files = discover(packs_dir)
    return [_load_cached(code, files) for code in sorted(files)]


def pack_for_review_year(
    year: int, *, packs_dir: str | Path | Sequence[str | Path] | None = None
) -> Pack:
    """The national standard that governs the review of `year` (province packs excluded)."""
    for pack in load_all(packs_dir):
        if pack.inherits is None and pack.covers_year(year):
            return pack
    raise LookupError(f"no national standard governs review year {year}")


# -- loading and validation --------------------------------------------------------------------


@dataclass
class _Layer:
    """One pack file of an inheritance chain."""

    file: str
    raw: dict[str, Any]
    lines: dict[KeyPath, int]


class _Loader:
    def __init__(self, files: Mapping[str, Path]) -> None:
        self.files = files
        self.cache: dict[str, Pack] = {}

    def load(self, code: str) -> Pack:
        if code not in self.cache:
            chain = self._chain(code)
            self.cache[code] = _Validator(chain).build()
        return self.cache[code]

    def _chain(self, code: str) -> list[_Layer]:
        chain: list[_Layer] = []
        seen: list[str] = []
        current: str | None = code
        while current is not None:
            if current in seen:
                layer = chain[-1]
                raise PackError(
                    [
                        PackIssue(
                            layer.file,
                            "inherits",
                            layer.lines.get(("inherits",)),
                            "inheritance cycle: " + " -> ".join([*seen, current]),
                        )
                    ]
                )
            seen.append(current)
            layer = _read_layer(self.files[current])
            chain.append(layer)
            parent = layer.raw.get("inherits")
            if parent is None:
                current = None
            elif not isinstance(parent, str):
                raise PackError(
                    [
                        PackIssue(
                            layer.file,
                            "inherits",
                            layer.lines.get(("inherits",)),
                            f"must be the code of another pack, got {parent!r}",
                        )
                    ]
                )
            elif parent not in self.files:
                known = ", ".join(sorted(self.files))
                raise PackError(
                    [
                        PackIssue(
                            layer.file,
                            "inherits",
                            layer.lines.get(("inherits",)),
                            f"unknown parent pack {parent!r} (known: {known})",
                        )
                    ]
                )
            else:
                current = parent
        return chain


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_DECLARED_TWICE = re.compile(r"Cannot declare \((.*)\) twice")


def _read_layer(path: Path) -> _Layer:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PackError([PackIssue(file, "", None, f"cannot read the pack: {error}")]) from error
    lines = key_lines(text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        key = ""
        twice = _TOML_DECLARED_TWICE.search(message)
        if twice:
            parts = re.findall(r"'([^']*)'", twice.group(1))
            key = ".".join(parts)
            if len(parts) == 2 and parts[0] == "indicators":
                message = f"duplicate indicator code {parts[1]!r} ({message})"
            else:
                message = f"{key} is defined twice ({message})"
        elif line is not None:
            key = format_key(path_at_line(lines, line))
            if message.startswith("Cannot overwrite a value"):
                message = f"{key or 'a key'} is defined twice ({message})"
            else:
                message = f"not valid TOML: {message}"
        raise PackError([PackIssue(file, key, line, message)]) from error
    return _Layer(file, raw, lines)


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


class _Validator:
    """Checks a merged pack and builds the `Pack`, collecting every issue."""

    def __init__(self, chain: list[_Layer]) -> None:
        self.chain = chain
        merged: dict[str, Any] = {}
        for layer in reversed(chain):
            merged = _merge(merged, layer.raw)
        self.raw = merged
        self.issues: list[PackIssue] = []

    # where an issue is reported

    def _layer_for(self, path: KeyPath) -> _Layer:
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
            self.unknown_keys(structure_table, ("structure",), _FACT_KEYS)
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
            changed = [key for key in node if key not in _FACT_KEYS]
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
        self.unknown_keys(node, path, {"document", "article", "date", *_FACT_KEYS})
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
        self.unknown_keys(node, path, {"first", "last", *_FACT_KEYS})
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
        self.unknown_keys(node, path, {*AREA_TYPES, *_FACT_KEYS})
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
        allowed = {"dimension", "vi", "en", "evaluator", "params", "weight", *_FACT_KEYS}
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
            evaluator = self._evaluator(table, path)
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
            params = table.get("params", {})
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
            return [
                Indicator(
                    i.code,
                    i.dimension,
                    i.label,
                    i.evaluator_name,
                    i.params,
                    i.evaluator,
                    weights.get(i.code, Fraction(0)),
                    i.fact,
                )
                for i in built
            ]
        equal = Fraction(1, len(codes)) if codes else Fraction(0)
        return [
            Indicator(
                i.code, i.dimension, i.label, i.evaluator_name, i.params, i.evaluator, equal, i.fact
            )
            for i in built
        ]

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
        self.unknown_keys(node, path, {"rule", "deprivation_cutoff", "reference", *_FACT_KEYS})
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
                *_FACT_KEYS,
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
