"""Indicator evaluators: named, parameterised rules that decide one deprivation indicator.

A rule pack names an evaluator for each indicator and gives its parameters (ages, the m² threshold,
the clean water sources…). No threshold is written here: every number and list comes from the pack.
Each evaluator has two implementations that must agree exactly:

- `is_deprived` / `causes` on one household given as plain mappings (the scalar path, for forms and
  for explanations), and
- `vector` on `RawColumns` (the vectorised path, for millions of households).

Member-level evaluators of the form "at least one member who…" derive from `MemberAnyEvaluator`;
the engine packs their member masks into bits and aggregates them in a single pass.
"""

from __future__ import annotations

import itertools
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
from giamngheo.standards.text import Text, format_number_en, format_number_vi
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


# -- member evaluators -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnyMemberIn(MemberAnyEvaluator):
    """At least one member (in the age range) whose enumerated `field` is one of `values`."""

    name: ClassVar[str] = "any_member_in"
    summary: ClassVar[Text] = Text(
        "có thành viên (trong độ tuổi) có giá trị thuộc danh sách",
        "a member (in the age range) has one of the listed values",
    )
    field: Field
    values: tuple[str, ...]
    ages: AgeRange

    @classmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        field = reader.field_name("field", level=Level.MEMBER, kind=Kind.ENUM)
        values = reader.values_of("values", field)
        ages = AgeRange.read(reader)
        return cls(field or MEMBER_FIELD_BY_NAME["employment"], values, ages)

    def member_fields(self) -> tuple[str, ...]:
        return (self.field.name, *self.ages.fields())

    def condition(self, member: Row) -> bool:
        return member[self.field.name] in self.values

    def condition_mask(self, cols: RawColumns) -> BoolArray:
        return _codes_in(cols.members[self.field.name], self.field, self.values)

    def member_fact(self, member: Row) -> Text:
        value = cast(str, member[self.field.name])
        return self.field.value_labels[value]

    def condition_text(self) -> Text:
        labels = [self.field.value_labels[v] for v in self.values]
        values = _join(labels, "hoặc", "or")
        return Text(
            f"{self.field.label.vi} là {values.vi}", f"{self.field.label.en} is {values.en}"
        )


@dataclass(frozen=True)
class AnyMemberWith(MemberAnyEvaluator):
    """At least one member (in the age range) for whom any of the boolean `fields` is true."""

    name: ClassVar[str] = "any_member_with"
    summary: ClassVar[Text] = Text(
        "có thành viên (trong độ tuổi) có một trong các tình trạng",
        "a member (in the age range) has one of the listed conditions",
    )
    fields: tuple[Field, ...]
    ages: AgeRange

    @classmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        fields = reader.field_names("fields", level=Level.MEMBER, kind=Kind.BOOL)
        return cls(fields, AgeRange.read(reader))

    def member_fields(self) -> tuple[str, ...]:
        return (*(f.name for f in self.fields), *self.ages.fields())

    def condition(self, member: Row) -> bool:
        return any(member[f.name] for f in self.fields)

    def condition_mask(self, cols: RawColumns) -> BoolArray:
        mask = cols.members[self.fields[0].name].copy()
        for field in self.fields[1:]:
            mask |= cols.members[field.name]
        result: BoolArray = mask
        return result

    def member_fact(self, member: Row) -> Text:
        facts = [cast(Text, f.when_true) for f in self.fields if member[f.name]]
        return _join(facts, "và", "and")

    def condition_text(self) -> Text:
        return _join([cast(Text, f.when_true) for f in self.fields], "hoặc", "or")


@dataclass(frozen=True)
class AnyMemberWithout(MemberAnyEvaluator):
    """At least one member (in the age range) for whom the boolean `field` is false."""

    name: ClassVar[str] = "any_member_without"
    summary: ClassVar[Text] = Text(
        "có thành viên (trong độ tuổi) không có/không đạt",
        "a member (in the age range) lacks the listed attribute",
    )
    field: Field
    ages: AgeRange

    @classmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        field = reader.field_name("field", level=Level.MEMBER, kind=Kind.BOOL)
        return cls(field or MEMBER_FIELD_BY_NAME["has_health_insurance"], AgeRange.read(reader))

    def member_fields(self) -> tuple[str, ...]:
        return (self.field.name, *self.ages.fields())

    def condition(self, member: Row) -> bool:
        return not member[self.field.name]

    def condition_mask(self, cols: RawColumns) -> BoolArray:
        result: BoolArray = ~cols.members[self.field.name]
        return result

    def member_fact(self, member: Row) -> Text:
        return cast(Text, self.field.when_false)

    def condition_text(self) -> Text:
        return cast(Text, self.field.when_false)


