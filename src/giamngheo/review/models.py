"""The review process (Quyết định 24/2021/QĐ-TTg Art. 3–7): rounds, the list of households to
review, village meetings and their votes, public postings, complaints, the commune chairman's
recognition decision with its frozen lists, certificates, in-year applications and the report
upward. Process parameters and the working-day calendar are data (``RuleSet``, ``CalendarDay``).

Every area-scoped table carries ``province``/``commune`` (and ``village`` where it applies) so
that ``accounts.access.scoped`` is one indexed filter. States change only through
``review.services`` against the tables of ``review.states``.

Frozen records (decision entries, certificates, submitted reports) copy what they show: names,
members, statuses, figures. PostgreSQL triggers refuse to change them (migration 0002), so a
later registry edit cannot alter a decided list or a certificate already handed out.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import (
    AdministrativeUnit,
    CommuneScoped,
    ProvinceScoped,
    VillageScoped,
)
from giamngheo.lib.idempotency import Idempotent
from giamngheo.registry.models import Household, Status
from giamngheo.review.average_models import (
    AverageApplication as AverageApplication,
)
from giamngheo.review.average_models import (
    AverageDecision as AverageDecision,
)
from giamngheo.review.average_models import (
    AverageDecisionEntry as AverageDecisionEntry,
)
from giamngheo.review.states import (
    ApplicationState,
    ComplaintState,
    EntryState,
    MeetingState,
    ReportState,
    RoundState,
)

USER = settings.AUTH_USER_MODEL


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


# -- data: process parameters and the calendar --------------------------------------------------


# A written refusal's reasons are printed on one page of the letter (review.documents): the
# services and the forms hold them to this length.
REFUSAL_REASONS_MAX_LENGTH = 2000


class RuleSet(models.Model):
    """Process parameters for the review years ``first_year``–``last_year`` (one standard
    period). ``province`` set: that province's overrides of single values."""

    code = models.CharField(_("mã"), max_length=40)
    title = models.CharField(_("tên"), max_length=300)
    standard = models.CharField(_("chuẩn nghèo"), max_length=30)
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))
    # Not an area scope: NULL is the national set; a province's row overrides single values.
    province = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tỉnh (bộ tham số riêng)"),
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=400, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ tham số quy trình rà soát")
        verbose_name_plural = _("bộ tham số quy trình rà soát")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="review_ruleset_code"),
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="review_ruleset_years"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.first_year}–{self.last_year})"


class RuleValue(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="values")
    key = models.CharField(_("tham số"), max_length=60)
    value = models.JSONField(_("giá trị"))
    source = models.TextField(_("nguồn"))
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("tham số quy trình")
        verbose_name_plural = _("tham số quy trình")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "key"], name="review_rulevalue_key"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.code}.{self.key}"


