"""The one request body the API reads: JSON, bounded, without NUL characters.

PostgreSQL cannot store text holding NUL (psycopg raises), so a ``"\\u0000"`` in a JSON string
would reach the database and end in a 500; ``web.input_guard`` covers forms and URLs, this
covers JSON bodies. The size is bounded by Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (reading
the body raises ``RequestDataTooBig``, answered 400 by ``api.exceptions``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deeper nesting than any form needs (a survey: answers → members → list → object).
MAX_DEPTH = 20


def _check(value: Any, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ParseError(_("Nội dung JSON lồng quá sâu."))
    if isinstance(value, str):
        if "\x00" in value:
            raise ParseError(_("Nội dung có ký tự NUL, không được phép."))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check(key, depth + 1)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (Python's json accepts them by default).
    raise ValueError(name)


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        if not raw:
            return {}
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ParseError(_("Nội dung gửi lên không đọc được (JSON không hợp lệ).")) from exc
        _check(data)
        return data
