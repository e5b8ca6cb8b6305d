"""Log lines without personal numbers, as JSON objects (one per line), with the request id.

- :class:`MaskPersonalNumbers` (a ``logging.Filter`` on the handlers) formats each record's
  message and replaces every ID number (9-digit CMND to 12-digit CCCD) and phone number
  (``0912345678``, ``0912 345 678``, ``+84 912 345 678``) in it, and in the request path, by
  a masked form that keeps no more than the last 2 digits. Log files are copied to monitoring
  systems and read by people who may not see personal data: nothing in them identifies a person.
- :class:`JsonFormatter`: ``{"time", "level", "logger", "message", "request_id", "method",
  "path", "status", "duration_ms", ...}``; an exception's traceback goes in ``"exception"``,
  masked too (an SQL error may quote a parameter).
- The request id lives in a context variable set by ``web.request_log`` for the request's
  duration (:func:`request_id_var`), so every line written while a request runs carries it.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Final

request_id_var: ContextVar[str | None] = ContextVar("giamngheo_request_id", default=None)

# A Vietnamese phone number: 0 or +84/84, then 9 or 10 digits, possibly grouped by spaces, dots
# or dashes ("0912 345 678", "+84-912-345-678").
_PHONE: Final = re.compile(r"(?<![\w+])(?:\+84|84|0)(?:[ .-]?[0-9]){8,10}(?![0-9])")
# An ID number: 9 (old CMND) to 12 (CCCD) digits, not part of a longer number.
_ID_NUMBER: Final = re.compile(r"(?<![0-9])[0-9]{9,12}(?![0-9])")
# Fields of a record copied into the JSON object when a caller sets them (``extra=``).
REQUEST_FIELDS: Final = ("method", "path", "status", "duration_ms", "user_id", "client")


def _mask(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", match.group())
    return "*" * (len(digits) - 2) + digits[-2:]


def mask_numbers(text: str) -> str:
    """``text`` with every phone and ID number in it masked (all digits but the last 2)."""
    if not any(character.isdigit() for character in text):
        return text
    return _ID_NUMBER.sub(_mask, _PHONE.sub(_mask, text))


class MaskPersonalNumbers(logging.Filter):
    """Masks the personal numbers of a record's message (arguments included) and path."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the template, masked
            message = f"{record.msg} {record.args!r}"
        record.msg = mask_numbers(message)
        record.args = None
        path = getattr(record, "path", None)
        if isinstance(path, str):
            record.path = mask_numbers(path)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_numbers(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record (no newline inside: a traceback is one escaped string)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_numbers(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for field in REQUEST_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = mask_numbers(value) if isinstance(value, str) else value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = mask_numbers(record.exc_text)
        if record.stack_info:
            entry["stack"] = mask_numbers(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
