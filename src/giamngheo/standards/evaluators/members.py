"""Member evaluators: "at least one member who…" (employment, health insurance, nutrition,
education). Every threshold comes from the pack's parameters."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import ClassVar, cast

import numpy as np

from giamngheo.standards.columns import BoolArray, RawColumns
from giamngheo.standards.evaluators.base import (
    AgeRange,
    Evaluator,
    MemberAnyEvaluator,
    ParamReader,
    Row,
    _codes_in,
    _join,
)
from giamngheo.standards.schema import (
    MEMBER_FIELD_BY_NAME,
    Field,
    Kind,
    Level,
)
from giamngheo.standards.text import Text

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
    ages: AgeRange = AgeRange()  # noqa: RUF009 (AgeRange is a frozen dataclass: immutable)

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
