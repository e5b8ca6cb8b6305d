"""Bounded reading of uploaded tables: xlsx streamed cell by cell, CSV checked before parsing.

Why not a spreadsheet library: python-calamine (and openpyxl's non-read-only mode) build the
sheet's declared area as a dense grid. One cell at XFD1048576 in a 15 KB file then asks for
16,384 × 1,048,576 cells (about 512 GB) and the process aborts; one cell at AW200000 costs
about 500 MB. Calamine does this in Rust even when rows are iterated, so it cannot be bounded
from Python. This module reads the xlsx container itself (an OOXML zip, ECMA-376 Part 1 §18):

- the zip is checked before anything is decompressed: the file size, the number of members
  (read from the end-of-central-directory record, before ``zipfile`` builds its list), each
  member's declared size, the total, and the compression ratio (a zip bomb compresses
  gigabytes of repeated bytes a thousand times); members are then read in chunks, counted;
- XML is parsed with expat as a stream, and a document type declaration is refused (no
  entity expansion: "billion laughs");
- a sheet is read row by row and yields only the cells present: ``(row number, {column index:
  value})``. Memory follows the cells actually present, never the ``<dimension>`` a file
  declares (it is not read at all). Rows, columns and cells past the limits are refused with
  the cell's reference ("ô XFD1048576 vượt quá giới hạn 200 cột").

Values: shared and inline strings → ``str``; numbers → ``int`` when written without a
fraction or exponent, else ``float``; booleans → ``bool``; error cells → their text
("#N/A"); a number whose style is a date format → ``date``, ``datetime`` or ``time`` (1900
and 1904 date systems); a formula cell → ``Formula`` (a ``str`` starting with "="), which
imports refuse with the row and column (see ``looks_like_formula``).

``.xls`` (BIFF) and ``.ods`` are not read: their readers (calamine, xlrd, odfpy) also build
the declared area and a BIFF file's DIMENSIONS record drives that allocation; the user is asked
to save the file as .xlsx.

CSV: ``check_text_file`` scans the bytes (C-level ``find``/``count`` and the UTF-8 decoder,
about 1 GB/s) for what is not a UTF-8 text table: another format under a .csv name (zip,
PDF, xls), UTF-16/UTF-32, NUL bytes, invalid UTF-8, with the line of the first problem; then
``read_csv`` parses with Polars, its width fixed by the header line.

Limits come from settings (``Limits.from_settings``; see docs/import-export.md). This module
imports no app of the project.
"""

from __future__ import annotations

import array
import codecs
import contextlib
import csv
import datetime as dt
import io
import itertools
import math
import mmap
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, TypeAlias
from xml.parsers import expat

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


# -- the zip container --------------------------------------------------------------------------

_EOCD: Final = b"PK\x05\x06"
_ZIP64_LOCATOR: Final = b"PK\x06\x07"
_ZIP64_EOCD: Final = b"PK\x06\x06"


