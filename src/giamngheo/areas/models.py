"""Administrative units: the 34 provinces and 3,321 communes in force since 1 July 2025
(Resolution 202/2025/QH15 and the National Assembly Standing Committee's resolutions on
commune arrangement), and the villages and residential groups that communes create.

Units carry validity dates and links to predecessors so that documents keep the name valid at
their date (``name_on``). Every area-scoped table stores ``province``/``commune``/``village``
foreign keys so that scoping is one indexed filter and sharding by province needs no rewrite.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

STRUCTURE_2025_START = dt.date(2025, 7, 1)


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    COMMUNE = "commune", _("Xã/phường/đặc khu")
    VILLAGE = "village", _("Thôn/tổ dân phố")


class UnitType(models.TextChoices):
    CENTRAL_CITY = "thanh_pho_trung_uong", _("Thành phố trực thuộc trung ương")
    PROVINCE = "tinh", _("Tỉnh")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")
    THON = "thon", _("Thôn")
    AP = "ap", _("Ấp")
    BAN = "ban", _("Bản")
    BUON = "buon", _("Buôn")
    KHOM = "khom", _("Khóm")
    TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")
    PLEI = "plei", _("Plei")
    SOC = "soc", _("Sóc")


VILLAGE_TYPES = frozenset(
    {
        UnitType.THON,
        UnitType.AP,
        UnitType.BAN,
        UnitType.BUON,
        UnitType.KHOM,
        UnitType.TO_DAN_PHO,
        UnitType.PLEI,
        UnitType.SOC,
    }
)


class AreaKind(models.TextChoices):
    """Urban/rural: the poverty lines differ (Decree 07/2021/NĐ-CP Art. 3.1)."""

    URBAN = "urban", _("Thành thị")
    RURAL = "rural", _("Nông thôn")


class AdministrativeUnit(models.Model):
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    unit_type = models.CharField(_("loại đơn vị"), max_length=30, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    province = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area_kind = models.CharField(_("khu vực"), max_length=5, choices=AreaKind.choices, blank=True)
    area_kind_overridden = models.BooleanField(_("khu vực do người dùng đặt"), default=False)
    area_kind_reason = models.CharField(_("lý do đặt khu vực"), max_length=300, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), default=STRUCTURE_2025_START)
    valid_to = models.DateField(_("hết hiệu lực"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        through_fields=("successor", "predecessor"),
        symmetrical=False,
        related_name="successors",
        blank=True,
    )
    search_name = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["parent", "name"]),
            models.Index(fields=["province", "level"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_dates_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(level=Level.PROVINCE) & Q(parent__isnull=True))
                | (~Q(level=Level.PROVINCE) & Q(parent__isnull=False)),
                name="unit_only_provinces_are_roots",
            ),
            models.CheckConstraint(
                condition=~Q(level=Level.PROVINCE) | Q(province__isnull=True),
                name="unit_province_self_null",
            ),
            models.CheckConstraint(
                condition=Q(level=Level.PROVINCE) | Q(area_kind__in=["urban", "rural"]),
                name="unit_area_kind_set_below_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code if self.level == Level.PROVINCE else self.province.code  # type: ignore[union-attr]

    def area_ids(self) -> dict[str, int | None]:
        """The area columns a record about this unit is filed under (its own level and the
        levels above it): how the audit log scopes an event on a unit like the unit's data."""
        if self.level == Level.PROVINCE:
            return {"province_id": self.pk}
        if self.level == Level.COMMUNE:
            return {"province_id": self.province_id, "commune_id": self.pk}
        return {
            "province_id": self.province_id,
            "commune_id": self.parent_id,
            "village_id": self.pk,
        }

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def name_on(self, day: dt.date) -> str:
        """The name this unit (or the predecessor valid then) carried on ``day``."""
        for record in self.names.all():
            if record.valid_from <= day and (record.valid_to is None or day <= record.valid_to):
                return record.name
        return self.name


class UnitName(models.Model):
    """Past names of a unit (renaming keeps the unit, only its name changes)."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_name_valid_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SuccessionKind(models.TextChoices):
    MERGER = "merger", _("Sáp nhập")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")
    TRANSFER = "transfer", _("Điều chỉnh địa giới")


class UnitSuccession(models.Model):
    """``successor`` took over (all or part of) ``predecessor`` on ``effective_on``."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="succession_as_predecessor"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="succession_as_successor"
    )
    kind = models.CharField(max_length=10, choices=SuccessionKind.choices)
    effective_on = models.DateField()
    legal_basis = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unit_succession_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="unit_succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class AreaKindSetting(models.Model):
    """Which area kind a unit type gets by default (đặc khu is configurable)."""

    unit_type = models.CharField(max_length=30, choices=UnitType.choices, unique=True)
    area_kind = models.CharField(max_length=5, choices=AreaKind.choices)
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.unit_type}: {self.area_kind}"


# -- area scope ----------------------------------------------------------------------------------
# The abstract bases of every area-scoped model. Each row carries the keys of the province,
# commune and (where it applies) village it belongs to, so that ``accounts.access.scoped`` is one
# indexed filter and a national deployment can distribute tables by province. The declarations
# are exactly those the migrations already hold: a model whose column differs (a related name,
# a label, a missing index) redeclares only that field, with a comment saying why, because any
# other change here would be a schema migration of about forty tables.


class ProvinceScoped(models.Model):
    """A row of one province."""

    province = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh")
    )

    class Meta:
        abstract = True


class ProvinceOrCommuneScoped(ProvinceScoped):
    """A row of a province (``commune`` NULL: provincial staff, plans and classes) or of one of
    its communes."""

    commune = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã"),
    )

    class Meta:
        abstract = True


class CommuneScoped(ProvinceScoped):
    """A row of one commune (and so of its province)."""

    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã")
    )

    class Meta:
        abstract = True


class VillageScoped(CommuneScoped):
    """A row of one village or residential group (and so of its commune and province)."""

    village = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thôn/tổ dân phố"),
    )

    class Meta:
        abstract = True
