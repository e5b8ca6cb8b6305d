"""The raw survey schema: the household and member fields that indicator evaluators read.

One household row per household and one member row per person, joined by `household_id`. These
are the answers of the deprivation form (phiếu B2 under Circular 07/2021; phiếu B under Circular
17/2016) reduced to what the evaluators need. The registry stores exactly these fields.

Enumerated values are listed in a fixed order: the vectorised path stores them as small integer
codes (the position in `Field.values`), so the order is part of the contract. Append new values
at the end; never reorder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from giamngheo.standards.text import Text


class Level(StrEnum):
    HOUSEHOLD = "household"
    MEMBER = "member"


class Kind(StrEnum):
    ID = "id"  # text or integer identifier
    BOOL = "bool"  # 0/1 or true/false
    INT = "int"  # whole number >= minimum
    NUMBER = "number"  # decimal number >= minimum
    MONEY = "money"  # whole đồng >= 0
    ENUM = "enum"  # one of `values`


@dataclass(frozen=True)
class Field:
    """One raw survey field."""

    name: str
    level: Level
    kind: Kind
    label: Text
    values: tuple[str, ...] = ()
    value_labels: Mapping[str, Text] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    # For booleans: how a member or household with this answer is described in explanations.
    when_true: Text | None = None
    when_false: Text | None = None
    required: bool = True

    def code_of(self, value: str) -> int:
        """Integer code of an enumerated value (its position in `values`)."""
        return self.values.index(value)


AREA_TYPES: Final = ("rural", "urban")
SEXES: Final = ("male", "female")
EMPLOYMENT_STATUSES: Final = (
    "wage_with_contract",
    "wage_without_contract",
    "self_employed",
    "unemployed",
    "not_working",
)
EDUCATION_LEVELS: Final = (
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational_elementary",
    "vocational_intermediate",
    "college",
    "university",
)
WATER_SOURCES: Final = (
    "piped",
    "drilled_well",
    "protected_dug_well",
    "unprotected_dug_well",
    "protected_spring",
    "unprotected_spring",
    "rainwater",
    "bottled",
    "surface_water",
    "other",
)
LATRINE_TYPES: Final = (
    "septic",
    "semi_septic",
    "pour_flush",
    "ventilated_improved_pit",
    "double_vault",
    "biogas",
    "simple_pit",
    "overhang",
    "none",
    "other",
)

STATUSES: Final = ("poor", "near_poor", "average_living_standard", "not_poor")
STATUS_LABELS: Final[Mapping[str, Text]] = {
    "poor": Text("hộ nghèo", "poor household"),
    "near_poor": Text("hộ cận nghèo", "near-poor household"),
    "average_living_standard": Text(
        "hộ có mức sống trung bình", "average-living-standard household"
    ),
    "not_poor": Text("hộ không nghèo", "not poor"),
}
AREA_LABELS: Final[Mapping[str, Text]] = {
    "rural": Text("nông thôn", "rural"),
    "urban": Text("thành thị", "urban"),
}

_H = Level.HOUSEHOLD
_M = Level.MEMBER


def _labels(pairs: Mapping[str, tuple[str, str]]) -> dict[str, Text]:
    return {key: Text(vi, en) for key, (vi, en) in pairs.items()}


HOUSEHOLD_FIELDS: Final[tuple[Field, ...]] = (
    Field("household_id", _H, Kind.ID, Text("mã hộ", "household identifier")),
    Field(
        "area_type",
        _H,
        Kind.ENUM,
        Text("khu vực cư trú", "area of residence"),
        values=AREA_TYPES,
        value_labels=AREA_LABELS,
    ),
    Field(
        "income",
        _H,
        Kind.MONEY,
        Text("thu nhập bình quân đầu người/tháng (đồng)", "income per person per month (đồng)"),
        minimum=0,
    ),
    Field(
        "wall_durable",
        _H,
        Kind.BOOL,
        Text("tường làm bằng vật liệu bền chắc", "walls of durable materials"),
        when_true=Text("tường bền chắc", "durable walls"),
        when_false=Text("tường không bền chắc", "non-durable walls"),
    ),
    Field(
        "column_durable",
        _H,
        Kind.BOOL,
        Text("cột (khung) làm bằng vật liệu bền chắc", "columns (frame) of durable materials"),
        when_true=Text("cột bền chắc", "durable columns"),
        when_false=Text("cột không bền chắc", "non-durable columns"),
    ),
    Field(
        "roof_durable",
        _H,
        Kind.BOOL,
        Text("mái làm bằng vật liệu bền chắc", "roof of durable materials"),
        when_true=Text("mái bền chắc", "durable roof"),
        when_false=Text("mái không bền chắc", "non-durable roof"),
    ),
    Field(
        "floor_area_m2",
        _H,
        Kind.NUMBER,
        Text("diện tích nhà ở (m²)", "dwelling floor area (m²)"),
        minimum=0,
    ),
    Field(
        "water_source",
        _H,
        Kind.ENUM,
        Text("nguồn nước sinh hoạt chính", "main domestic water source"),
        values=WATER_SOURCES,
        value_labels=_labels(
            {
                "piped": ("nước máy", "piped water"),
                "drilled_well": ("giếng khoan", "drilled well"),
                "protected_dug_well": ("giếng đào được bảo vệ", "protected dug well"),
                "unprotected_dug_well": ("giếng đào không được bảo vệ", "unprotected dug well"),
                "protected_spring": ("nước khe/mó được bảo vệ", "protected spring"),
                "unprotected_spring": ("nước khe/mó không được bảo vệ", "unprotected spring"),
                "rainwater": ("nước mưa", "rainwater"),
                "bottled": ("nước đóng chai, bình", "bottled water"),
                "surface_water": ("nước sông, suối, ao, hồ", "surface water"),
                "other": ("nguồn khác", "other source"),
            }
        ),
    ),
    Field(
        "latrine_type",
        _H,
        Kind.ENUM,
        Text("loại nhà tiêu (hố xí) đang sử dụng", "type of latrine used"),
        values=LATRINE_TYPES,
        value_labels=_labels(
            {
                "septic": ("tự hoại", "septic tank"),
                "semi_septic": ("bán tự hoại", "semi-septic tank"),
                "pour_flush": ("thấm dội nước", "pour-flush"),
                "ventilated_improved_pit": ("chìm có ống thông hơi", "ventilated improved pit"),
                "double_vault": ("hai ngăn", "double-vault"),
                "biogas": ("biogas", "biogas"),
                "simple_pit": ("hố xí đơn giản", "simple pit"),
                "overhang": ("cầu tõm, cầu cá", "overhang latrine"),
                "none": ("không có nhà tiêu", "no latrine"),
                "other": ("loại khác", "other type"),
            }
        ),
    ),
    Field(
        "uses_phone",
        _H,
        Kind.BOOL,
        Text("có thành viên sử dụng thuê bao điện thoại", "a member uses a telephone subscription"),
        when_true=Text("có thành viên dùng điện thoại", "a member uses a telephone"),
        when_false=Text(
            "không thành viên nào dùng thuê bao điện thoại", "no member uses a telephone"
        ),
    ),
    Field(
        "uses_internet",
        _H,
        Kind.BOOL,
        Text("có thành viên sử dụng internet", "a member uses the internet"),
        when_true=Text("có thành viên dùng internet", "a member uses the internet"),
        when_false=Text("không thành viên nào dùng internet", "no member uses the internet"),
    ),
    Field(
        "owns_tv",
        _H,
        Kind.BOOL,
        Text("hộ có tivi", "the household owns a television"),
        when_true=Text("có tivi", "owns a television"),
        when_false=Text("không có tivi", "no television"),
    ),
    Field(
        "owns_radio",
        _H,
        Kind.BOOL,
        Text("hộ có radio", "the household owns a radio"),
        when_true=Text("có radio", "owns a radio"),
        when_false=Text("không có radio", "no radio"),
    ),
    Field(
        "owns_computer",
        _H,
        Kind.BOOL,
        Text(
            "hộ có máy tính (để bàn, xách tay, máy tính bảng)",
            "the household owns a computer (desktop, laptop or tablet)",
        ),
        when_true=Text("có máy tính", "owns a computer"),
        when_false=Text("không có máy tính", "no computer"),
    ),
    Field(
        "owns_phone",
        _H,
        Kind.BOOL,
        Text("hộ có điện thoại", "the household owns a telephone"),
        when_true=Text("có điện thoại", "owns a telephone"),
        when_false=Text("không có điện thoại", "no telephone"),
    ),
    Field(
        "loudspeaker_access",
        _H,
        Kind.BOOL,
        Text(
            "nghe được hệ thống loa đài truyền thanh xã/thôn",
            "can hear the commune/village loudspeaker system",
        ),
        when_true=Text("nghe được loa truyền thanh", "hears the loudspeakers"),
        when_false=Text(
            "không nghe được loa truyền thanh xã/thôn",
            "cannot hear the commune/village loudspeakers",
        ),
    ),
    Field(
        "waste_handled",
        _H,
        Kind.BOOL,
        Text(
            "rác thải sinh hoạt được thu gom hoặc xử lý hợp vệ sinh",
            "domestic waste is collected or treated hygienically",
        ),
        when_true=Text("rác thải được thu gom/xử lý", "waste collected or treated"),
        when_false=Text(
            "rác thải sinh hoạt không được thu gom, xử lý",
            "domestic waste neither collected nor treated",
        ),
    ),
)

MEMBER_FIELDS: Final[tuple[Field, ...]] = (
    Field("household_id", _M, Kind.ID, Text("mã hộ", "household identifier")),
    Field(
        "member_id",
        _M,
        Kind.ID,
        Text("mã thành viên (không bắt buộc)", "member identifier (optional)"),
        required=False,
    ),
    Field(
        "age",
        _M,
        Kind.INT,
        Text("tuổi tròn tại thời điểm rà soát", "age in completed years at the review date"),
        minimum=0,
        maximum=150,
    ),
    Field(
        "sex",
        _M,
        Kind.ENUM,
        Text("giới tính", "sex"),
        values=SEXES,
        value_labels=_labels({"male": ("nam", "male"), "female": ("nữ", "female")}),
    ),
    Field(
        "employment",
        _M,
        Kind.ENUM,
        Text("tình trạng việc làm", "employment status"),
        values=EMPLOYMENT_STATUSES,
        value_labels=_labels(
            {
                "wage_with_contract": (
                    "làm công ăn lương có hợp đồng lao động",
                    "wage work with a labour contract",
                ),
                "wage_without_contract": (
                    "làm công ăn lương không có hợp đồng lao động",
                    "wage work without a labour contract",
                ),
                "self_employed": ("tự làm (kể cả nông nghiệp)", "self-employed (incl. farming)"),
                "unemployed": (
                    "thất nghiệp (muốn làm việc nhưng không tìm được việc)",
                    "unemployed (willing to work but finds no job)",
                ),
                "not_working": (
                    "không tham gia lao động (đi học, nghỉ hưu, nội trợ, mất sức…)",
                    "outside the labour force (studying, retired, homemaker, unable…)",
                ),
            }
        ),
    ),
    Field(
        "receives_social_allowance",
        _M,
        Kind.BOOL,
        Text("hưởng trợ cấp xã hội hằng tháng", "receives a monthly social allowance"),
        when_true=Text("hưởng trợ cấp xã hội hằng tháng", "receives a monthly social allowance"),
        when_false=Text("không hưởng trợ cấp xã hội", "receives no social allowance"),
    ),
    Field(
        "disability",
        _M,
        Kind.BOOL,
        Text("người khuyết tật", "person with a disability"),
        when_true=Text("là người khuyết tật", "has a disability"),
        when_false=Text("không khuyết tật", "no disability"),
    ),
    Field(
        "has_health_insurance",
        _M,
        Kind.BOOL,
        Text("có thẻ bảo hiểm y tế còn hiệu lực", "holds a valid health-insurance card"),
        when_true=Text("có thẻ BHYT", "has health insurance"),
        when_false=Text("không có thẻ BHYT", "has no health insurance"),
    ),
    Field(
        "education",
        _M,
        Kind.ENUM,
        Text("bằng cấp cao nhất đã đạt", "highest completed qualification"),
        values=EDUCATION_LEVELS,
        value_labels=_labels(
            {
                "none": ("chưa tốt nghiệp tiểu học", "no completed level"),
                "primary": ("tốt nghiệp tiểu học", "primary school"),
                "lower_secondary": ("tốt nghiệp trung học cơ sở", "lower secondary school"),
                "upper_secondary": ("tốt nghiệp trung học phổ thông", "upper secondary school"),
                "vocational_elementary": ("chứng chỉ sơ cấp nghề", "elementary vocational"),
                "vocational_intermediate": ("trung cấp", "intermediate vocational"),
                "college": ("cao đẳng", "college"),
                "university": ("đại học trở lên", "university or higher"),
            }
        ),
    ),
    Field(
        "studying",
        _M,
        Kind.BOOL,
        Text("đang đi học hoặc đang tham gia đào tạo", "currently in school or training"),
        when_true=Text("đang đi học", "in school or training"),
        when_false=Text("không đi học", "not in school or training"),
    ),
    Field(
        "attends_age_appropriate",
        _M,
        Kind.BOOL,
        Text(
            "đang học đúng bậc, cấp học phù hợp với độ tuổi",
            "attends the school level appropriate for their age",
        ),
        when_true=Text("học đúng cấp học theo độ tuổi", "attends the right level for their age"),
        when_false=Text(
            "không được học đúng bậc, cấp học phù hợp với độ tuổi",
            "does not attend the school level for their age",
        ),
    ),
    Field(
        "on_the_job_training",
        _M,
        Kind.BOOL,
        Text(
            "được doanh nghiệp tuyển dụng và chứng nhận đào tạo nghề tại chỗ",
            "hired and certified in on-the-job training by an employer",
        ),
        when_true=Text("có chứng nhận đào tạo nghề tại chỗ", "certified on-the-job training"),
        when_false=Text("không có chứng nhận đào tạo tại chỗ", "no on-the-job certificate"),
    ),
    Field(
        "stunted",
        _M,
        Kind.BOOL,
        Text("suy dinh dưỡng chiều cao theo tuổi", "stunted (low height for age)"),
        when_true=Text("suy dinh dưỡng chiều cao theo tuổi", "stunted"),
        when_false=Text("không thấp còi", "not stunted"),
    ),
    Field(
        "underweight",
        _M,
        Kind.BOOL,
        Text("suy dinh dưỡng cân nặng theo tuổi", "underweight (low weight for age)"),
        when_true=Text("suy dinh dưỡng cân nặng theo tuổi", "underweight"),
        when_false=Text("không nhẹ cân", "not underweight"),
    ),
    Field(
        "ill_untreated",
        _M,
        Kind.BOOL,
        Text(
            "ốm đau (nằm một chỗ, cần người chăm sóc hoặc bỏ làm, bỏ học) mà không đi khám chữa",
            "was ill (bedridden, needing care or missing work/school) and sought no treatment",
        ),
        when_true=Text("ốm đau nhưng không đi khám chữa bệnh", "ill and sought no treatment"),
        when_false=Text("không có ốm đau bỏ chữa", "no untreated illness"),
    ),
)

HOUSEHOLD_FIELD_BY_NAME: Final[Mapping[str, Field]] = {f.name: f for f in HOUSEHOLD_FIELDS}
MEMBER_FIELD_BY_NAME: Final[Mapping[str, Field]] = {f.name: f for f in MEMBER_FIELDS}

# Columns of the "flags" input (one 0/1 column per indicator plus these).
FLAG_INPUT_COLUMNS: Final = ("household_id", "area_type", "income")


def household_field(name: str) -> Field:
    return HOUSEHOLD_FIELD_BY_NAME[name]


def member_field(name: str) -> Field:
    return MEMBER_FIELD_BY_NAME[name]
