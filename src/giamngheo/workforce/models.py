"""The poverty-reduction workforce: commune officers and collaborators (CTV), their contracts,
assignments and status history; monthly task plans, activities and reports; household support
requests; reports of a household's changed situation; periodic evaluations.

Codes of roles, mass organisations, duties, need types, education levels and evaluation criteria
are data (``reference.py``, ``data/``), validated by the services. Every table carries the
``province`` and ``commune`` (and, for household records, ``village``) of what it describes, so
that scoping is one indexed filter (docs/architecture.md, "Scope once").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import (
    AdministrativeUnit,
    CommuneScoped,
    ProvinceOrCommuneScoped,
    VillageScoped,
)
from giamngheo.lib.idempotency import Idempotent
from giamngheo.lib.locking import Versioned
from giamngheo.registry.models import Household, Sex
from giamngheo.workforce.states import CLOSED_STATES, ReportState, RequestState


class WorkerStatus(models.TextChoices):
    ACTIVE = "active", _("Đang làm việc")
    SUSPENDED = "suspended", _("Tạm nghỉ")
    ENDED = "ended", _("Đã thôi việc")


class Worker(ProvinceOrCommuneScoped, Versioned):
    """A person of the workforce: a commune officer, a collaborator, a village head…

    ``commune`` is the commune that manages the person (null for provincial staff); the areas
    they cover are their ``Assignment`` rows. ``status`` is the latest ``WorkerStatusChange``
    (kept here to filter fast; the history is never overwritten).
    """

    code = models.CharField(_("mã cán bộ"), max_length=30)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    ethnicity = models.CharField(_("dân tộc"), max_length=2, default="01")
    education = models.CharField(_("trình độ chuyên môn"), max_length=20)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    role = models.CharField(_("vai trò"), max_length=30)
    mass_organisation = models.CharField(_("tổ chức hội, đoàn thể"), max_length=30)
    # Labelled for what it means on a worker (the managing commune), as migrated. Typed ``Any``
    # as before the scoped bases: workforce/services.py (``_managing_area``) and views.py
    # (``_can_manage``) narrow on ``commune_id``, which mypy cannot see; they are being split
    # now, and once they test ``worker.commune is not None`` this annotation can go.
    commune: models.ForeignKey[Any] = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã quản lý"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="worker",
        verbose_name=_("tài khoản"),
    )
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE
    )
    search_name = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cán bộ, cộng tác viên")
        verbose_name_plural = _("đội ngũ giảm nghèo")
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="worker_code_per_province"),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1930) & Q(birth_year__lte=2015),
                name="worker_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(status__in=WorkerStatus.values), name="worker_status_valid"
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="worker_sex_valid"),
        ]
        indexes = [
            models.Index(fields=["province", "commune", "role", "status"]),
        ]

    def __str__(self) -> str:
        return self.full_name


class WorkerStatusChange(models.Model):
    """One change of a worker's status, effective on a date. Rows are only added."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(_("tình trạng"), max_length=10, choices=WorkerStatus.choices)
    effective_on = models.DateField(_("từ ngày"))
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=WorkerStatus.values), name="worker_status_change_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {self.get_status_display()} · {self.effective_on:%d/%m/%Y}"


class Contract(ProvinceOrCommuneScoped):
    """A work contract (hợp đồng công việc) of a worker; a renewal is a new row."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="contracts")
    number = models.CharField(_("số hợp đồng"), max_length=50)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    # Whole đồng; set locally (e.g. Kon Tum QĐ 29/QĐ-UBND 2017): never a constant in code.
    monthly_allowance = models.PositiveBigIntegerField(_("phụ cấp hằng tháng (đồng)"))
    managing_unit = models.CharField(_("đơn vị quản lý"), max_length=200)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "number"], name="contract_number_per_worker"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="contract_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Assignment(CommuneScoped):
    """A worker covers an area (a commune or a village) from ``starts_on`` to ``ends_on``."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="assignments")
    area = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn")
    )
    # A commune-wide assignment or activity has no village.
    village = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thôn"),
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="assignment_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["worker", "area"],
                condition=Q(ends_on__isnull=True),
                name="assignment_one_open_per_area",
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "village"])]

    def __str__(self) -> str:
        return f"{self.worker} · {self.area}"


