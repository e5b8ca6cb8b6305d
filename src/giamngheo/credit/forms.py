"""Credit forms: friendly validation of the shapes; the rules live in the services and the
database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.credit.models import Finding, Lender, TurnKind
from giamngheo.lib.idempotency import IdempotentForm
from giamngheo.programmes.models import Programme
from giamngheo.registry.forms import VietnameseDateField
from giamngheo.registry.models import Household, Person
from giamngheo.registry.picker import HouseholdField


def money_field(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=15,
        decimal_places=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
    )


class LoanForm(IdempotentForm):
    programme = forms.ModelChoiceField(
        label=_("Chương trình, chính sách vay"), queryset=Programme.objects.none()
    )
    lender = forms.ChoiceField(label=_("Bên cho vay"), choices=Lender.choices)
    lender_name = forms.CharField(
        label=_("Tên bên cho vay (nếu không phải NHCSXH)"), max_length=200, required=False
    )
    borrower = forms.ModelChoiceField(
        label=_("Người đứng tên vay"), queryset=Person.objects.none(), required=False
    )
    contract_number = forms.CharField(label=_("Số khế ước"), max_length=60, required=False)
    amount = money_field(_("Số tiền vay (đồng)"))
    annual_rate = forms.DecimalField(
        label=_("Lãi suất (%/năm)"), min_value=Decimal(0), max_digits=7, decimal_places=4
    )
    term_months = forms.IntegerField(label=_("Thời hạn (tháng)"), min_value=1, max_value=600)
    instalment_months = forms.IntegerField(
        label=_("Kỳ trả gốc (tháng)"), min_value=1, max_value=600, initial=12
    )
    purpose = forms.CharField(label=_("Mục đích sử dụng vốn"), max_length=300)
    disbursed_on = VietnameseDateField(label=_("Ngày giải ngân"))

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Policies funded by credit (the catalogue's ``funding_sources``), e.g. the VBSP loans.
        programme_field: Any = self.fields["programme"]
        programme_field.queryset = Programme.objects.filter(
            is_deleted=False, funding_sources__contains=["credit"]
        )
        borrower_field: Any = self.fields["borrower"]
        borrower_field.queryset = Person.objects.filter(
            memberships__household=household, memberships__left_on__isnull=True
        )


class RepaymentForm(forms.Form):
    paid_on = VietnameseDateField(label=_("Ngày trả"))
    principal = money_field(_("Tiền gốc (đồng)"))
    interest = money_field(_("Tiền lãi (đồng)"))
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class UseCheckForm(forms.Form):
    checked_on = VietnameseDateField(label=_("Ngày kiểm tra"))
    checker = forms.CharField(label=_("Người kiểm tra"), max_length=200)
    finding = forms.ChoiceField(label=_("Kết luận"), choices=Finding.choices)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up = forms.CharField(
        label=_("Biện pháp tiếp theo"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WriteOffForm(forms.Form):
    written_off_on = VietnameseDateField(label=_("Ngày xóa nợ"))
    reason = forms.CharField(label=_("Lý do xóa nợ"), max_length=300)


class FundForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Xã"), queryset=AdministrativeUnit.objects.none())
    programme = forms.ModelChoiceField(label=_("Chương trình"), queryset=Programme.objects.none())
    name = forms.CharField(label=_("Tên quỹ, mô hình"), max_length=200)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=TurnKind.choices)
    share_percent = forms.DecimalField(
        label=_("Tỷ lệ quay vòng (%)"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
    )
    cycle_months = forms.IntegerField(
        label=_("Chu kỳ quay vòng (tháng)"), min_value=1, max_value=600
    )
    rules_basis = forms.CharField(
        label=_("Căn cứ quy định quay vòng"), max_length=300, required=False
    )
    started_on = VietnameseDateField(label=_("Ngày bắt đầu"))
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, communes: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        commune_field: Any = self.fields["commune"]
        commune_field.queryset = communes
        programme_field: Any = self.fields["programme"]
        programme_field.queryset = Programme.objects.filter(is_deleted=False)


class FundTurnForm(forms.Form):
    # Found with the registry's picker, not by a typed code (issue 11).
    receiver = HouseholdField(label=_("Hộ nhận (do xã chọn)"))
    value = money_field(_("Giá trị (đồng)"))
    description = forms.CharField(label=_("Nội dung (con giống, tiền…)"), max_length=300)
    passed_on = VietnameseDateField(label=_("Ngày chuyển"))
    decision_number = forms.CharField(
        label=_("Số quyết định của xã"), max_length=60, required=False
    )
