"""Command-line interface of the standards engine (no Django).

`main(argv)` handles the subcommands `standards`, `classify`, `mpi` and `simulate`; argv[0] is the
subcommand. The project's `giamngheo` command dispatches these names here. Exit codes: 0 success,
2 bad input or usage (message on stderr, nothing on stdout), 1 unexpected failure.
Everything is computed before the first byte is written, so a failure never leaves partial output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, NoReturn

import numpy as np
import polars as pl

from giamngheo.standards.classify import (
    Classification,
    HouseholdResult,
    classify_columns,
    classify_flag_columns,
    classify_flags,
    classify_household,
)
from giamngheo.standards.columns import Array, RawColumns
from giamngheo.standards.errors import InputError, PackError, UnknownStandardError
from giamngheo.standards.explain import Explanation
from giamngheo.standards.inputs import (
    ColumnReader,
    household_records,
    read_flag_frame,
    read_raw_files,
    read_table,
)
from giamngheo.standards.measures import AFSpec, SpecError, alkire_foster
from giamngheo.standards.packs import Pack, available_standards, load_pack
from giamngheo.standards.simulate import transitions

COMMANDS = ("standards", "classify", "mpi", "simulate")
DEPRIVED_SEPARATOR = ";"


class UsageError(Exception):
    """Bad command-line input; reported with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="giamngheo", description="Poverty standards engine")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    standards = commands.add_parser("standards", help="list or show rule packs")
    standards_commands = standards.add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    listing = standards_commands.add_parser("list", help="list the available standards")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    _packs_dir(listing)
    show = standards_commands.add_parser("show", help="show one standard")
    show.add_argument("code")
    show.add_argument("--format", choices=("json",), default="json")
    _packs_dir(show)

    classify = commands.add_parser("classify", help="classify households")
    classify.add_argument("file", help="households: CSV or Parquet")
    classify.add_argument("--standard", required=True, help="pack code, e.g. 2022-2025")
    classify.add_argument("--members", help="members file: evaluate raw survey fields")
    classify.add_argument("--explain", action="store_true", help="add the explanation")
    classify.add_argument("--score", action="store_true", help="use score_a (Circular 07/2021)")
    classify.add_argument("--format", choices=("csv", "json"), default="csv")
    _packs_dir(classify)

    mpi = commands.add_parser("mpi", help="Alkire-Foster measures on 0/1 columns")
    mpi.add_argument("file")
    mpi.add_argument("--indicators", help="comma-separated indicator columns")
    mpi.add_argument("--standard", help="take indicators, weights, dimensions (and k) from a pack")
    mpi.add_argument("--weights", help="e.g. a=1/6,b=1/18 (equal weights when omitted)")
    mpi.add_argument("--k", help="poverty cut-off, e.g. 1/3")
    mpi.add_argument("--weight-column", help="unit weights, e.g. household size")
    mpi.add_argument("--by", help="decompose by this column")
    mpi.add_argument("--format", choices=("json",), default="json")
    _packs_dir(mpi)

    simulate = commands.add_parser("simulate", help="transitions between two standards")
    simulate.add_argument("file")
    simulate.add_argument("--from", dest="source", required=True)
    simulate.add_argument("--to", dest="target", required=True)
    simulate.add_argument("--members", help="members file: evaluate raw survey fields")
    simulate.add_argument("--by", help="group column (default: area_type)")
    simulate.add_argument("--format", choices=("json",), default="json")
    _packs_dir(simulate)
    return parser


def _packs_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--packs-dir", action="append", help="extra directory of rule packs")


def main(argv: Sequence[str]) -> int:
    """Run one subcommand; returns the exit code."""
    try:
        args = _parser().parse_args(list(argv))
        output = _run(args)
    except SystemExit as exit_request:  # --help
        return int(exit_request.code or 0)
    except UsageError as error:
        return _fail(str(error))
    except UnknownStandardError as error:
        return _fail(f"error: {error}")
    except PackError as error:
        return _fail("error: invalid rule pack\n" + "\n".join(str(i) for i in error.issues))
    except InputError as error:
        return _fail("\n".join(f"error: {problem}" for problem in error.problems))
    except SpecError as error:
        return _fail(f"error: {error}")
    sys.stdout.write(output)
    sys.stdout.flush()
    return 0


def _fail(message: str) -> int:
    sys.stderr.write(message.rstrip("\n") + "\n")
    return 2


def _run(args: argparse.Namespace) -> str:
    if args.command == "standards":
        return _standards(args)
    if args.command == "classify":
        return _classify(args)
    if args.command == "mpi":
        return _mpi(args)
    return _simulate(args)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


# -- standards ---------------------------------------------------------------------------------


