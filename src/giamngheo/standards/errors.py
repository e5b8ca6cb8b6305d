"""Errors of the standards engine.

Two families: `PackError` for rule packs that fail validation (each problem located by file, key
path and line), and `InputError` for household data that cannot be evaluated (located by row and
column). Both carry every problem found, not only the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PackIssue:
    """One mistake in a rule pack file."""

    file: str
    key: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        key = self.key or "(file)"
        return f"{where}: {key}: {self.message}"


class PackError(Exception):
    """A rule pack could not be loaded; `issues` lists every mistake found."""

    def __init__(self, issues: Sequence[PackIssue]) -> None:
        self.issues: tuple[PackIssue, ...] = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class UnknownStandardError(LookupError):
    """No pack with the requested code exists in the searched directories."""

    def __init__(self, code: str, known: Sequence[str]) -> None:
        self.code = code
        self.known = tuple(known)
        super().__init__(f"unknown standard {code!r}; known: {', '.join(self.known) or '(none)'}")


@dataclass(frozen=True)
class InputProblem:
    """One problem in input data. `row` is 1-based over data rows (the header is not counted)."""

    message: str
    row: int | None = None
    column: str | None = None
    file: str | None = None
    household_id: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            row = f"row {self.row}"
            if self.household_id is not None:
                row += f" (household_id={self.household_id})"
            parts.append(row)
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputError(ValueError):
    """Input data cannot be evaluated; `problems` lists what is wrong and where."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def single(
        cls,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        file: str | None = None,
        household_id: str | None = None,
    ) -> InputError:
        return cls([InputProblem(message, row, column, file, household_id)])
