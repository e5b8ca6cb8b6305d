"""Form fields for the numbers every app asks for, built on ``lib.validators`` so that a form,
an import, a service and the API accept the same input and store the same value."""

from __future__ import annotations

from typing import Any

from django import forms

from giamngheo.lib import validators


class PhoneField(forms.CharField):
    """A Vietnamese phone number: cleans to its canonical national form ("0912345678") or ""
    (``validators.clean_phone``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)  # the typed text, separators included
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")

    def to_python(self, value: Any) -> str:
        return validators.clean_phone(super().to_python(value))


class CitizenIdField(forms.CharField):
    """A 12-digit personal ID number: cleans to the digits, or None when empty
    (``validators.clean_citizen_id``)."""

    empty_value = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)  # the typed text, spaces or dots included
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value: Any) -> str | None:
        return validators.clean_citizen_id(super().to_python(value))
