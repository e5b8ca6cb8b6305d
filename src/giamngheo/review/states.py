"""The review workflows: each one's states and allowed transitions, declared once, here.

The tables are ``lib.workflow.Workflow`` objects. Services move an object with
:meth:`Workflow.check` and nothing else changes a ``state`` column; a refused move raises
:class:`TransitionRefused` whose Vietnamese message says why. Every accepted move is audited by
the calling service. ``ROUND_ACTS`` says what a round's pages offer in each state and to whom
(its transitions and the work done while it stays in a state); pages never test states by hand.

Annual round (Quyết định 24/2021/QĐ-TTg Art. 4; one per commune and year)::

    planning ─start─▶ reviewing ─post─▶ posting ─decide─▶ decided ─report─▶ reported
    (plan, BCĐ,       (step 1 list,     (step 4 posting,  (step 5 decision, (Art. 7:
     reviewers)        Phiếu A, step 2   complaints,        certificates)     figures frozen)
                       B1/B2, step 3     re-check)
                       meetings)

An in-year round (Art. 5: one per commune and month, from the 15th) uses the same states; it is
created in ``reviewing`` and skips ``reported`` (the monthly report of Art. 7.1 reads decisions);
it moves to ``closed`` once every application it holds is answered (recognised by the decision
or refused in writing), so no in-year round stays open after its month's work is done::

    reviewing / posting / decided ─close─▶ closed   (in-year rounds only)

Household in a round (one row per household on the list)::

    listed ──screen(needs B1/B2)──▶ to_survey ──survey──▶ surveyed ──vote ≥ threshold──▶ agreed
      │                                ▲                    │  ▲                            │
      └─screen(excluded)─▶ screened_out│   vote < threshold │  └──survey (re-survey)        │
                                       └────────────────────┘                               │
                                                                                          post
                                                                                            ▼
    recognised ◀──decide── posted ◀──re-check result posted── under_complaint ◀─complaint─ posted
    refused  ◀──refuse── (listed, to_survey, surveyed, agreed, posted): in-year applications only

Village meeting: ``scheduled ──hold──▶ held ──sign──▶ signed`` (the signed scan uploaded).

Complaint: ``received ──recheck──▶ rechecked ──resolve──▶ resolved`` and
``received ──resolve──▶ resolved`` (dismissed with reasons, no new survey).

In-year application (Mẫu 01 / Mẫu 04)::

    received ──approve (decision)──▶ approved
        └─────refuse (letter with reasons)──▶ refused

Report upward: ``submitted ──consolidate──▶ consolidated`` (a commune report row exists only once
submitted; before that the figures are computed live).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.lib.workflow import Step, Transition, TransitionRefused, Workflow

__all__ = [
    "APPLICATION",
    "COMPLAINT",
    "ENTRY",
    "FIELD",
    "MEETING",
    "OFFICER",
    "REPORT",
    "ROUND",
    "ROUND_ACTS",
    "ROUND_WORK",
    "VILLAGE",
    "WORKFLOWS",
    "ApplicationState",
    "ComplaintState",
    "EntryState",
    "MeetingState",
    "ReportState",
    "RoundAct",
    "RoundState",
    "Step",
    "Transition",
    "TransitionRefused",
    "Workflow",
    "round_acts",
]


class RoundState(models.TextChoices):
    PLANNING = "planning", _("Lập kế hoạch")
    REVIEWING = "reviewing", _("Lập danh sách, khảo sát, họp dân")
    POSTING = "posting", _("Niêm yết công khai, giải quyết khiếu nại")
    DECIDED = "decided", _("Đã có quyết định công nhận")
    REPORTED = "reported", _("Đã báo cáo cấp trên")
    # In-year rounds only (Art. 5): every application of the month answered (recognised or
    # refused in writing).
    CLOSED = "closed", _("Đã kết thúc (mọi đơn đã được giải quyết)")


class EntryState(models.TextChoices):
    LISTED = "listed", _("Trong danh sách, chờ nhận dạng nhanh")
    SCREENED_OUT = "screened_out", _("Không thuộc diện khảo sát (Phiếu A)")
    TO_SURVEY = "to_survey", _("Chờ khảo sát Phiếu B1/B2")
    SURVEYED = "surveyed", _("Đã khảo sát, chờ họp dân")
    AGREED = "agreed", _("Họp dân đã thống nhất")
    POSTED = "posted", _("Đang niêm yết")
    UNDER_COMPLAINT = "under_complaint", _("Có khiếu nại, đang phúc tra")
    RECOGNISED = "recognised", _("Đã công nhận")
    REFUSED = "refused", _("Từ chối (có văn bản trả lời)")


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Đã lên lịch")
    HELD = "held", _("Đã họp, đã biểu quyết")
    SIGNED = "signed", _("Đã có biên bản ký")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    RECHECKED = "rechecked", _("Đã phúc tra")
    RESOLVED = "resolved", _("Đã giải quyết, đã niêm yết kết quả")


class ApplicationState(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, đang xét")
    APPROVED = "approved", _("Đã công nhận")
    REFUSED = "refused", _("Từ chối (có văn bản trả lời)")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Xã đã gửi")
    CONSOLIDATED = "consolidated", _("Tỉnh đã tổng hợp")


# Who may fire a round transition or do a round's work (checked through ``accounts.access``):
# OFFICER — an official act of the commune (``access.can_decide_in``); FIELD — field work in the
# commune or some of its villages (``access.can_change_area``); VILLAGE — work in a village the
# user may change (a village meeting).
OFFICER, FIELD, VILLAGE = "officer", "field", "village"


def _t(name: str, source: set[str], target: str, permission: str = "") -> Transition:
    return Transition(name, frozenset(source), target, permission)


R, E = RoundState, EntryState

ROUND = Workflow.of(
    "round",
    RoundState,
    [
        _t("start", {R.PLANNING}, R.REVIEWING, OFFICER),
        _t("post", {R.REVIEWING, R.POSTING}, R.POSTING, OFFICER),
        _t("decide", {R.POSTING}, R.DECIDED, OFFICER),
        _t("report", {R.DECIDED}, R.REPORTED, OFFICER),
        _t("close", {R.REVIEWING, R.POSTING, R.DECIDED}, R.CLOSED),
    ],
    explain={
        "start": _("Kế hoạch phải được lập trước khi lập danh sách và khảo sát."),
        "post": _(
            "Chỉ niêm yết sau khi đã họp dân (QĐ 24/2021 Điều 4 khoản 3, 4) và trước khi có "
            "quyết định công nhận."
        ),
        "decide": _(
            "Quyết định công nhận chỉ ban hành sau khi đã niêm yết công khai (QĐ 24/2021 Điều 4 "
            "khoản 4, 5); một đợt rà soát chỉ có một quyết định."
        ),
        "report": _("Chỉ báo cáo cấp trên sau khi đã có quyết định công nhận."),
        "close": _("Đợt rà soát trong năm đã kết thúc."),
    },
)


@dataclass(frozen=True)
class RoundAct:
    """What a round's pages offer: a transition of ``ROUND`` (``moves`` is true) or work done
    while the round stays in one of ``states``. ``page`` is where it is offered: the round
    page's plan section (``plan``) or next steps (``next``), or the report page (``report``)."""

    name: str
    states: frozenset[str]
    permission: str
    moves: bool = False
    page: str = "next"


