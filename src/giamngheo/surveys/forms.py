"""Web forms of the survey entry page: the survey's particulars (a Django form) and the answers
(read from the POST data by the form definition, then validated by ``definitions``).

Input names: ``h__<field>`` for household answers, ``m__<person_id>__<field>`` for member
answers, and one ``member`` input per member row. Unticked checkboxes are "no".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from giamngheo.surveys.definitions import FieldType, FormField, FormSpec


class SurveyMetaForm(forms.Form):
    review_year = forms.IntegerField(label=_("Năm rà soát"), min_value=2016, max_value=2100)
    surveyed_on = forms.DateField(
        label=_("Ngày khảo sát"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    surveyor_name = forms.CharField(label=_("Rà soát viên"), max_length=200)


def parse_answers(spec: FormSpec, data: QueryDict) -> dict[str, Any]:
    """The answers in the POST data, in the shape ``definitions.validate_answers`` expects."""
    household = {f.name: _value(f, data, f"h__{f.name}") for f in spec.household_fields}
    members: list[dict[str, Any]] = []
    if spec.has_members:
        for raw_id in data.getlist("member"):
            if not raw_id.isdigit():
                continue
            row: dict[str, Any] = {"person_id": int(raw_id)}
            for spec_field in spec.member_fields:
                row[spec_field.name] = _value(spec_field, data, f"m__{raw_id}__{spec_field.name}")
            members.append(row)
    return {"household": household, "members": members}


def _value(spec_field: FormField, data: QueryDict, name: str) -> Any:
    if spec_field.type is FieldType.BOOL:
        return data.get(name) in ("on", "1", "true")
    raw = (data.get(name) or "").strip()
    if raw == "":
        return None
    if spec_field.type in (FieldType.INT, FieldType.MONEY):
        # Vietnamese writing: 1.500.000 or 1 500 000.
        digits = raw.replace(".", "").replace(" ", "").replace("\u00a0", "")
        if digits.lstrip("-").isdigit():
            return int(digits)
        return raw  # the validator answers "must be a whole number"
    if spec_field.type is FieldType.NUMBER:
        try:
            return float(raw.replace(",", "."))
        except ValueError:
            return raw
    return raw


def default_meta(*, review_year: int, today: dt.date, surveyor_name: str) -> dict[str, Any]:
    surveyed_on = today if today.year == review_year else dt.date(review_year, 10, 1)
    return {"review_year": review_year, "surveyed_on": surveyed_on, "surveyor_name": surveyor_name}
