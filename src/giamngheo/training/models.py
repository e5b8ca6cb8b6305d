"""Training of the poverty-reduction workforce: yearly plans, classes with their sessions and
costs, participants and their registrations, attendance per session, knowledge tests, and the
policy handbook.

Counting rule: a *participation* (lượt người) is one registration in one class; a *person* is
one ``Participant``. The same person trained in three classes is three participations and one
person; statistics report both, never one for the other.

Every area-scoped table carries ``province`` and ``commune`` (NULL for province-level rows) so
that ``accounts.access.scoped`` is one filter; a registration or an attempt copies the area of
its class or test for that reason.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit, ProvinceOrCommuneScoped
from giamngheo.lib.locking import Versioned
from giamngheo.training import reference


class ClassLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class SessionPart(models.TextChoices):
    MORNING = "morning", _("Buổi sáng")
    AFTERNOON = "afternoon", _("Buổi chiều")
    FULL_DAY = "full_day", _("Cả ngày")


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class TrainingPlan(ProvinceOrCommuneScoped, Versioned):
    """A yearly training plan of a province (commune NULL) or of a commune."""

    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    decision_ref = models.CharField(_("số, ký hiệu văn bản"), max_length=200, blank=True)
    purpose = models.TextField(_("mục đích"))
    requirements = models.TextField(_("yêu cầu"), blank=True)
    target_groups = ArrayField(
        models.CharField(max_length=40, choices=reference.category_choices),
        default=list,
        blank=True,
        verbose_name=_("đối tượng tập huấn"),
    )
    budget = models.PositiveBigIntegerField(_("kinh phí dự kiến (đồng)"), default=0)
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kế hoạch tập huấn")
        verbose_name_plural = _("kế hoạch tập huấn")
        ordering = ["-year", "province", "commune", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="training_plan_year_range"
            ),
        ]
        indexes = [models.Index(fields=["province", "year", "commune"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class TrainingClass(ProvinceOrCommuneScoped, Versioned):
    """A class (lớp tập huấn) of a plan: topics, place, dates, sessions, trainers, costs."""

    plan = models.ForeignKey(
        TrainingPlan, on_delete=models.PROTECT, related_name="classes", verbose_name=_("kế hoạch")
    )
    level = models.CharField(_("cấp tổ chức"), max_length=10, choices=ClassLevel.choices)
    code = models.CharField(_("mã lớp"), max_length=30)
    title = models.CharField(_("tên lớp"), max_length=300)
    topics = ArrayField(
        models.CharField(max_length=40, choices=reference.topic_choices),
        verbose_name=_("chuyên đề"),
    )
    standard_code = models.CharField(_("chuẩn nghèo được giới thiệu"), max_length=40, blank=True)
    place = models.CharField(_("địa điểm"), max_length=300)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    trainers = models.TextField(_("báo cáo viên"), blank=True, help_text=_("Mỗi dòng một người."))
    capacity = models.PositiveIntegerField(_("số học viên dự kiến"))
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ chuyên cần để hoàn thành (%)"), default=80
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    search_text = models.CharField(max_length=700, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lớp tập huấn")
        verbose_name_plural = _("lớp tập huấn")
        ordering = ["-start_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="training_class_code"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="training_class_dates_ordered"
            ),
            models.CheckConstraint(
                condition=(Q(level="province") & Q(commune__isnull=True))
                | (Q(level="commune") & Q(commune__isnull=False)),
                name="training_class_level_matches_area",
            ),
            models.CheckConstraint(condition=Q(topics__len__gte=1), name="training_class_topic"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_class_capacity"),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__gte=1) & Q(min_attendance_percent__lte=100),
                name="training_class_attendance_percent",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "start_date", "commune"]),
            GinIndex(
                fields=["search_text"], name="training_class_trgm", opclasses=["gin_trgm_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    @property
    def area(self) -> AdministrativeUnit:
        """The unit that runs the class (its commune, or the province)."""
        return self.commune if self.commune_id else self.province  # type: ignore[return-value]

    @property
    def topic_labels(self) -> list[str]:
        return [reference.topic_label(code) for code in self.topics]

    @property
    def trainer_list(self) -> list[str]:
        return [line.strip() for line in self.trainers.splitlines() if line.strip()]


class ClassSession(models.Model):
    """One session (buổi) of a class; attendance is taken per session."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(_("buổi số"))
    date = models.DateField(_("ngày"))
    part = models.CharField(_("buổi"), max_length=10, choices=SessionPart.choices)
    topic = models.CharField(_("chuyên đề"), max_length=40, choices=reference.topic_choices)
    title = models.CharField(_("nội dung"), max_length=300, blank=True)
    trainer = models.CharField(_("báo cáo viên"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("buổi học")
        verbose_name_plural = _("buổi học")
        ordering = ["training_class", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "number"], name="training_session_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="training_session_number_1"),
        ]

    def __str__(self) -> str:
        return f"{self.training_class.code} · {self.number}"


class CostItem(models.Model):
    """A cost line of a class, in whole đồng: amount = quantity × unit price (database check)."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="cost_items"
    )
    item_type = models.CharField(_("khoản chi"), max_length=40, choices=reference.cost_type_choices)
    description = models.CharField(_("diễn giải"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("số lượng"))
    unit_price = models.PositiveBigIntegerField(_("đơn giá (đồng)"))
    amount = models.PositiveBigIntegerField(_("thành tiền (đồng)"))

    class Meta:
        verbose_name = _("khoản chi")
        verbose_name_plural = _("khoản chi")
        ordering = ["training_class", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="training_cost_quantity"),
            models.CheckConstraint(
                condition=Q(amount=F("quantity") * F("unit_price")), name="training_cost_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{reference.cost_type_label(self.item_type)}: {self.amount}"


class Participant(ProvinceOrCommuneScoped):
    """A person who takes part in classes or contests: a member of the workforce roster
    (``worker`` set) or an external delegate (village head, mass organisation…).

    ``province``/``commune`` is where the person works (commune NULL for provincial staff).
    """

    full_name = models.CharField(_("họ và tên"), max_length=200)
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    category = models.CharField(_("thành phần"), max_length=40, choices=reference.category_choices)
    organisation = models.CharField(_("đơn vị, tổ chức"), max_length=200, blank=True)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    is_active = models.BooleanField(_("còn công tác"), default=True)
    # The roster entry (giamngheo.workforce) when the participant is an officer or collaborator
    # of the workforce; external delegates have none. Coverage statistics count roster members.
    worker = models.OneToOneField(
        "workforce.Worker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_participant",
        verbose_name=_("trong danh sách đội ngũ"),
    )
    is_demo = models.BooleanField(default=False, editable=False)
    search_name = models.CharField(max_length=420, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["province", "commune", "category"]),
            GinIndex(
                fields=["search_name"], name="training_participant_trgm", opclasses=["gin_trgm_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def category_label(self) -> str:
        return reference.category_label(self.category)


class Registration(ProvinceOrCommuneScoped):
    """One participation: a participant registered in a class. ``category`` keeps the
    participant's category at registration (a collaborator who later becomes an officer still
    counts as a collaborator in that year's statistics)."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="registrations"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="registrations"
    )
    category = models.CharField(_("thành phần"), max_length=40, choices=reference.category_choices)
    registered_at = models.DateTimeField(auto_now_add=True)
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=40, blank=True)
    certificate_issued_on = models.DateField(_("ngày cấp giấy chứng nhận"), null=True, blank=True)

    class Meta:
        verbose_name = _("đăng ký học")
        verbose_name_plural = _("đăng ký học")
        ordering = ["training_class", "participant__full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "participant"], name="training_registration_once"
            ),
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="training_certificate_number_unique",
            ),
            models.CheckConstraint(
                condition=(Q(certificate_number="") & Q(certificate_issued_on__isnull=True))
                | (~Q(certificate_number="") & Q(certificate_issued_on__isnull=False)),
                name="training_certificate_number_and_date",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "commune", "training_class"]),
            models.Index(fields=["participant", "training_class"]),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.training_class.code}"