def _move(name: str, page: str = "next") -> RoundAct:
    transition = ROUND.transitions[name]
    return RoundAct(name, transition.source, transition.permission, moves=True, page=page)


UNDECIDED = frozenset({R.PLANNING, R.REVIEWING, R.POSTING})

# In the order the pages show them. The work's states are the ones its service accepts
# (a meeting in ``posting`` only re-discusses households not yet agreed, Art. 4.3).
ROUND_ACTS: tuple[RoundAct, ...] = (
    RoundAct("steering_add", UNDECIDED, OFFICER, page="plan"),
    RoundAct("reviewer_add", UNDECIDED, OFFICER, page="plan"),
    _move("start"),
    RoundAct("flag", frozenset({R.PLANNING, R.REVIEWING}), FIELD),
    RoundAct("surveys", frozenset({R.REVIEWING}), FIELD),
    RoundAct("meeting", frozenset({R.REVIEWING, R.POSTING}), VILLAGE),
    _move("post"),
    _move("decide"),
    _move("report", page="report"),
)
ROUND_WORK = {act.name: act for act in ROUND_ACTS if not act.moves}


def round_acts(state: str, permissions: Iterable[str]) -> list[RoundAct]:
    """What the round's pages offer a user holding ``permissions`` on a round in ``state``."""
    held = set(permissions)
    return [a for a in ROUND_ACTS if state in a.states and a.permission in held]


