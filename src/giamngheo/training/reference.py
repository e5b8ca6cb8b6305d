"""Reference lists of the training app (topics, participant categories, cost item types),
read from ``data/reference.toml``: data, not code, so a province adds a topic without a
release. Labels follow the active language (Vietnamese by default)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA_DIR = Path(__file__).resolve().parent / "data"
NEW_STANDARD = "new_standard"


@dataclass(frozen=True)
class Entry:
    code: str
    vi: str
    en: str
    roster: bool = False
    names_standard: bool = False
    worker_roles: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.en if (get_language() or "vi").startswith("en") else self.vi


@cache
def _lists() -> dict[str, tuple[Entry, ...]]:
    with (DATA_DIR / "reference.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    lists: dict[str, tuple[Entry, ...]] = {}
    for name in ("topics", "categories", "cost_types"):
        entries = tuple(
            Entry(
                code=item["code"],
                vi=item["vi"],
                en=item["en"],
                roster=bool(item.get("roster", False)),
                names_standard=bool(item.get("names_standard", False)),
                worker_roles=tuple(item.get("worker_roles", ())),
            )
            for item in raw[name]
        )
        codes = [entry.code for entry in entries]
        if len(set(codes)) != len(codes):
            raise ValueError(f"duplicate code in {name} of reference.toml")
        lists[name] = entries
    return lists


def topics() -> tuple[Entry, ...]:
    return _lists()["topics"]


def categories() -> tuple[Entry, ...]:
    return _lists()["categories"]


def cost_types() -> tuple[Entry, ...]:
    return _lists()["cost_types"]


def roster_categories() -> frozenset[str]:
    """Categories that make up the poverty-reduction workforce (officers and collaborators)."""
    return frozenset(entry.code for entry in categories() if entry.roster)


def roster_worker_roles() -> frozenset[str]:
    """Roles of the workforce roster whose members make up the coverage denominator."""
    return frozenset(role for entry in categories() if entry.roster for role in entry.worker_roles)


def category_for_worker_role(role: str) -> str:
    """The participant category of a roster member with ``role`` ("other" if none maps)."""
    for entry in categories():
        if role in entry.worker_roles:
            return entry.code
    return "other"


def _label(entries: tuple[Entry, ...], code: str) -> str:
    for entry in entries:
        if entry.code == code:
            return entry.label
    return code


def topic_label(code: str) -> str:
    return _label(topics(), code)


def category_label(code: str) -> str:
    return _label(categories(), code)


def cost_type_label(code: str) -> str:
    return _label(cost_types(), code)


# Callables for model and form choices (Django evaluates them when it needs the list, so
# migrations do not change when the data file does).
def topic_choices() -> list[tuple[str, str]]:
    return [(entry.code, entry.label) for entry in topics()]


def category_choices() -> list[tuple[str, str]]:
    return [(entry.code, entry.label) for entry in categories()]


def cost_type_choices() -> list[tuple[str, str]]:
    return [(entry.code, entry.label) for entry in cost_types()]


def topics_vi(codes: list[str]) -> list[str]:
    """Vietnamese topic names whatever the interface language (official documents)."""
    names = {entry.code: entry.vi for entry in topics()}
    return [names.get(code, code) for code in codes]
