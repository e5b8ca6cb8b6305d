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

from giamngheo.lib.tabular.base import (
    BUILTIN_DATE_FORMATS,
    BUILTIN_TIME_FORMATS,
    CHUNK,
    EXCEL_MAX_CELL_CHARS,
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    FORMULA_PATTERN,
    NUMBER_PATTERN,
    RATIO_FLOOR_BYTES,
    Formula,
    Limits,
    MiB,
    Row,
    TableError,
    Value,
    cell_name,
    check_file_size,
    column_index,
    column_letters,
    format_kind,
    format_size,
    formula_expr,
    from_serial,
    kind_label,
    looks_like_formula,
    sniff,
    too_long,
)
from giamngheo.lib.tabular.csvfile import (
    BLOCK_CELLS,
    LINE,
    check_text_chunks,
    check_text_head,
    decode_text,
    read_csv,
)
from giamngheo.lib.tabular.xlsx import (
    SharedStrings,
    XlsxReader,
    open_xlsx_zip,
)

__all__ = [
    "BLOCK_CELLS",
    "BUILTIN_DATE_FORMATS",
    "BUILTIN_TIME_FORMATS",
    "CHUNK",
    "EXCEL_MAX_CELL_CHARS",
    "EXCEL_MAX_COLUMNS",
    "EXCEL_MAX_ROWS",
    "FORMULA_PATTERN",
    "LINE",
    "NUMBER_PATTERN",
    "RATIO_FLOOR_BYTES",
    "Formula",
    "Limits",
    "MiB",
    "Row",
    "SharedStrings",
    "TableError",
    "Value",
    "XlsxReader",
    "cell_name",
    "check_file_size",
    "check_text_chunks",
    "check_text_head",
    "column_index",
    "column_letters",
    "decode_text",
    "format_kind",
    "format_size",
    "formula_expr",
    "from_serial",
    "kind_label",
    "looks_like_formula",
    "open_xlsx_zip",
    "read_csv",
    "sniff",
    "too_long",
]
