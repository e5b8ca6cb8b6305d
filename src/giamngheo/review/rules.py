"""Process parameters of the review as data: which values exist (``KEYS``, with their type), where
they come from (``RuleSet``/``RuleValue`` rows seeded from ``data/process_rules.toml``), and the
typed view a round uses (:class:`Params`, built from the copy stored on the round).

No value is written in code: durations, thresholds and deadlines live in the data with their
source and verification flag. A province overrides single values with a rule set of its own.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.lib.errors import DomainError
from giamngheo.review.models import RuleSet, RuleValue, ShippedEntry

DATA_FILE = Path(__file__).resolve().parent / "data" / "process_rules.toml"


# key → (type, description). Descriptions are for the admin and docs/review.md.
KEYS: dict[str, tuple[type, str]] = {
    "review_window_start": (str, "first day of the annual review (MM-DD)"),
    "review_window_end": (str, "last day of the annual review (MM-DD)"),
    "posting_working_days": (int, "posting period in working days"),
    "complaint_recheck_working_days": (int, "working days to post a complaint's re-check result"),
    "complaints_until_posting_end": (bool, "complaints are received until the posting ends"),
    "vote_threshold": (list, "[num, den]: stands when agree × den ≥ num × attendees"),
    "minutes_copies": (int, "copies of the meeting minutes"),
    "application_review_day": (int, "day of the month the in-year review starts"),
    "application_decision_days": (int, "days from the review start to decide an application"),
    "application_decision_working_days": (bool, "the days above are working days"),
    "report_recipient": (str, "level the commune reports to"),
    "consultation_before_decision": (str, "level consulted before the decision ('' = none)"),
    "consultation_from": (str, "the consultation applies to annual rounds from (YYYY-MM-DD)"),
    "commune_report_due": (str, "the commune's annual report deadline (MM-DD)"),
    "monthly_report_day": (int, "day of the month of the in-year results report"),
    "monthly_report_months": (list, "months with an in-year results report"),
    "province_preliminary_report_due": (str, "province's preliminary report (MM-DD)"),
    "province_official_report_due": (str, "province's official report (MM-DD)"),
    "certificate_number_suffix": (str, "suffix of certificate numbers"),
    "certificate_valid_years_after_review": (int, "certificate valid to 31/12 of year + N"),
    "decider_title": (str, "title of the person who decides recognition"),
}


# key → the label people read on the round page (issue 11: labels, not raw codes).
LABELS: dict[str, Promise] = {
    "review_window_start": gettext_lazy("Ngày bắt đầu rà soát định kỳ"),
    "review_window_end": gettext_lazy("Ngày kết thúc rà soát định kỳ"),
    "posting_working_days": gettext_lazy("Thời gian niêm yết (ngày làm việc)"),
    "complaint_recheck_working_days": gettext_lazy(
        "Thời hạn niêm yết kết quả phúc tra khiếu nại (ngày làm việc)"
    ),
    "complaints_until_posting_end": gettext_lazy("Nhận khiếu nại đến hết thời gian niêm yết"),
    "vote_threshold": gettext_lazy("Tỷ lệ đồng ý tối thiểu khi họp dân"),
    "minutes_copies": gettext_lazy("Số bản biên bản họp dân"),
    "application_review_day": gettext_lazy("Ngày bắt đầu rà soát thường xuyên hằng tháng"),
    "application_decision_days": gettext_lazy("Thời hạn công nhận hộ có giấy đề nghị (ngày)"),
    "application_decision_working_days": gettext_lazy("Thời hạn trên tính theo ngày làm việc"),
    "report_recipient": gettext_lazy("Cấp nhận báo cáo của xã"),
    "consultation_before_decision": gettext_lazy("Cấp được xin ý kiến trước khi quyết định"),
    "consultation_from": gettext_lazy("Xin ý kiến áp dụng cho đợt rà soát từ ngày"),
    "commune_report_due": gettext_lazy("Hạn báo cáo kết quả rà soát của xã"),
    "monthly_report_day": gettext_lazy("Ngày báo cáo kết quả rà soát thường xuyên hằng tháng"),
    "monthly_report_months": gettext_lazy("Các tháng báo cáo kết quả rà soát thường xuyên"),
    "province_preliminary_report_due": gettext_lazy("Hạn báo cáo sơ bộ của tỉnh"),
    "province_official_report_due": gettext_lazy("Hạn báo cáo chính thức của tỉnh"),
    "certificate_number_suffix": gettext_lazy("Ký hiệu số giấy chứng nhận"),
    "certificate_valid_years_after_review": gettext_lazy(
        "Giấy chứng nhận có hiệu lực đến hết năm (sau năm rà soát)"
    ),
    "decider_title": gettext_lazy("Chức danh người quyết định công nhận"),
}


def label(key: str) -> str:
    """The label of a parameter; an unknown key (a province's own) shows as written."""
    return str(LABELS.get(key, key))


_LEVELS: dict[str, Promise] = {
    "province": gettext_lazy("cấp tỉnh"),
    "district": gettext_lazy("cấp huyện"),
    "commune": gettext_lazy("cấp xã"),
}


def display_value(key: str, value: Any) -> str:
    """A parameter's value as a person reads it: yes/no, a fraction, a list, a level's name."""
    if isinstance(value, bool):
        return str(_("có") if value else _("không"))
    if key == "vote_threshold" and isinstance(value, list) and len(value) == 2:
        return f"{value[0]}/{value[1]}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if key in ("report_recipient", "consultation_before_decision"):
        return str(_LEVELS.get(str(value), value)) if value else "—"
    return str(value)


class RulesMissing(DomainError, LookupError):
    """No rule set covers the year; the message is for the user (Vietnamese)."""


@dataclass(frozen=True)
class Params:
    """Typed access to a round's parameter copy ``{key: {"value", "source", "verified"}}``."""

    values: Mapping[str, Mapping[str, Any]]

    def raw(self, key: str) -> Any:
        return self.values[key]["value"]

    def verified(self, key: str) -> bool:
        return bool(self.values[key].get("verified", False))

    def source(self, key: str) -> str:
        return str(self.values[key].get("source", ""))

    def day_of_year(self, key: str, year: int) -> dt.date:
        month, day = (int(part) for part in str(self.raw(key)).split("-"))
        return dt.date(year, month, day)

    @property
    def posting_working_days(self) -> int:
        return int(self.raw("posting_working_days"))

    @property
    def complaint_recheck_working_days(self) -> int:
        return int(self.raw("complaint_recheck_working_days"))

    @property
    def vote_threshold(self) -> Fraction:
        num, den = self.raw("vote_threshold")
        return Fraction(int(num), int(den))

    @property
    def minutes_copies(self) -> int:
        return int(self.raw("minutes_copies"))

    @property
    def application_review_day(self) -> int:
        return int(self.raw("application_review_day"))

    @property
    def application_decision_days(self) -> int:
        return int(self.raw("application_decision_days"))

    @property
    def application_decision_working_days(self) -> bool:
        return bool(self.raw("application_decision_working_days"))

    @property
    def certificate_number_suffix(self) -> str:
        return str(self.raw("certificate_number_suffix"))

    @property
    def certificate_valid_years_after_review(self) -> int:
        return int(self.raw("certificate_valid_years_after_review"))

    @property
    def decider_title(self) -> str:
        return str(self.raw("decider_title"))

    @property
    def report_recipient(self) -> str:
        return str(self.raw("report_recipient"))

    @property
    def complaints_until_posting_end(self) -> bool:
        return bool(self.raw("complaints_until_posting_end"))

    def consultation_required(self, review_start: dt.date) -> bool:
        """QĐ 24/2021 Art. 4.5, adapted after 1/7/2025 (unverified): whether the commune reports
        to and consults the level in ``consultation_before_decision`` before its decision. A
        round whose copy predates these keys has no such step."""
        level = self.values.get("consultation_before_decision", {}).get("value", "")
        start = self.values.get("consultation_from", {}).get("value", "")
        return bool(level) and bool(start) and review_start >= dt.date.fromisoformat(str(start))

    def deadline_before(self, key: str, year: int) -> dt.date:
        """The last compliant day of a deadline the law words "Trước ngày …" (before the day):
        exclusive, so the day before (QĐ 24/2021 Art. 7.2: "Trước ngày 15 tháng 11" → 14/11)."""
        return self.day_of_year(key, year) - dt.timedelta(days=1)

    def unverified(self) -> list[str]:
        return sorted(key for key in self.values if not self.verified(key))


def check_values(values: Mapping[str, Mapping[str, Any]], *, complete: bool = True) -> list[str]:
    """Problems of a parameter set: missing keys (when ``complete``), unknown keys, wrong
    types (English, for developers)."""
    problems = [f"missing parameter {key!r}" for key in KEYS if complete and key not in values]
    for key, fact in values.items():
        if key not in KEYS:
            problems.append(f"unknown parameter {key!r}")
            continue
        expected = KEYS[key][0]
        value = fact.get("value")
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append(f"{key}: expected an integer, got {value!r}")
        elif expected is not int and not isinstance(value, expected):
            problems.append(f"{key}: expected {expected.__name__}, got {value!r}")
    return problems


def read_default_rules(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    """The rule sets of the data file, inheritance resolved (an inherited value is marked
    unverified for the child period: nothing says it still holds there)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    by_code: dict[str, dict[str, Any]] = {}
    for raw in data["rule_sets"]:
        values = {key: dict(fact) for key, fact in raw.get("values", {}).items()}
        parent = raw.get("inherits")
        if parent:
            for key, fact in by_code[parent]["values"].items():
                if key not in values:
                    values[key] = {
                        **fact,
                        "verified": False,
                        "note": f"Inherited from {parent}. {fact.get('note', '')}".strip(),
                    }
        rule_set = {**raw, "values": values}
        problems = check_values(values)
        if problems:
            raise ValueError(f"{path.name} [{raw['code']}]: " + "; ".join(problems))
        by_code[raw["code"]] = rule_set
    return list(by_code.values())


@transaction.atomic
def load_default_rules(*, path: Path = DATA_FILE, only_if_empty: bool = True) -> int:
    """Add the data file's rule sets and values not loaded before (``ShippedEntry``): a new key
    or rule set arrives with a release, while a value a province deleted or edited stays as the
    province left it (a shipped value loaded once is never loaded again). ``only_if_empty``:
    only when no rule set exists (the first seeding). Returns the number of values added."""

    if only_if_empty and RuleSet.objects.exists():
        return 0
    seen = set(ShippedEntry.objects.filter(kind="rule").values_list("key", flat=True))
    loaded_sets = {key.split(".", 1)[0] for key in seen}
    added = 0
    marks = []
    for raw in read_default_rules(path):
        rule_set = RuleSet.objects.filter(code=raw["code"], province__isnull=True).first()
        if rule_set is None and raw["code"] in loaded_sets:
            continue  # the whole rule set was deleted on purpose
        if rule_set is None:
            rule_set = RuleSet.objects.create(
                code=raw["code"],
                title=raw["title"],
                standard=raw["standard"],
                first_year=raw["first_year"],
                last_year=raw["last_year"],
                legal_basis=raw.get("legal_basis", ""),
                note=raw.get("note", ""),
            )
        have = set(RuleValue.objects.filter(rule_set=rule_set).values_list("key", flat=True))
        new = {
            key: fact
            for key, fact in raw["values"].items()
            if f"{raw['code']}.{key}" not in seen and key not in have
        }
        RuleValue.objects.bulk_create(
            RuleValue(
                rule_set=rule_set,
                key=key,
                value=fact["value"],
                source=fact.get("source", ""),
                verified=bool(fact.get("verified", False)),
                note=fact.get("note", ""),
            )
            for key, fact in new.items()
        )
        added += len(new)
        marks += [ShippedEntry(kind="rule", key=f"{raw['code']}.{key}") for key in raw["values"]]
    ShippedEntry.objects.bulk_create(marks, ignore_conflicts=True)
    return added


@dataclass(frozen=True)
class Resolved:
    code: str
    standard: str
    values: dict[str, dict[str, Any]]


def resolve(year: int, province_id: int | None) -> Resolved:
    """The parameters in force for a review ``year`` in a province: the national rule set that
    covers the year, with the province's own values (if any) on top."""

    load_default_rules()
    sets = list(
        RuleSet.objects.filter(first_year__lte=year, last_year__gte=year)
        .filter(Q(province__isnull=True) | Q(province_id=province_id))
        .order_by("province_id")
    )
    national = next((s for s in sets if s.province_id is None), None)
    if national is None:
        raise RulesMissing(
            _("Chưa có bộ tham số quy trình rà soát cho năm %(year)s.") % {"year": year}
        )
    own = next((s for s in sets if s.province_id is not None), None)
    values: dict[str, dict[str, Any]] = {}
    for rule_set in (national, own):
        if rule_set is None:
            continue
        for row in RuleValue.objects.filter(rule_set=rule_set):
            values[row.key] = {
                "value": row.value,
                "source": row.source,
                "verified": row.verified,
                "note": row.note,
                "rule_set": rule_set.code,
            }
    code = own.code if own is not None else national.code
    return Resolved(code=code, standard=national.standard, values=values)
