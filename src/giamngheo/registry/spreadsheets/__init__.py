"""The household and survey spreadsheets: the column contract shared by import and export, the
templates (xlsx with a "Hướng dẫn" sheet, CSV), reading an uploaded file into text columns and
writing reports.

Layout of the household file: ONE ROW PER MEMBER. The household code groups the rows of a
household; household columns (village, address, living conditions, …) are read from the head's
row. Other rows may leave them empty or repeat them (exports repeat them on every row, so that a
sorted or filtered sheet still reads right); a repeated value that differs from the head's row is
an error. Headers are Vietnamese and fixed (they do not follow the interface language); the
internal key of each column (``code``, ``full_name``, …) is accepted as a header too.

Allowed values come from the model choices and the engine's schema (``standards.schema``), never
retyped here: a value may be written as its Vietnamese label (accents and case ignored) or as its
code.

The package: ``columns`` (the contract), ``reading`` (uploaded files into text columns),
``templates`` (templates, guides, CSV bytes). This module re-exports their names, so callers
keep importing ``registry.spreadsheets``.
"""

from __future__ import annotations

from giamngheo.registry.spreadsheets.columns import (
    BOOL_FALSE,
    BOOL_TRUE,
    DATA_SHEET,
    GUIDE_SHEET,
    MAX_XLSX_ROWS,
    MULTI_SEPARATOR,
    ROW,
    SURVEY_SHEET,
    Column,
    Kind,
    Level,
    SpreadsheetError,
    columns_by_key,
    header_index,
    header_key,
    household_columns,
    info_columns,
    label_of,
    survey_columns,
    value_index,
)
from giamngheo.registry.spreadsheets.reading import (
    RawTable,
    read_table,
)
from giamngheo.registry.spreadsheets.templates import (
    CSV_TYPE,
    GENERAL_RULES,
    SURVEY_RULES,
    XLSX_TYPE,
    Download,
    csv_bytes,
    guide_csv,
    household_examples,
    household_guide_csv,
    household_template,
    styles,
    survey_guide_csv,
    survey_template,
    write_guide_sheet,
    write_template_xlsx,
)

__all__ = [
    "BOOL_FALSE",
    "BOOL_TRUE",
    "CSV_TYPE",
    "DATA_SHEET",
    "GENERAL_RULES",
    "GUIDE_SHEET",
    "MAX_XLSX_ROWS",
    "MULTI_SEPARATOR",
    "ROW",
    "SURVEY_RULES",
    "SURVEY_SHEET",
    "XLSX_TYPE",
    "Column",
    "Download",
    "Kind",
    "Level",
    "RawTable",
    "SpreadsheetError",
    "columns_by_key",
    "csv_bytes",
    "guide_csv",
    "header_index",
    "header_key",
    "household_columns",
    "household_examples",
    "household_guide_csv",
    "household_template",
    "info_columns",
    "label_of",
    "read_table",
    "styles",
    "survey_columns",
    "survey_guide_csv",
    "survey_template",
    "value_index",
    "write_guide_sheet",
    "write_template_xlsx",
]
