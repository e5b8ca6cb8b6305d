"""CSV: the bytes checked for a UTF-8 text table, then parsed with Polars in bounded blocks."""

from __future__ import annotations

import codecs
import csv
import mmap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import polars as pl
from django.utils.translation import gettext as _

from giamngheo.lib.formatting import format_number
from giamngheo.lib.tabular.base import (
    CHUNK,
    EXCEL_MAX_CELL_CHARS,
    Limits,
    MiB,
    TableError,
    check_file_size,
    kind_label,
    sniff,
    too_long,
)

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
                    too_long(_("ở dòng %(line)s") % {"line": format_number(over[LINE][0])})
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


def _too_many_rows(limits: Limits) -> str:
    return _("Tệp có hơn %(limit)s dòng (giới hạn): hãy chia nhỏ tệp.") % {
        "limit": format_number(limits.max_rows)
    }


def decode_text(data: bytes, *, what: str = "CSV") -> str:
    """A small uploaded text file (already size-checked) as a string, with the checks of
    ``check_text_chunks``; a UTF-8 BOM is dropped."""
    check_text_chunks([data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""], what=what)
    return data.decode("utf-8-sig")
