"""Idempotent creating POSTs: a double click, a reload of the result page or a retry after a
lost answer must not record the same survey or request twice.

Every create form carries a one-time key (a random UUID made when the blank form is shown,
kept while the form is re-shown with errors). The created row stores it in a unique column, so
a second POST with the same key finds the first row instead of creating another, even when the
two POSTs race (the unique constraint decides; the loser reads the winner's row).

- models: inherit :class:`Idempotent` (``submission_key``, unique, empty for rows made without
  a form: imports, the demo, the API);
- forms: inherit :class:`IdempotentForm` (a hidden ``submission_key``), or render
  :func:`new_key` in a hidden input and read it back with :func:`key_from`;
- services: ``create_once(queryset, key, create)`` returns the row made earlier with ``key``
  or the result of ``create(key)``; :func:`replayed` tells the view which it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet

M = TypeVar("M", bound=models.Model)

FIELD = "submission_key"
_REPLAYED = "_giamngheo_replayed"


class Idempotent(models.Model):
    """A row created through a form: the form's one-time key (unique)."""

    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True


def new_key() -> uuid.UUID:
    return uuid.uuid4()


def key_from(data: Mapping[str, Any], name: str = FIELD) -> uuid.UUID | None:
    """The key a form was sent with; ``None`` when missing or malformed (no protection, but
    never an error: the key only prevents duplicates)."""
    raw = data.get(name)
    if not raw:
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def earlier(queryset: QuerySet[M], key: uuid.UUID | None) -> M | None:
    """The row of ``queryset`` an earlier POST with ``key`` created, marked as replayed."""
    if key is None:
        return None
    found = queryset.filter(**{FIELD: key}).first()
    if found is not None:
        setattr(found, _REPLAYED, True)
    return found


def create_once(
    queryset: QuerySet[M], key: uuid.UUID | None, create: Callable[[uuid.UUID | None], M]
) -> M:
    """The row of ``queryset`` created earlier with ``key``, else ``create(key)`` (which stores
    the key it is given in ``submission_key``). Runs inside the caller's transaction.

    ``queryset`` narrows where an earlier row may be found (e.g. the same household): a key
    met elsewhere is not this form's, and the row is created without it."""
    found = earlier(queryset, key)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return create(key)
    except IntegrityError:
        if key is None:
            raise
        # Another request with the same key committed first: its row is the answer.
        found = earlier(queryset, key)
        if found is not None:
            return found
        if not queryset.model._default_manager.filter(**{FIELD: key}).exists():
            raise  # another constraint refused the row
    with transaction.atomic():
        return create(None)


def replayed(obj: Any) -> bool:
    """Whether ``obj`` came from an earlier POST with the same key (nothing was created)."""
    return bool(getattr(obj, _REPLAYED, False))


class IdempotentForm(forms.Form):
    """Base of a create form: a hidden one-time ``submission_key`` (combine with the form's own
    fields, e.g. ``class SupportRequestForm(IdempotentForm)``)."""

    # Text, not a UUID field: a malformed key only loses the protection, it is not an error.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(FIELD, new_key())

    def clean_submission_key(self) -> uuid.UUID | None:
        return key_from(self.cleaned_data)
