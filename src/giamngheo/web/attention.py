"""What the dashboard's "Việc cần chú ý" lists: what is overdue or due soon, for the role the
user holds where it holds it, each with a link to where it is done.

- collaborators: their own support requests and their own monthly reports;
- commune officers (and inspectors, who read): their communes' support requests past or near
  their deadline, collaborators' monthly reports overdue (one line per commune and month),
  in-year review rounds open past their due date, the annual round behind the commune's
  report deadline, the review's own dated items (postings, complaints, applications), and
  households whose main earner died or left with no in-year application since (a link to
  file one);
- provincial officers: communes behind on the annual review, the Art. 7 reports (QĐ 24/2021
  Art. 7.2, 7.3: "trước ngày 15/11, 20/12", last compliant days 14/11 and 19/12) and commune
  reports waiting for the province's consolidation.

A system administrator holds no area: the list is for people with work in an area, and a
country-wide list would drown them (they have the review's progress pages).

Each source is read through its app's scoped selectors, with a bounded number of queries:
one or two per source, plus the rules of each province the user works in; never one per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from giamngheo.accounts import access
from giamngheo.accounts.models import Role
from giamngheo.accounts.types import Viewer, acting_user
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock
from giamngheo.lib.formatting import format_date
from giamngheo.review import life_events as review_life_events
from giamngheo.review import selectors as review
from giamngheo.review.models import CommuneReport, RoundKind
from giamngheo.review.rules import Params, RulesMissing, resolve
from giamngheo.review.states import RoundState
from giamngheo.workforce import selectors as workforce
from giamngheo.workforce.states import OPEN_STATES

# How far ahead "due soon" looks. Day-to-day deadlines (requests, monthly reports, in-year
# rounds) warn three days ahead; the year-end review deadlines a month ahead, because a
# commune that has not started its meetings by then cannot finish in time.
SOON_DAYS = 3
YEAR_END_WARNING_DAYS = 30
# A dashboard is not a report: each source shows its most urgent rows, the page links the rest.
ROWS_PER_SOURCE = 20

OFFICER_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.INSPECTOR})
PROVINCE_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.INSPECTOR})
# Rounds still waiting for something: an in-year round ends "closed", an annual one "reported".
FINISHED_ROUND_STATES = [RoundState.CLOSED, RoundState.REPORTED]


@dataclass(frozen=True)
class Item:
    kind: str
    text: str
    url: str
    due_on: dt.date
    overdue: bool


def items_for(user: Viewer, *, today: dt.date | None = None) -> list[Item]:
    """Everything overdue or due soon for ``user``, overdue first, then by deadline."""
    today = today or clock.today()
    if not getattr(user, "is_authenticated", False) or access.is_system_admin(user):
        return []
    grants = [(g.role, g.area) for g in access.grants(user) if g.area is not None]
    communes = {a for r, a in grants if r in OFFICER_ROLES and a.level == Level.COMMUNE}
    provinces = {a for r, a in grants if r in PROVINCE_ROLES and a.level == Level.PROVINCE}
    collaborator = any(r == Role.COLLABORATOR for r, _a in grants)
    items: list[Item] = []
    commune_ids = [c.pk for c in communes]
    if collaborator or communes:
        items += _requests(user, commune_ids, collaborator, today)
    if collaborator:
        items += _own_reports(user, today)
    if communes:
        items += _commune_reports(user, commune_ids, today)
        items += _in_year_rounds(user, commune_ids, today)
        items += _annual_rounds(user, sorted(communes, key=lambda c: c.code), today)
        items += _review_dated_items(user, today)
        items += _life_events(user, commune_ids)
    for province in sorted(provinces, key=lambda p: p.code):
        items += _province_items(user, province, today)
    return sorted(items, key=lambda i: (not i.overdue, i.due_on, i.text))


def _days(due_on: dt.date, today: dt.date) -> str:
    late = (today - due_on).days
    if late > 0:
        return ngettext("quá hạn %(n)d ngày", "quá hạn %(n)d ngày", late) % {"n": late}
    if late == 0:
        return _("hết hạn hôm nay")
    return ngettext("còn %(n)d ngày", "còn %(n)d ngày", -late) % {"n": -late}


# -- workforce ---------------------------------------------------------------------------------


def _request_items(rows: Iterable[Any], today: dt.date) -> list[Item]:
    return [
        Item(
            kind="support_request",
            text=_("Yêu cầu hỗ trợ của hộ %(code)s (%(village)s): hạn giải quyết %(due)s, %(days)s")
            % {
                "code": r.household.code,
                "village": r.village.name,
                "due": format_date(r.due_on),
                "days": _days(r.due_on, today),
            },
            url=reverse("workforce:request_detail", args=[r.pk]),
            due_on=r.due_on,
            overdue=r.due_on < today,
        )
        for r in rows
    ]


def _requests(user: Viewer, commune_ids: list[int], own: bool, today: dt.date) -> list[Item]:
    """Open requests past or near their deadline: those of the officer's communes and, for a
    collaborator, those they own or collected. One query."""
    mine = Q(owner__user=user) | Q(collected_by__user=user)
    condition = Q(commune_id__in=commune_ids) | mine if own else Q(commune_id__in=commune_ids)
    rows = (
        workforce.requests_visible_to(user)
        .filter(condition)
        .filter(state__in=sorted(OPEN_STATES), due_on__lte=today + dt.timedelta(days=SOON_DAYS))
        .select_related("household", "village")
        .order_by("due_on", "pk")[:ROWS_PER_SOURCE]
    )
    return _request_items(rows, today)


def _report_url(worker_id: int, month: dt.date) -> str:
    return reverse("workforce:report", args=[worker_id, month.year, month.month])


def _own_reports(user: Viewer, today: dt.date) -> list[Item]:
    account = acting_user(user)
    if account is None:
        return []
    rows = (
        workforce.reports_visible_to(user)
        .filter(
            worker__user=account,
            submitted_at__isnull=True,
            due_on__lte=today + dt.timedelta(days=SOON_DAYS),
        )
        .order_by("due_on")[:ROWS_PER_SOURCE]
    )
    return [
        Item(
            kind="monthly_report",
            text=_("Báo cáo tháng %(month)s của bạn: hạn nộp %(due)s, %(days)s")
            % {
                "month": f"{r.month:%m/%Y}",
                "due": format_date(r.due_on),
                "days": _days(r.due_on, today),
            },
            url=_report_url(r.worker_id, r.month),
            due_on=r.due_on,
            overdue=r.due_on < today,
        )
        for r in rows
    ]


def _commune_reports(user: Viewer, commune_ids: list[int], today: dt.date) -> list[Item]:
    """Collaborators' reports past their deadline, one line per commune and month."""
    groups = (
        workforce.reports_visible_to(user)
        .filter(commune_id__in=commune_ids, submitted_at__isnull=True, due_on__lt=today)
        .values("commune__code", "commune__name", "month")
        .annotate(n=Count("pk"), first_due=Min("due_on"))
        .order_by("month", "commune__name")[:ROWS_PER_SOURCE]
    )
    items = []
    for g in groups:
        query = urlencode({"area": g["commune__code"], "month": f"{g['month']:%m/%Y}"})
        items.append(
            Item(
                kind="monthly_reports",
                text=ngettext(
                    "%(commune)s: %(n)d báo cáo tháng %(month)s chưa nộp, %(days)s",
                    "%(commune)s: %(n)d báo cáo tháng %(month)s chưa nộp, %(days)s",
                    g["n"],
                )
                % {
                    "commune": g["commune__name"],
                    "n": g["n"],
                    "month": f"{g['month']:%m/%Y}",
                    "days": _days(g["first_due"], today),
                },
                url=f"{reverse('workforce:reporting')}?{query}",
                due_on=g["first_due"],
                overdue=True,
            )
        )
    return items


