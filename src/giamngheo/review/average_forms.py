"""Forms of the MSTB pages (``views/average.py``): they parse input; the rules are checked again
by ``services.average`` and the database."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.lib import clock
from giamngheo.lib.idempotency import IdempotentForm
from giamngheo.registry.picker import HouseholdField
from giamngheo.review import average_rules
from giamngheo.review.average_models import IncomeItem, Occupation
from giamngheo.review.forms import DecisionForm, RefuseForm, _date
from giamngheo.review.models import REFUSAL_REASONS_MAX_LENGTH

MAX_AMOUNT = 10**12  # đồng a year: a typo guard, far above any household's income


def _amount(label: Any, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=0, max_value=MAX_AMOUNT, initial=0
    )


class AverageApplicationForm(IdempotentForm):
    household = HouseholdField()
    occupation = forms.ChoiceField(label=_("Ngành nghề chính của hộ"), choices=())
    applicant_name = forms.CharField(label=_("Người làm đơn"), max_length=200)
    received_on = _date(_("Ngày tiếp nhận"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = average_rules.load().occupations
        field = self.fields["occupation"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(c, label) for c, label in Occupation.choices if c in allowed]
        self.fields["received_on"].initial = clock.today()


class AverageIncomeForm(forms.Form):
    """The 12-month income form (QĐ 24/2021 Art. 2.2): one net amount per line, in đồng over the
    12 months, and the state social assistance received, recorded apart and not counted."""

    assessed_on = _date(_("Ngày xác định thu nhập"))
    member_count = forms.IntegerField(label=_("Số nhân khẩu"), min_value=1, max_value=99)
    social_assistance = _amount(
        _("Trợ cấp, trợ giúp xã hội từ ngân sách nhà nước (ghi để đối chiếu, không tính)")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = clock.today()
        labels = dict(IncomeItem.choices)
        for code in average_rules.load().income_items:
            self.fields[f"item_{code}"] = _amount(
                _("%(item)s (đồng/12 tháng)") % {"item": labels[code]}
            )
        # The excluded line last, after the counted ones.
        self.order_fields(["assessed_on", "member_count", *self.item_names(), "social_assistance"])

    def item_names(self) -> list[str]:
        return [f"item_{code}" for code in average_rules.load().income_items]

    def items(self) -> dict[str, int]:
        return {
            name.removeprefix("item_"): int(self.cleaned_data.get(name) or 0)
            for name in self.item_names()
        }


class AverageRefuseForm(RefuseForm):
    """The in-year refusal's form; the answer's reasons are labelled plainly."""

    reasons = forms.CharField(
        label=_("Lý do"),
        max_length=REFUSAL_REASONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AverageDecisionForm(DecisionForm):
    """The poverty decision's form (number, date, signer, confirmation), and the list shown."""

    expected = forms.CharField(widget=forms.HiddenInput, required=False)

    def expected_ids(self) -> list[int] | None:
        raw = self.cleaned_data.get("expected") or ""
        try:
            return [int(part) for part in raw.split(",") if part]
        except ValueError:
            return None