@dataclass(frozen=True)
class EducationBand:
    ages: AgeRange
    accepted: tuple[str, ...]


@dataclass(frozen=True)
class EducationBelowAgeLevel(MemberAnyEvaluator):
    """At least one member in an age band who is not studying and has no accepted qualification.

    Each band gives an age range and the qualifications that count for it (e.g. 16 to under 18:
    lower secondary or above; 18 to 30: upper secondary or a vocational certificate). Studying and
    certified on-the-job training count as meeting the band when the pack says so.
    """

    name: ClassVar[str] = "education_below_age_level"
    summary: ClassVar[Text] = Text(
        "có thành viên trong độ tuổi không đi học và chưa đạt trình độ tương ứng",
        "a member in an age band is not studying and lacks the qualification for the band",
    )
    bands: tuple[EducationBand, ...]
    studying_counts: bool
    on_the_job_training_counts: bool
    ages: AgeRange = AgeRange()

    @classmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        education = MEMBER_FIELD_BY_NAME["education"]
        bands: list[EducationBand] = []
        for band_reader in reader.tables("bands"):
            ages = AgeRange.read(band_reader)
            if ages.from_age is None or (ages.below is None and not ages.by_sex):
                band_reader.issue(None, "a band needs age_from and an upper age limit")
            accepted = band_reader.values_of("accepted", education)
            reader.issues.extend(band_reader.finish())
            bands.append(EducationBand(ages, accepted))
        studying = reader.flag("studying_counts", default=True)
        on_the_job = reader.flag("on_the_job_training_counts", default=False)
        return cls(tuple(bands), studying, on_the_job)

    def member_fields(self) -> tuple[str, ...]:
        fields = ["age", "education"]
        if any(band.ages.by_sex for band in self.bands):
            fields.append("sex")
        if self.studying_counts:
            fields.append("studying")
        if self.on_the_job_training_counts:
            fields.append("on_the_job_training")
        return tuple(fields)

    def _band(self, member: Row) -> EducationBand | None:
        for band in self.bands:
            if band.ages.contains(member):
                return band
        return None

    def condition(self, member: Row) -> bool:
        band = self._band(member)
        if band is None:
            return False
        if self.studying_counts and member["studying"]:
            return False
        if self.on_the_job_training_counts and member["on_the_job_training"]:
            return False
        return member["education"] not in band.accepted

    def condition_mask(self, cols: RawColumns) -> BoolArray:
        education = MEMBER_FIELD_BY_NAME["education"]
        codes = cols.members["education"]
        lacking = np.zeros(codes.shape[0], dtype=np.bool_)
        # The first matching band wins; track claimed members only when bands may overlap.
        claimed = None if self._disjoint() else np.zeros(codes.shape[0], dtype=np.bool_)
        for band in self.bands:
            in_band = band.ages.mask(cols)
            if in_band is None:
                in_band = np.ones(codes.shape[0], dtype=np.bool_)
            if claimed is not None:
                in_band &= ~claimed
                claimed |= in_band
            in_band &= ~_codes_in(codes, education, band.accepted)
            lacking |= in_band
        if self.studying_counts:
            lacking &= ~cols.members["studying"]
        if self.on_the_job_training_counts:
            lacking &= ~cols.members["on_the_job_training"]
        return lacking

    def _disjoint(self) -> bool:
        """Whether the bands are plain age ranges that do not overlap."""
        spans: list[tuple[int, int]] = []
        for band in self.bands:
            if band.ages.by_sex or band.ages.from_age is None or band.ages.below is None:
                return False
            spans.append((band.ages.from_age, band.ages.below))
        spans.sort()
        return all(prev[1] <= nxt[0] for prev, nxt in itertools.pairwise(spans))

    def member_fact(self, member: Row) -> Text:
        education = MEMBER_FIELD_BY_NAME["education"]
        level = education.value_labels[cast(str, member["education"])]
        return Text(f"không đi học, trình độ: {level.vi}", f"not studying, education: {level.en}")

    def condition_text(self) -> Text:
        education = MEMBER_FIELD_BY_NAME["education"]
        parts_vi: list[str] = []
        parts_en: list[str] = []
        for band in self.bands:
            ages = band.ages.describe()
            accepted = _join([education.value_labels[v] for v in band.accepted], "hoặc", "or")
            parts_vi.append(f"{ages.vi} chưa đạt {accepted.vi}")
            parts_en.append(f"{ages.en} without {accepted.en}")
        extra_vi = " và không đi học" if self.studying_counts else ""
        extra_en = " and not studying" if self.studying_counts else ""
        if self.on_the_job_training_counts:
            extra_vi += ", không có chứng nhận đào tạo nghề tại chỗ"
            extra_en += ", without certified on-the-job training"
        return Text("; ".join(parts_vi) + extra_vi, "; ".join(parts_en) + extra_en)

    def threshold(self) -> Text:
        condition = self.condition_text()
        return Text(
            f"có ít nhất một thành viên {condition.vi}",
            f"at least one member {condition.en}",
        )


