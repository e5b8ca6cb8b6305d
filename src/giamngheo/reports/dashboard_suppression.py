"""Small counts of households hidden in public or exported aggregates (rule as data:
``reports/data/suppression.toml``).

Primary suppression: a household count from 1 to threshold - 1 becomes ``<threshold``.
Complementary suppression (so that a hidden cell cannot be recovered by subtraction):

- a table whose rows partition its total (sub-areas): in each column with exactly one hidden
  row, the smallest other visible non-zero row is hidden too ("*"); when the column has no other
  row to hide, the total is hidden;
- a row-wise sum shown next to its parts (``sums``): a row with exactly one hidden part hides the
  sum;
- ratios and measures computed from a hidden count (``Column.of``) are hidden with it.
The passes repeat until nothing changes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from giamngheo.reports.dashboard_tables import Hidden, NumbersTable

RULE_FILE = Path(__file__).resolve().parent / "data" / "suppression.toml"
COMPLEMENT = Hidden("*")


@dataclass(frozen=True)
class Rule:
    threshold: int
    legal_basis: str
    verified: bool

    @property
    def small(self) -> Hidden:
        return Hidden(f"<{self.threshold}")


@cache
def rule() -> Rule:
    with RULE_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    threshold = int(data["threshold"])
    if threshold < 1:
        raise ValueError("suppression threshold must be at least 1")
    return Rule(threshold, str(data["legal_basis"]), bool(data["verified"]))


def _is_small(value: Any, threshold: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold


def suppress(table: NumbersTable, found: Rule | None = None) -> NumbersTable:
    """A copy of ``table`` with small household counts hidden (see the module's rules)."""
    current = found or rule()
    counts = [c.key for c in table.columns if c.kind == "count"]
    rows = [dict(row) for row in table.rows]
    total = None if table.total is None else dict(table.total)
    lines = [*rows, *([total] if total is not None else [])]
    for line in lines:
        for key in counts:
            if _is_small(line.get(key), current.threshold):
                line[key] = current.small
    changed = True
    while changed:
        changed = False
        if table.partition:
            for key in counts:
                hidden = [row for row in rows if isinstance(row.get(key), Hidden)]
                if len(hidden) != 1 or (total is not None and isinstance(total.get(key), Hidden)):
                    continue
                visible = [
                    row
                    for row in rows
                    if isinstance(row.get(key), int) and not isinstance(row.get(key), bool)
                ]
                candidates = [row for row in visible if row[key] > 0] or visible
                if candidates:
                    min(candidates, key=lambda row: row[key])[key] = COMPLEMENT
                elif total is not None:
                    total[key] = COMPLEMENT
                changed = True
        for line in lines:
            for sum_key, parts in table.sums:
                hidden_parts = [p for p in parts if isinstance(line.get(p), Hidden)]
                if len(hidden_parts) == 1 and not isinstance(line.get(sum_key), Hidden):
                    line[sum_key] = COMPLEMENT
                    changed = True
    for line in lines:
        for column in table.columns:
            if column.of and isinstance(line.get(column.of), Hidden):
                line[column.key] = line[column.of]
    return table.with_rows(rows, total)
