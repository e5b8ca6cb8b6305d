"""Households and the people in them.

A ``Person`` belongs to one household at a time through a ``Membership``; moving (marriage,
separation) ends one membership and starts another, so the history stays. Invariants live in
the database: one head per household, one current household per person, a unique personal ID
among active persons, date order.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import DateField, F, Func, Q, Value
from django.db.models.functions import Cast, ExtractYear
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit, AreaKind, VillageScoped
from giamngheo.lib.locking import Versioned
from giamngheo.standards import schema


def _choices(values: tuple[str, ...], field_name: str) -> list[tuple[str, str]]:
    """Choices for an enumerated survey field, labelled from the engine's schema."""
    field = next(f for f in schema.HOUSEHOLD_FIELDS + schema.MEMBER_FIELDS if f.name == field_name)
    return [(v, field.value_labels[v].vi if v in field.value_labels else v) for v in values]


class Status(models.TextChoices):
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    AVERAGE = "average_living_standard", _("Hộ có mức sống trung bình")
    NOT_POOR = "not_poor", _("Hộ không nghèo")
    UNKNOWN = "", _("Chưa xác định")


class PovertyReason(models.TextChoices):
    LAND = "land", _("Thiếu đất sản xuất")
    CAPITAL = "capital", _("Thiếu vốn sản xuất, kinh doanh")
    LABOUR = "labour", _("Thiếu lao động")
    TOOLS = "tools", _("Thiếu công cụ, phương tiện sản xuất")
    KNOWLEDGE = "knowledge", _("Thiếu kiến thức sản xuất")
    SKILLS = "skills", _("Thiếu kỹ năng lao động, sản xuất")
    ILLNESS = "illness", _("Có người ốm đau nặng, tai nạn")
    OTHER = "other", _("Nguyên nhân khác")


class SupportNeed(models.TextChoices):
    HEALTH = "health", _("Y tế")
    EDUCATION = "education", _("Giáo dục, đào tạo nghề")
    PRODUCTION = "production", _("Hỗ trợ sản xuất")
    CREDIT = "credit", _("Tín dụng ưu đãi")
    HOUSING = "housing", _("Nhà ở")
    WATER = "water", _("Nước sinh hoạt, vệ sinh")
    EMPLOYMENT = "employment", _("Việc làm")
    INFORMATION = "information", _("Thông tin")
    OTHER = "other", _("Khác")


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Relation(models.TextChoices):
    HEAD = "head", _("Chủ hộ")
    SPOUSE = "spouse", _("Vợ/chồng")
    CHILD = "child", _("Con")
    PARENT = "parent", _("Bố/mẹ")
    GRANDCHILD = "grandchild", _("Cháu")
    SIBLING = "sibling", _("Anh/chị/em")
    CHILD_IN_LAW = "child_in_law", _("Con dâu/con rể")
    GRANDPARENT = "grandparent", _("Ông/bà")
    OTHER = "other", _("Khác")


