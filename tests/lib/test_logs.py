"""Log lines without personal numbers (lib.logs), in JSON with the request's fields."""

from __future__ import annotations

import json
import logging

import pytest

from giamngheo.lib.logs import JsonFormatter, MaskPersonalNumbers, mask_numbers, request_id_var


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("CCCD 038201001234 không hợp lệ", "038201001234"),
        ("CMND 123456789 cũ", "123456789"),
        ("gọi 0912345678", "0912345678"),
        ("gọi 0912 345 678", "0912 345 678"),
        ("gọi +84 912 345 678", "+84 912 345 678"),
        ("gọi 0912.345.678.", "0912.345.678"),
        ("máy bàn 02438123456", "02438123456"),
        ("/households/search/038201001234/", "038201001234"),
    ],
)
def test_id_and_phone_numbers_are_masked_keeping_two_digits(text: str, hidden: str) -> None:
    masked = mask_numbers(text)
    assert hidden not in masked
    digits = [c for c in hidden if c.isdigit()]
    assert "*" * (len(digits) - 2) + "".join(digits[-2:]) in masked


@pytest.mark.parametrize(
    "text",
    [
        "job 12345 đã xong sau 8 giây",
        "/households/1500/",
        "mã 20261207145001123",  # longer than any ID: not one
        "năm 2026, 3 hộ",
    ],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert mask_numbers(text) == text


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.getLogger("giamngheo.test").makeRecord(
        "giamngheo.test", logging.WARNING, __file__, 1, message, args, None, extra=extra
    )
    return record


def test_the_filter_masks_arguments_paths_and_tracebacks() -> None:
    record = _record("người %s, điện thoại %s", "038201001234", "0987654321", path="/x/0987654321/")
    try:
        raise ValueError("duplicate key (citizen_id)=(038201001234)")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert MaskPersonalNumbers().filter(record) is True
    line = JsonFormatter().format(record)
    assert "038201001234" not in line and "0987654321" not in line
    entry = json.loads(line)
    assert entry["message"] == "người **********34, điện thoại ********21"
    assert entry["path"] == "/x/********21/"
    assert "ValueError" in entry["exception"] and "**********34" in entry["exception"]


def test_a_json_line_carries_time_level_logger_request_and_its_fields() -> None:
    token = request_id_var.set("abc123")
    try:
        record = _record(
            "GET /households/ 200", method="GET", path="/households/", status=200, duration_ms=12.5
        )
        entry = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert entry["level"] == "WARNING" and entry["logger"] == "giamngheo.test"
    assert entry["request_id"] == "abc123"
    assert (entry["method"], entry["path"], entry["status"], entry["duration_ms"]) == (
        "GET",
        "/households/",
        200,
        12.5,
    )
    assert entry["time"].endswith("+00:00")