class CalendarDay(models.Model):
    """An exception to the default week (Monday–Friday working): a holiday or day off on a
    weekday (``working=False``) or a Saturday worked in exchange (``working=True``)."""

    date = models.DateField(_("ngày"), unique=True)
    working = models.BooleanField(_("ngày làm việc"))
    name = models.CharField(_("tên"), max_length=200)
    source = models.CharField(_("nguồn"), max_length=300)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)

    class Meta:
        verbose_name = _("ngày nghỉ lễ, ngày làm bù")
        verbose_name_plural = _("lịch ngày nghỉ lễ, ngày làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


# -- the round ----------------------------------------------------------------------------------


class RoundKind(models.TextChoices):
    ANNUAL = "annual", _("Rà soát định kỳ hằng năm")
    REGULAR = "regular", _("Rà soát thường xuyên (trong năm)")


class Round(CommuneScoped):
    # The one area column with a reverse accessor (``commune.review_rounds``), as migrated.
    commune = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="review_rounds",
        verbose_name=_("xã"),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=RoundKind.choices)
    year = models.PositiveSmallIntegerField(_("năm rà soát"))
    month = models.PositiveSmallIntegerField(_("tháng (rà soát thường xuyên)"), null=True)
    state = models.CharField(
        _("bước"), max_length=12, choices=RoundState.choices, default=RoundState.PLANNING
    )
    standard = models.CharField(_("chuẩn nghèo"), max_length=30)
    rule_set_code = models.CharField(_("bộ tham số"), max_length=40)
    # The parameter values used by this round ({key: {"value", "source", "verified"}}), copied
    # when it is created so that a later edit of the rules does not change a round in progress.
    parameters = models.JSONField(_("tham số áp dụng"))
    window_start = models.DateField(_("bắt đầu"))
    window_end = models.DateField(_("kết thúc"))
    plan_number = models.CharField(_("số kế hoạch"), max_length=60, blank=True)
    plan_date = models.DateField(_("ngày kế hoạch"), null=True, blank=True)
    plan_note = models.TextField(_("nội dung kế hoạch"), blank=True)
    # The step "báo cáo, xin ý kiến" before the decision (QĐ 24/2021 Art. 4.5; since 1/7/2025
    # the provincial chairman, unverified) when the round's rules have it.
    consulted_on = models.DateField(_("ngày báo cáo, xin ý kiến"), null=True, blank=True)
    consultation_reference = models.CharField(
        _("số văn bản báo cáo, xin ý kiến"), max_length=120, blank=True
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đợt rà soát")
        verbose_name_plural = _("đợt rà soát")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year"],
                condition=Q(kind="annual"),
                name="review_round_one_annual_per_commune_year",
            ),
            models.UniqueConstraint(
                fields=["commune", "year", "month"],
                condition=Q(kind="regular"),
                name="review_round_one_regular_per_month",
            ),
            models.CheckConstraint(
                condition=(Q(kind="annual") & Q(month__isnull=True))
                | (Q(kind="regular") & Q(month__gte=1) & Q(month__lte=12)),
                name="review_round_month_for_regular_only",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=F("window_start")), name="review_round_window_order"
            ),
        ]
        indexes = [models.Index(fields=["province", "year", "kind", "commune"])]

    def __str__(self) -> str:
        if self.kind == RoundKind.REGULAR:
            return f"{self.commune} · {self.month:02d}/{self.year}"
        return f"{self.commune} · {self.year}"

    def param(self, key: str) -> object:
        return self.parameters[key]["value"]


class SteeringRole(models.TextChoices):
    HEAD = "head", _("Trưởng ban")
    DEPUTY = "deputy", _("Phó trưởng ban")
    MEMBER = "member", _("Thành viên")


class SteeringMember(CommuneScoped):
    """A member of the commune review steering committee (Ban chỉ đạo rà soát cấp xã)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="steering")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    role = models.CharField(_("vai trò"), max_length=10, choices=SteeringRole.choices)

    class Meta:
        verbose_name = _("thành viên ban chỉ đạo")
        verbose_name_plural = _("ban chỉ đạo rà soát")

    def __str__(self) -> str:
        return self.full_name


class ReviewerKind(models.TextChoices):
    OFFICER = "officer", _("Cán bộ, công chức")
    COLLABORATOR = "collaborator", _("Cộng tác viên giảm nghèo")
    VILLAGE = "village", _("Cán bộ thôn")


class Reviewer(CommuneScoped):
    """A reviewer (rà soát viên) of the round, with or without an account."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reviewers")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    kind = models.CharField(_("là"), max_length=15, choices=ReviewerKind.choices)
    user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rà soát viên")
        verbose_name_plural = _("rà soát viên")

    def __str__(self) -> str:
        return self.full_name


class EntrySource(models.TextChoices):
    CURRENT_LIST = "current_list", _("Đang trong danh sách hộ nghèo, cận nghèo")
    APPLICATION = "application", _("Có giấy đề nghị")
    FLAGGED = "flagged", _("Cộng tác viên báo thay đổi")


