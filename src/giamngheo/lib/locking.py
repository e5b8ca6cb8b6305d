"""Optimistic locking for every record edited through a form.

An edit form carries the version of the record it was loaded from (a hidden field); the service
locks the row (``SELECT … FOR UPDATE``), refuses the save when the stored version differs (a
colleague saved in between) and counts the save. Without this, the second of two people editing
the same record silently overwrites the first one's changes.

- models: inherit :class:`Versioned` (a ``version`` column starting at 1);
- services: ``locked = lock_for_edit(Model.objects, pk, expected_version, error=AppError)``, then
  ``locked.version += 1`` before saving the edited fields (:func:`bump`);
- forms: inherit :class:`VersionedForm` and pass ``initial={"version": obj.version}``.

``expected_version=None`` (the system, imports, the demo) skips the comparison but still locks.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

M = TypeVar("M", bound=models.Model)


class Versioned(models.Model):
    """A record edited through forms: ``version`` counts its saves."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def stale_message() -> str:
    return _(
        "Bản ghi này vừa được người khác cập nhật. Hãy tải lại trang để xem thay đổi mới rồi "
        "nhập lại."
    )


def check_version(
    obj: Any, expected_version: int | None, *, error: type[Exception], message: str = ""
) -> None:
    """Refuse (``error(message)``) when ``obj`` was saved since the editor loaded it."""
    if expected_version is not None and obj.version != expected_version:
        raise error(message or stale_message())


def lock_for_edit(
    queryset: QuerySet[M] | models.Manager[M],
    pk: Any,
    expected_version: int | None,
    *,
    error: type[Exception],
    message: str = "",
) -> M:
    """The row ``pk`` of ``queryset``, locked until the end of the transaction, checked against
    the version the editor loaded."""
    locked: M = queryset.select_for_update().get(pk=pk)
    check_version(locked, expected_version, error=error, message=message)
    return locked


def bump(obj: Any) -> None:
    """Count a save of the edited fields (call before ``save``)."""
    obj.version += 1


class VersionField(forms.IntegerField):
    """The hidden version an edit form was loaded with."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault(
            "error_messages",
            {
                "required": gettext_lazy("Trang đã cũ: hãy tải lại trang rồi nhập lại."),
                "invalid": gettext_lazy("Trang đã cũ: hãy tải lại trang rồi nhập lại."),
                "min_value": gettext_lazy("Trang đã cũ: hãy tải lại trang rồi nhập lại."),
                "max_value": gettext_lazy("Trang đã cũ: hãy tải lại trang rồi nhập lại."),
            },
        )
        super().__init__(**kwargs)


class VersionedForm(forms.Form):
    """Base of an edit form: adds the hidden ``version`` (combine with other forms first,
    e.g. ``class WorkerEditForm(VersionedForm, WorkerForm)``, or a ModelForm)."""

    version = VersionField()

    def full_clean(self) -> None:
        super().full_clean()
        # A hidden field's error would not be shown next to any input: show it on top.
        errors = getattr(self, "_errors", None)
        if errors and "version" in errors:
            problems = errors.pop("version")
            top = errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield"))
            top.extend(problems)
