"""The evaluators' common ground: explanation pieces, parameter reading, age ranges, base classes.

See `giamngheo.standards.evaluators` for what an evaluator is.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, cast

import numpy as np
from numpy.typing import NDArray

from giamngheo.standards.columns import BoolArray, RawColumns
from giamngheo.standards.schema import (
    HOUSEHOLD_FIELD_BY_NAME,
    MEMBER_FIELD_BY_NAME,
    Field,
    Kind,
    Level,
)
from giamngheo.standards.text import Text
from giamngheo.standards.toml_lines import KeyPath

Row = Mapping[str, object]
ParamIssue = tuple[KeyPath, str]


# -- explanation pieces ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    """The member or household fact that made an indicator deprived."""

    fact: Text
    member_position: int | None = None  # 1-based position of the member in the household
    member_id: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"vi": self.fact.vi, "en": self.fact.en}
        if self.member_position is not None:
            out["member"] = self.member_position
        if self.member_id is not None:
            out["member_id"] = self.member_id
        return out


def _member_prefix(position: int, member: Row) -> Text:
    member_id = member.get("member_id")
    ident_vi = f" (mã {member_id})" if member_id not in (None, "") else ""
    ident_en = f" (id {member_id})" if member_id not in (None, "") else ""
    age = member.get("age")
    return Text(
        f"thành viên #{position}{ident_vi}, {age} tuổi",
        f"member #{position}{ident_en}, aged {age}",
    )


def _member_id(member: Row) -> str | None:
    value = member.get("member_id")
    return None if value in (None, "") else str(value)


def _join(texts: Sequence[Text], vi_last: str, en_last: str) -> Text:
    if not texts:
        return Text("", "")
    if len(texts) == 1:
        return texts[0]
    vi = ", ".join(t.vi for t in texts[:-1]) + f" {vi_last} " + texts[-1].vi
    en = ", ".join(t.en for t in texts[:-1]) + f" {en_last} " + texts[-1].en
    return Text(vi, en)


# -- parameter reading ---------------------------------------------------------------------------


class ParamReader:
    """Reads an evaluator's parameters from a pack, collecting every mistake with its key path."""

    def __init__(self, params: Mapping[str, object], path: KeyPath) -> None:
        self.params = params
        self.path = path
        self.issues: list[ParamIssue] = []
        self._used: set[str] = set()

    def issue(self, name: str | None, message: str) -> None:
        self.issues.append(((*self.path, name) if name else self.path, message))

    def _get(self, name: str, required: bool) -> object | None:
        self._used.add(name)
        if name not in self.params:
            if required:
                self.issue(None, f"missing parameter {name!r}")
            return None
        return self.params[name]

    def age(self, name: str, *, required: bool = True) -> int | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 150:
            self.issue(name, f"must be a whole number of years from 0 to 150, got {value!r}")
            return None
        return value

    def count(self, name: str, *, minimum: int, maximum: int) -> int | None:
        value = self._get(name, True)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            self.issue(name, f"must be a whole number from {minimum} to {maximum}, got {value!r}")
            return None
        return value

    def positive_number(self, name: str) -> float | None:
        value = self._get(name, True)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            self.issue(name, f"must be a number greater than 0, got {value!r}")
            return None
        return float(value)

    def flag(self, name: str, *, default: bool) -> bool:
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.issue(name, f"must be true or false, got {value!r}")
            return default
        return value

    def fraction(self, name: str) -> Fraction | None:
        value = self._get(name, True)
        if value is None:
            return None
        try:
            parsed = parse_exact_fraction(value)
        except ValueError as error:
            self.issue(name, str(error))
            return None
        if not 0 < parsed < 1:
            self.issue(name, f"must lie strictly between 0 and 1, got {value!r}")
            return None
        return parsed

    def field_name(self, name: str, *, level: Level, kind: Kind) -> Field | None:
        value = self._get(name, True)
        if value is None:
            return None
        return self._field(name, value, level, kind)

    def field_names(self, name: str, *, level: Level, kind: Kind) -> tuple[Field, ...]:
        value = self._get(name, True)
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.issue(name, f"must be a non-empty list of {level} {kind} fields, got {value!r}")
            return ()
        fields: list[Field] = []
        for index, item in enumerate(value):
            found = self._field(name, item, level, kind, index)
            if found is not None:
                fields.append(found)
        return tuple(fields)

    def _field(
        self, name: str, value: object, level: Level, kind: Kind, index: int | None = None
    ) -> Field | None:
        where: KeyPath = (*self.path, name) if index is None else (*self.path, name, index)
        table = HOUSEHOLD_FIELD_BY_NAME if level is Level.HOUSEHOLD else MEMBER_FIELD_BY_NAME
        field = table.get(value) if isinstance(value, str) else None
        if field is None or field.kind is not kind:
            allowed = ", ".join(f.name for f in table.values() if f.kind is kind)
            self.issues.append((where, f"{value!r} is not a {level} {kind} field ({allowed})"))
            return None
        return field

    def values_of(self, name: str, field: Field | None) -> tuple[str, ...]:
        value = self._get(name, True)
        if value is None or field is None:
            return ()
        if not isinstance(value, list) or not value:
            self.issue(name, f"must be a non-empty list of values of {field.name}, got {value!r}")
            return ()
        out: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or item not in field.values:
                self.issues.append(
                    (
                        (*self.path, name, index),
                        f"{item!r} is not a value of {field.name} ({', '.join(field.values)})",
                    )
                )
            elif item in out:
                self.issues.append(((*self.path, name, index), f"{item!r} is listed twice"))
            else:
                out.append(item)
        return tuple(out)

    def tables(self, name: str) -> list[ParamReader]:
        value = self._get(name, True)
        if value is None:
            return []
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            self.issue(name, "must be a non-empty array of tables")
            return []
        return [
            ParamReader(cast(Mapping[str, object], item), (*self.path, name, index))
            for index, item in enumerate(value)
        ]

    def finish(self) -> list[ParamIssue]:
        for name in self.params:
            if name not in self._used:
                self.issue(name, "unknown parameter for this evaluator")
        return self.issues