class Attendance(models.Model):
    """Whether a registered participant attended one session."""

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendance")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("có mặt"))

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "registration"], name="training_attendance_once"
            ),
        ]
        indexes = [models.Index(fields=["registration", "present"])]

    def __str__(self) -> str:
        return f"{self.registration_id}/{self.session_id}: {self.present}"


# -- knowledge tests --------------------------------------------------------------------------


class Question(models.Model):
    """A multiple-choice question of the bank: national (province NULL, edited by the system
    administrator) or a province's own (edited by its officers)."""

    province = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tỉnh"),
    )
    topic = models.CharField(_("chuyên đề"), max_length=40, choices=reference.topic_choices)
    text = models.TextField(_("câu hỏi"))
    choices = ArrayField(models.CharField(max_length=500), verbose_name=_("phương án"))
    correct = models.PositiveSmallIntegerField(_("phương án đúng"))
    explanation = models.TextField(_("giải thích, căn cứ"), blank=True)
    # Stable key of a question shipped in data/questions.toml (reloading never duplicates it).
    ref = models.CharField(max_length=60, blank=True, editable=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["topic", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(choices__len__gte=2) & Q(choices__len__lte=6),
                name="training_question_2_to_6_choices",
            ),
            models.CheckConstraint(
                condition=Q(choices__len__gt=F("correct")), name="training_question_correct_index"
            ),
            models.UniqueConstraint(
                fields=["ref"], condition=~Q(ref=""), name="training_question_ref_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class AssessmentKind(models.TextChoices):
    PRE = "pre", _("Kiểm tra đầu khóa")
    POST = "post", _("Kiểm tra cuối khóa")
    CONTEST = "contest", _("Hội thi tìm hiểu chính sách")


class Assessment(ProvinceOrCommuneScoped):
    """A test: the pre-test or post-test of a class, or a policy knowledge contest."""

    kind = models.CharField(_("loại"), max_length=10, choices=AssessmentKind.choices)
    training_class = models.ForeignKey(
        TrainingClass,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("lớp"),
    )
    title = models.CharField(_("tên"), max_length=300)
    held_on = models.DateField(_("ngày tổ chức"))
    is_demo = models.BooleanField(default=False, editable=False)
    questions = models.ManyToManyField(Question, through="AssessmentItem", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bài kiểm tra")
        verbose_name_plural = _("bài kiểm tra")
        ordering = ["-held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "kind"],
                condition=Q(training_class__isnull=False),
                name="training_assessment_one_per_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["pre", "post"]) & Q(training_class__isnull=False))
                | (Q(kind="contest") & Q(training_class__isnull=True)),
                name="training_assessment_kind_matches_class",
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "held_on"])]

    def __str__(self) -> str:
        return self.title


class AssessmentItem(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "position"], name="training_item_position"
            ),
            models.UniqueConstraint(
                fields=["assessment", "question"], name="training_item_question_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}#{self.position}"


class Attempt(ProvinceOrCommuneScoped):
    """A participant's answers to a test, scored when recorded. ``answers[i]`` is the chosen
    choice index for item position ``i`` (NULL = left blank). The score is kept as recorded:
    editing a question later does not rewrite past results."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="attempts")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="attempts")
    answers = ArrayField(models.SmallIntegerField(null=True))
    score = models.PositiveSmallIntegerField(_("điểm"))
    max_score = models.PositiveSmallIntegerField(_("điểm tối đa"))
    submitted_at = models.DateTimeField(_("thời điểm nộp"))

    class Meta:
        verbose_name = _("bài làm")
        verbose_name_plural = _("bài làm")
        ordering = ["assessment", "-score", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "participant"], name="training_attempt_once"
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=1) & Q(score__lte=F("max_score")),
                name="training_attempt_score_range",
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "assessment"])]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.score}/{self.max_score}"

    @property
    def percent(self) -> float:
        return 100 * self.score / self.max_score


# -- policy handbook --------------------------------------------------------------------------


class PageKind(models.TextChoices):
    PROCEDURE = "procedure", _("Quy trình")
    POLICY = "policy", _("Chính sách hỗ trợ")
    GUIDE = "guide", _("Hướng dẫn nghiệp vụ")


class Verification(models.TextChoices):
    """How far the page's content was checked against the legal text (the same labels as the
    rule packs' ``verified`` flags and the domain notes)."""

    VERIFIED = "verified", _("Đã kiểm chứng")
    PARTLY = "partly", _("Kiểm chứng một phần")
    UNVERIFIED = "unverified", _("Chưa kiểm chứng")


class HandbookPage(models.Model):
    """An editable handbook page: national (province NULL, edited by the system administrator)
    or a province's own. A province's page with the slug of a national page replaces it for that
    province's users (provincial officers adapt the national text). Every saved state is kept
    in ``HandbookPageVersion``. The standards pages are not stored: they are generated from the
    rule packs (``giamngheo.standards``) when shown."""

    province = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tỉnh"),
    )
    slug = models.SlugField(_("đường dẫn"), max_length=100)
    kind = models.CharField(_("loại trang"), max_length=20, choices=PageKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=300)
    summary = models.CharField(_("tóm tắt"), max_length=500, blank=True)
    body = models.TextField(
        _("nội dung"),
        help_text=_(
            "Dòng bắt đầu bằng ## là tiêu đề mục, bằng - là một ý; "
            "[[chưa kiểm chứng]], [[kiểm chứng một phần]], [[đã kiểm chứng]] hiện thành nhãn."
        ),
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    verification = models.CharField(
        _("mức kiểm chứng"), max_length=12, choices=Verification.choices
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trang sổ tay")
        verbose_name_plural = _("trang sổ tay")
        ordering = ["kind", "position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(province__isnull=True),
                name="training_page_national_slug",
            ),
            models.UniqueConstraint(
                fields=["province", "slug"],
                condition=Q(province__isnull=False),
                name="training_page_province_slug",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_text"], name="training_page_trgm", opclasses=["gin_trgm_ops"])
        ]

    def __str__(self) -> str:
        return self.title


class HandbookPageVersion(models.Model):
    """A saved state of a page (version 1 is the creation); never changed afterwards."""

    page = models.ForeignKey(HandbookPage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(max_length=300)
    summary = models.CharField(max_length=500, blank=True)
    body = models.TextField()
    legal_basis = models.TextField(blank=True)
    verification = models.CharField(max_length=12, choices=Verification.choices)
    note = models.CharField(_("ghi chú sửa đổi"), max_length=300, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField()

    class Meta:
        verbose_name = _("phiên bản trang sổ tay")
        verbose_name_plural = _("phiên bản trang sổ tay")
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="training_page_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.page_id} v{self.number}"
