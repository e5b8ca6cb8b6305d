"""Limits, errors, kinds of file, formulas, cell references and dates shared by the readers."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Final, TypeAlias

import polars as pl
from django.utils.translation import gettext as _

from giamngheo.lib.errors import DomainError
from giamngheo.lib.formatting import format_number

MiB: Final = 1024 * 1024
CHUNK: Final = 256 * 1024
EXCEL_MAX_COLUMNS: Final = 16_384  # XFD
EXCEL_MAX_ROWS: Final = 1_048_576
EXCEL_MAX_CELL_CHARS: Final = 32_767
# Members smaller than this are never refused for their ratio: a few KB of XML (styles,
# relations) legitimately compress 50-100 times.
RATIO_FLOOR_BYTES: Final = 1 * MiB


@dataclass(frozen=True)
class Limits:
    """What an uploaded table may hold. Defaults = the settings' defaults."""

    max_bytes: int = 100 * MiB  # the file as uploaded
    max_rows: int = EXCEL_MAX_ROWS  # spreadsheet row numbers (header included)
    max_columns: int = 200
    max_cells: int = 20_000_000  # cells with a value
    max_uncompressed_bytes: int = 1024 * MiB  # an xlsx, all members together
    max_ratio: int = 200  # uncompressed / compressed size of one xlsx member
    max_members: int = 1_000  # files inside an xlsx

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        default = cls()
        return cls(
            max_bytes=getattr(settings, "UPLOAD_MAX_BYTES", default.max_bytes),
            max_rows=getattr(settings, "TABLE_MAX_ROWS", default.max_rows),
            max_columns=getattr(settings, "TABLE_MAX_COLUMNS", default.max_columns),
            max_cells=getattr(settings, "TABLE_MAX_CELLS", default.max_cells),
            max_uncompressed_bytes=getattr(
                settings, "XLSX_MAX_UNCOMPRESSED_BYTES", default.max_uncompressed_bytes
            ),
            max_ratio=getattr(settings, "XLSX_MAX_RATIO", default.max_ratio),
            max_members=getattr(settings, "XLSX_MAX_MEMBERS", default.max_members),
        )


class TableError(DomainError):
    """The file cannot be read; the message is for the user (Vietnamese)."""


class Formula(str):
    """A formula cell, as "=" + its formula text (the cached result is not used)."""

    __slots__ = ()


Value: TypeAlias = str | int | float | bool | dt.date | dt.datetime | dt.time
Row: TypeAlias = tuple[int, dict[int, Value]]


# -- sizes, kinds of file -----------------------------------------------------------------------


def format_size(size: int) -> str:
    """1.5 MB, 800 KB, 120 byte (Vietnamese number format)."""
    if size >= MiB:
        return f"{format_number(size / MiB, 0 if size % MiB == 0 else 1)} MB"
    if size >= 1024:
        return f"{format_number(size / 1024, 0)} KB"
    return f"{format_number(size)} byte"


_MAGIC: Final = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # .xls, .doc, or an encrypted .xlsx
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"MZ", "exe"),
    (b"\x7fELF", "exe"),
    (b"GIF8", "gif"),
    (b"\xff\xfe\x00\x00", "utf32"),
    (b"\x00\x00\xfe\xff", "utf32"),
    (b"\xff\xfe", "utf16"),
    (b"\xfe\xff", "utf16"),
)