def _member_count(handle: IO[bytes], size: int) -> int:
    """The number of members, from the end-of-central-directory record: ``zipfile`` would
    build a ZipInfo for each before anything could be checked (a 100 MB central directory
    holds two million)."""
    tail_size = min(size, 22 + 65_535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    position = tail.rfind(_EOCD)
    if position < 0 or len(tail) < position + 22:
        raise TableError(_("Tệp Excel bị hỏng (không đọc được mục lục của tệp nén)."))
    (entries,) = struct.unpack_from("<H", tail, position + 10)
    if (
        entries == 0xFFFF
        and position >= 20
        and tail[position - 20 : position - 16] == (_ZIP64_LOCATOR)
    ):
        (offset,) = struct.unpack_from("<Q", tail, position - 20 + 8)
        handle.seek(offset)
        record = handle.read(56)
        if len(record) == 56 and record[:4] == _ZIP64_EOCD:
            (entries,) = struct.unpack_from("<Q", record, 32)
    handle.seek(0)
    return int(entries)


def open_xlsx_zip(handle: IO[bytes], size: int, limits: Limits) -> zipfile.ZipFile:
    """Open an xlsx container after checking it; raise ``TableError`` with the reason."""
    check_file_size(size, limits)
    head = handle.read(8192)
    handle.seek(0)
    kind = sniff(head)
    if kind != "zip":
        if kind == "ole":
            raise TableError(
                _(
                    "Tệp không phải Excel .xlsx mà là %(kind)s: hãy mở bằng Excel, gỡ mật khẩu "
                    "nếu có, rồi “Lưu thành” Excel Workbook (.xlsx)."
                )
                % {"kind": kind_label(kind)}
            )
        raise TableError(
            _("Tệp có đuôi .xlsx nhưng nội dung là %(kind)s, không phải tệp Excel.")
            % {"kind": kind_label(kind)}
        )
    members = _member_count(handle, size)
    if members > limits.max_members:
        raise TableError(
            _("Tệp Excel có %(count)s thành phần, vượt quá giới hạn %(limit)s.")
            % {"count": format_number(members), "limit": format_number(limits.max_members)}
        )
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise TableError(_("Tệp Excel bị hỏng (không mở được tệp nén).")) from error
    try:
        _check_members(archive, limits)
    except TableError:
        archive.close()
        raise
    return archive


def _check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise TableError(
            _("Tệp Excel có %(count)s thành phần, vượt quá giới hạn %(limit)s.")
            % {"count": format_number(len(infos)), "limit": format_number(limits.max_members)}
        )
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names and "mimetype" in names:
            raise TableError(
                _(
                    "Tệp là bảng tính OpenDocument (.ods) đổi đuôi: hãy mở rồi “Lưu thành” "
                    "Excel Workbook (.xlsx)."
                )
            )
        raise TableError(
            _("Tệp có đuôi .xlsx nhưng không phải tệp Excel (không có xl/workbook.xml).")
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise TableError(_("Tệp Excel có mật khẩu: hãy gỡ mật khẩu rồi lưu lại."))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise TableError(
                _(
                    "Tệp Excel dùng kiểu nén không hỗ trợ (phần “%(member)s”): hãy lưu lại "
                    "bằng Excel."
                )
                % {"member": info.filename[:100]}
            )
        total += info.file_size
        if info.file_size > limits.max_uncompressed_bytes or total > limits.max_uncompressed_bytes:
            raise TableError(
                _(
                    "Tệp Excel giải nén ra hơn %(limit)s (đến phần “%(member)s”): tệp quá lớn "
                    "hoặc là tệp nén độc hại (zip bomb). Hãy chia nhỏ tệp."
                )
                % {
                    "limit": format_size(limits.max_uncompressed_bytes),
                    "member": info.filename[:100],
                }
            )
        if info.file_size > RATIO_FLOOR_BYTES and (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            raise TableError(
                _(
                    "Phần “%(member)s” của tệp Excel nén với tỉ lệ %(ratio)s:1, vượt quá giới "
                    "hạn %(limit)s:1: có thể là tệp nén độc hại (zip bomb)."
                )
                % {
                    "member": info.filename[:100],
                    "ratio": format_number(info.file_size // max(info.compress_size, 1)),
                    "limit": format_number(limits.max_ratio),
                }
            )


# -- streaming XML ------------------------------------------------------------------------------


def _local(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


def _refuse_dtd(*_args: Any) -> None:
    raise TableError(_("Tệp Excel chứa khai báo DTD/thực thể XML: không đọc tệp này."))


def _new_parser() -> Any:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


# Excel escapes characters XML cannot hold as _xHHHH_; line breaks and tabs come back as such,
# the escaped underscore as "_". Other escapes stay literal: a NUL or another control
# character would otherwise enter the registry.
_ESCAPE: Final = re.compile(r"_x(000[9ADad]|005[Ff])_")


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


class SharedStrings:
    """The shared strings of a workbook, packed: per block of ``BLOCK`` strings, one joined
    ``str`` and an array of offsets. A list of millions of short ``str`` objects costs about
    50 bytes of object header each; here a string costs its characters and 4 bytes."""

    BLOCK = 65_536

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._offsets: list[array.array[int]] = []
        self._pending: list[str] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, text: str) -> None:
        self._pending.append(text)
        self._count += 1
        if len(self._pending) >= self.BLOCK:
            self._flush()

    def close(self) -> None:
        if self._pending:
            self._flush()

    def _flush(self) -> None:
        self._texts.append("".join(self._pending))
        self._offsets.append(
            array.array("I", itertools.accumulate((len(t) for t in self._pending), initial=0))
        )
        self._pending = []

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < self._count:
            raise IndexError(index)
        block, position = divmod(index, self.BLOCK)
        if block == len(self._texts):  # not closed yet
            return self._pending[position]
        offsets = self._offsets[block]
        return self._texts[block][offsets[position] : offsets[position + 1]]


class XlsxReader:
    """An open xlsx file: ``sheet_names`` (worksheets in workbook order) and ``rows(name)``."""

    def __init__(self, source: Path | IO[bytes], limits: Limits | None = None) -> None:
        self.limits = limits or Limits.from_settings()
        self._own = isinstance(source, Path)
        self._handle: IO[bytes] = source.open("rb") if isinstance(source, Path) else source
        try:
            self._handle.seek(0, io.SEEK_END)
            size = self._handle.tell()
            self._handle.seek(0)
            self._zip = open_xlsx_zip(self._handle, size, self.limits)
            self._names = set(self._zip.namelist())
            self._read = 0
            self._sheets, self.date1904, relations = self._workbook()
            self._shared_path = relations.get("sharedStrings", "xl/sharedStrings.xml")
            self._styles_path = relations.get("styles", "xl/styles.xml")
        except BaseException:
            self.close()
            raise
        self._shared: SharedStrings | None = None
        self._styles: dict[int, str] | None = None

    def __enter__(self) -> XlsxReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        archive = getattr(self, "_zip", None)
        if archive is not None:
            archive.close()
        if self._own:
            self._handle.close()

    @property
    def sheet_names(self) -> list[str]:
        return [name for name, _path in self._sheets]

    # -- members --

    def _chunks(self, name: str) -> Iterator[bytes]:
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            return
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(CHUNK):
                    self._read += len(chunk)
                    if self._read > self.limits.max_uncompressed_bytes:
                        raise TableError(
                            _("Tệp Excel giải nén ra hơn %(limit)s: hãy chia nhỏ tệp.")
                            % {"limit": format_size(self.limits.max_uncompressed_bytes)}
                        )
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as error:
            raise TableError(
                _("Tệp Excel bị hỏng (phần “%(member)s”).") % {"member": name[:100]}
            ) from error

    def _parse(self, name: str, parser: Any) -> Iterator[None]:
        """Feed a member to an expat parser; yields after each chunk (so that a caller can
        drain what the handlers collected). A missing member (no shared strings, no styles)
        parses as nothing."""
        if name not in self._names:
            return
        try:
            for chunk in self._chunks(name):
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise TableError(
                _("Tệp Excel bị hỏng (phần “%(member)s”, dòng %(line)s: %(error)s).")
                % {
                    "member": name[:100],
                    "line": getattr(error, "lineno", "?"),
                    "error": expat.ErrorString(error.code) if hasattr(error, "code") else error,
                }
            ) from error
        yield

    def _run(self, name: str, parser: Any) -> None:
        for _step in self._parse(name, parser):
            pass

    # -- workbook, relations, styles, shared strings --

    def _relations(self, name: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type suffix, member path) of a part's ``_rels`` file."""
        folder, _sep, base = name.rpartition("/")
        rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        found: dict[str, tuple[str, str]] = {}

        def start(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "Relationship" and len(found) < self.limits.max_members:
                target = attrs.get("Target", "")
                if attrs.get("TargetMode") == "External":
                    return
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                found[attrs.get("Id", "")] = (attrs.get("Type", "").rpartition("/")[2], path)

        parser = _new_parser()
        parser.StartElementHandler = start
        self._run(rels_name, parser)
        return found

    def _workbook(self) -> tuple[list[tuple[str, str]], bool, dict[str, str]]:
        relations = self._relations("xl/workbook.xml")
        listed: list[tuple[str, str]] = []
        date1904 = False

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal date1904
            local = _local(tag)
            if local == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                kind, path = relations.get(rid, ("", ""))
                if kind == "worksheet" and len(listed) < self.limits.max_members:
                    listed.append((attrs.get("name", ""), path))
            elif local == "workbookPr":
                date1904 = attrs.get("date1904", "").lower() in ("1", "true")

        parser = _new_parser()
        parser.StartElementHandler = start
        self._run("xl/workbook.xml", parser)
        parts = {kind: path for kind, path in relations.values() if kind != "worksheet"}
        return listed, date1904, parts

    def _date_styles(self) -> dict[int, str]:
        """Style index (``s`` of a cell) → "date"/"time", for styles with a date format."""
        if self._styles is not None:
            return self._styles
        formats: dict[int, str] = {}
        styles: dict[int, str] = {}
        depth = {"cellXfs": 0}
        index = 0

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal index
            local = _local(tag)
            if local == "numFmt":
                kind = format_kind(attrs.get("formatCode", ""))
                if kind is not None:
                    with contextlib.suppress(ValueError):
                        formats[int(attrs.get("numFmtId", "-1"))] = kind
            elif local == "cellXfs":
                depth["cellXfs"] += 1
            elif local == "xf" and depth["cellXfs"]:
                try:
                    number = int(attrs.get("numFmtId", "0"))
                except ValueError:
                    number = 0
                kind = formats.get(number)
                if kind is None and number in BUILTIN_DATE_FORMATS:
                    kind = "time" if number in BUILTIN_TIME_FORMATS else "date"
                if kind is not None:
                    styles[index] = kind
                index += 1

        def end(tag: str) -> None:
            if _local(tag) == "cellXfs":
                depth["cellXfs"] -= 1

        parser = _new_parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        self._run(self._styles_path, parser)
        self._styles = styles
        return styles

    def _shared_strings(self) -> SharedStrings:
        if self._shared is not None:
            return self._shared
        strings = SharedStrings()
        parts: list[str] = []
        state = {"si": False, "t": False, "skip": 0}
        limit = self.limits.max_cells

        def start(tag: str, _attrs: dict[str, str]) -> None:
            local = _local(tag)
            if local == "si":
                state["si"] = True
                parts.clear()
            elif local in ("rPh", "phoneticPr"):  # phonetic guides are not the cell's text
                state["skip"] += 1
            elif local == "t" and state["si"] and not state["skip"]:
                state["t"] = True

        def end(tag: str) -> None:
            local = _local(tag)
            if local == "t":
                state["t"] = False
            elif local in ("rPh", "phoneticPr"):
                state["skip"] -= 1
            elif local == "si":
                state["si"] = False
                if len(strings) >= limit:
                    raise TableError(
                        _("Tệp Excel có hơn %(limit)s chuỗi chữ (giới hạn số ô).")
                        % {"limit": format_number(limit)}
                    )
                string = _unescape("".join(parts))
                if len(string) > EXCEL_MAX_CELL_CHARS:
                    raise TableError(
                        _too_long(_("có chuỗi chữ thứ %(n)s") % {"n": len(strings) + 1})
                    )
                strings.append(string)

        def text(data: str) -> None:
            if state["t"]:
                parts.append(data)

        parser = _new_parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        self._run(self._shared_path, parser)
        strings.close()
        self._shared = strings
        return strings

    # -- a sheet --

    def rows(self, sheet: str) -> Iterator[Row]:
        """The rows of a worksheet that hold at least one value, in order, each as (row number,
        {0-based column: value})."""
        path = dict(self._sheets).get(sheet)
        if path is None:
            raise TableError(_("Tệp Excel không có trang “%(sheet)s”.") % {"sheet": sheet})
        shared = self._shared_strings()
        styles = self._date_styles()
        date1904 = self.date1904
        limits = self.limits
        max_rows, max_columns, max_cells = limits.max_rows, limits.max_columns, limits.max_cells
        ready: list[Row] = []
        cells: dict[int, Value] = {}
        text: list[str] = []
        formula: list[str] = []
        reference = _REFERENCE.match
        # Parse state (closures with nonlocal names: the handlers run once per element).
        row = 0  # current row number
        last = 0  # previous row number
        column = -1  # current cell's column (0-based)
        ref = ""  # current cell's reference as written ("" when it has none)
        kind = "n"  # current cell's type (t)
        style = -1  # current cell's style index (s)
        capture = 0  # 0 nothing, 1 value <v>, 2 inline text <is><t>, 3 formula <f>
        inline = False  # inside <is>
        phonetic = 0  # inside <rPh> (phonetic guide: not the cell's text)
        has_formula = False
        count = 0  # cells with a value so far

        def where() -> str:
            return ref or cell_name(row, column)

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal row, column, ref, kind, style, capture, inline, phonetic, has_formula
            if ":" in tag:
                tag = tag.rpartition(":")[2]
            if tag == "c":
                written = attrs.get("r")
                if written is None:
                    column += 1
                    ref = ""
                else:
                    match = reference(written)
                    if match is None:
                        raise TableError(
                            _(
                                "Tệp Excel có tham chiếu ô không hợp lệ “%(ref)s” "
                                "(trang “%(sheet)s”)."
                            )
                            % {"ref": written[:20], "sheet": sheet}
                        )
                    column = column_index(match.group(1))
                    ref = written
                kind = attrs.get("t", "n")
                number = attrs.get("s")
                style = int(number) if number is not None and number.isdigit() else -1
                has_formula = False
                text.clear()
                formula.clear()
            elif tag == "v":
                capture = 1
            elif tag == "row":
                number = attrs.get("r")
                row = int(number) if number is not None and number.isdigit() else last + 1
                if row <= last:
                    raise TableError(
                        _(
                            "Tệp Excel có các dòng không theo thứ tự (dòng %(row)s sau dòng "
                            "%(last)s, trang “%(sheet)s”): hãy lưu lại bằng Excel."
                        )
                        % {"row": row, "last": last, "sheet": sheet}
                    )
                column = -1
                cells.clear()
            elif tag == "f":
                has_formula = True
                capture = 3
            elif tag == "is":
                inline = True
            elif tag == "t":
                if inline and not phonetic:
                    capture = 2
            elif tag == "rPh":
                phonetic += 1

        def end(tag: str) -> None:
            nonlocal last, capture, inline, phonetic, count
            if ":" in tag:
                tag = tag.rpartition(":")[2]
            if tag == "c":
                value = cell_value()
                if value is None:
                    return
                if column >= max_columns:
                    raise TableError(
                        _("Ô %(cell)s vượt quá giới hạn %(limit)s cột (trang “%(sheet)s”).")
                        % {"cell": where(), "limit": format_number(max_columns), "sheet": sheet}
                    )
                if row > max_rows:
                    raise TableError(
                        _("Ô %(cell)s vượt quá giới hạn %(limit)s dòng (trang “%(sheet)s”).")
                        % {"cell": where(), "limit": format_number(max_rows), "sheet": sheet}
                    )
                count += 1
                if count > max_cells:
                    raise TableError(
                        _(
                            "Trang “%(sheet)s” có hơn %(limit)s ô có dữ liệu (giới hạn), "
                            "đến ô %(cell)s: hãy chia nhỏ tệp."
                        )
                        % {"cell": where(), "limit": format_number(max_cells), "sheet": sheet}
                    )
                cells[column] = value
            elif tag == "v" or tag == "f":
                capture = 0
            elif tag == "row":
                last = row
                if cells:
                    ready.append((row, dict(cells)))
                    cells.clear()
            elif tag == "t":
                if capture == 2:
                    capture = 0
            elif tag == "is":
                inline = False
            elif tag == "rPh":
                phonetic -= 1

        def characters(data: str) -> None:
            if capture:
                (formula if capture == 3 else text).append(data)

        def cell_value() -> Value | None:
            if has_formula:
                return Formula("=" + "".join(formula))
            raw = "".join(text)
            if kind == "n":
                raw = raw.strip()
                if not raw:
                    return None
                try:
                    number: int | float = int(raw) if raw.lstrip("-").isdigit() else float(raw)
                except ValueError:
                    return raw
                if isinstance(number, float) and not math.isfinite(number):
                    return raw
                if style >= 0:
                    date_kind = styles.get(style)
                    if date_kind is not None:
                        return from_serial(number, date1904=date1904, kind=date_kind)
                return number
            if kind == "s":
                try:
                    value: Value = shared[int(raw)]
                except (ValueError, IndexError):
                    raise TableError(
                        _(
                            "Ô %(cell)s tham chiếu một chuỗi chữ không có trong tệp "
                            "(trang “%(sheet)s”)."
                        )
                        % {"cell": where(), "sheet": sheet}
                    ) from None
                return value or None
            if kind in ("inlineStr", "str"):
                if len(raw) > EXCEL_MAX_CELL_CHARS:
                    raise TableError(_too_long(where()))
                return _unescape(raw) or None
            if kind == "b":
                return raw.strip() in ("1", "true") if raw.strip() else None
            if kind == "e":
                return raw or None
            if kind == "d":
                return _iso_date(raw.strip()) if raw.strip() else None
            return raw.strip() or None

        parser = _new_parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = characters
        for _step in self._parse(path, parser):
            if ready:
                yield from ready
                ready.clear()


def _iso_date(raw: str) -> Value:
    try:
        value = dt.datetime.fromisoformat(raw.rstrip("Z"))
    except ValueError:
        return raw
    return value.date() if value.time() == dt.time() else value


# -- CSV ----------------------------------------------------------------------------------------


def check_text_head(head: bytes, *, what: str = "CSV") -> None:
    """Refuse a file that is not a UTF-8 text table, from its first bytes."""
    kind = sniff(head)
    if kind in ("utf16", "utf32"):
        raise TableError(
            _(
                "Tệp %(what)s được lưu với mã hóa %(encoding)s: hãy lưu lại dạng “CSV UTF-8” "
                "(trong Excel: Lưu thành → CSV UTF-8 (Comma delimited))."
            )
            % {"what": what, "encoding": "UTF-16" if kind == "utf16" else "UTF-32"}
        )
    if kind not in ("text", "binary"):
        raise TableError(
            _("Tệp có đuôi .csv nhưng nội dung là %(kind)s, không phải văn bản CSV.")
            % {"kind": kind_label(kind)}
        )


def check_text_chunks(chunks: Iterable[bytes], *, what: str = "CSV") -> int:
    """Scan a text file: no NUL byte, valid UTF-8 (a BOM allowed). Returns the number of line
    breaks. The first problem is reported with its line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    first = True
    for chunk in chunks:
        if first:
            check_text_head(chunk, what=what)
            first = False
        nul = chunk.find(b"\x00")
        if nul >= 0:
            raise TableError(
                _(
                    "Tệp có ký tự NUL (mã 0) ở dòng %(line)s: đây không phải tệp văn bản "
                    "%(what)s, hoặc tệp bị hỏng."
                )
                % {"line": format_number(lines + chunk.count(b"\n", 0, nul) + 1), "what": what}
            )
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            at = max(0, min(len(chunk), error.start))
            raise TableError(_not_utf8(lines + chunk.count(b"\n", 0, at) + 1, what)) from error
        lines += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise TableError(_not_utf8(lines + 1, what)) from error
    return lines


def _not_utf8(line: int, what: str) -> str:
    return _(
        "Tệp %(what)s không được lưu với mã hóa UTF-8 (lỗi từ dòng %(line)s; có thể là "
        "Windows-1258 hoặc TCVN3). Trong Excel hãy chọn Lưu thành → “CSV UTF-8 (Comma "
        "delimited)”."
    ) % {"what": what, "line": format_number(line)}


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


LINE: Final = "_line"  # the record's number in the file (the header is 1)
# Cells parsed by Polars at a time: its allocator keeps a few blocks' worth of memory, so
# blocks stay small (1,000 lines of 200 columns: about 40 MB at the peak).
BLOCK_CELLS: Final = 200_000


def read_csv(path: Path, limits: Limits | None = None) -> pl.DataFrame:
    """The header and every non-empty record of a CSV file as text, with ``LINE`` (the record's
    number, header = 1) and one column ``column_0``… per header field, after the checks above.

    The separator is the most frequent of , ; and tab in the header (Excel in a Vietnamese
    locale writes ";"). Records longer than the header are cut at its width, shorter ones
    filled with nulls. Polars parses blocks of at most ``BLOCK_CELLS`` cells cut at line breaks
    outside quotes (a quote count that is even: RFC 4180 doubles quotes inside fields), and
    empty records are dropped block by block: a megabyte of blank lines costs a megabyte, not a
    million rows × the header's width."""
    limits = limits or Limits.from_settings()
    check_file_size(path.stat().st_size, limits)
    lines = check_text_chunks(_file_chunks(path))
    if lines > limits.max_rows:
        # More line breaks than rows allowed (blank lines count: they are rows of the file).
        raise TableError(_too_many_rows(limits))
    if path.stat().st_size == 0:
        raise TableError(_("Tệp không có dữ liệu."))
    # Mapped, not read: the pages are the file's (the kernel may drop them), not a copy.
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _read_mapped_csv(data, limits)


def _read_mapped_csv(data: mmap.mmap, limits: Limits) -> pl.DataFrame:
    newline = data.find(b"\n")
    text = data[: newline if 0 <= newline < 4 * MiB else 4 * MiB].decode("utf-8-sig", "replace")
    separator = max((",", ";", "\t"), key=text.count)
    try:
        width = len(next(csv.reader([text], delimiter=separator), [])) or 1
    except csv.Error:
        width = text.count(separator) + 1
    if width > limits.max_columns:
        raise TableError(
            _("Dòng tiêu đề có %(count)s cột, vượt quá giới hạn %(limit)s cột.")
            % {"count": format_number(width), "limit": format_number(limits.max_columns)}
        )
    names = [f"column_{i}" for i in range(width)]
    schema = {name: pl.String for name in names}
    blank = b" \t\r\n" + separator.encode()
    frames: list[pl.DataFrame] = []
    records = 0
    cells = 0
    for block in _blocks(data, max(1_000, BLOCK_CELLS // width)):
        if records and not block.translate(None, blank):
            # Only blank lines and separators: empty records, counted without parsing.
            records += block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
            continue
        try:
            frame = pl.read_csv(
                block,
                has_header=False,
                schema=schema,
                separator=separator,
                truncate_ragged_lines=True,
                missing_columns="insert",
                encoding="utf8",
            )
        except (pl.exceptions.PolarsError, OSError) as error:
            raise TableError(
                _(
                    "Không đọc được tệp CSV từ dòng %(line)s: hãy kiểm tra dấu ngoặc kép và dấu "
                    "phân cách (%(error)s)."
                )
                % {
                    "line": format_number(records + 1),
                    "error": str(error).splitlines()[0][:200] if str(error) else "",
                }
            ) from error
        frame = frame.with_row_index(LINE, offset=records + 1).with_columns(
            pl.col(LINE).cast(pl.Int64)
        )
        records += frame.height
        frame = frame.filter(
            (pl.col(LINE) == 1) | pl.any_horizontal(pl.col(n).is_not_null() for n in names)
        )
        longest = frame.select(
            pl.max_horizontal(pl.col(n).str.len_bytes().max() for n in names)
        ).item()
        if longest is not None and longest > EXCEL_MAX_CELL_CHARS:
            # Bytes first (cheap); a UTF-8 character is 1 to 4 bytes.
            over = frame.filter(
                pl.any_horizontal(pl.col(n).str.len_chars() > EXCEL_MAX_CELL_CHARS for n in names)
            )
            if over.height:
                raise TableError(
                    _too_long(_("ở dòng %(line)s") % {"line": format_number(over[LINE][0])})
                )
        cells += frame.height * width
        if cells > limits.max_cells:
            raise TableError(
                _("Tệp có hơn %(limit)s ô (giới hạn): hãy chia nhỏ tệp.")
                % {"limit": format_number(limits.max_cells)}
            )
        if frame.height:
            frames.append(frame)
        if len(frames) >= 32:
            # Many small frames of wide rows cost more than their cells: one frame (chunked).
            frames = [pl.concat(frames, rechunk=False)]
    if records > limits.max_rows:
        raise TableError(_too_many_rows(limits))
    if not frames:
        raise TableError(_("Tệp không có dữ liệu."))
    return pl.concat(frames, rechunk=False)


def _blocks(data: mmap.mmap, block_lines: int) -> Iterator[bytes]:
    """``data`` in pieces of about ``block_lines`` lines, each ending at a line break outside
    quotes."""
    position = 0
    size = len(data)
    while position < size:
        end = position
        for _line in range(block_lines):
            found = data.find(b"\n", end)
            if found < 0:
                end = size
                break
            end = found + 1
        block = data[position:end]
        # Inside a quoted field (odd number of quotes so far): go on to the next line break.
        quotes = block.count(b'"')
        while quotes % 2 and end < size:
            found = data.find(b"\n", end)
            following = size if found < 0 else found + 1
            extra = data[end:following]
            quotes += extra.count(b'"')
            block += extra
            end = following
        yield block
        position = end


def _too_long(where: str) -> str:
    return _("Ô %(cell)s dài hơn %(limit)s ký tự (giới hạn của một ô Excel): tệp không hợp lệ.") % {
        "cell": where,
        "limit": format_number(EXCEL_MAX_CELL_CHARS),
    }


def _too_many_rows(limits: Limits) -> str:
    return _("Tệp có hơn %(limit)s dòng (giới hạn): hãy chia nhỏ tệp.") % {
        "limit": format_number(limits.max_rows)
    }


def decode_text(data: bytes, *, what: str = "CSV") -> str:
    """A small uploaded text file (already size-checked) as a string, with the checks of
    ``check_text_chunks``; a UTF-8 BOM is dropped."""
    check_text_chunks([data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""], what=what)
    return data.decode("utf-8-sig")