class MonthlyPlan(ProvinceOrCommuneScoped):
    """The tasks a managing unit gives a collaborator for one month."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="plans")
    month = models.DateField(_("tháng"))  # the first day of the month
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "month"], name="plan_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="plan_month_first_day"),
        ]
        indexes = [models.Index(fields=["province", "commune", "month"])]

    def __str__(self) -> str:
        return f"{self.worker} · {self.month:%m/%Y}"


class Task(models.Model):
    plan = models.ForeignKey(MonthlyPlan, on_delete=models.CASCADE, related_name="tasks")
    duty = models.PositiveSmallIntegerField(_("nhiệm vụ"))
    description = models.CharField(_("nội dung công việc"), max_length=500)
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    done = models.BooleanField(_("đã thực hiện"), default=False)
    result = models.CharField(_("kết quả"), max_length=500, blank=True)

    class Meta:
        ordering = ["duty", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duty__gte=1) & Q(duty__lte=99), name="task_duty_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Activity(ProvinceOrCommuneScoped):
    """One entry of a worker's activity log (a visit, a meeting, a communication session…)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="activities")
    # A commune-wide assignment or activity has no village.
    village = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thôn"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hộ"),
    )
    on = models.DateField(_("ngày"))
    duty = models.PositiveSmallIntegerField(_("nhiệm vụ"))
    description = models.CharField(_("nội dung"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["worker", "on"])]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y} · {self.description}"


