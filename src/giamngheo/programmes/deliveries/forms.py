"""The deliveries' forms: one support for a household, a health-insurance card, the bulk entry
from a list of households, and the delivery sheet upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from giamngheo.lib import clock, uploads
from giamngheo.programmes.deliveries import selectors
from giamngheo.programmes.models import FundingSource, Programme, SupportKind
from giamngheo.registry.models import Household, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Programme) -> str:
        return f"{obj.code} · {obj.name}"


class SupportFields(forms.Form):
    programme = ProgrammeChoice(
        label=_("Chương trình, chính sách"), queryset=Programme.objects.none()
    )
    support_kind = forms.ChoiceField(label=_("Hình thức"), choices=SupportKind.choices)
    description = forms.CharField(label=_("Nội dung"), max_length=500, required=False)
    quantity = forms.DecimalField(
        label=_("Số lượng"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=40, required=False)
    amount = forms.DecimalField(
        label=_("Thành tiền (đồng)"), required=False, min_value=0, max_digits=16, decimal_places=0
    )
    delivered_on = forms.DateField(label=_("Ngày hỗ trợ"), widget=DATE)
    funding_source = forms.ChoiceField(label=_("Nguồn vốn"), choices=FundingSource.choices)
    delivered_by = forms.CharField(label=_("Đơn vị, người cấp"), max_length=200, required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = selectors.programmes()  # type: ignore[attr-defined]
        self.initial.setdefault("delivered_on", clock.today())

    def support(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            key: data[key] if data[key] is not None else None
            for key in (
                "programme",
                "support_kind",
                "description",
                "quantity",
                "unit",
                "amount",
                "delivered_on",
                "funding_source",
                "delivered_by",
                "decision_number",
            )
        }


class SupportForm(SupportFields):
    person = forms.ModelChoiceField(
        label=_("Người nhận (để trống: cả hộ)"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args: Any, members: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members  # type: ignore[attr-defined]


class CardForm(forms.Form):
    programme = ProgrammeChoice(
        label=_("Chương trình, chính sách"), queryset=Programme.objects.none()
    )
    person = forms.ModelChoiceField(label=_("Người được cấp thẻ"), queryset=Person.objects.none())
    card_number = forms.CharField(label=_("Mã số thẻ bảo hiểm y tế"), max_length=30)
    valid_from = forms.DateField(label=_("Giá trị sử dụng từ ngày"), widget=DATE)
    valid_to = forms.DateField(label=_("Đến ngày"), widget=DATE)
    issued_by = forms.CharField(label=_("Nơi cấp"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Số tiền hỗ trợ đóng (đồng)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=0,
    )
    delivered_on = forms.DateField(label=_("Ngày giao thẻ"), widget=DATE)
    funding_source = forms.ChoiceField(label=_("Nguồn vốn"), choices=FundingSource.choices)
    delivered_by = forms.CharField(label=_("Đơn vị, người cấp"), max_length=200, required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args: Any, members: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = selectors.programmes()  # type: ignore[attr-defined]
        self.fields["person"].queryset = members  # type: ignore[attr-defined]
        self.initial.setdefault("delivered_on", clock.today())


class HouseholdChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Household) -> str:
        status = obj.get_status_display() if obj.status else ""
        return f"{obj.code} · {obj.head_name}" + (f" ({status})" if status else "")


class BulkForm(SupportFields):
    households = HouseholdChoice(
        label=_("Các hộ nhận (mỗi hộ một khoản)"),
        queryset=Household.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    programme = ProgrammeChoice(
        label=_("Chương trình (cho các dòng để trống mã chương trình)"),
        queryset=Programme.objects.none(),
        required=False,
    )
    file = forms.FileField(
        label=_("Tệp danh sách cấp phát (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = selectors.programmes()  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        uploads.validate_table_upload(upload)  # size and what the file really is
        return upload
