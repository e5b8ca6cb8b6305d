"""Household evaluators: dependants, floor area per person, housing structures, water and
sanitation, information means. Every threshold comes from the pack's parameters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, cast

import numpy as np
from numpy.typing import NDArray

from giamngheo.standards.columns import BoolArray, RawColumns
from giamngheo.standards.evaluators.base import (
    Cause,
    Evaluator,
    MemberCountEvaluator,
    ParamReader,
    Row,
    _codes_in,
    _join,
)
from giamngheo.standards.schema import (
    HOUSEHOLD_FIELD_BY_NAME,
    Field,
    Kind,
    Level,
)
from giamngheo.standards.text import Text, format_number_en, format_number_vi

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