class MonthlyReport(ProvinceOrCommuneScoped, Versioned):
    """A collaborator's report for one month. The row exists from the moment the report is
    expected (the month was opened or a plan was given), with its deadline frozen in
    ``due_on``; ``submitted_at`` is set once, when it is submitted."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("tháng"))
    due_on = models.DateField(_("hạn nộp"))
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    households_visited = models.PositiveIntegerField(_("số hộ đã đến"), default=0)
    meetings_attended = models.PositiveIntegerField(_("số cuộc họp đã dự"), default=0)
    summary = models.TextField(_("tóm tắt, kiến nghị"), blank=True)
    # The review by the managing officer (``states.REPORT``). The state is read from these
    # times rather than stored, so ``submitted_at`` stays the FIRST submission (timeliness is
    # about it; a correction after a return does not make a report late or on time again).
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "month"], name="report_one_per_month"),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True, approved_at__isnull=True)
                | Q(submitted_at__isnull=False),
                name="report_reviewed_after_submission",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(approved_at__isnull=True),
                name="report_not_returned_and_approved",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | ~Q(return_reason=""),
                name="report_returned_has_reason",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="report_month_first_day"),
            models.CheckConstraint(
                condition=Q(due_on__gt=F("month")), name="report_due_after_month_start"
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "month"])]

    def __str__(self) -> str:
        return f"{self.worker} · {self.month:%m/%Y}"

    @property
    def state(self) -> str:
        """Where the report is in ``states.REPORT`` (read from its times)."""
        if self.approved_at is not None:
            return ReportState.APPROVED
        if self.returned_at is not None:
            return ReportState.RETURNED
        if self.submitted_at is not None:
            return ReportState.SUBMITTED
        return ReportState.DRAFT

    def get_state_display(self) -> str:
        return str(ReportState(self.state).label)


class TaskOutcome(models.TextChoices):
    DONE = "done", _("Hoàn thành")
    PARTLY = "partly", _("Thực hiện một phần")
    NOT_DONE = "not_done", _("Chưa thực hiện")


class ReportTask(models.Model):
    """What the report says about one task of the month's plan (done, partly, not done)."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="task_lines")
    task = models.ForeignKey("Task", on_delete=models.CASCADE, related_name="report_lines")
    outcome = models.CharField(_("kết quả"), max_length=10, choices=TaskOutcome.choices)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["task__duty", "task_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="report_task_once"),
            models.CheckConstraint(
                condition=Q(outcome__in=TaskOutcome.values), name="report_task_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.task_id}: {self.outcome}"


class ReportStep(models.Model):
    """The report's history: each submission, return (with its reason), approval and comment
    of the officer, in order; the page shows it."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="steps")
    # A transition of ``states.REPORT`` or "comment" (no change of state).
    action = models.CharField(max_length=10)
    from_state = models.CharField(max_length=10, choices=ReportState.choices)
    to_state = models.CharField(max_length=10, choices=ReportState.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


class ReportItem(models.Model):
    """What was done under one duty in a monthly report."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="items")
    duty = models.PositiveSmallIntegerField(_("nhiệm vụ"))
    text = models.TextField(_("kết quả thực hiện"))

    class Meta:
        ordering = ["duty"]
        constraints = [
            models.UniqueConstraint(fields=["report", "duty"], name="report_item_one_per_duty"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.duty}"


class SupportRequest(VillageScoped, Idempotent):
    """A household's request for support, carried by the workforce until it is closed and the
    household is told the result. The workflow is declared in ``states.py``. A double-submitted
    form records one request (``submission_key``, ``lib.idempotency``)."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("hộ")
    )
    # Workforce tables label the village column "thôn" (their migrations), not "thôn/tổ dân phố".
    village = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("thôn")
    )
    need_type = models.CharField(_("nhu cầu"), max_length=30)
    description = models.TextField(_("nội dung"))
    state = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=RequestState.choices,
        default=RequestState.RECEIVED,
    )
    owner = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        related_name="owned_requests",
        verbose_name=_("người phụ trách"),
    )
    collected_by = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collected_requests",
        verbose_name=_("người tiếp nhận"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    received_on = models.DateField(_("ngày tiếp nhận"))
    forward_due_on = models.DateField(_("hạn chuyển"))
    due_on = models.DateField(_("hạn giải quyết"))
    state_since = models.DateTimeField(_("trạng thái từ"))
    forwarded_at = models.DateTimeField(_("chuyển lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    outcome = models.TextField(_("kết quả"), blank=True)
    household_informed_on = models.DateField(_("ngày thông báo cho hộ"), null=True, blank=True)
    informed_how = models.CharField(_("hình thức thông báo"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("yêu cầu hỗ trợ")
        verbose_name_plural = _("yêu cầu hỗ trợ")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=RequestState.values), name="support_request_state_valid"
            ),
            # Closed ⇔ closed_at set, and a closed request states its outcome.
            models.CheckConstraint(
                condition=(
                    Q(state__in=sorted(CLOSED_STATES)) & Q(closed_at__isnull=False) & ~Q(outcome="")
                )
                | (~Q(state__in=sorted(CLOSED_STATES)) & Q(closed_at__isnull=True)),
                name="support_request_closed_has_outcome",
            ),
            # The household is told the result, so only once the request is closed.
            models.CheckConstraint(
                condition=Q(household_informed_on__isnull=True)
                | (
                    Q(state__in=sorted(CLOSED_STATES))
                    & Q(household_informed_on__gte=F("received_on"))
                ),
                name="support_request_informed_after_close",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on")) & Q(forward_due_on__gte=F("received_on")),
                name="support_request_deadlines_ordered",
            ),
            models.CheckConstraint(
                condition=Q(state=RequestState.RECEIVED)
                | Q(forwarded_at__isnull=False)
                | Q(state=RequestState.REFUSED),
                name="support_request_forwarded_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "commune", "state"]),
            models.Index(fields=["owner", "state"]),
            models.Index(fields=["household"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.household}"

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES


class SupportRequestStep(models.Model):
    """The history of a request: its creation and every transition or change of owner."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, choices=RequestState.choices)
    owner = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"


class ReviewFlag(models.TextChoices):
    """Where a reported change stands with respect to the in-year review (issue 5 picks up
    the pending ones through ``selectors.pending_in_year_reviews`` and
    ``services.household_change_take_up``)."""

    NOT_NEEDED = "not_needed", _("Không cần rà soát")
    PENDING = "pending", _("Chờ rà soát trong năm")
    TAKEN_UP = "taken_up", _("Đã đưa vào rà soát")
    DISMISSED = "dismissed", _("Không đưa vào rà soát")


class HouseholdChange(VillageScoped, Idempotent):
    """A collaborator's report that a household's situation changed (duty 2 of seed 001: a
    shock, a birth, a death, a marriage, a return from military service…). When it warrants an
    in-year review, the household stays flagged (``review_flag = pending``) until the review
    process takes it up or an officer dismisses it."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("hộ")
    )
    # Workforce tables label the village column "thôn" (their migrations), not "thôn/tổ dân phố".
    village = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("thôn")
    )
    kind = models.CharField(_("loại biến động"), max_length=30)
    occurred_on = models.DateField(_("ngày xảy ra"))
    description = models.TextField(_("mô tả"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, null=True, blank=True, related_name="household_changes"
    )
    review_flag = models.CharField(
        _("rà soát trong năm"),
        max_length=12,
        choices=ReviewFlag.choices,
        default=ReviewFlag.NOT_NEEDED,
    )
    # Mẫu 01 (to join the list) or Mẫu 04 (to leave it) of the in-year review (QĐ 24/2021).
    proposed_form = models.CharField(_("mẫu đề nghị"), max_length=10, blank=True)
    review_reference = models.CharField(_("hồ sơ rà soát"), max_length=100, blank=True)
    review_flag_note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    review_flag_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biến động của hộ")
        verbose_name_plural = _("biến động của hộ")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_flag__in=ReviewFlag.values), name="household_change_flag_valid"
            ),
            models.CheckConstraint(
                condition=~Q(review_flag=ReviewFlag.PENDING)
                | Q(proposed_form__in=["mau_01", "mau_04"]),
                name="household_change_pending_has_form",
            ),
            models.CheckConstraint(
                condition=~Q(review_flag=ReviewFlag.TAKEN_UP) | ~Q(review_reference=""),
                name="household_change_taken_up_has_reference",
            ),
        ]
        indexes = [
            models.Index(
                fields=["province", "commune", "household"],
                condition=Q(review_flag="pending"),
                name="household_change_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.kind} · {self.occurred_on:%d/%m/%Y}"


class Evaluation(ProvinceOrCommuneScoped, Idempotent):
    """A periodic evaluation of a worker by the managing unit or an inspection team. Rows are
    only added; the history is the list of evaluations."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="evaluations")
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    evaluator_body = models.CharField(_("đơn vị đánh giá"), max_length=30)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    total = models.PositiveSmallIntegerField(_("tổng điểm"))
    max_total = models.PositiveSmallIntegerField(_("điểm tối đa"))
    rating = models.CharField(_("xếp loại"), max_length=20)
    remarks = models.TextField(_("nhận xét"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="evaluation_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(total__lte=F("max_total")), name="evaluation_total_within_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {self.period_start:%m/%Y}-{self.period_end:%m/%Y}"


class EvaluationScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("tiêu chí"), max_length=30)
    score = models.PositiveSmallIntegerField(_("điểm"))
    max_score = models.PositiveSmallIntegerField(_("điểm tối đa"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="evaluation_score_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__lte=F("max_score")), name="evaluation_score_within_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}/{self.max_score}"


class ProvinceRule(models.Model):
    """A province's own reporting day and handling times (defaults in ``data/rules.toml``)."""

    province = models.OneToOneField(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh")
    )
    report_deadline_day = models.PositiveSmallIntegerField(
        _("hạn nộp báo cáo (ngày của tháng sau)")
    )
    forward_within_days = models.PositiveSmallIntegerField(_("số ngày chuyển yêu cầu"))
    resolve_within_days = models.PositiveSmallIntegerField(_("số ngày giải quyết yêu cầu"))
    legal_basis = models.CharField(_("căn cứ"), max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Day 28 at most: every month has it.
            models.CheckConstraint(
                condition=Q(report_deadline_day__gte=1) & Q(report_deadline_day__lte=28),
                name="province_rule_deadline_day_valid",
            ),
            models.CheckConstraint(
                condition=Q(resolve_within_days__gte=F("forward_within_days")),
                name="province_rule_resolve_after_forward",
            ),
        ]

    def __str__(self) -> str:
        return str(self.province)