def _standards(args: argparse.Namespace) -> str:
    if args.action == "show":
        return _json(load_pack(args.code, packs_dir=args.packs_dir).to_dict())
    packs = [
        load_pack(code, packs_dir=args.packs_dir) for code in available_standards(args.packs_dir)
    ]
    if args.format == "json":
        return _json(
            [
                {
                    "code": p.code,
                    "name": p.name.to_dict(),
                    "version": p.version,
                    "inherits": p.inherits,
                    "review_years": list(p.review_years),
                    "indicators": len(p.indicators),
                    "verified": p.verified,
                }
                for p in packs
            ]
        )
    lines = []
    for p in packs:
        years = f"{p.review_years[0]}-{p.review_years[1]}"
        parent = f" (inherits {p.inherits})" if p.inherits else ""
        lines.append(
            f"{p.code:<16} {years:<10} {len(p.indicators):>2} indicators  {p.name.vi}{parent}"
        )
    return "\n".join(lines) + "\n"


# -- classify ------------------------------------------------------------------------------------


def _classify(args: argparse.Namespace) -> str:
    pack = load_pack(args.standard, packs_dir=args.packs_dir)
    if args.score and pack.score_method is None:
        raise UsageError(f"standard {pack.code} defines no score method; drop --score")
    explanations: list[HouseholdResult] | None = None
    if args.members:
        cols, _ = _read_raw(args.file, args.members, [pack], score=args.score)
        result = classify_columns(pack, cols, by_score=args.score)
        if args.explain:
            explanations = [
                classify_household(
                    pack, household, members, explain_result=True, by_score=args.score
                )
                for household, members in household_records(cols)
            ]
    else:
        frame = read_table(args.file)
        flags = read_flag_frame(frame, pack.indicator_codes, file=args.file, score_a=args.score)
        result = classify_flag_columns(
            pack,
            household_ids=flags.household_ids,
            is_urban=flags.is_urban,
            flags=flags.flags,
            income=flags.income,
            score_a=flags.score_a,
        )
        if args.explain:
            explanations = []
            values = flags.score_a if args.score else flags.income
            if values is None:  # pragma: no cover - read_flag_frame always sets one
                raise RuntimeError("internal error: no income or score column")
            for i in range(result.n):
                explanations.append(
                    classify_flags(
                        pack,
                        area_type="urban" if flags.is_urban[i] else "rural",
                        flags={code: bool(flags.flags[code][i]) for code in pack.indicator_codes},
                        income=None if args.score else int(values[i]),
                        score_a=int(values[i]) if args.score else None,
                        household_id=str(flags.household_ids[i]),
                        explain_result=True,
                    )
                )
    if explanations is not None:
        _check_paths_agree(result, explanations)
    return _classification_output(result, explanations, args.format)


def _check_paths_agree(result: Classification, explanations: list[HouseholdResult]) -> None:
    statuses = result.statuses()
    for i, scalar in enumerate(explanations):
        if scalar.status != statuses[i] or scalar.deprivation_count != int(
            result.deprivation_count[i]
        ):
            raise RuntimeError(
                f"internal error: scalar and vectorised paths disagree on household "
                f"{result.household_ids[i]!s}"
            )


def _classification_output(
    result: Classification, explanations: list[HouseholdResult] | None, fmt: str
) -> str:
    frame = result.to_frame()
    if fmt == "csv":
        frame = frame.with_columns(pl.col("deprived").list.join(DEPRIVED_SEPARATOR))
        if explanations is not None:
            frame = frame.with_columns(
                explanation_vi=pl.Series(
                    [_explanation(e).text.vi for e in explanations], dtype=pl.String
                ),
                explanation_en=pl.Series(
                    [_explanation(e).text.en for e in explanations], dtype=pl.String
                ),
            )
        return frame.write_csv()
    if explanations is None:
        return frame.write_json() + "\n"
    records = frame.to_dicts()
    for record, scalar in zip(records, explanations, strict=True):
        record["explanation"] = _explanation(scalar).to_dict()
    return _json(records)


def _explanation(result: HouseholdResult) -> Explanation:
    if result.explanation is None:  # pragma: no cover - requested above
        raise RuntimeError("internal error: explanation missing")
    return result.explanation


def _read_raw(
    households: str, members: str, packs: Sequence[Pack], *, score: bool = False
) -> tuple[RawColumns, pl.DataFrame]:
    household_fields: list[str] = []
    member_fields: list[str] = []
    for pack in packs:
        household_fields.extend(pack.household_fields())
        member_fields.extend(pack.member_fields())
    return read_raw_files(
        households,
        members,
        household_fields=list(dict.fromkeys(household_fields)),
        member_fields=list(dict.fromkeys(member_fields)),
        score_a=score,
    )


# -- mpi -----------------------------------------------------------------------------------------


