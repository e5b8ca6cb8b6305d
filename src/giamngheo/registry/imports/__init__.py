"""Importing households with their members from an xlsx or CSV file (the template of
``registry.spreadsheets``), as a dry run or for real.

Stages (set-based throughout: no query and no Python loop per row):

1. read the file into text columns (``spreadsheets.read_table``);
2. parse every cell, vectorised with Polars; categorical columns are parsed once per distinct
   value. Every problem becomes an error row (row, column, message in Vietnamese);
3. structure: one head per household, household columns consistent with the head's row,
   duplicate citizen IDs in the file, birth date or year;
4. areas: commune (by code or name, or converted from an old three-level address by
   ``registry.legacy``), village in that commune, one province per file, and the user's reach
   (``access.change_reach``): rows outside it are errors;
5. compare: inside one transaction, holding a per-province advisory lock: compare with the database.
   Households are matched by code within the province (upsert), members by citizen ID, then by
   name and birth year. Citizen IDs held by active persons elsewhere are errors, except a
   person moving between two households of the same file;
6. unless it is a dry run, or there are errors and the user did not choose "only the valid
   households": write with COPY and a few set-based UPDATEs, and the audit events.

Semantics of a cell: an empty cell keeps the stored value of an existing household or person
and takes the default for a new one. Members of an existing household who are not in the file
stay (a file listing only the heads must not empty every household); only when the user declares
the file complete (``complete``: every member of each household is listed) do they leave the
household and stop being active persons; the dry run counts them either way
(``members_absent``). Without ``complete`` a stored head missing from a file that names another
head is an error (two heads). A masked
number from an export made for a role that may not see it (``********1234``) counts as empty.

One module per stage, each a function taking the run's ``Context`` (``context.py``: request,
report, error log) and the frame or plan of the stage before it:
``read`` → ``parse`` → ``structure`` → ``compare`` → ``plan`` → ``write``; ``report`` holds the
report and its files, ``foreign_ids`` the limit on IDs held outside the user's areas. This
module is the entry point (``import_households``) and the background job (``IMPORT_JOB``,
registered when it is imported: ``jobs.kinds.DEFAULT_JOB_MODULES`` names this module).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.jobs import files
from giamngheo.jobs.kinds import job_kind
from giamngheo.registry.fields import HOUSEHOLD_VALUE_KEYS, PERSON_VALUE_KEYS
from giamngheo.registry.imports import foreign_ids
from giamngheo.registry.imports.compare import compare
from giamngheo.registry.imports.context import Context, Progress
from giamngheo.registry.imports.foreign_ids import (
    FOREIGN_ID_ACTION,
    UNUSABLE_ID_MESSAGE,
    foreign_id_checks_today,
    foreign_id_daily_limit,
)
from giamngheo.registry.imports.frames import ERROR_SCHEMA, search_key_expr
from giamngheo.registry.imports.parse import parse
from giamngheo.registry.imports.plan import plan
from giamngheo.registry.imports.read import read
from giamngheo.registry.imports.report import (
    ACTION_CREATE,
    ACTION_INVALID,
    ACTION_LABELS,
    ACTION_UNCHANGED,
    ACTION_UPDATE,
    CHANGE_SCHEMA,
    SUMMARY_CHANGES,
    SUMMARY_ERRORS,
    ImportReport,
    add_error_sheet,
    error_rows,
    write_error_rows_csv,
    write_errors_csv,
    write_report_xlsx,
)
from giamngheo.registry.imports.structure import structure
from giamngheo.registry.imports.write import write

__all__ = [
    "ACTION_CREATE",
    "ACTION_INVALID",
    "ACTION_LABELS",
    "ACTION_UNCHANGED",
    "ACTION_UPDATE",
    "CHANGE_SCHEMA",
    "ERROR_SCHEMA",
    "FOREIGN_ID_ACTION",
    "HOUSEHOLD_VALUE_KEYS",
    "IMPORT_JOB",
    "PERSON_VALUE_KEYS",
    "SUMMARY_CHANGES",
    "SUMMARY_ERRORS",
    "UNUSABLE_ID_MESSAGE",
    "ImportReport",
    "Progress",
    "add_error_sheet",
    "error_rows",
    "foreign_id_checks_today",
    "foreign_id_daily_limit",
    "import_households",
    "import_job",
    "search_key_expr",
    "write_error_rows_csv",
    "write_errors_csv",
    "write_report_xlsx",
]


def import_households(
    *,
    actor: Actor,
    path: Path,
    file_name: str | None = None,
    dry_run: bool = True,
    only_valid: bool = False,
    province_code: str | None = None,
    resolutions: dict[str, str] | None = None,
    progress: Progress | None = None,
    job_id: int | None = None,
    complete: bool = False,
) -> ImportReport:
    """Import households with members from ``path`` (xlsx or CSV) on behalf of ``actor``
    (``None``: the system, e.g. the command line, which reaches every area).

    ``dry_run``: compare only, change nothing. ``only_valid``: when some households have
    errors, still write the others (else nothing is written). ``province_code`` fixes the
    province (else the province of most rows). ``resolutions`` maps ambiguous old addresses
    (``legacy.address_key``) to the commune code the user chose. ``complete``: the file lists
    every member of its households, so stored members it does not list leave (else they stay).
    """
    file_name = file_name or path.name
    ctx = Context(
        actor=actor,
        file_name=file_name,
        dry_run=dry_run,
        only_valid=only_valid,
        complete=complete,
        province_code=province_code,
        resolutions=resolutions or {},
        job_id=job_id,
        progress=progress,
        report=ImportReport(
            file_name=file_name, dry_run=dry_run, only_valid=only_valid, complete=complete
        ),
    )
    ctx.say(1, _("Đang đọc tệp…"))
    frame = read(ctx, path)
    if frame is None:
        return _finish(ctx, None)
    frame, communes = parse(ctx, frame)
    located = structure(ctx, frame, communes)
    if located is None:
        return _finish(ctx, None)
    province = located.province
    ctx.say(35, _("Đang so sánh với dữ liệu hiện có…"))
    with transaction.atomic(), connection.cursor() as cursor:
        # One import per province at a time: two concurrent imports of one file would
        # otherwise both create the same households.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"giamngheo.registry.import.{province.code}"],
        )
        if foreign_ids.used_up(ctx, limit=0):
            foreign_ids.record(ctx, province, 0, refused=True)
            foreign_ids.refuse(ctx)
            return _finish(ctx, province)
        matched = compare(ctx, cursor, located.frame, province, located.villages)
        changes = plan(ctx, matched, located.villages)
        hits = matched.foreign_ids
        if hits and foreign_ids.used_up(ctx, limit=hits):
            foreign_ids.record(ctx, province, hits, refused=True)
            foreign_ids.refuse(ctx)
            return _finish(ctx, province)
        ctx.report.errors = ctx.errors.frame()
        ctx.lap("compare")
        if not dry_run and not ctx.report.blocked:
            ctx.say(60, _("Đang ghi vào cơ sở dữ liệu…"))
            write(ctx, cursor, changes, province)
            ctx.report.written = True
        if hits:
            foreign_ids.record(ctx, province, hits)
    ctx.lap("commit")
    ctx.say(99, _("Đang lập báo cáo…"))
    return _finish(ctx, province)


def _finish(ctx: Context, province: AdministrativeUnit | None) -> ImportReport:
    report = ctx.report
    report.errors = ctx.errors.frame()
    if province is not None:
        report.province_code = province.code
        report.province_name = province.name
    if report.changes.height == 0 and report.errors.height:
        report.invalid = report.errors["household"].drop_nulls().n_unique()
    return report


# -- the background job -----------------------------------------------------------------------

IMPORT_JOB: Final = "registry.import_households"


@job_kind(
    IMPORT_JOB, label=gettext_lazy("Nhập hộ gia đình từ tệp"), page="registry_io:import_detail"
)
def import_job(context: Any) -> dict[str, Any]:

    parameters = context.parameters
    report = import_households(
        actor=context.actor,
        path=files.resolve(parameters["file"]),
        file_name=parameters.get("file_name"),
        dry_run=bool(parameters.get("dry_run", True)),
        only_valid=bool(parameters.get("only_valid", False)),
        province_code=parameters.get("province_code") or None,
        resolutions=parameters.get("resolutions") or {},
        progress=context.progress,
        job_id=context.job.pk,
        complete=bool(parameters.get("complete", False)),
    )
    write_report_xlsx(report, context.output_path("report.xlsx", "bao-cao-nhap.xlsx"))
    if report.error_count:
        write_errors_csv(report, context.output_path("errors.csv", "loi-nhap.csv"))
    context.final_message = report.headline()
    return report.summary()
