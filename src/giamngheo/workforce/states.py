"""The support-request workflow: states and the ONE table of allowed transitions.

A household's request for support is collected by a collaborator (or an officer), passed on to
the commune officer responsible, handled, and closed; the household is then told the result.
This follows duty 1 of a commune collaborator as Kon Tum defined it (seed 001): "collect ...
requests for support ..., pass them on to the commune culture-social officer ..., follow how the
commune handles them ... and inform the household of the result".

::

                 forward                start                  resolve
    received ──────────────► forwarded ──────────► in_progress ──────────► resolved
        │                        │                      │
        │ refuse                 │ refuse               │ refuse
        └────────────────────────┴──────────────────────┴────────────────► refused

    received, forwarded, in_progress: open (an owner works on it; deadlines run)
    resolved, refused: closed (an outcome is required; the household may then be informed)

The table is a ``lib.workflow.Workflow`` (``REQUEST``), the mechanism the review's workflows
share; a refusal is a ``WorkflowError`` (a ``TransitionRefused``).

Who may fire a transition (checked in ``services.request_transition``):

- ``field``: anyone who may change data in the household's village (collaborator or officer);
- ``decide``: an officer of the commune (``access.can_decide_in``): collaborators collect and
  pass on, the commune decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.lib import workflow
from giamngheo.lib.errors import DomainError


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    FORWARDED = "forwarded", _("Đã chuyển công chức xã")
    IN_PROGRESS = "in_progress", _("Đang giải quyết")
    RESOLVED = "resolved", _("Đã giải quyết")
    REFUSED = "refused", _("Không giải quyết")


OPEN_STATES = frozenset({RequestState.RECEIVED, RequestState.FORWARDED, RequestState.IN_PROGRESS})
CLOSED_STATES = frozenset({RequestState.RESOLVED, RequestState.REFUSED})

FIELD = "field"
DECIDE = "decide"


@dataclass(frozen=True)
class Transition(workflow.Step):
    """One row of the table (``permission``: FIELD or DECIDE), with the request's own flags."""

    # The transition needs a note from the user (the outcome or the reason for refusing).
    needs_note: bool = False
    # A forward hands the request to a (new) owner: the commune officer.
    needs_owner: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "forward",
        RequestState.RECEIVED,
        RequestState.FORWARDED,
        FIELD,
        _("Chuyển công chức xã"),
        needs_owner=True,
    ),
    Transition("start", RequestState.FORWARDED, RequestState.IN_PROGRESS, DECIDE, _("Nhận xử lý")),
    Transition(
        "resolve",
        RequestState.IN_PROGRESS,
        RequestState.RESOLVED,
        DECIDE,
        _("Đã giải quyết"),
        needs_note=True,
    ),
    Transition(
        "refuse",
        RequestState.RECEIVED,
        RequestState.REFUSED,
        DECIDE,
        _("Không giải quyết"),
        needs_note=True,
    ),
    Transition(
        "refuse",
        RequestState.FORWARDED,
        RequestState.REFUSED,
        DECIDE,
        _("Không giải quyết"),
        needs_note=True,
    ),
    Transition(
        "refuse",
        RequestState.IN_PROGRESS,
        RequestState.REFUSED,
        DECIDE,
        _("Không giải quyết"),
        needs_note=True,
    ),
)


class WorkforceError(DomainError):
    """A refused workforce change; the message is for the user (Vietnamese)."""


class WorkflowError(WorkforceError, workflow.TransitionRefused):
    """A refused support-request transition; the message says why and what is allowed."""


def _refusal(table: workflow.Workflow[Transition], name: str, source: str) -> WorkflowError:
    allowed = ", ".join(str(t.label) for t in table.available(source)) or str(_("không có"))
    return WorkflowError(
        _(
            "Không thể thực hiện «%(action)s» với yêu cầu đang ở trạng thái «%(state)s». "
            "Thao tác được phép: %(allowed)s."
        )
        % {"action": table.label(name), "state": RequestState(source).label, "allowed": allowed}
    )


REQUEST = workflow.Workflow("request", RequestState, TRANSITIONS, refusal=_refusal)
TRANSITION_NAMES = REQUEST.names


def find(name: str, source: str) -> Transition:
    """The transition ``name`` from state ``source``, or a WorkflowError saying why not."""
    return REQUEST.find(name, source)


def available(source: str) -> list[Transition]:
    return REQUEST.available(source)


# -- monthly reports --------------------------------------------------------------------------

# The monthly-report workflow (issue 11: the collaborator reports against the month's plan, the
# managing officer returns it for correction or approves it)::
#
#               submit                 approve
#     draft ──────────────► submitted ──────────► approved
#                              │   ▲
#                       return │   │ submit (corrected)
#                              ▼   │
#                             returned
#
#     draft, returned: the worker (or an officer) edits and saves
#     submitted: waits for the officer; approved: final


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã nộp, chờ duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Đã duyệt")


# Who fires a report transition: the worker or their officers (WRITE), the officers (DECIDE).
WRITE = "write"

REPORT_TRANSITIONS: tuple[workflow.Transition, ...] = (
    workflow.Transition(
        "submit",
        frozenset({ReportState.DRAFT, ReportState.RETURNED}),
        ReportState.SUBMITTED,
        WRITE,
        _("Nộp báo cáo"),
    ),
    workflow.Transition(
        "return",
        frozenset({ReportState.SUBMITTED}),
        ReportState.RETURNED,
        DECIDE,
        _("Trả lại để sửa"),
    ),
    workflow.Transition(
        "approve",
        frozenset({ReportState.SUBMITTED}),
        ReportState.APPROVED,
        DECIDE,
        _("Duyệt báo cáo"),
    ),
)


def _report_refusal(
    table: workflow.Workflow[workflow.Step], name: str, source: str
) -> WorkflowError:
    allowed = ", ".join(str(t.label) for t in table.available(source)) or str(_("không có"))
    return WorkflowError(
        _(
            "Không thể «%(action)s» khi báo cáo đang ở trạng thái «%(state)s». "
            "Thao tác được phép: %(allowed)s."
        )
        % {"action": table.label(name), "state": table.state_label(source), "allowed": allowed}
    )


REPORT = workflow.Workflow.of(
    "monthly_report", ReportState, REPORT_TRANSITIONS, refusal=_report_refusal
)
# States in which the report's content may still be changed (saved as a draft).
REPORT_EDITABLE = frozenset({ReportState.DRAFT, ReportState.RETURNED})