ENTRY = Workflow.of(
    "entry",
    EntryState,
    [
        _t("screen_in", {E.LISTED}, E.TO_SURVEY),
        _t("screen_out", {E.LISTED}, E.SCREENED_OUT),
        _t("survey", {E.TO_SURVEY, E.SURVEYED}, E.SURVEYED),
        _t("vote_stands", {E.SURVEYED}, E.AGREED),
        _t("vote_fails", {E.SURVEYED}, E.TO_SURVEY),
        _t("post", {E.AGREED}, E.POSTED),
        _t("complain", {E.POSTED}, E.UNDER_COMPLAINT),
        _t("recheck_posted", {E.UNDER_COMPLAINT}, E.POSTED),
        _t("recognise", {E.POSTED}, E.RECOGNISED),
        _t("refuse", {E.LISTED, E.TO_SURVEY, E.SURVEYED, E.AGREED, E.POSTED}, E.REFUSED),
    ],
    explain={
        "screen_in": _("Chỉ hộ vừa vào danh sách mới cần nhận dạng nhanh bằng Phiếu A."),
        "screen_out": _("Chỉ hộ vừa vào danh sách mới cần nhận dạng nhanh bằng Phiếu A."),
        "survey": _(
            "Hộ phải qua nhận dạng nhanh (nếu có đơn) và chưa được họp dân thống nhất; muốn khảo "
            "sát lại sau họp dân thì phải có khiếu nại."
        ),
        "vote_stands": _("Chỉ đưa ra họp dân những hộ đã có kết quả khảo sát Phiếu B1/B2."),
        "vote_fails": _("Chỉ đưa ra họp dân những hộ đã có kết quả khảo sát Phiếu B1/B2."),
        "post": _("Chỉ niêm yết những hộ đã được họp dân thống nhất (≥ 50 % người dự đồng ý)."),
        "complain": _("Chỉ khiếu nại được hộ đang niêm yết và chưa có khiếu nại đang giải quyết."),
        "recheck_posted": _("Hộ này không có khiếu nại đang phúc tra."),
        "recognise": _(
            "Quyết định chỉ công nhận hộ đã niêm yết và không còn khiếu nại chưa giải quyết."
        ),
        "refuse": _("Hộ đã được công nhận hoặc đã có văn bản từ chối."),
    },
)

MEETING = Workflow.of(
    "meeting",
    MeetingState,
    [
        _t("hold", {MeetingState.SCHEDULED}, MeetingState.HELD),
        _t("sign", {MeetingState.HELD, MeetingState.SIGNED}, MeetingState.SIGNED),
    ],
    explain={
        "hold": _("Cuộc họp đã có kết quả biểu quyết; muốn họp lại hãy lập cuộc họp mới."),
        "sign": _("Chỉ tải biên bản đã ký sau khi cuộc họp đã biểu quyết."),
    },
)

COMPLAINT = Workflow.of(
    "complaint",
    ComplaintState,
    [
        _t(
            "recheck", {ComplaintState.RECEIVED, ComplaintState.RECHECKED}, ComplaintState.RECHECKED
        ),
        _t("resolve", {ComplaintState.RECEIVED, ComplaintState.RECHECKED}, ComplaintState.RESOLVED),
    ],
    explain={
        "recheck": _("Khiếu nại đã giải quyết xong."),
        "resolve": _("Khiếu nại đã giải quyết xong."),
    },
)

APPLICATION = Workflow.of(
    "application",
    ApplicationState,
    [
        _t("approve", {ApplicationState.RECEIVED}, ApplicationState.APPROVED),
        _t("refuse", {ApplicationState.RECEIVED}, ApplicationState.REFUSED),
    ],
    explain={
        "approve": _("Đơn đã được giải quyết."),
        "refuse": _("Đơn đã được giải quyết."),
    },
)

REPORT = Workflow.of(
    "report",
    ReportState,
    [_t("consolidate", {ReportState.SUBMITTED}, ReportState.CONSOLIDATED)],
    explain={"consolidate": _("Báo cáo đã được tỉnh tổng hợp.")},
)

WORKFLOWS = {w.name: w for w in (ROUND, ENTRY, MEETING, COMPLAINT, APPLICATION, REPORT)}