def parse_exact_fraction(value: object) -> Fraction:
    """'1/6' -> Fraction(1, 6); '0.25' -> Fraction(1, 4); 1 -> Fraction(1). Floats are refused:
    a binary float such as 0.1 is not the decimal it was written as."""
    if isinstance(value, bool):
        raise ValueError(f'must be a fraction such as "1/2", got {value!r}')
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                numerator, denominator = text.split("/", 1)
                if not numerator.strip().lstrip("-").isdigit():
                    raise ValueError(text)
                if not denominator.strip().isdigit():
                    raise ValueError(text)
                if int(denominator) == 0:
                    raise ZeroDivisionError(text)
                return Fraction(int(numerator), int(denominator))
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            pass
    raise ValueError(f'must be a fraction written as text, such as "1/2" or "0.5"; got {value!r}')


# -- age ranges ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeRange:
    """Ages `from_age <= age < below` (integer ages); `below` may depend on sex."""

    from_age: int | None = None
    below: int | None = None
    below_male: int | None = None
    below_female: int | None = None

    @classmethod
    def read(cls, reader: ParamReader) -> AgeRange:
        age_range = cls(
            from_age=reader.age("age_from", required=False),
            below=reader.age("age_below", required=False),
            below_male=reader.age("age_below_male", required=False),
            below_female=reader.age("age_below_female", required=False),
        )
        if (age_range.below_male is None) != (age_range.below_female is None):
            reader.issue(None, "give both age_below_male and age_below_female, or neither")
        if age_range.below is not None and age_range.below_male is not None:
            reader.issue("age_below", "give age_below or age_below_male/female, not both")
        for limit in (age_range.below, age_range.below_male, age_range.below_female):
            if limit is not None and age_range.from_age is not None and limit <= age_range.from_age:
                reader.issue(None, "the upper age limit must be greater than age_from")
                break
        return age_range

    @property
    def bounded(self) -> bool:
        return self.from_age is not None or self.below is not None or self.by_sex

    @property
    def by_sex(self) -> bool:
        return self.below_male is not None

    def fields(self) -> tuple[str, ...]:
        return ("age", "sex") if self.by_sex else ("age",)

    def contains(self, member: Row) -> bool:
        age = cast(int, member["age"])
        if self.from_age is not None and age < self.from_age:
            return False
        if self.by_sex:
            limit = self.below_male if member["sex"] == "male" else self.below_female
            return age < cast(int, limit)
        return self.below is None or age < self.below

    def mask(self, cols: RawColumns) -> BoolArray | None:
        """Members within the range, or None when the range is unbounded."""
        age = cols.members["age"]
        mask: BoolArray | None = None
        if self.from_age is not None:
            mask = age >= self.from_age
        upper: BoolArray | None = None
        if self.by_sex:
            male = cols.members["sex"] == MEMBER_FIELD_BY_NAME["sex"].code_of("male")
            upper = np.where(
                male, age < cast(int, self.below_male), age < cast(int, self.below_female)
            )
        elif self.below is not None:
            upper = age < self.below
        if upper is not None:
            mask = upper if mask is None else mask & upper
        return mask

    def describe(self) -> Text:
        start = self.from_age
        if self.by_sex:
            male, female = self.below_male, self.below_female
            vi = f"dưới {male} tuổi (nam), dưới {female} tuổi (nữ)"
            en = f"under {male} (men) or under {female} (women)"
            if start is not None:
                return Text(f"từ {start} tuổi đến {vi}", f"aged {start} and over but {en}")
            return Text(vi, en)
        if start is not None and self.below is not None:
            return Text(
                f"từ {start} đến dưới {self.below} tuổi", f"aged {start} to under {self.below}"
            )
        if start is not None:
            return Text(f"từ {start} tuổi trở lên", f"aged {start} and over")
        if self.below is not None:
            return Text(f"dưới {self.below} tuổi", f"under {self.below}")
        return Text("ở mọi độ tuổi", "of any age")