class Household(VillageScoped, Versioned):
    code = models.CharField(_("mã hộ"), max_length=30)
    # The one village column with a reverse accessor (``village.households``), as migrated.
    village = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("thôn/tổ dân phố"),
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    head_name = models.CharField(_("chủ hộ"), max_length=200, blank=True)
    area_kind = models.CharField(_("khu vực"), max_length=5, choices=AreaKind.choices)
    area_kind_override_reason = models.CharField(
        _("lý do khác khu vực của địa bàn"), max_length=300, blank=True
    )
    status = models.CharField(
        _("tình trạng"), max_length=30, choices=Status.choices, blank=True, default=""
    )
    status_standard = models.CharField(_("chuẩn áp dụng"), max_length=30, blank=True)
    status_year = models.PositiveSmallIntegerField(_("năm rà soát"), null=True, blank=True)
    is_ethnic_minority = models.BooleanField(_("hộ dân tộc thiểu số"), default=False)
    is_merit_family = models.BooleanField(_("hộ có người có công"), default=False)
    has_social_assistance_member = models.BooleanField(
        _("hộ có thành viên hưởng bảo trợ xã hội"), default=False
    )
    has_no_labour_capacity = models.BooleanField(_("hộ không có khả năng lao động"), default=False)
    poverty_reasons = ArrayField(
        models.CharField(max_length=20, choices=PovertyReason.choices),
        default=list,
        blank=True,
        verbose_name=_("nguyên nhân nghèo"),
    )
    support_needs = ArrayField(
        models.CharField(max_length=20, choices=SupportNeed.choices),
        default=list,
        blank=True,
        verbose_name=_("nhu cầu hỗ trợ"),
    )
    member_count = models.PositiveSmallIntegerField(_("số nhân khẩu"), default=0)
    # Current living conditions: the household-level fields of the engine's raw survey schema
    # (giamngheo.standards.schema); surveys keep their own immutable copy.
    income = models.PositiveBigIntegerField(
        _("thu nhập bình quân đầu người/tháng (đồng)"), null=True, blank=True
    )
    wall_durable = models.BooleanField(_("tường bền chắc"), default=True)
    column_durable = models.BooleanField(_("cột bền chắc"), default=True)
    roof_durable = models.BooleanField(_("mái bền chắc"), default=True)
    floor_area_m2 = models.DecimalField(
        _("diện tích nhà ở (m²)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    water_source = models.CharField(
        _("nguồn nước sinh hoạt"),
        max_length=30,
        choices=_choices(schema.WATER_SOURCES, "water_source"),
        blank=True,
    )
    latrine_type = models.CharField(
        _("loại nhà tiêu"),
        max_length=30,
        choices=_choices(schema.LATRINE_TYPES, "latrine_type"),
        blank=True,
    )
    uses_phone = models.BooleanField(_("có thuê bao điện thoại"), default=True)
    uses_internet = models.BooleanField(_("sử dụng internet"), default=True)
    owns_tv = models.BooleanField(_("có ti vi"), default=False)
    owns_radio = models.BooleanField(_("có radio"), default=False)
    owns_computer = models.BooleanField(_("có máy tính"), default=False)
    owns_phone = models.BooleanField(_("có điện thoại"), default=True)
    loudspeaker_access = models.BooleanField(_("nghe được loa truyền thanh"), default=True)
    waste_handled = models.BooleanField(_("rác thải được thu gom, xử lý"), default=True)
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    # ``version`` (Versioned): optimistic locking of the edit form and of imports.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "code"], name="household_code_per_province"
            ),
            models.CheckConstraint(
                condition=Q(area_kind__in=["urban", "rural"]), name="household_area_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="") | Q(status_year__isnull=False),
                name="household_status_has_year",
            ),
        ]
        indexes = [
            # Province first: the sharding key (see docs/architecture.md).
            models.Index(fields=["province", "commune", "village", "id"]),
            models.Index(fields=["province", "status", "id"]),
            models.Index(fields=["commune", "status", "id"]),
            # A commune's or a village's list, in id order (keyset pagination).
            models.Index(fields=["commune", "id"], name="household_commune_id"),
            models.Index(fields=["village", "id"], name="household_village_id"),
            models.Index(fields=["code"], name="household_code"),
            GinIndex(
                fields=["search_text"], name="household_search_trgm", opclasses=["gin_trgm_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.head_name}" if self.head_name else self.code


class Person(Versioned):
    """``version`` (Versioned): edits of a member's identity and answers are version-checked."""

    full_name = models.CharField(_("họ và tên"), max_length=200)
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    ethnicity = models.CharField(_("dân tộc"), max_length=2, default="01")
    # NULL (not "") when unknown, so the partial unique constraint ignores missing numbers.
    citizen_id = models.CharField(  # noqa: DJ001
        _("số định danh cá nhân"), max_length=12, null=True, blank=True
    )
    is_active = models.BooleanField(_("còn quản lý"), default=True)
    # Set by a recorded death (``life_events.life_event_record``); a deceased person is inactive.
    died_on = models.DateField(_("ngày mất"), null=True, blank=True)
    # Member-level fields of the engine's raw survey schema (current values).
    employment = models.CharField(
        _("việc làm"),
        max_length=30,
        choices=_choices(schema.EMPLOYMENT_STATUSES, "employment"),
        default="not_working",
    )
    receives_social_allowance = models.BooleanField(
        _("hưởng trợ cấp xã hội hằng tháng"), default=False
    )
    disability = models.BooleanField(_("khuyết tật"), default=False)
    has_health_insurance = models.BooleanField(_("có thẻ bảo hiểm y tế"), default=True)
    education = models.CharField(
        _("trình độ học vấn cao nhất"),
        max_length=30,
        choices=_choices(schema.EDUCATION_LEVELS, "education"),
        default="none",
    )
    studying = models.BooleanField(_("đang đi học"), default=False)
    attends_age_appropriate = models.BooleanField(_("học đúng cấp theo tuổi"), default=False)
    on_the_job_training = models.BooleanField(_("được đào tạo tại nơi làm việc"), default=False)
    stunted = models.BooleanField(_("suy dinh dưỡng thấp còi"), default=False)
    underweight = models.BooleanField(_("suy dinh dưỡng nhẹ cân"), default=False)
    ill_untreated = models.BooleanField(_("ốm không đi khám chữa bệnh"), default=False)
    search_name = models.CharField(max_length=200, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        verbose_name=_("đã gộp vào"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nhân khẩu")
        verbose_name_plural = _("nhân khẩu")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=Q(is_active=True) & Q(citizen_id__isnull=False),
                name="person_citizen_id_unique_active",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(is_active=False),
                name="person_merged_is_inactive",
            ),
            models.CheckConstraint(
                condition=Q(citizen_id__isnull=True) | Q(citizen_id__regex=r"^[0-9]{12}$"),
                name="person_citizen_id_12_digits",
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_year=ExtractYear("birth_date")),
                name="person_birth_year_matches_date",
            ),
            models.CheckConstraint(
                condition=Q(died_on__isnull=True) | Q(is_active=False),
                name="person_deceased_is_inactive",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_name"], name="person_search_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["citizen_id"], name="person_citizen_id"),
            models.Index(fields=["search_name", "birth_year"], name="person_name_birth"),
            # The attributes eligibility rules test on members (programmes.eligibility), read
            # from the index alone (no visit of the wide person row) when a preview looks up
            # the members of every eligible household of a province.
            models.Index(
                fields=["id"],
                include=["sex", "birth_date", "birth_year", "disability", "ethnicity"],
                name="person_member_attributes",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Membership(models.Model):
    """A person's stay in a household, with their relation to its head."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField(_("quan hệ với chủ hộ"), max_length=20, choices=Relation.choices)
    is_head = models.BooleanField(_("là chủ hộ"), default=False)
    joined_on = models.DateField(_("từ ngày"), null=True, blank=True)
    left_on = models.DateField(_("đến ngày"), null=True, blank=True)
    leave_reason = models.CharField(_("lý do chuyển đi"), max_length=200, blank=True)
    # The household's main earner ("lao động chính"): their death or departure flags the
    # household for the in-year review (QĐ 24/2021 Art. 5; ``LifeEvent.review_needed``).
    is_main_earner = models.BooleanField(_("lao động chính"), default=False)

    class Meta:
        verbose_name = _("thành viên hộ")
        verbose_name_plural = _("thành viên hộ")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_head=True) & Q(left_on__isnull=True),
                name="membership_one_head_per_household",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current_household",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="membership_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(is_head=False) | Q(relation="head"), name="membership_head_relation"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_main_earner=True) & Q(left_on__isnull=True),
                name="membership_one_main_earner_per_household",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "left_on"]),
            # The current members of a household from the index alone (programmes.eligibility
            # looks them up for every eligible household of an area).
            models.Index(
                fields=["household"],
                include=["person"],
                condition=Q(left_on__isnull=True),
                name="membership_current_members",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.household}"


class LifeEventKind(models.TextChoices):
    DEATH = "death", _("Qua đời")
    DEPARTURE = "departure", _("Chuyển đi")
    BIRTH = "birth", _("Sinh")
    MARRIAGE = "marriage", _("Kết hôn, về ở cùng")
    RETURN = "return", _("Trở về")
    HEAD_CHANGE = "head_change", _("Đổi chủ hộ")


# Kinds that end a stay in the household: only these can flag it for the in-year review.
LEAVING_KINDS = (LifeEventKind.DEATH, LifeEventKind.DEPARTURE)
EARLIEST_EVENT = dt.date(1900, 1, 1)


class LifeEvent(VillageScoped):
    """A change in who lives in a household (death, departure, birth, marriage, return, change
    of head), recorded by ``registry.life_events.life_event_record`` on top of the member
    services; rows are only added, the list is the household's history of members.

    ``review_needed``: the main earner died or left, so the household's situation may have
    changed enough for the in-year review (QĐ 24/2021 Art. 5); the review app reads it (the
    registry does not know the review: layers)."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="life_events", verbose_name=_("hộ")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="life_events", verbose_name=_("người")
    )
    kind = models.CharField(_("loại biến động"), max_length=12, choices=LifeEventKind.choices)
    on = models.DateField(_("ngày"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    # Marriage of a person already in the registry: the household they came from.
    other_household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hộ cũ"),
    )
    review_needed = models.BooleanField(_("cần rà soát trong năm"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biến động nhân khẩu")
        verbose_name_plural = _("biến động nhân khẩu")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LifeEventKind.values), name="life_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(on__gte=EARLIEST_EVENT), name="life_event_date_from_1900"
            ),
            # Not in the future: not after the day it was recorded (the calendar day in Vietnam,
            # PostgreSQL's timezone(zone, timestamptz), immutable).
            models.CheckConstraint(
                condition=Q(
                    on__lte=Cast(
                        Func(Value("Asia/Ho_Chi_Minh"), F("recorded_at"), function="timezone"),
                        DateField(),
                    )
                ),
                name="life_event_not_future",
            ),
            models.CheckConstraint(
                condition=Q(review_needed=False) | Q(kind__in=[k.value for k in LEAVING_KINDS]),
                name="life_event_review_only_when_leaving",
            ),
            models.CheckConstraint(
                condition=Q(other_household__isnull=True) | ~Q(other_household=F("household")),
                name="life_event_other_household_differs",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "on"], name="life_event_household"),
            models.Index(fields=["person", "on"], name="life_event_person"),
            models.Index(
                fields=["province", "commune", "household"],
                condition=Q(review_needed=True),
                name="life_event_review_needed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person} · {self.on:%d/%m/%Y}"


class StatusChange(VillageScoped):
    """A household's status from a date on, with the decision it rests on: the dated history
    that "newly escaped within N months" is measured on (credit: ≤ 3 years off the list, QĐ
    28/2015/QĐ-TTg as amended; the programme: 36 months). Written only by the registry's status
    services, one row per household whose status actually changed."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("hộ")
    )
    previous_status = models.CharField(
        _("tình trạng trước"), max_length=30, choices=Status.choices, blank=True
    )
    status = models.CharField(_("tình trạng"), max_length=30, choices=Status.choices, blank=True)
    standard = models.CharField(_("chuẩn áp dụng"), max_length=30, blank=True)
    year = models.PositiveSmallIntegerField(_("năm rà soát"), null=True, blank=True)
    effective_on = models.DateField(_("từ ngày"))
    basis = models.CharField(_("căn cứ"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử phân loại hộ")
        verbose_name_plural = _("lịch sử phân loại hộ")
        constraints = [
            models.CheckConstraint(
                condition=~Q(previous_status=F("status")), name="status_change_is_a_change"
            ),
        ]
        indexes = [
            models.Index(fields=["household", "effective_on"]),
            # "Left the poor or near-poor list on or after a date" (eligibility).
            models.Index(
                fields=["household", "effective_on"],
                condition=Q(previous_status__in=["poor", "near_poor"])
                & ~Q(status__in=["poor", "near_poor"]),
                name="status_change_escaped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.previous_status} → {self.status} ({self.effective_on})"
