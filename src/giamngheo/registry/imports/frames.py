"""Polars helpers the stages share: messages filled from columns, checks that become error
rows, values parsed once per distinct cell, accent-free search keys."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from giamngheo.registry.spreadsheets import ROW

ERROR_SCHEMA: Final = pl.Schema(
    {
        "row": pl.Int64,
        "column": pl.String,
        "household": pl.String,
        "message": pl.String,
    }
)
_PLACEHOLDER: Final = re.compile(r"%\((\w+)\)s")


def msg(template: str, **values: pl.Expr) -> pl.Expr:
    """A translated message with ``%(name)s`` placeholders filled from expressions."""
    parts: list[pl.Expr] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(pl.lit(template[position : match.start()]))
        parts.append(values[match.group(1)].cast(pl.String).fill_null(""))
        position = match.end()
    parts.append(pl.lit(template[position:]))
    return pl.concat_str(parts)


def search_key_expr(expr: pl.Expr) -> pl.Expr:
    """``lib.text.search_key`` in Polars (lower-case, accents stripped, single spaces)."""
    return (
        expr.str.replace_all("đ", "d", literal=True)
        .str.replace_all("Đ", "D", literal=True)
        .str.normalize("NFD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


@dataclass
class Check:
    """Rows where ``bad`` holds get an error in ``column`` saying ``message``."""

    bad: pl.Expr
    column: str
    message: pl.Expr


def errors_of(frame: pl.DataFrame, checks: Sequence[Check]) -> pl.DataFrame:
    if not checks:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    code = pl.col("code") if "code" in frame.columns else pl.lit(None, dtype=pl.String)
    # One pass to find the checks that fail somewhere: a clean file then costs one scan
    # instead of one filter per check.
    failing = frame.select(
        check.bad.fill_null(False).any().alias(str(i)) for i, check in enumerate(checks)
    ).row(0)
    checks = [check for check, fails in zip(checks, failing, strict=True) if fails]
    if not checks:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    parts = [
        frame.lazy()
        .filter(check.bad.fill_null(False))
        .select(
            pl.col(ROW).alias("row"),
            pl.lit(check.column).alias("column"),
            code.alias("household"),
            check.message.alias("message"),
        )
        for check in checks
    ]
    return pl.concat(parts).collect().cast(ERROR_SCHEMA)


def mapped(
    frame: pl.DataFrame, key: str, parse: Callable[[str], tuple[Any, str | None]], dtype: Any
) -> tuple[pl.Expr, pl.Expr]:
    """Parse a column once per distinct value: (typed value, error message or null)."""
    values: dict[str, Any] = {}
    messages: dict[str, str | None] = {}
    for raw in frame[key].drop_nulls().unique().to_list():
        values[raw], messages[raw] = parse(raw)
    typed = pl.col(key).replace_strict(values, default=None, return_dtype=dtype)
    message = pl.col(key).replace_strict(messages, default=None, return_dtype=pl.String)
    return typed, message