# -- review ------------------------------------------------------------------------------------


def _in_year_rounds(user: Viewer, commune_ids: list[int], today: dt.date) -> list[Item]:
    """In-year rounds (Art. 5) still open past the 15 days they had to answer every request."""
    rows = (
        review.rounds(user)
        .filter(kind=RoundKind.REGULAR, commune_id__in=commune_ids)
        .exclude(state__in=FINISHED_ROUND_STATES)
        .filter(window_end__lte=today + dt.timedelta(days=SOON_DAYS))
        .select_related("commune")
        .order_by("window_end")[:ROWS_PER_SOURCE]
    )
    return [
        Item(
            kind="in_year_round",
            text=_(
                "%(commune)s: rà soát thường xuyên tháng %(month)s chưa kết thúc, "
                "hạn %(due)s, %(days)s"
            )
            % {
                "commune": r.commune.name,
                "month": f"{r.month:02d}/{r.year}",
                "due": format_date(r.window_end),
                "days": _days(r.window_end, today),
            },
            url=reverse("review:round_detail", args=[r.pk]),
            due_on=r.window_end,
            overdue=r.window_end < today,
        )
        for r in rows
    ]


def _params(province_id: int, year: int) -> Params | None:
    try:
        return Params(resolve(year, province_id).values)
    except RulesMissing:
        return None


