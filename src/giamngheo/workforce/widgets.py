"""The household picker of the workforce forms (issue 11: a household is found by search, not
by a typed code): a search box that asks ``workforce:household_search`` (htmx) for a short
list of the households the user may record something about, each a radio button whose value is
the household's id. The id posted is checked again by the view and the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from giamngheo.registry.models import Household


class HouseholdSearchWidget(forms.Widget):
    template_name = "workforce/widgets/household_search.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        # The household chosen (when the form is shown again), so its radio stays checked.
        self.chosen: list[Household] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse("workforce:household_search")
        context["widget"]["chosen"] = self.chosen
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def use_required_attribute(self, initial: Any) -> bool:
        return False


class HouseholdField(forms.IntegerField):
    """The id of the chosen household (``None`` when none is chosen and it is optional)."""

    widget = HouseholdSearchWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Hộ"))
        invalid = _("Hộ đã chọn không hợp lệ; hãy tìm và chọn lại.")
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Tìm và chọn một hộ trong danh sách."),
                "invalid": invalid,
                "min_value": invalid,
            },
        )
        super().__init__(min_value=1, **kwargs)
