"""Forms of the programmes pages (validation of shapes only: the services decide)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.programmes.models import FundingSource
from giamngheo.registry.picker import HouseholdField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET)


class PreviewForm(forms.Form):
    area = forms.ChoiceField(label=_("Địa bàn"))
    on = _date(_("Ngày xét"))

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class ListForm(PreviewForm):
    period_start = _date(_("Từ ngày"))
    period_end = _date(_("Đến ngày"))
    title = forms.CharField(label=_("Tên danh sách"), max_length=300, required=False)

    field_order = ["area", "period_start", "period_end", "on", "title"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].required = False
        self.fields["on"].help_text = _("Để trống: ngày bắt đầu của kỳ.")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea)


class AddForm(ReasonForm):
    # Found with the registry's picker, not by a typed code (issue 11).
    household = HouseholdField(label=_("Hộ"))
    field_order = ["household", "reason"]


class PostForm(forms.Form):
    posted_on = _date(_("Ngày niêm yết"))
    posted_until = _date(_("Niêm yết đến ngày"))


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định phê duyệt"), max_length=100)
    approved_on = _date(_("Ngày phê duyệt"))


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=300)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=500, required=False)
    valid_from = _date(_("Hiệu lực từ"))
    valid_to = _date(_("Hết hiệu lực"), required=False)
    funding_sources = forms.MultipleChoiceField(
        label=_("Nguồn vốn"),
        choices=FundingSource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    benefit_amount = forms.DecimalField(label=_("Mức hỗ trợ (đồng)"), required=False, min_value=0)
    benefit_rate = forms.DecimalField(label=_("Tỷ lệ (%)"), required=False, min_value=0)
    benefit_quantity = forms.DecimalField(label=_("Số lượng"), required=False, min_value=0)
    benefit_unit = forms.CharField(label=_("Đơn vị tính"), max_length=100, required=False)
    eligibility = forms.CharField(
        label=_("Điều kiện thụ hưởng (JSON)"), widget=forms.Textarea, required=False
    )
    requires_posting = forms.BooleanField(label=_("Phải niêm yết danh sách"), required=False)
    verified = forms.BooleanField(label=_("Đã đối chiếu văn bản gốc"), required=False)
    source_note = forms.CharField(label=_("Nguồn, ghi chú"), widget=forms.Textarea, required=False)

    def clean_eligibility(self) -> dict[str, Any]:
        text = self.cleaned_data["eligibility"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Không đọc được JSON: %s") % exc.msg) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Điều kiện phải là một đối tượng JSON."))
        return value