def _annual_rounds(user: Viewer, communes: list[AdministrativeUnit], today: dt.date) -> list[Item]:
    """The commune's annual round when its report is due within a month or late: behind
    until the report upward is sent."""
    year = today.year
    rounds = {
        r.commune_id: r
        for r in review.rounds(user).filter(kind=RoundKind.ANNUAL, year=year, commune__in=communes)
    }
    reported = set(
        access.scoped(
            CommuneReport.objects.filter(year=year, commune__in=communes), user
        ).values_list("commune_id", flat=True)
    )
    params: dict[int, Params | None] = {}
    items = []
    for commune in communes:
        if commune.pk in reported:
            continue
        # A commune's ``province`` column is always set (only provinces are roots).
        province_id = int(commune.province_id or 0)
        if province_id not in params:
            params[province_id] = _params(province_id, year)
        p = params[province_id]
        if p is None:
            continue
        due = p.day_of_year("commune_report_due", year)
        if today < due - dt.timedelta(days=YEAR_END_WARNING_DAYS):
            continue
        round_ = rounds.get(commune.pk)
        if round_ is None:
            text = _(
                "%(commune)s: chưa lập kế hoạch rà soát năm %(year)s, hạn báo cáo %(due)s, %(days)s"
            )
            url = reverse("review:round_new")
        else:
            text = _(
                "%(commune)s: rà soát năm %(year)s đang ở bước “%(step)s”, "
                "hạn báo cáo %(due)s, %(days)s"
            )
            url = reverse("review:round_detail", args=[round_.pk])
        items.append(
            Item(
                kind="annual_round",
                text=text
                % {
                    "commune": commune.name,
                    "year": year,
                    "step": round_.get_state_display() if round_ else "",
                    "due": format_date(due),
                    "days": _days(due, today),
                },
                url=url,
                due_on=due,
                overdue=due < today,
            )
        )
    return items


def _review_dated_items(user: Viewer, today: dt.date) -> list[Item]:
    """The review's own dated items: postings ended while the decision waits, complaints and
    in-year applications near or past their deadline."""
    overdue = review.overdue_items(user, today=today)
    items = [
        Item(
            kind="posting",
            text=_("%(commune)s: niêm yết hết hạn %(end)s, chờ quyết định công nhận, %(days)s")
            % {
                "commune": p.commune.name,
                "end": format_date(p.ends_on),
                "days": _days(p.ends_on, today),
            },
            url=reverse("review:posting_detail", args=[p.pk]),
            due_on=p.ends_on,
            overdue=p.ends_on < today,
        )
        for p in overdue.postings
    ]
    items += [
        Item(
            kind="complaint",
            text=_("%(commune)s: khiếu nại của %(name)s, hạn phúc tra %(due)s, %(days)s")
            % {
                "commune": c.commune.name,
                "name": c.complainant,
                "due": format_date(c.due_on),
                "days": _days(c.due_on, today),
            },
            url=reverse("review:complaint_detail", args=[c.pk]),
            due_on=c.due_on,
            overdue=c.due_on < today,
        )
        for c in overdue.complaints
    ]
    items += [
        Item(
            kind="application",
            text=_("%(commune)s: đơn của hộ %(code)s, hạn giải quyết %(due)s, %(days)s")
            % {
                "commune": a.commune.name,
                "code": a.household.code,
                "due": format_date(a.due_on),
                "days": _days(a.due_on, today),
            },
            url=reverse("review:application_detail", args=[a.pk]),
            due_on=a.due_on,
            overdue=a.due_on < today,
        )
        for a in overdue.applications
    ]
    return items


