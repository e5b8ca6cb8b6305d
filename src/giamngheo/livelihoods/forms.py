"""Livelihoods forms: friendly Vietnamese validation; the rules live in the services and the
database."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.livelihoods.models import (
    LivelihoodModel,
    ModelType,
    RepresentativeKind,
    SelfManagedGroup,
    SupportMode,
)
from giamngheo.programmes.models import FundingSource, Programme, SupportKind
from giamngheo.registry.forms import VietnameseDateField
from giamngheo.registry.models import Status
from giamngheo.registry.picker import HouseholdField
from giamngheo.workforce.models import Worker

# Whole đồng, bounded to the columns (15 digits).
MAX_MONEY = 10**14


def money(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=MAX_MONEY,
        decimal_places=0,
        required=required,
        initial=0 if required else None,
    )


class VillagesField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Villages as checkboxes named with their commune: every commune has a "Thôn 1", and a
    provincial officer choosing among hundreds of them cannot tell them apart otherwise."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return f"{obj.name} — {obj.parent.name}" if obj.parent else obj.name


class ModelForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Xã"), queryset=AdministrativeUnit.objects.none())
    code = forms.CharField(label=_("Mã mô hình"), max_length=30)
    name = forms.CharField(label=_("Tên mô hình, dự án"), max_length=300)
    model_type = forms.ChoiceField(label=_("Loại mô hình"), choices=ModelType.choices)
    mode = forms.ChoiceField(label=_("Phương thức hỗ trợ"), choices=SupportMode.choices)
    programme = forms.ModelChoiceField(
        label=_("Chương trình, dự án"), queryset=Programme.objects.none()
    )
    villages = VillagesField(
        label=_("Thôn/tổ dân phố thực hiện"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
    )
    budget_central = money(_("Ngân sách trung ương (đồng)"))
    budget_local = money(_("Ngân sách địa phương (đồng)"))
    budget_counterpart = money(_("Vốn đối ứng của dân (đồng)"))
    budget_credit = money(_("Vốn tín dụng (đồng)"))
    start_date = VietnameseDateField(label=_("Ngày bắt đầu"))
    end_date = VietnameseDateField(label=_("Ngày kết thúc"), required=False)
    group = forms.ModelChoiceField(
        label=_("Tổ nhóm thực hiện (đã được xã công nhận)"),
        queryset=SelfManagedGroup.objects.none(),
        required=False,
    )
    replicated_from = forms.ModelChoiceField(
        label=_("Nhân rộng từ mô hình"), queryset=LivelihoodModel.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(
        self,
        *args: Any,
        communes: QuerySet[AdministrativeUnit],
        villages: QuerySet[AdministrativeUnit],
        programmes: QuerySet[Programme],
        groups: QuerySet[SelfManagedGroup],
        models: QuerySet[LivelihoodModel],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        self.fields["villages"].queryset = villages  # type: ignore[attr-defined]
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["replicated_from"].queryset = models  # type: ignore[attr-defined]


class ParticipantForm(forms.Form):
    household = HouseholdField(label=_("Hộ tham gia"))
    joined_on = VietnameseDateField(label=_("Ngày tham gia"))
    income_before = money(_("Thu nhập bình quân đầu người/tháng trước khi tham gia (đồng)"))


class InputForm(forms.Form):
    support_kind = forms.ChoiceField(
        label=_("Hình thức"), choices=SupportKind.choices, initial=SupportKind.IN_KIND
    )
    description = forms.CharField(label=_("Nội dung (giống, vật tư, dịch vụ)"), max_length=500)
    quantity = forms.DecimalField(
        label=_("Số lượng"), min_value=0, max_value=10**9, decimal_places=2, required=False
    )
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=40, required=False)
    amount = money(_("Thành tiền (đồng)"), required=False)
    delivered_on = VietnameseDateField(label=_("Ngày cấp"))
    funding_source = forms.ChoiceField(label=_("Nguồn vốn"), choices=FundingSource.choices)
    delivered_by = forms.CharField(label=_("Đơn vị, người cấp"), max_length=200, required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)


class OutcomeForm(forms.Form):
    outcome_on = VietnameseDateField(label=_("Ngày đánh giá"))
    income_after = money(_("Thu nhập bình quân đầu người/tháng sau (đồng)"))
    status_after = forms.ChoiceField(
        label=_("Tình trạng của hộ sau khi tham gia"),
        choices=[(value, label) for value, label in Status.choices if value],
    )
    note = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class GroupForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Xã"), queryset=AdministrativeUnit.objects.none())
    code = forms.CharField(label=_("Mã tổ nhóm"), max_length=30)
    name = forms.CharField(label=_("Tên tổ nhóm"), max_length=200)
    villages = VillagesField(
        label=_("Thôn/tổ dân phố"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    representative_kind = forms.ChoiceField(
        label=_("Hình thức đại diện"), choices=RepresentativeKind.choices
    )
    representative_name = forms.CharField(label=_("Tổ chức, người đại diện"), max_length=200)
    leader_name = forms.CharField(label=_("Tổ trưởng"), max_length=200, required=False)
    founded_on = VietnameseDateField(label=_("Ngày thành lập"))
    rules_adopted_on = VietnameseDateField(label=_("Ngày tổ thông qua quy chế"))
    rules = forms.CharField(label=_("Quy chế hoạt động"), widget=forms.Textarea(attrs={"rows": 6}))
    collaborator = forms.ModelChoiceField(
        label=_("Cộng tác viên hỗ trợ thành lập"), queryset=Worker.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        communes: QuerySet[AdministrativeUnit],
        villages: QuerySet[AdministrativeUnit],
        workers: QuerySet[Worker],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        self.fields["villages"].queryset = villages  # type: ignore[attr-defined]
        self.fields["collaborator"].queryset = workers  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    household = HouseholdField(label=_("Hộ thành viên"))
    joined_on = VietnameseDateField(label=_("Ngày tham gia"))
    is_leader = forms.BooleanField(label=_("Là tổ trưởng"), required=False)


class ApprovalForm(forms.Form):
    approved_on = VietnameseDateField(label=_("Ngày xã công nhận"))
    decision_number = forms.CharField(label=_("Số quyết định công nhận"), max_length=100)


class MeetingForm(forms.Form):
    held_on = VietnameseDateField(label=_("Ngày họp"))
    attendance = forms.IntegerField(label=_("Số hộ dự họp"), min_value=0, max_value=100000)
    minutes = forms.CharField(
        label=_("Nội dung biên bản"), widget=forms.Textarea(attrs={"rows": 5})
    )