# -- evaluator base classes ----------------------------------------------------------------------


class Evaluator(ABC):
    """A named rule that decides one indicator from raw survey data."""

    name: ClassVar[str]
    summary: ClassVar[Text]

    @classmethod
    @abstractmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        """Build from pack parameters; mistakes are recorded in `reader`."""

    @abstractmethod
    def household_fields(self) -> tuple[str, ...]:
        """Household-level raw fields this evaluator reads."""

    @abstractmethod
    def member_fields(self) -> tuple[str, ...]:
        """Member-level raw fields this evaluator reads."""

    @abstractmethod
    def threshold(self) -> Text:
        """The deprivation threshold in words, with the pack's parameter values."""

    @abstractmethod
    def is_deprived(self, household: Row, members: Sequence[Row]) -> bool:
        """Scalar path: decide one household."""

    @abstractmethod
    def causes(self, household: Row, members: Sequence[Row]) -> tuple[Cause, ...]:
        """Scalar path: the facts that make the household deprived (empty if it is not)."""

    @abstractmethod
    def vector(self, cols: RawColumns) -> BoolArray:
        """Vectorised path: one boolean per household."""


class MemberCountEvaluator(Evaluator):
    """An evaluator decided by how many members satisfy a per-member condition; the engine
    counts the conditions of several such evaluators in one pass (`count_members_many`)."""

    @abstractmethod
    def count_mask(self, cols: RawColumns) -> BoolArray:
        """The per-member condition that is counted."""

    @abstractmethod
    def from_count(self, cols: RawColumns, count: NDArray[np.integer[Any]]) -> BoolArray:
        """The household flag given the count of members satisfying `count_mask`."""


class MemberAnyEvaluator(MemberCountEvaluator):
    """Deprived when at least one member matches a condition."""

    ages: AgeRange

    @abstractmethod
    def condition(self, member: Row) -> bool:
        """The member-level condition, age range excluded."""

    @abstractmethod
    def condition_mask(self, cols: RawColumns) -> BoolArray:
        """Vectorised `condition`, age range excluded."""

    @abstractmethod
    def member_fact(self, member: Row) -> Text:
        """What is wrong with a matching member, e.g. 'không có thẻ BHYT'."""

    @abstractmethod
    def condition_text(self) -> Text:
        """The condition in words, e.g. 'không có thẻ BHYT'."""

    def household_fields(self) -> tuple[str, ...]:
        return ()

    def matches(self, member: Row) -> bool:
        return self.ages.contains(member) and self.condition(member)

    def member_mask(self, cols: RawColumns) -> BoolArray:
        condition = self.condition_mask(cols)
        ages = self.ages.mask(cols)
        return condition if ages is None else condition & ages

    def is_deprived(self, household: Row, members: Sequence[Row]) -> bool:
        return any(self.matches(member) for member in members)

    def causes(self, household: Row, members: Sequence[Row]) -> tuple[Cause, ...]:
        found: list[Cause] = []
        for position, member in enumerate(members, start=1):
            if self.matches(member):
                prefix = _member_prefix(position, member)
                fact = self.member_fact(member)
                found.append(
                    Cause(
                        Text(f"{prefix.vi}: {fact.vi}", f"{prefix.en}: {fact.en}"),
                        member_position=position,
                        member_id=_member_id(member),
                    )
                )
        return tuple(found)

    def vector(self, cols: RawColumns) -> BoolArray:
        return cols.any_member(self.member_mask(cols))

    def count_mask(self, cols: RawColumns) -> BoolArray:
        return self.member_mask(cols)

    def from_count(self, cols: RawColumns, count: NDArray[np.integer[Any]]) -> BoolArray:
        result: BoolArray = count != 0
        return result

    def threshold(self) -> Text:
        condition = self.condition_text()
        who = Text("có ít nhất một thành viên", "at least one member")
        if self.ages.bounded:
            ages = self.ages.describe()
            who = Text(f"{who.vi} {ages.vi}", f"{who.en} {ages.en}")
        return Text(f"{who.vi}: {condition.vi}", f"{who.en}: {condition.en}")


def _codes_in(codes: NDArray[Any], field: Field, values: Sequence[str]) -> BoolArray:
    """codes ∈ {code of each value}. Chained comparisons beat np.isin and lookup tables on
    small sets; the shorter of the set and its complement is compared."""
    wanted = {field.code_of(value) for value in values}
    others = [code for code in range(len(field.values)) if code not in wanted]
    negate = len(others) < len(wanted)
    compared = others if negate else sorted(wanted)
    if not compared:
        return np.full(codes.shape[0], not negate, dtype=np.bool_)
    mask: BoolArray = codes == compared[0]
    for code in compared[1:]:
        mask |= codes == code
    if negate:
        np.logical_not(mask, out=mask)
    return mask
