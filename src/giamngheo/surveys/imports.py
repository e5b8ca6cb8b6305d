"""Importing survey results (the template of ``registry.spreadsheets.survey_columns``: one row
per household, review year and standard; income and one 0/1 column per indicator).

Each valid row becomes a normal ``Survey`` of the results form of its standard (``kq-2022``,
``kq-2016``: form kind "flags"), with the same immutable, reproducible result as
``services.survey_record`` would store: inputs = the household's area type, the income and the
flags (``engine.flag_inputs``), method "flags", the rule pack's snapshot.

Set-based: the file is read by ``registry.spreadsheets.read_table`` (the household import's
reader), households are looked up with one query for all codes, the surveys already imported
with one more, every standard's rows are classified at once by ``classify_flag_columns`` and the
surveys are written with one ``bulk_create``. A file with errors writes nothing unless
``only_valid``. Re-importing an unchanged row (same household, year, standard and values as the
latest imported survey of that household, year and standard) is skipped; a changed row adds a
new survey (results are immutable, never updated).

Audit: like the household import, one event per created survey (the survey and household pages
show the history of their own object, so a summary event alone would leave them silent) plus
one summary event for the file, all in the import's transaction.

Registry: the imported income becomes the household's current income (as for a survey recorded
on the entry page, ``services.update_registry``) when no survey dated later measured income:
one bulk update, one ``registry.values_from_survey`` event per changed household.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.audit import services as audit
from giamngheo.lib import clock, tabular
from giamngheo.lib.formatting import format_number
from giamngheo.lib.text import search_key
from giamngheo.registry import spreadsheets as sheets
from giamngheo.registry.models import Household
from giamngheo.registry.spreadsheets import ROW, Column
from giamngheo.standards import classify_flag_columns, load_pack, pack_for_review_year
from giamngheo.surveys import definitions, engine, services
from giamngheo.surveys.models import FormDefinition, Survey

Progress = Callable[[int, int, str], None]

# Standard (rule pack code) → the results form that records its flags.
RESULT_FORMS: Final = {"2022-2025": "kq-2022", "2016-2020": "kq-2016", "2027-2030": "kq-2027"}
FIRST_YEAR: Final = 2016
ACTION_CREATE: Final = "create"
ACTION_UNCHANGED: Final = "unchanged"


@dataclass
class SurveyImportReport:
    file_name: str
    dry_run: bool
    only_valid: bool
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    invalid: int = 0
    written: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)  # row, column, household, message
    created_ids: list[int] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def blocked(self) -> bool:
        return self.error_count > 0 and not self.only_valid

    def headline(self) -> str:
        counts = {
            "created": format_number(self.created),
            "unchanged": format_number(self.unchanged),
            "errors": format_number(self.error_count),
            "invalid": format_number(self.invalid),
        }
        if self.written:
            return (
                _(
                    "Đã nhập %(created)s kết quả rà soát; %(unchanged)s dòng không đổi; "
                    "%(invalid)s dòng có lỗi không được nhập."
                )
                % counts
            )
        if self.blocked:
            return (
                _(
                    "Chưa nhập: tệp có %(errors)s lỗi ở %(invalid)s dòng. Sửa tệp rồi nhập lại, "
                    "hoặc chọn chỉ nhập các dòng hợp lệ."
                )
                % counts
            )
        return (
            _(
                "Chạy thử: sẽ nhập %(created)s kết quả rà soát; %(unchanged)s dòng không đổi; "
                "%(invalid)s dòng có lỗi."
            )
            % counts
        )

    def summary(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "dry_run": self.dry_run,
            "only_valid": self.only_valid,
            "written": self.written,
            "blocked": self.blocked,
            "rows": self.rows,
            "created": self.created,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "error_count": self.error_count,
            "errors": self.errors[:200],
            "status_counts": self.status_counts,
            "ignored_columns": self.ignored_columns,
            "headline": self.headline(),
        }


def result_columns() -> list[Column]:
    """The columns of every standard that has a results form, one column per key (an indicator
    shared by two standards is one column, its headers of both accepted)."""
    by_key: dict[str, Column] = {}
    for standard in RESULT_FORMS:
        for column in sheets.survey_columns(standard):
            known = by_key.get(column.key)
            if known is None:
                by_key[column.key] = column
            elif column.header != known.header or column.choices != known.choices:
                by_key[column.key] = Column(
                    **{
                        **known.__dict__,
                        "aliases": (*known.aliases, column.header),
                        "choices": tuple(dict.fromkeys((*known.choices, *column.choices))),
                    }
                )
    return list(by_key.values())


@dataclass
class _Row:
    row: int
    code: str
    year: int
    standard: str
    area_type: str
    income: int
    flags: dict[str, bool]
    household: Household | None = None


class _Run:
    def __init__(
        self,
        *,
        actor: Actor,
        path: Path,
        file_name: str,
        dry_run: bool,
        only_valid: bool,
        province_code: str | None,
        progress: Progress | None,
        job_id: int | None,
    ) -> None:
        self.actor = actor
        self.path = path
        self.province_code = province_code
        self.progress = progress
        self.job_id = job_id
        self.report = SurveyImportReport(file_name, dry_run, only_valid)
        self.columns = sheets.columns_by_key(result_columns())
        self.today = clock.today()
        self.bad_rows: set[int] = set()

    def say(self, percent: int, message: str) -> None:
        if self.progress is not None:
            self.progress(percent, 100, message)

    def error(self, row: int, key: str, message: str, household: str | None = None) -> None:
        column = self.columns[key].header if key in self.columns else key
        self.report.errors.append(
            {"row": row, "column": column, "household": household, "message": message}
        )
        if row > 1:
            self.bad_rows.add(row)

    def run(self) -> SurveyImportReport:
        self.say(1, _("Đang đọc tệp…"))
        try:
            raw = sheets.read_table(self.path, list(self.columns.values()))
        except sheets.SpreadsheetError as problem:
            self.error(1, "", str(problem))
            return self.finish()
        self.report.ignored_columns = raw.ignored + raw.duplicates
        records = raw.frame.to_dicts()
        self.report.rows = len(records)
        missing = [k for k in ("household_code", "review_year", "income") if k not in raw.headers]
        for key in missing:
            self.error(
                1,
                key,
                _("Thiếu cột “%(column)s” (dòng tiêu đề phải theo mẫu).")
                % {"column": self.columns[key].header},
            )
        if missing:
            return self.finish()
        if not records:
            self.error(1, "", _("Tệp không có dòng dữ liệu nào."))
            return self.finish()
        self.say(10, _("Đang kiểm tra từng ô…"))
        rows = [r for r in (self.parse(record) for record in records) if r is not None]
        self.check_duplicates(rows)
        self.say(30, _("Đang kiểm tra hộ và địa bàn…"))
        self.find_households(rows)
        valid = [r for r in rows if r.row not in self.bad_rows and r.household is not None]
        self.report.invalid = len(self.bad_rows)
        self.say(50, _("Đang phân loại…"))
        with transaction.atomic():
            new = self.skip_unchanged(valid)
            self.report.created = len(new)
            if not self.report.dry_run and not self.report.blocked and new:
                self.say(70, _("Đang ghi vào cơ sở dữ liệu…"))
                self.write(new)
                self.report.written = True
            elif not self.report.dry_run and not self.report.blocked:
                self.report.written = True
        return self.finish()

    def finish(self) -> SurveyImportReport:
        self.report.errors.sort(key=lambda e: e["row"])
        self.report.invalid = len(self.bad_rows)
        return self.report

    # -- cells --

    def parse(self, record: dict[str, Any]) -> _Row | None:
        row = int(record[ROW])
        before = len(self.report.errors)

        def text(key: str) -> str:
            value = record.get(key)
            return "" if value is None else str(value).strip()

        code = text("household_code")
        if not code:
            self.error(row, "household_code", _("Thiếu mã hộ."))
        for key in record:
            # What a spreadsheet would run as a formula is refused (lib.tabular).
            if key != ROW and tabular.looks_like_formula(text(key)):
                self.error(
                    row,
                    key,
                    _(
                        "“%(value)s” là công thức bảng tính hoặc bắt đầu bằng =, @, +, - như "
                        "một công thức: không nhận công thức, hãy ghi giá trị."
                    )
                    % {"value": text(key)[:60]},
                    code or None,
                )
        year_text = text("review_year")
        year = int(year_text) if year_text.isdigit() else 0
        pack = None
        if not year_text:
            self.error(row, "review_year", _("Thiếu năm rà soát."), code)
        elif not FIRST_YEAR <= year <= self.today.year:
            self.error(
                row,
                "review_year",
                _("Năm rà soát “%(value)s” không hợp lệ: phải từ %(first)s đến %(last)s.")
                % {"value": year_text, "first": FIRST_YEAR, "last": self.today.year},
                code,
            )
        else:
            try:
                pack = pack_for_review_year(year)
            except LookupError:
                self.error(
                    row,
                    "review_year",
                    _("Không có chuẩn nghèo nào áp dụng cho năm rà soát %(year)s.")
                    % {"year": year},
                    code,
                )
        standard = sheets.value_index(self.columns["standard"]).get(search_key(text("standard")))
        if not text("standard"):
            standard = pack.code if pack is not None else None
        if standard is None:
            self.error(
                row,
                "standard",
                _("Chuẩn “%(value)s” không có trong danh sách (%(allowed)s).")
                % {"value": text("standard"), "allowed": ", ".join(RESULT_FORMS)},
                code,
            )
        elif pack is not None and standard != pack.code:
            self.error(
                row,
                "standard",
                _("Năm rà soát %(year)s áp dụng chuẩn %(governing)s, không phải %(standard)s.")
                % {"year": year, "governing": pack.code, "standard": standard},
                code,
            )
        elif standard not in RESULT_FORMS:
            self.error(
                row,
                "standard",
                _("Chưa có mẫu nhập kết quả rà soát cho chuẩn %(standard)s.")
                % {"standard": standard},
                code,
            )
        area_text = text("area_type")
        area_type = ""
        if area_text:
            area_type = sheets.value_index(self.columns["area_type"]).get(search_key(area_text), "")
            if not area_type:
                self.error(
                    row,
                    "area_type",
                    _("“%(value)s” không có trong danh sách giá trị của cột này.")
                    % {"value": area_text},
                    code,
                )
        income_text = text("income").replace(".", "").replace(" ", "")
        income = int(income_text) if income_text.isdigit() else -1
        if not income_text:
            self.error(row, "income", _("Thiếu thu nhập bình quân."), code)
        elif income < 0:
            self.error(
                row,
                "income",
                _("Thu nhập “%(value)s” không hợp lệ: phải là số nguyên không âm (đồng).")
                % {"value": text("income")},
                code,
            )
        flags: dict[str, bool] = {}
        if standard in RESULT_FORMS:
            for indicator in load_pack(standard).indicator_codes:
                key = f"flag_{indicator}"
                value = text(key)
                if value in ("0", "1"):
                    flags[indicator] = value == "1"
                elif not value:
                    self.error(row, key, _("Thiếu giá trị 0/1 của chỉ số này."), code)
                else:
                    self.error(
                        row,
                        key,
                        _("“%(value)s” không hợp lệ: ghi 1 (thiếu hụt) hoặc 0 (không).")
                        % {"value": value},
                        code,
                    )
        if len(self.report.errors) > before or standard is None:
            self.bad_rows.add(row)
            return None
        return _Row(row, code, year, standard, area_type, income, flags)

    def check_duplicates(self, rows: list[_Row]) -> None:
        first: dict[tuple[str, int, str], int] = {}
        for r in rows:
            key = (r.code, r.year, r.standard)
            if key in first:
                self.error(
                    r.row,
                    "household_code",
                    _("Hộ %(code)s, năm %(year)s đã có ở dòng %(first)s.")
                    % {"code": r.code, "year": r.year, "first": first[key]},
                    r.code,
                )
            else:
                first[key] = r.row

    # -- households and reach --

    def find_households(self, rows: list[_Row]) -> None:
        """One query for every code; the household in the user's change reach."""
        reach = None if self.actor is None else access.change_reach(self.actor)
        found: dict[str, list[Household]] = defaultdict(list)
        households = Household.objects.filter(code__in={r.code for r in rows})
        if self.province_code:
            households = households.filter(province__code=self.province_code)
        for household in households:
            found[household.code].append(household)

        def reachable(household: Household) -> bool:
            if reach is None or reach.everything:
                return True
            return (
                household.province_id in reach.provinces
                or household.commune_id in reach.communes
                or household.village_id in reach.villages
            )

        for r in rows:
            candidates = found.get(r.code, [])
            mine = [h for h in candidates if reachable(h)]
            if len(mine) == 1:
                r.household = mine[0]
                if not r.area_type:
                    r.area_type = r.household.area_kind
            elif len(mine) > 1:
                self.error(
                    r.row,
                    "household_code",
                    _("Mã hộ %(code)s có ở nhiều tỉnh: hãy chọn tỉnh.") % {"code": r.code},
                    r.code,
                )
            elif candidates:
                # Do not reveal anything about a household outside the user's areas.
                self.error(
                    r.row,
                    "household_code",
                    _("Hộ %(code)s không thuộc địa bàn bạn được nhập liệu.") % {"code": r.code},
                    r.code,
                )
            else:
                self.error(
                    r.row,
                    "household_code",
                    _("Không có hộ mã %(code)s trong danh sách hộ.") % {"code": r.code},
                    r.code,
                )

    # -- comparing and writing --

    def skip_unchanged(self, rows: list[_Row]) -> list[tuple[_Row, dict[str, Any]]]:
        """The rows whose inputs differ from the latest imported survey of the same household,
        review year and results form (one query)."""
        latest: dict[tuple[int, int, str], str] = {}
        stored = (
            Survey.objects.filter(
                household_id__in={r.household.pk for r in rows if r.household},
                review_year__in={r.year for r in rows},
                form__code__in=RESULT_FORMS.values(),
            )
            .order_by("created_at", "pk")
            .values_list("household_id", "review_year", "form__code", "inputs")
        )
        for household_id, year, form, inputs in stored:
            latest[(household_id, year, form)] = _canonical(inputs)
        new: list[tuple[_Row, dict[str, Any]]] = []
        for r in rows:
            if r.household is None:  # not a valid row (find_households reported it)
                continue
            inputs = engine.flag_inputs(
                household_code=r.household.code,
                area_type=r.area_type,
                income=r.income,
                flags=r.flags,
            )
            key = (r.household.pk, r.year, RESULT_FORMS[r.standard])
            if latest.get(key) == _canonical(inputs):
                self.report.unchanged += 1
            else:
                new.append((r, inputs))
        return new

    def write(self, new: list[tuple[_Row, dict[str, Any]]]) -> None:
        created_by = acting_user(self.actor)
        note = _("Nhập từ tệp %(file)s") % {"file": self.report.file_name}
        surveys: list[Survey] = []
        by_standard: dict[str, list[tuple[_Row, dict[str, Any]]]] = defaultdict(list)
        for item in new:
            by_standard[item[0].standard].append(item)
        for standard, items in by_standard.items():
            definition: FormDefinition = services.form_definition(RESULT_FORMS[standard])
            current = services.pack_files(standard)
            snapshot = services.pack_snapshot(current)
            pack = current.pack
            income = np.array([r.income for r, _i in items], dtype=np.int64)
            result = classify_flag_columns(
                pack,
                household_ids=np.array([r.code for r, _i in items], dtype=object),
                is_urban=np.array([r.area_type == "urban" for r, _i in items], dtype=np.bool_),
                flags={
                    code: np.array([r.flags[code] for r, _i in items], dtype=np.bool_)
                    for code in pack.indicator_codes
                },
                income=income,
            )
            statuses = result.statuses()
            for index, (r, inputs) in enumerate(items):
                household = r.household
                if household is None:  # filtered out by skip_unchanged
                    continue
                count = int(result.deprivation_count[index])
                surveys.append(
                    Survey(
                        province_id=household.province_id,
                        commune_id=household.commune_id,
                        village_id=household.village_id,
                        household=household,
                        form=definition,
                        review_year=r.year,
                        surveyed_on=min(dt.date(r.year, 12, 31), self.today),
                        surveyor=None,
                        surveyor_name=note[:200],
                        answers={
                            "household": {
                                "income": r.income,
                                **{
                                    f.name: r.flags[code]
                                    for code, f in definitions.flag_fields(
                                        services.spec_of(definition)
                                    ).items()
                                },
                            },
                            "members": [],
                        },
                        inputs=inputs,
                        standard_snapshot=snapshot,
                        standard_code=pack.code,
                        standard_version=pack.version,
                        method=engine.METHOD_FLAGS,
                        status=statuses[index],
                        screening="",
                        income=r.income,
                        score_a=None,
                        score_b=engine.flag_score_b(pack, count),
                        deprivation_flags={
                            code: bool(result.flags[code][index]) for code in pack.indicator_codes
                        },
                        deprivation_count=count,
                        created_by=created_by,
                    )
                )
        created = Survey.objects.bulk_create(surveys)
        self.report.created_ids = [s.pk for s in created]
        counts: dict[str, int] = defaultdict(int)
        for survey in created:
            counts[survey.status] += 1
        self.report.status_counts = dict(counts)
        audit.record_many(
            actor=created_by,
            action="surveys.survey_recorded",
            changes=[
                audit.Change(
                    obj=s,
                    after={
                        "household_id": s.household_id,
                        "form": f"{s.form.code} v{s.form.version}",
                        "review_year": s.review_year,
                        "surveyed_on": s.surveyed_on.isoformat(),
                        "standard": f"{s.standard_code} {s.standard_version}",
                        "status": s.status,
                        "income": s.income,
                        "deprivation_count": s.deprivation_count,
                    },
                )
                for s in created
            ],
            note=note,
        )
        province_ids = {s.province_id for s in created}
        audit.record_bulk(
            actor=self.actor,
            action="surveys.results_imported",
            object_type=Survey._meta.label_lower,
            object_id=self.report.file_name[:64],
            summary={
                "file": self.report.file_name,
                "job": self.job_id,
                "created": self.report.created,
                "unchanged": self.report.unchanged,
                "invalid": self.report.invalid,
                "only_valid": self.report.only_valid,
                "status_counts": self.report.status_counts,
            },
            note=note,
            province_id=next(iter(province_ids)) if len(province_ids) == 1 else None,
        )
        # The imported income becomes the household's current income where no later-dated
        # survey measured it (one locked bulk update and one audit event per changed household).
        services.update_registry(actor=self.actor, surveys=created)


def _canonical(inputs: Any) -> str:
    return json.dumps(inputs, sort_keys=True, ensure_ascii=False)


def import_survey_results(
    *,
    actor: Actor,
    path: Path,
    file_name: str | None = None,
    dry_run: bool = True,
    only_valid: bool = False,
    province_code: str | None = None,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> SurveyImportReport:
    """Import survey results from ``path`` (xlsx or CSV, the survey-results template) on behalf
    of ``actor`` (``None``: the system, every area). ``dry_run``: check only, write nothing.
    ``only_valid``: when some rows have errors, still import the others."""
    return _Run(
        actor=actor,
        path=path,
        file_name=file_name or path.name,
        dry_run=dry_run,
        only_valid=only_valid,
        province_code=province_code,
        progress=progress,
        job_id=job_id,
    ).run()