def _parse_list(text: str, option: str) -> list[str]:
    items = [item.strip() for item in text.split(",")]
    if not items or any(not item for item in items):
        raise UsageError(f"{option}: give comma-separated names without empty items, got {text!r}")
    return items


def _parse_weights(text: str) -> dict[str, str]:
    weights: dict[str, str] = {}
    for item in _parse_list(text, "--weights"):
        code, sep, value = item.partition("=")
        if not sep or not code.strip() or not value.strip():
            raise UsageError(f"--weights: expected code=fraction, got {item!r}")
        if code.strip() in weights:
            raise UsageError(f"--weights: {code.strip()!r} given twice")
        weights[code.strip()] = value.strip()
    return weights


def _mpi(args: argparse.Namespace) -> str:
    pack = load_pack(args.standard, packs_dir=args.packs_dir) if args.standard else None
    if args.indicators:
        indicators = _parse_list(args.indicators, "--indicators")
    elif pack is not None:
        indicators = list(pack.indicator_codes)
    else:
        raise UsageError("mpi: give --indicators (or --standard)")
    weights: dict[str, Fraction | str] | None = None
    if args.weights:
        weights = dict(_parse_weights(args.weights))
    elif pack is not None and not args.indicators:
        weights = {i.code: i.weight for i in pack.indicators}
    if args.k is not None:
        k: Fraction | str = args.k
    elif pack is not None and not args.indicators:
        k = Fraction(pack.classification.deprivation_cutoff, len(pack.indicators))
    else:
        raise UsageError("mpi: give --k, e.g. --k 1/3")
    dimensions = None
    if pack is not None and all(code in pack.indicator_codes for code in indicators):
        dimensions = {code: pack.indicator(code).dimension for code in indicators}
    spec = AFSpec.create(indicators, k=k, weights=weights, dimensions=dimensions)

    frame = read_table(args.file)
    reader = ColumnReader(frame, args.file)
    extra = [c for c in (args.weight_column, args.by) if c]
    reader.require(indicators, what="0/1 indicator flag")
    reader.require(extra)
    reader.raise_problems()
    flags = {code: reader.booleans(code, what="0 or 1") for code in indicators}
    unit_weights = _unit_weights(reader, args.weight_column) if args.weight_column else None
    groups: Array | None = None
    if args.by:
        groups = _group_labels(reader, args.by)
    reader.raise_problems()
    result = alkire_foster(flags, spec, unit_weights=unit_weights, groups=groups, by=args.by)
    return _json(result.to_dict())


def _unit_weights(reader: ColumnReader, column: str) -> Array:
    series = reader.frame[column]
    text = series.cast(pl.String, strict=False).str.strip_chars()
    if series.dtype.is_integer() or bool(text.str.contains(r"^[+-]?[0-9]+$").all()):
        return reader.whole_numbers(column, minimum=0, what="units")
    return reader.numbers(column, minimum=0, what="units")


def _group_labels(reader: ColumnReader, column: str) -> Array:
    series = reader.frame[column]
    nulls = series.is_null()
    if series.dtype == pl.String:
        nulls = nulls | (series.str.strip_chars() == "")
    if nulls.any():
        reader._report(column, nulls.to_numpy(), "missing group value")
        return np.zeros(0, dtype=object)
    labels: Array = series.to_numpy()
    return labels


# -- simulate ------------------------------------------------------------------------------------


def _simulate(args: argparse.Namespace) -> str:
    source = load_pack(args.source, packs_dir=args.packs_dir)
    target = load_pack(args.target, packs_dir=args.packs_dir)
    by = args.by
    if args.members:
        cols, frame = _read_raw(args.file, args.members, [source, target])
        before = classify_columns(source, cols)
        after = classify_columns(target, cols)
    else:
        frame = read_table(args.file)
        codes = list(dict.fromkeys([*source.indicator_codes, *target.indicator_codes]))
        flags = read_flag_frame(frame, codes, file=args.file)
        before = _from_flags(source, flags)
        after = _from_flags(target, flags)
    if by is None and "area_type" in frame.columns:
        by = "area_type"
    groups = None
    if by is not None:
        reader = ColumnReader(frame, args.file)
        reader.require([by])
        reader.raise_problems()
        labels = _group_labels(reader, by)
        reader.raise_problems()
        groups = labels.astype(str) if labels.dtype.kind == "O" else labels
    return _json(transitions(before, after, groups=groups, by=by).to_dict())


def _from_flags(pack: Pack, flags: Any) -> Classification:
    return classify_flag_columns(
        pack,
        household_ids=flags.household_ids,
        is_urban=flags.is_urban,
        flags={code: flags.flags[code] for code in pack.indicator_codes},
        income=flags.income,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