class ListKind(models.TextChoices):
    """The posted and decided lists (QĐ 24/2021 Art. 4.3–4.5). A household poor → near-poor is on
    both ``escaped_poverty`` and ``newly_near_poor``."""

    NEWLY_POOR = "newly_poor", _("Hộ nghèo mới")
    NEWLY_NEAR_POOR = "newly_near_poor", _("Hộ cận nghèo mới")
    ESCAPED_POVERTY = "escaped_poverty", _("Hộ thoát nghèo")
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty", _("Hộ thoát cận nghèo")
    REMAINING = "remaining", _("Hộ nghèo, hộ cận nghèo tiếp tục")
    # QĐ 24/2021 Art. 2.2, 6: households of average living standard are identified and
    # recognised on their own list (procedure and forms unverified, docs/review.md).
    AVERAGE_LIVING_STANDARD = "average_living_standard", _("Hộ có mức sống trung bình")


class Entry(VillageScoped):
    """One household on a round's list (QĐ 24/2021 Art. 4.1) and where it stands."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="review_entries", verbose_name=_("hộ")
    )
    source = models.CharField(_("lý do vào danh sách"), max_length=15, choices=EntrySource.choices)
    source_note = models.TextField(_("ghi chú"), blank=True)
    # The collaborator's report of the household's changed situation that flagged it, if any.
    household_change = models.ForeignKey(
        "workforce.HouseholdChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("biến động do cộng tác viên báo"),
    )
    state = models.CharField(
        _("bước"), max_length=16, choices=EntryState.choices, default=EntryState.LISTED
    )
    status_at_start = models.CharField(
        _("tình trạng đầu kỳ"), max_length=30, choices=Status.choices, blank=True
    )
    reviewer = models.ForeignKey(
        Reviewer, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    screening_survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_status = models.CharField(
        _("tình trạng đề xuất (khảo sát)"), max_length=30, choices=Status.choices, blank=True
    )
    final_status = models.CharField(
        _("tình trạng sau họp dân, phúc tra"), max_length=30, choices=Status.choices, blank=True
    )
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hộ trong danh sách rà soát")
        verbose_name_plural = _("danh sách hộ rà soát")
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="review_entry_once"),
            models.CheckConstraint(
                condition=~Q(state__in=["agreed", "posted", "under_complaint", "recognised"])
                | ~Q(final_status=""),
                name="review_entry_agreed_has_status",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "commune", "round", "state"]),
            models.Index(fields=["round", "village", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.household_id}"


# -- village meeting (Art. 4.3) -----------------------------------------------------------------


class Meeting(VillageScoped, Idempotent):
    # ``submission_key`` (Idempotent): a double-submitted meeting form records one meeting.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="meetings")
    state = models.CharField(
        _("bước"), max_length=10, choices=MeetingState.choices, default=MeetingState.SCHEDULED
    )
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    chair_name = models.CharField(_("chủ trì (trưởng thôn)"), max_length=200)
    secretary_name = models.CharField(_("thư ký"), max_length=200, blank=True)
    attendees = models.PositiveIntegerField(_("số người dự họp"))
    attendees_note = models.TextField(_("thành phần dự họp"), blank=True)
    supervisor_note = models.CharField(_("giám sát (Mặt trận Tổ quốc)"), max_length=300, blank=True)
    minutes_scan = models.FileField(
        _("biên bản đã ký (bản chụp)"), upload_to="review/minutes/%Y/", blank=True
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cuộc họp dân")
        verbose_name_plural = _("cuộc họp dân")
        constraints = [
            models.CheckConstraint(condition=Q(attendees__gte=1), name="review_meeting_attendees"),
        ]
        indexes = [models.Index(fields=["province", "commune", "round", "village"])]

    def __str__(self) -> str:
        return f"{self.village} · {self.held_on:%d/%m/%Y}"


class Vote(models.Model):
    """The vote on one household at a meeting. QĐ 24/2021 Art. 4.3: the result stands when at
    least 50 % of the attendees agree — with the round's threshold num/den copied here, the
    database checks ``stands = (agree × den ≥ num × attendees)`` in exact integers."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="votes")
    proposed_status = models.CharField(_("tình trạng đưa ra họp"), max_length=30)
    attendees = models.PositiveIntegerField(_("số người dự"))
    agree = models.PositiveIntegerField(_("số người đồng ý"))
    threshold_num = models.PositiveSmallIntegerField()
    threshold_den = models.PositiveSmallIntegerField()
    stands = models.BooleanField(_("kết quả được thông qua"))

    class Meta:
        verbose_name = _("biểu quyết")
        verbose_name_plural = _("biểu quyết")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "entry"], name="review_vote_once"),
            models.CheckConstraint(
                condition=Q(agree__lte=F("attendees")), name="review_vote_agree_le_attendees"
            ),
            models.CheckConstraint(
                condition=Q(threshold_den__gte=1) & Q(threshold_num__lte=F("threshold_den")),
                name="review_vote_threshold_fraction",
            ),
            # QĐ 24/2021 Art. 4.3: stands ⇔ agree × den ≥ num × attendees (exact integers).
            models.CheckConstraint(
                condition=(
                    Q(stands=True)
                    & GreaterThanOrEqual(
                        F("agree") * F("threshold_den"), F("threshold_num") * F("attendees")
                    )
                )
                | (
                    Q(stands=False)
                    & LessThan(F("agree") * F("threshold_den"), F("threshold_num") * F("attendees"))
                ),
                name="review_vote_stands_matches_threshold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.entry_id}: {self.agree}/{self.attendees}"

    @property
    def proposed_status_label(self) -> str:
        return _status_label(self.proposed_status)


# -- public posting (Art. 4.4) ------------------------------------------------------------------


class PostingKind(models.TextChoices):
    RESULT = "result", _("Niêm yết kết quả rà soát")
    RECHECK = "recheck", _("Niêm yết kết quả phúc tra")


class Posting(CommuneScoped):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="postings")
    kind = models.CharField(_("loại"), max_length=10, choices=PostingKind.choices)
    posted_on = models.DateField(_("ngày niêm yết"))
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc niêm yết"))
    ends_on = models.DateField(_("hết hạn niêm yết"))
    complaints_until = models.DateField(_("nhận khiếu nại đến hết ngày"))
    places = models.CharField(_("nơi niêm yết"), max_length=300)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt niêm yết")
        verbose_name_plural = _("niêm yết công khai")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("posted_on")), name="review_posting_dates"
            ),
            models.CheckConstraint(
                condition=Q(complaints_until__gte=F("posted_on")),
                name="review_posting_complaint_dates",
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "round"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.posted_on:%d/%m/%Y}"