def sniff(head: bytes) -> str:
    """The kind of a file from its first bytes (at least 4 KB for text heuristics): one of the
    ``_MAGIC`` kinds, "utf16" (also without a byte order mark), "binary" or "text"."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        # UTF-16 text without a BOM: every other byte of ASCII characters is 0.
        sample = head[:4096]
        half = max(1, len(sample) // 2)
        zeros = max(sample[0::2].count(0), sample[1::2].count(0))
        if zeros >= max(2, 0.3 * half):
            return "utf16"
        return "binary"
    return "text"


def kind_label(kind: str) -> str:
    labels = {
        "zip": _("tệp nén zip (có thể là tệp Excel .xlsx)"),
        "pdf": _("tệp PDF"),
        "ole": _("tệp Office cũ (.xls, .doc) hoặc tệp Excel có mật khẩu"),
        "png": _("ảnh PNG"),
        "jpeg": _("ảnh JPEG"),
        "gif": _("ảnh GIF"),
        "gzip": _("tệp nén gzip"),
        "rar": _("tệp nén RAR"),
        "7z": _("tệp nén 7z"),
        "exe": _("chương trình máy tính"),
        "utf16": _("văn bản mã hóa UTF-16"),
        "utf32": _("văn bản mã hóa UTF-32"),
        "binary": _("tệp nhị phân"),
        "text": _("văn bản"),
    }
    return labels.get(kind, kind)


def check_file_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise TableError(
            _("Tệp lớn %(size)s, vượt quá giới hạn %(limit)s: hãy chia nhỏ tệp (ví dụ theo xã).")
            % {"size": format_size(size), "limit": format_size(limits.max_bytes)}
        )


# -- formulas -----------------------------------------------------------------------------------

# What a spreadsheet program would run as a formula when the cell is opened or exported again
# (OWASP "CSV injection"): "=" and "@" always; "+" and "-" unless a number or a phone number
# follows ("+84 912 345 678", "-2,5"). "-2+3+cmd|' /C calc'!A0" is refused: "+" is not part
# of a number.
_NUMBER_LIKE: Final = r"^[+\-]([0-9][0-9 .,()/\-]*)?$"
FORMULA_PATTERN: Final = re.compile(r"^[=@]|^[+\-]")
NUMBER_PATTERN: Final = re.compile(_NUMBER_LIKE)


def looks_like_formula(text: str) -> bool:
    return bool(FORMULA_PATTERN.match(text)) and not NUMBER_PATTERN.match(text)


def formula_expr(expr: pl.Expr) -> pl.Expr:
    """``looks_like_formula`` for a Polars text column (null stays null)."""
    return expr.str.contains(r"^[=@]") | (
        expr.str.contains(r"^[+\-]") & ~expr.str.contains(_NUMBER_LIKE)
    )


# -- cell references ----------------------------------------------------------------------------

_REFERENCE: Final = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_COLUMN_CACHE: dict[str, int] = {}


def column_index(letters: str) -> int:
    """Column letters to a 0-based index: "A" → 0, "XFD" → 16383."""
    index = _COLUMN_CACHE.get(letters)
    if index is None:
        number = 0
        for char in letters.upper():
            number = number * 26 + ord(char) - 64
        index = number - 1
        if len(_COLUMN_CACHE) < 20_000:
            _COLUMN_CACHE[letters] = index
    return index


def column_letters(index: int) -> str:
    """0 → "A", 16383 → "XFD"."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    return f"{column_letters(column)}{row}"


# -- dates --------------------------------------------------------------------------------------

# Built-in number formats that show dates or times (ECMA-376 Part 1 §18.8.30).
BUILTIN_DATE_FORMATS: Final = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
BUILTIN_TIME_FORMATS: Final = frozenset({18, 19, 20, 21, 45, 46, 47})
_FORMAT_LITERALS: Final = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_LAST_SERIAL: Final = 2_958_465  # 31/12/9999


def format_kind(code: str) -> str | None:
    """What a custom number format code shows: "date", "time" or None. Quoted text, [brackets]
    (colour, locale, elapsed time), escaped characters and padding are not tokens."""
    section = _FORMAT_LITERALS.sub("", code).split(";", 1)[0].lower()
    if "d" in section or "y" in section:
        return "date"
    if "h" in section or "s" in section:
        return "time"
    if "m" in section:  # months alone ("mmm")
        return "date"
    return None


def from_serial(serial: float, *, date1904: bool, kind: str) -> Value:
    """An Excel date serial number as a date, a datetime or a time."""
    if not 0 <= serial <= _LAST_SERIAL:
        return serial
    if kind == "time" and serial < 1:
        seconds = round(serial * 86_400)
        if seconds >= 86_400:
            return serial
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if date1904:
        base = dt.date(1904, 1, 1)
    elif serial < 60:
        base = dt.date(1899, 12, 31)
    elif serial < 61:
        # Serial 60 is 29/02/1900, a day that did not exist (kept by Excel from Lotus 1-2-3).
        return dt.date(1900, 2, 28)
    else:
        base = dt.date(1899, 12, 30)
    days = math.floor(serial)
    seconds = round((serial - days) * 86_400)
    day = base + dt.timedelta(days=days)
    if seconds == 0:
        return day
    # Spreadsheet times are wall-clock times without a zone.
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)


def too_long(where: str) -> str:
    """The message for a cell longer than Excel allows (``where``: its reference)."""
    return _("Ô %(cell)s dài hơn %(limit)s ký tự (giới hạn của một ô Excel): tệp không hợp lệ.") % {
        "cell": where,
        "limit": format_number(EXCEL_MAX_CELL_CHARS),
    }