# -- household evaluators built on member counts ---------------------------------------------------


@dataclass(frozen=True)
class DependantShareAbove(MemberCountEvaluator):
    """Dependants make up more than `share` of the members.

    A dependant is a child under `child_age_below`, or a member receiving a monthly social
    allowance who is `elderly_age_from` or older or has a disability. The share is compared
    exactly: dependants × denominator > numerator × size.
    """

    name: ClassVar[str] = "dependant_share_above"
    summary: ClassVar[Text] = Text(
        "tỷ lệ người phụ thuộc trong hộ vượt ngưỡng",
        "the share of dependants in the household exceeds the threshold",
    )
    child_age_below: int
    elderly_age_from: int
    share: Fraction

    @classmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        child = reader.age("child_age_below")
        elderly = reader.age("elderly_age_from")
        share = reader.fraction("share")
        return cls(child or 0, elderly or 0, share or Fraction(1, 2))

    def household_fields(self) -> tuple[str, ...]:
        return ()

    def member_fields(self) -> tuple[str, ...]:
        return ("age", "receives_social_allowance", "disability")

    def is_dependant(self, member: Row) -> bool:
        age = cast(int, member["age"])
        if age < self.child_age_below:
            return True
        return bool(member["receives_social_allowance"]) and (
            age >= self.elderly_age_from or bool(member["disability"])
        )

    def _exceeds(self, dependants: int, size: int) -> bool:
        return dependants * self.share.denominator > self.share.numerator * size

    def is_deprived(self, household: Row, members: Sequence[Row]) -> bool:
        dependants = sum(1 for member in members if self.is_dependant(member))
        return self._exceeds(dependants, len(members))

    def causes(self, household: Row, members: Sequence[Row]) -> tuple[Cause, ...]:
        positions = [i for i, member in enumerate(members, start=1) if self.is_dependant(member)]
        if not self._exceeds(len(positions), len(members)):
            return ()
        listed = ", ".join(f"#{p}" for p in positions)
        return (
            Cause(
                Text(
                    f"{len(positions)}/{len(members)} thành viên là người phụ thuộc ({listed})",
                    f"{len(positions)} of {len(members)} members are dependants ({listed})",
                )
            ),
        )

    def count_mask(self, cols: RawColumns) -> BoolArray:
        age = cols.members["age"]
        dependant: BoolArray = (age < self.child_age_below) | (
            cols.members["receives_social_allowance"]
            & ((age >= self.elderly_age_from) | cols.members["disability"])
        )
        return dependant

    def from_count(self, cols: RawColumns, count: NDArray[np.integer[Any]]) -> BoolArray:
        # Widen before multiplying: the counts may be uint8 and dependants × denominator is not.
        dependants = count.astype(np.int64)
        result: BoolArray = dependants * self.share.denominator > self.share.numerator * cols.size
        return result

    def vector(self, cols: RawColumns) -> BoolArray:
        return self.from_count(cols, cols.count_members(self.count_mask(cols)))

    def threshold(self) -> Text:
        share = f"{self.share.numerator}/{self.share.denominator}"
        return Text(
            f"người phụ thuộc (trẻ em dưới {self.child_age_below} tuổi; người từ "
            f"{self.elderly_age_from} tuổi trở lên hoặc người khuyết tật hưởng trợ cấp xã hội "
            f"hằng tháng) chiếm hơn {share} số thành viên",
            f"dependants (children under {self.child_age_below}; members aged "
            f"{self.elderly_age_from} and over or with a disability who receive a monthly social "
            f"allowance) are more than {share} of the members",
        )