class PostingEntry(VillageScoped):
    """One line of a posted list, frozen as posted (the PDF is drawn from these rows)."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="lines")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="posting_lines")
    lists = ArrayField(models.CharField(max_length=25, choices=ListKind.choices))
    household_code = models.CharField(max_length=30)
    head_name = models.CharField(max_length=200)
    village_name = models.CharField(max_length=200)
    member_count = models.PositiveSmallIntegerField()
    status_before = models.CharField(max_length=30, blank=True)
    status_after = models.CharField(max_length=30)

    class Meta:
        verbose_name = _("dòng danh sách niêm yết")
        verbose_name_plural = _("danh sách niêm yết")
        constraints = [
            models.UniqueConstraint(fields=["posting", "entry"], name="review_posting_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.household_code} · {self.head_name}"

    @property
    def status_before_label(self) -> str:
        return _status_label(self.status_before)

    @property
    def status_after_label(self) -> str:
        return _status_label(self.status_after)


# -- complaints ---------------------------------------------------------------------------------


class Complaint(VillageScoped):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="complaints")
    line = models.ForeignKey(PostingEntry, on_delete=models.PROTECT, related_name="complaints")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="complaints")
    state = models.CharField(
        _("bước"), max_length=10, choices=ComplaintState.choices, default=ComplaintState.RECEIVED
    )
    complainant = models.CharField(_("người khiếu nại"), max_length=200)
    content = models.TextField(_("nội dung khiếu nại"))
    received_on = models.DateField(_("ngày tiếp nhận"))
    due_on = models.DateField(_("hạn niêm yết kết quả phúc tra"))
    recheck_survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_status = models.CharField(
        _("tình trạng sau phúc tra"), max_length=30, choices=Status.choices, blank=True
    )
    result_note = models.TextField(_("kết luận"), blank=True)
    resolved_on = models.DateField(_("ngày giải quyết"), null=True, blank=True)
    result_posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khiếu nại")
        verbose_name_plural = _("khiếu nại")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on")), name="review_complaint_due_order"
            ),
            models.CheckConstraint(
                condition=~Q(state="resolved") | Q(resolved_on__isnull=False),
                name="review_complaint_resolved_has_date",
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.complainant} · {self.received_on:%d/%m/%Y}"


# -- recognition (Art. 4.5, 5.2) ----------------------------------------------------------------


class Decision(CommuneScoped):
    """The commune chairman's recognition decision. Immutable once written (trigger)."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="decision")
    number = models.CharField(_("số quyết định"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    signer_name = models.CharField(_("người ký"), max_length=200)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200)
    standard = models.CharField(_("chuẩn nghèo"), max_length=30)
    year = models.PositiveSmallIntegerField(_("năm rà soát"))
    commune_name = models.CharField(max_length=200)
    province_name = models.CharField(max_length=200)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "number"], name="review_decision_number"
            ),
        ]
        indexes = [models.Index(fields=["province", "year", "commune"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"


class DecisionEntry(VillageScoped):
    """A household of the decided lists, frozen: what the decision says, not what the registry
    says today."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="entries")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="decided")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    lists = ArrayField(models.CharField(max_length=25, choices=ListKind.choices))
    household_code = models.CharField(max_length=30)
    head_name = models.CharField(max_length=200)
    village_name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    area_kind = models.CharField(max_length=5)
    status_before = models.CharField(max_length=30, blank=True)
    status_after = models.CharField(max_length=30)
    reentered = models.BooleanField(default=False)
    members = models.JSONField()  # [{"name", "relation", "sex", "birth_year", "is_head"}]

    class Meta:
        verbose_name = _("hộ trong quyết định")
        verbose_name_plural = _("danh sách kèm quyết định")
        indexes = [models.Index(fields=["province", "commune", "decision"])]

    def __str__(self) -> str:
        return f"{self.household_code} · {self.head_name}"


class Certificate(VillageScoped):
    """Giấy chứng nhận hộ nghèo, hộ cận nghèo: everything printed is copied here at issue."""

    decision_entry = models.OneToOneField(
        DecisionEntry, on_delete=models.PROTECT, related_name="certificate"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số giấy chứng nhận"), max_length=60)
    code = models.CharField(_("mã xác thực"), max_length=20, unique=True)
    status = models.CharField(_("loại hộ"), max_length=30, choices=Status.choices)
    year = models.PositiveSmallIntegerField(_("năm rà soát"))
    issued_on = models.DateField(_("ngày cấp"))
    valid_until = models.DateField(_("có giá trị đến"))
    head_name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    village_name = models.CharField(max_length=200)
    commune_name = models.CharField(max_length=200)
    province_name = models.CharField(max_length=200)
    decision_number = models.CharField(max_length=60)
    decision_date = models.DateField()
    signer_name = models.CharField(max_length=200)
    signer_title = models.CharField(max_length=200)
    members = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận hộ nghèo, hộ cận nghèo")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "number"], name="review_certificate_number"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["poor", "near_poor"]), name="review_certificate_status"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("issued_on")), name="review_certificate_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.number


# -- in-year applications (Art. 5) --------------------------------------------------------------


class ApplicationForm(models.TextChoices):
    JOIN = "mau01", _("Mẫu số 01: đề nghị rà soát, xét duyệt hộ nghèo, hộ cận nghèo")
    ESCAPE = "mau04", _("Mẫu số 04: đề nghị công nhận thoát nghèo, thoát cận nghèo")


class ApplicationReason(models.TextChoices):
    DISASTER = "disaster", _("Thiên tai, dịch bệnh")
    ACCIDENT = "accident", _("Tai nạn")
    ILLNESS = "illness", _("Ốm đau, bệnh hiểm nghèo")
    EARNER_DEATH = "earner_death", _("Lao động chính qua đời")
    IMPROVED = "improved", _("Điều kiện sống đã cải thiện")
    OTHER = "other", _("Lý do khác")


class Application(VillageScoped):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="review_applications"
    )
    form = models.CharField(_("mẫu đơn"), max_length=6, choices=ApplicationForm.choices)
    reason = models.CharField(_("lý do"), max_length=15, choices=ApplicationReason.choices)
    reason_note = models.TextField(_("trình bày"), blank=True)
    applicant_name = models.CharField(_("người làm đơn"), max_length=200)
    received_on = models.DateField(_("ngày tiếp nhận"))
    review_starts_on = models.DateField(_("ngày bắt đầu xét"))
    due_on = models.DateField(_("hạn giải quyết"))
    state = models.CharField(
        _("bước"), max_length=10, choices=ApplicationState.choices, default="received"
    )
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    on_behalf = models.BooleanField(_("cộng tác viên nộp thay hộ"), default=False)
    # Optional: the collaborator's report of a changed situation that started this application
    # (workforce.HouseholdChange flagged for the in-year review).
    household_change = models.ForeignKey(
        "workforce.HouseholdChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("biến động do cộng tác viên báo"),
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    refusal_number = models.CharField(_("số văn bản trả lời"), max_length=60, blank=True)
    refusal_reasons = models.TextField(_("lý do từ chối"), blank=True)
    refusal_signer = models.CharField(_("người ký văn bản"), max_length=200, blank=True)
    decided_on = models.DateField(_("ngày giải quyết"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đơn đề nghị")
        verbose_name_plural = _("đơn đề nghị (rà soát thường xuyên)")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_starts_on__gte=F("received_on"))
                & Q(due_on__gte=F("review_starts_on")),
                name="review_application_dates",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reasons=""),
                name="review_application_refusal_has_reasons",
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_form_display()} · {self.household_id}"


# -- report upward (Art. 7) ---------------------------------------------------------------------


class CommuneReport(CommuneScoped):
    """The round's summary as submitted by the commune: the figures are frozen (trigger)."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="report")
    year = models.PositiveSmallIntegerField(_("năm"))
    state = models.CharField(
        _("bước"), max_length=15, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    figures = models.JSONField(_("số liệu"))
    recipient = models.CharField(_("gửi đến"), max_length=30)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    submitted_at = models.DateTimeField(_("thời điểm gửi"))
    consolidation = models.ForeignKey(
        "ProvinceReport", on_delete=models.PROTECT, null=True, blank=True, related_name="communes"
    )

    class Meta:
        verbose_name = _("báo cáo của xã")
        verbose_name_plural = _("báo cáo của xã")
        indexes = [models.Index(fields=["province", "year", "commune"])]

    def __str__(self) -> str:
        return f"{self.commune_id} · {self.year}"


class ProvinceReport(ProvinceScoped):
    """The province's consolidation of the communes' submitted reports (frozen)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    figures = models.JSONField(_("số liệu"))
    consolidated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    consolidated_at = models.DateTimeField(_("thời điểm tổng hợp"))
    # Saved before every commune reported: the figures are not the province's (the missing
    # communes are listed in ``figures["missing"]``) and the reason is required.
    partial = models.BooleanField(_("tổng hợp chưa đầy đủ"), default=False)
    partial_reason = models.TextField(_("lý do tổng hợp chưa đầy đủ"), blank=True)

    class Meta:
        verbose_name = _("báo cáo tổng hợp của tỉnh")
        verbose_name_plural = _("báo cáo tổng hợp của tỉnh")
        indexes = [models.Index(fields=["province", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(partial=False) | ~Q(partial_reason=""),
                name="review_provincereport_partial_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} · {self.year}"

    @property
    def communes_reported(self) -> int:
        return int(self.figures.get("communes_reported", 0))

    @property
    def communes_total(self) -> int:
        return int(self.figures.get("communes_total", 0))


class ShippedEntry(models.Model):
    """An entry of the shipped data files (holidays, process rules) already loaded once. The
    loaders add only entries not seen here, so a row a province deleted is not revived by the
    next load."""

    kind = models.CharField(max_length=20)  # "holiday" | "rule"
    key = models.CharField(max_length=120)  # the date, or "<rule set code>.<key>"
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dữ liệu mẫu đã nạp")
        verbose_name_plural = _("dữ liệu mẫu đã nạp")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="review_shipped_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
