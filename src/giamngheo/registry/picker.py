"""The household picker of every form that needs a household (issue 11: a household is found by
search, not by a typed code). It lives in the registry, which owns households; the apps above
(workforce, review, …) put a ``HouseholdField`` in their forms.

The widget is a search box that asks ``registry:household_pick`` (htmx, no inline script) for a
short list of the households the user may record something about, each a radio button whose
value is the household's id. The id posted is checked again with ``picked`` (the user's areas)
and by the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts.types import Viewer
from giamngheo.registry import selectors
from giamngheo.registry.models import Household


class HouseholdSearchWidget(forms.Widget):
    template_name = "registry/widgets/household_search.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        # The household chosen (when the form is shown again), so its radio stays checked.
        self.chosen: list[Household] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse("registry:household_pick")
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
        kwargs.setdefault("label", gettext_lazy("Hộ"))
        invalid = gettext_lazy("Hộ đã chọn không hợp lệ; hãy tìm và chọn lại.")
        kwargs.setdefault(
            "error_messages",
            {
                "required": gettext_lazy("Tìm và chọn một hộ trong danh sách."),
                "invalid": invalid,
                "min_value": invalid,
            },
        )
        super().__init__(min_value=1, **kwargs)


def show_picked(form: forms.Form, household: Household | None, name: str = "household") -> None:
    """Keep the picked household's radio on the page when the form is shown again."""
    if household is not None and name in form.fields:
        form.fields[name].widget.chosen = [household]


def remember(form: forms.Form, user: Viewer, data: Any, name: str = "household") -> None:
    """A form posted with errors elsewhere still shows the household that was picked."""
    posted = str(data.get(name, "")) if data else ""
    if name in form.fields and posted.isdigit():
        show_picked(form, selectors.household_choice(user, int(posted)), name)


def picked(form: forms.Form, user: Viewer, name: str = "household") -> Household | None:
    """The household picked in the valid ``form`` if the user may record something about it;
    otherwise a form error (the same for one outside the user's areas and one that does not
    exist: nothing is revealed) and ``None``. A field left empty (optional) gives ``None``."""
    pk = form.cleaned_data.get(name)
    if not pk:
        return None
    household = selectors.household_choice(user, pk)
    if household is None:
        form.add_error(name, _("Hộ đã chọn không có trên địa bàn bạn được ghi."))
        return None
    show_picked(form, household, name)
    return household