@dataclass(frozen=True)
class FloorAreaPerPersonBelow(Evaluator):
    """Floor area per member strictly below `m2` (area < m2 × members, no division)."""

    name: ClassVar[str] = "floor_area_per_person_below"
    summary: ClassVar[Text] = Text(
        "diện tích nhà ở bình quân đầu người dưới ngưỡng",
        "floor area per person below the threshold",
    )
    m2: float

    @classmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        return cls(reader.positive_number("m2") or 1.0)

    def household_fields(self) -> tuple[str, ...]:
        return ("floor_area_m2",)

    def member_fields(self) -> tuple[str, ...]:
        return ()

    def is_deprived(self, household: Row, members: Sequence[Row]) -> bool:
        return cast(float, household["floor_area_m2"]) < self.m2 * len(members)

    def causes(self, household: Row, members: Sequence[Row]) -> tuple[Cause, ...]:
        if not self.is_deprived(household, members):
            return ()
        area = float(cast(float, household["floor_area_m2"]))
        size = len(members)
        per_person = area / size
        return (
            Cause(
                Text(
                    f"diện tích {format_number_vi(area)} m² cho {size} người = "
                    f"{format_number_vi(round(per_person, 2))} m²/người",
                    f"{format_number_en(area)} m² for {size} people = "
                    f"{format_number_en(round(per_person, 2))} m² per person",
                )
            ),
        )

    def vector(self, cols: RawColumns) -> BoolArray:
        result: BoolArray = cols.households["floor_area_m2"] < self.m2 * cols.size
        return result

    def threshold(self) -> Text:
        return Text(
            f"diện tích nhà ở bình quân đầu người dưới {format_number_vi(self.m2)} m²",
            f"floor area per person under {format_number_en(self.m2)} m²",
        )


# -- household evaluators ------------------------------------------------------------------------


_STRUCTURES = ("wall_durable", "column_durable", "roof_durable")


@dataclass(frozen=True)
class StructuresNonDurable(Evaluator):
    """At least `at_least` of the three main structures (walls, columns, roof) are non-durable."""

    name: ClassVar[str] = "structures_non_durable"
    summary: ClassVar[Text] = Text(
        "nhà có nhiều kết cấu chính làm bằng vật liệu không bền chắc",
        "several main structures of the dwelling are of non-durable materials",
    )
    at_least: int

    @classmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        return cls(reader.count("at_least", minimum=1, maximum=3) or 1)

    def household_fields(self) -> tuple[str, ...]:
        return _STRUCTURES

    def member_fields(self) -> tuple[str, ...]:
        return ()

    def is_deprived(self, household: Row, members: Sequence[Row]) -> bool:
        return sum(1 for name in _STRUCTURES if not household[name]) >= self.at_least

    def causes(self, household: Row, members: Sequence[Row]) -> tuple[Cause, ...]:
        if not self.is_deprived(household, members):
            return ()
        weak = [
            cast(Text, HOUSEHOLD_FIELD_BY_NAME[name].when_false)
            for name in _STRUCTURES
            if not household[name]
        ]
        return (Cause(_join(weak, "và", "and")),)

    def vector(self, cols: RawColumns) -> BoolArray:
        households = cols.households
        non_durable = (
            (~households["wall_durable"]).astype(np.int8)
            + (~households["column_durable"]).astype(np.int8)
            + (~households["roof_durable"]).astype(np.int8)
        )
        result: BoolArray = non_durable >= self.at_least
        return result

    def threshold(self) -> Text:
        return Text(
            f"ít nhất {self.at_least} trong 3 kết cấu chính (tường, cột, mái) làm bằng vật liệu "
            "không bền chắc",
            f"at least {self.at_least} of the 3 main structures (walls, columns, roof) are of "
            "non-durable materials",
        )


