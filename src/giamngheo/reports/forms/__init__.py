"""The official report forms as data: one TOML file per form in this folder.

A form file says the form's ``code`` (the CLI's ``--form``), its ``marker`` ("Biểu số 01"),
``title``, ``legal_basis``, ``verified`` (false: the official columns of Thông tư 07/2021 Phụ
lục VII Mẫu 7.x were not seen, ``shared/domain/report_forms.md``), ``source``, the ``levels`` it
is made at (``province``: one row per commune; ``commune``: one row per village), an optional
row ``split`` (``["households", "people"]``: each area has a "Hộ" and a "Nhân khẩu" row) and
the header tree ``columns``: groups (``heading`` + ``children``) and leaf columns (``heading``,
``number`` as printed in the numbering row, ``value``: an expression over measure keys of
``reports.measures``, optional ``people_value`` for the "Nhân khẩu" row, optional ``kind``).

Expressions: a measure key (``poor``), a sum or difference of keys and integers
(``poor.escaped_to_near_poor + poor.escaped_above``), or a rate ``rate(a, b)`` = a/b·100 rounded
half-up to two decimals, exact (``Decimal``; empty when b is 0). In the "Nhân khẩu" row every key
``k`` reads ``k.people`` (``households`` reads ``people``) unless ``people_value`` is given.

A changed form is an edit of its file; :func:`load_forms` validates every file and names the
file and the place of any error.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

FORMS_DIR = Path(__file__).resolve().parent
LEVELS = ("province", "commune")
SPLITS = ("households", "people")
KINDS = ("count", "rate")
_KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)*$")
_TOKEN = re.compile(r"\s*(?:(\d+)|([a-z_][a-z0-9_.]*)|([+-]))")
TWO_PLACES = Decimal("0.01")


class FormError(ValueError):
    """A form file is invalid; the message names the file and the place."""


@dataclass(frozen=True)
class Expr:
    """A parsed value: ``terms`` (sign, key or int) summed, or a rate of two sums."""

    terms: tuple[tuple[int, str | int], ...]
    over: tuple[tuple[int, str | int], ...] | None = None  # a rate's denominator

    @property
    def is_rate(self) -> bool:
        return self.over is not None

    def keys(self) -> list[str]:
        both = list(self.terms) + list(self.over or ())
        return [term for _sign, term in both if isinstance(term, str)]

    def for_people(self) -> Expr:
        def convert(terms: tuple[tuple[int, str | int], ...]) -> tuple[tuple[int, str | int], ...]:
            return tuple((s, _people_key(t) if isinstance(t, str) else t) for s, t in terms)

        return Expr(convert(self.terms), None if self.over is None else convert(self.over))

    def evaluate(self, figures: Mapping[str, int]) -> int | Decimal | None:
        top = _sum(self.terms, figures)
        if self.over is None:
            return top
        bottom = _sum(self.over, figures)
        if bottom == 0:
            return None
        return (Decimal(top) * 100 / Decimal(bottom)).quantize(TWO_PLACES, ROUND_HALF_UP)


def _people_key(key: str) -> str:
    if key == "households":
        return "people"
    return key if key == "people" or key.endswith(".people") else f"{key}.people"


def _sum(terms: tuple[tuple[int, str | int], ...], figures: Mapping[str, int]) -> int:
    total = 0
    for sign, term in terms:
        total += sign * (term if isinstance(term, int) else int(figures.get(term, 0)))
    return total


def _parse_sum(text: str, where: str) -> tuple[tuple[int, str | int], ...]:
    terms: list[tuple[int, str | int]] = []
    position, sign, expect_term = 0, 1, True
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise FormError(f"{where}: cannot read {text[position:]!r} in {text!r}")
        number, key, operator = match.groups()
        position = match.end()
        if operator:
            if expect_term:
                raise FormError(f"{where}: two operators in a row in {text!r}")
            sign, expect_term = (1 if operator == "+" else -1), True
            continue
        if not expect_term:
            raise FormError(f"{where}: missing + or - in {text!r}")
        if key is not None and not _KEY.match(key):
            raise FormError(f"{where}: {key!r} is not a measure key")
        terms.append((sign, int(number) if number else str(key)))
        sign, expect_term = 1, False
    if not terms or expect_term:
        raise FormError(f"{where}: incomplete expression {text!r}")
    return tuple(terms)


def parse_expr(text: str, where: str = "value") -> Expr:
    text = text.strip()
    if text.startswith("rate(") and text.endswith(")"):
        inner = text[5:-1]
        if inner.count(",") != 1:
            raise FormError(f"{where}: rate(a, b) takes two expressions: {text!r}")
        top, bottom = inner.split(",")
        return Expr(_parse_sum(top, where), _parse_sum(bottom, where))
    if "(" in text or ")" in text or "," in text:
        raise FormError(f"{where}: only sums of keys or rate(a, b) are allowed: {text!r}")
    return Expr(_parse_sum(text, where))


@dataclass(frozen=True)
class FormColumn:
    heading: str
    number: str
    value: Expr
    people_value: Expr
    kind: str


@dataclass(frozen=True)
class FormGroup:
    heading: str
    children: tuple[FormGroup | FormColumn, ...]


@dataclass(frozen=True)
class FormDef:
    code: str
    marker: str
    title: str
    legal_basis: str
    verified: bool
    source: str
    levels: tuple[str, ...]
    split: tuple[str, ...]
    unit_line: str
    subtitle: str
    header: tuple[FormGroup | FormColumn, ...]
    path: str
    order: int

    def columns(self) -> list[FormColumn]:
        out: list[FormColumn] = []

        def walk(nodes: tuple[FormGroup | FormColumn, ...]) -> None:
            for node in nodes:
                if isinstance(node, FormColumn):
                    out.append(node)
                else:
                    walk(node.children)

        walk(self.header)
        return out


def _text(data: Mapping[str, Any], name: str, where: str, *, required: bool = True) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise FormError(f"{where}: {name!r} must be text")
    if required and not value.strip():
        raise FormError(f"{where}: {name!r} is missing")
    return value.strip()


def _node(data: Any, where: str) -> FormGroup | FormColumn:
    if not isinstance(data, dict):
        raise FormError(f"{where}: a column must be a table")
    unknown = set(data) - {"heading", "number", "value", "people_value", "kind", "children"}
    if unknown:
        raise FormError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    heading = _text(data, "heading", where)
    if "children" in data:
        if "value" in data or "number" in data:
            raise FormError(f"{where}: a group has children, not a value or number")
        children = data["children"]
        if not isinstance(children, list) or not children:
            raise FormError(f"{where}: 'children' must be a non-empty list")
        return FormGroup(
            heading,
            tuple(_node(child, f"{where}.children[{i}]") for i, child in enumerate(children)),
        )
    number = _text(data, "number", where)
    value = parse_expr(_text(data, "value", where), f"{where}.value")
    people = (
        parse_expr(_text(data, "people_value", where), f"{where}.people_value")
        if "people_value" in data
        else value.for_people()
    )
    kind = data.get("kind", "rate" if value.is_rate else "count")
    if kind not in KINDS:
        raise FormError(f"{where}: kind must be one of {', '.join(KINDS)}")
    if (kind == "rate") != value.is_rate:
        raise FormError(f"{where}: kind {kind!r} does not match the value {data['value']!r}")
    return FormColumn(heading, number, value, people, kind)


def parse_form(text: str, path: str, order: int = 0) -> FormDef:
    """One form from the text of its file (``path`` names it in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FormError(f"{path}: not valid TOML: {error}") from error
    known = {
        "code",
        "marker",
        "title",
        "legal_basis",
        "verified",
        "source",
        "levels",
        "split",
        "unit_line",
        "subtitle",
        "columns",
        "order",
    }
    unknown = set(data) - known
    if unknown:
        raise FormError(f"{path}: unknown field(s) {', '.join(sorted(unknown))}")
    code = _text(data, "code", path)
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$", code):
        raise FormError(f"{path}: code {code!r} must be letters, digits, - or _")
    verified = data.get("verified")
    if not isinstance(verified, bool):
        raise FormError(f"{path}: 'verified' must be true or false")
    levels = data.get("levels")
    if not isinstance(levels, list) or not levels or any(lv not in LEVELS for lv in levels):
        raise FormError(f"{path}: 'levels' must list some of {', '.join(LEVELS)}")
    split = data.get("split", [])
    if not isinstance(split, list) or any(s not in SPLITS for s in split):
        raise FormError(f"{path}: 'split' may list {', '.join(SPLITS)}")
    columns = data.get("columns")
    if not isinstance(columns, list) or not columns:
        raise FormError(f"{path}: 'columns' must be a non-empty list of tables")
    header = tuple(_node(column, f"{path}: columns[{i}]") for i, column in enumerate(columns))
    form = FormDef(
        code=code,
        marker=_text(data, "marker", path),
        title=_text(data, "title", path),
        legal_basis=_text(data, "legal_basis", path),
        verified=verified,
        source=_text(data, "source", path, required=False),
        levels=tuple(levels),
        split=tuple(split),
        unit_line=_text(data, "unit_line", path, required=False),
        subtitle=_text(data, "subtitle", path, required=False),
        header=header,
        path=path,
        order=int(data.get("order", order)),
    )
    numbers = [column.number for column in form.columns()]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise FormError(f"{path}: column number(s) used twice: {', '.join(duplicates)}")
    return form


def load_forms(directory: Path | None = None) -> dict[str, FormDef]:
    """Every form of ``directory`` (this folder by default), by code, in their ``order``."""
    folder = directory or FORMS_DIR
    forms: dict[str, FormDef] = {}
    for index, path in enumerate(sorted(folder.glob("*.toml"))):
        form = parse_form(path.read_text(encoding="utf-8"), path.name, index)
        if form.code in forms:
            raise FormError(f"{path.name}: code {form.code!r} also in {forms[form.code].path}")
        forms[form.code] = form
    return dict(sorted(forms.items(), key=lambda item: (item[1].order, item[0])))


@cache
def forms() -> dict[str, FormDef]:
    """The shipped forms, read once per process."""
    return load_forms()
