"""The xlsx reader: the zip container checked before decompression, XML streamed with expat,
cells yielded row by row (ECMA-376 Part 1 §18)."""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import io
import itertools
import math
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final
from xml.parsers import expat

from django.utils.translation import gettext as _

from giamngheo.lib.formatting import format_number
from giamngheo.lib.tabular.base import (
    _REFERENCE,
    BUILTIN_DATE_FORMATS,
    BUILTIN_TIME_FORMATS,
    CHUNK,
    EXCEL_MAX_CELL_CHARS,
    RATIO_FLOOR_BYTES,
    Formula,
    Limits,
    Row,
    TableError,
    Value,
    cell_name,
    check_file_size,
    column_index,
    format_kind,
    format_size,
    from_serial,
    kind_label,
    sniff,
    too_long,
)

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
                        too_long(_("có chuỗi chữ thứ %(n)s") % {"n": len(strings) + 1})
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
                    raise TableError(too_long(where()))
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