def _life_events(user: Viewer, commune_ids: list[int]) -> list[Item]:
    """Households whose main earner died or left (registry life events) and that have filed no
    in-year application since: the link opens the application form for that household. Not a
    deadline: listed after the dated items, oldest event first."""
    rows = review_life_events.awaiting_review(user, commune_ids)[:ROWS_PER_SOURCE]
    # An inspector reads: the household page, not a form they may not use.
    may_file = not access.change_reach(user).empty
    items = []
    for e in rows:
        text = (
            _(
                "%(commune)s: hộ %(code)s, lao động chính %(name)s qua đời ngày %(on)s: "
                "xem xét rà soát trong năm"
            )
            if e.kind == "death"
            else _(
                "%(commune)s: hộ %(code)s, lao động chính %(name)s chuyển đi ngày %(on)s: "
                "xem xét rà soát trong năm"
            )
        )
        reason = "earner_death" if e.kind == "death" else "other"
        query = urlencode({"household": str(e.household_id), "reason": reason})
        items.append(
            Item(
                kind="life_event",
                text=text
                % {
                    "commune": e.commune.name,
                    "code": e.household.code,
                    "name": e.person.full_name,
                    "on": format_date(e.on),
                },
                url=f"{reverse('review:application_new')}?{query}"
                if may_file
                else reverse("registry:household_detail", args=[e.household_id]),
                due_on=e.on,
                overdue=False,
            )
        )
    return items


def _province_items(user: Viewer, province: AdministrativeUnit, today: dt.date) -> list[Item]:
    year = today.year
    p = _params(province.pk, year)
    if p is None:
        return []
    url = reverse("review:province", args=[province.code, year])
    items = []
    due = p.day_of_year("commune_report_due", year)
    if today >= due - dt.timedelta(days=YEAR_END_WARNING_DAYS):
        communes = AdministrativeUnit.objects.filter(
            parent=province, level=Level.COMMUNE, valid_to__isnull=True
        )
        total = communes.count()
        reported = access.scoped(
            CommuneReport.objects.filter(province=province, year=year, commune__in=communes), user
        )
        behind = total - reported.count()
        if behind:
            items.append(
                Item(
                    kind="communes_behind",
                    text=ngettext(
                        "%(province)s: %(n)d/%(total)d xã chưa gửi báo cáo rà soát năm "
                        "%(year)s, hạn %(due)s, %(days)s",
                        "%(province)s: %(n)d/%(total)d xã chưa gửi báo cáo rà soát năm "
                        "%(year)s, hạn %(due)s, %(days)s",
                        behind,
                    )
                    % {
                        "province": province.name,
                        "n": behind,
                        "total": total,
                        "year": year,
                        "due": format_date(due),
                        "days": _days(due, today),
                    },
                    url=url,
                    due_on=due,
                    overdue=due < today,
                )
            )
    for row in review.report_deadlines(province, year, today=today):
        last_day = row["last_day"]
        late = row["state"] == "overdue"
        near = row["state"] == "open" and today >= last_day - dt.timedelta(
            days=YEAR_END_WARNING_DAYS
        )
        if late or near:
            items.append(
                Item(
                    kind="province_report",
                    text=_("%(province)s: %(report)s, hạn chót %(due)s, %(days)s")
                    % {
                        "province": province.name,
                        "report": row["label"],
                        "due": format_date(last_day),
                        "days": _days(last_day, today),
                    },
                    url=url,
                    due_on=last_day,
                    overdue=late,
                )
            )
    waiting = access.scoped(
        CommuneReport.objects.filter(province=province, year=year, consolidation__isnull=True),
        user,
    ).count()
    if waiting:
        items.append(
            Item(
                kind="consolidation",
                text=ngettext(
                    "%(province)s: %(n)d báo cáo xã chưa được tổng hợp",
                    "%(province)s: %(n)d báo cáo xã chưa được tổng hợp",
                    waiting,
                )
                % {"province": province.name, "n": waiting},
                url=url,
                due_on=today,
                overdue=False,
            )
        )
    return items
