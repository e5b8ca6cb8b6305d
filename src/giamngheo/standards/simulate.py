"""What-if: apply another standard to the same households and count the transitions.

E.g. of the households poor under 2022-2025, how many would be poor, near-poor or neither under
2027-2030 — overall and by area (any grouping column).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from giamngheo.standards.classify import Classification
from giamngheo.standards.columns import Array
from giamngheo.standards.schema import STATUSES


@dataclass(frozen=True)
class Transitions:
    """Counts of households by (status under `source`, status under `target`)."""

    source: str
    target: str
    n: int
    matrix: dict[str, dict[str, int]]
    by: str | None = None
    groups: dict[str, dict[str, dict[str, int]]] | None = None

    def changed(self) -> int:
        return self.n - sum(self.matrix[s][s] for s in STATUSES)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "from": self.source,
            "to": self.target,
            "n": self.n,
            "changed": self.changed(),
            "totals": {
                "from": {s: sum(self.matrix[s].values()) for s in STATUSES},
                "to": {t: sum(self.matrix[s][t] for s in STATUSES) for t in STATUSES},
            },
            "transitions": self.matrix,
        }
        if self.groups is not None:
            out["by"] = self.by
            out["groups"] = {
                key: {"n": sum(sum(row.values()) for row in matrix.values()), "transitions": matrix}
                for key, matrix in self.groups.items()
            }
        return out


def _matrix(
    source: np.ndarray[Any, Any], target: np.ndarray[Any, Any]
) -> dict[str, dict[str, int]]:
    size = len(STATUSES)
    counts = np.bincount(source.astype(np.intp) * size + target, minlength=size * size)
    return {
        s: {t: int(counts[i * size + j]) for j, t in enumerate(STATUSES)}
        for i, s in enumerate(STATUSES)
    }


def transitions(
    before: Classification,
    after: Classification,
    *,
    groups: Array | None = None,
    by: str | None = None,
) -> Transitions:
    """Cross-tabulate two classifications of the same households (same order)."""
    if before.n != after.n or not np.array_equal(before.household_ids, after.household_ids):
        raise ValueError("the two classifications must cover the same households in the same order")
    matrix = _matrix(before.status_codes, after.status_codes)
    grouped = None
    if groups is not None:
        grouped = {}
        frame = pl.DataFrame({"g": pl.Series(groups)}).with_row_index("row")
        for label, rows in sorted(
            ((key[0], part["row"].to_numpy()) for key, part in frame.group_by("g")),
            key=lambda item: (item[0] is None, item[0]),
        ):
            grouped[str(label)] = _matrix(before.status_codes[rows], after.status_codes[rows])
    return Transitions(before.standard, after.standard, before.n, matrix, by, grouped)