@dataclass(frozen=True)
class ValueNotIn(Evaluator):
    """The household's enumerated `field` is not one of the `allowed` values."""

    name: ClassVar[str] = "value_not_in"
    summary: ClassVar[Text] = Text(
        "giá trị của hộ không thuộc danh sách đạt chuẩn",
        "the household's value is not among the accepted ones",
    )
    field: Field
    allowed: tuple[str, ...]

    @classmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        field = reader.field_name("field", level=Level.HOUSEHOLD, kind=Kind.ENUM)
        allowed = reader.values_of("allowed", field)
        return cls(field or HOUSEHOLD_FIELD_BY_NAME["water_source"], allowed)

    def household_fields(self) -> tuple[str, ...]:
        return (self.field.name,)

    def member_fields(self) -> tuple[str, ...]:
        return ()

    def is_deprived(self, household: Row, members: Sequence[Row]) -> bool:
        return household[self.field.name] not in self.allowed

    def causes(self, household: Row, members: Sequence[Row]) -> tuple[Cause, ...]:
        if not self.is_deprived(household, members):
            return ()
        value = self.field.value_labels[cast(str, household[self.field.name])]
        return (
            Cause(Text(f"{self.field.label.vi}: {value.vi}", f"{self.field.label.en}: {value.en}")),
        )

    def vector(self, cols: RawColumns) -> BoolArray:
        result: BoolArray = ~_codes_in(cols.households[self.field.name], self.field, self.allowed)
        return result

    def threshold(self) -> Text:
        allowed = _join([self.field.value_labels[v] for v in self.allowed], "hoặc", "or")
        return Text(
            f"{self.field.label.vi} không phải: {allowed.vi}",
            f"{self.field.label.en} is none of: {allowed.en}",
        )


@dataclass(frozen=True)
class LacksAll(Evaluator):
    """None of the household's boolean `fields` is true (has none of the listed means)."""

    name: ClassVar[str] = "lacks_all"
    summary: ClassVar[Text] = Text(
        "hộ không có bất kỳ phương tiện/dịch vụ nào trong danh sách",
        "the household has none of the listed means or services",
    )
    fields: tuple[Field, ...]

    @classmethod
    def from_params(cls, reader: ParamReader) -> Evaluator:
        return cls(reader.field_names("fields", level=Level.HOUSEHOLD, kind=Kind.BOOL))

    def household_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def member_fields(self) -> tuple[str, ...]:
        return ()

    def is_deprived(self, household: Row, members: Sequence[Row]) -> bool:
        return not any(household[f.name] for f in self.fields)

    def causes(self, household: Row, members: Sequence[Row]) -> tuple[Cause, ...]:
        if not self.is_deprived(household, members):
            return ()
        return (Cause(_join([cast(Text, f.when_false) for f in self.fields], "và", "and")),)

    def vector(self, cols: RawColumns) -> BoolArray:
        has_any = cols.households[self.fields[0].name].copy()
        for field in self.fields[1:]:
            has_any |= cols.households[field.name]
        result: BoolArray = ~has_any
        return result

    def threshold(self) -> Text:
        facts = _join([cast(Text, f.when_false) for f in self.fields], "và", "and")
        return Text(f"hộ {facts.vi}", f"the household: {facts.en}")


# -- registry ------------------------------------------------------------------------------------


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


EVALUATORS: Mapping[str, type[Evaluator]] = {
    cls.name: cls
    for cls in (
        AnyMemberIn,
        AnyMemberWith,
        AnyMemberWithout,
        EducationBelowAgeLevel,
        DependantShareAbove,
        FloorAreaPerPersonBelow,
        StructuresNonDurable,
        ValueNotIn,
        LacksAll,
    )
}


def build_evaluator(
    name: str, params: Mapping[str, object], path: KeyPath
) -> tuple[Evaluator | None, list[ParamIssue]]:
    """Instantiate evaluator `name` from pack parameters; returns it (or None) and the mistakes."""
    cls = EVALUATORS.get(name)
    if cls is None:
        known = ", ".join(sorted(EVALUATORS))
        return None, [((*path[:-1], "evaluator"), f"unknown evaluator {name!r} (known: {known})")]
    reader = ParamReader(params, path)
    evaluator = cls.from_params(reader)
    issues = reader.finish()
    return (None if issues else evaluator), issues


__all__ = [
    "EVALUATORS",
    "AgeRange",
    "AnyMemberIn",
    "AnyMemberWith",
    "AnyMemberWithout",
    "Cause",
    "DependantShareAbove",
    "EducationBelowAgeLevel",
    "Evaluator",
    "FloorAreaPerPersonBelow",
    "LacksAll",
    "MemberAnyEvaluator",
    "MemberCountEvaluator",
    "ParamReader",
    "StructuresNonDurable",
    "ValueNotIn",
    "build_evaluator",
    "parse_exact_fraction",
]
