"""Training data of the demo province: a year's provincial plan with three provincial classes,
two communes' own plans and classes, attendance, certificates, pre- and post-tests, costs and
a policy knowledge contest; plus the national question bank and handbook pages.

Deterministic: every draw comes from ``random.Random`` seeded with ``seed`` and the stage name,
and the year and dates derive from ``today``. Idempotent: the previous demo plans, classes,
contests and participants of the province (``is_demo``) are deleted first; user-made rows are
kept. Fast: rows are written with ``bulk_create`` and ONE ``audit.record_bulk`` summarises the
load (an event per synthetic row would bury the real history, as in ``demo.loader``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from django.db import transaction
from django.utils import timezone

from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib.text import search_key
from giamngheo.standards import pack_for_review_year
from giamngheo.training import reference, selectors, services
from giamngheo.training.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    Attempt,
    Attendance,
    ClassSession,
    CostItem,
    Participant,
    Question,
    Registration,
    TrainingClass,
    TrainingPlan,
)
from giamngheo.workforce.models import Worker, WorkerStatus

# Preset communes of the demo users xa1 and xa2 (giamngheo.synthetic.DEMO_COMMUNES);
# repeated here because importing the demo package from here would be circular.
DEMO_COMMUNES: Final = {"44": ("19249", "19441")}

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Hồ", "Ngô")
_MIDDLE_M = ("Văn", "Đức", "Minh", "Quang", "Hữu")
_MIDDLE_F = ("Thị", "Thị", "Ngọc", "Thu", "Thanh")
_GIVEN_M = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Nam", "Phúc", "Sơn", "Tâm")
_GIVEN_F = ("Hằng", "Hoa", "Lan", "Linh", "Mai", "Nga", "Oanh", "Phương", "Thảo", "Trang", "Yến")
_MASS_ORGANISATIONS = (
    "Hội Nông dân xã",
    "Hội Liên hiệp Phụ nữ xã",
    "Đoàn Thanh niên xã",
    "Hội Cựu chiến binh xã",
    "Ủy ban Mặt trận Tổ quốc xã",
)


@dataclass
class TrainingDemoReport:
    year: int
    plans: int = 0
    classes: int = 0
    participants: int = 0
    registrations: int = 0
    participations: int = 0
    people: int = 0
    attendance_rows: int = 0
    certificates: int = 0
    attempts: int = 0
    cost_total: int = 0
    questions_added: int = 0
    pages_added: int = 0
    roster_from_workforce: bool = False
    deleted: dict[str, int] = field(default_factory=dict)


def _rng(seed: int, stage: str) -> random.Random:
    # String seeds are hashed deterministically by random (version 2), unlike hash().
    return random.Random(f"{seed}:{stage}")  # noqa: S311 - synthetic demo data, not security


def _name(rng: random.Random) -> tuple[str, str]:
    sex = rng.choice(("male", "female"))
    middle, given = (_MIDDLE_M, _GIVEN_M) if sex == "male" else (_MIDDLE_F, _GIVEN_F)
    return f"{rng.choice(_FAMILY)} {rng.choice(middle)} {rng.choice(given)}", sex


def demo_year(today: dt.date) -> int:
    """The year whose training the demo shows: this year once its spring classes are over
    (from June), else last year, so that every demo class lies in the past."""
    return today.year if today >= dt.date(today.year, 6, 1) else today.year - 1


@transaction.atomic
def purge_training_demo(*, province: AdministrativeUnit) -> dict[str, int]:
    """Delete the demo plans, classes (with everything under them), contests and participants
    of the province; rows that users made are kept. Returns what was deleted, by kind."""
    plans = TrainingPlan.objects.filter(province=province, is_demo=True)
    classes = TrainingClass.objects.filter(plan__in=plans)
    deleted = {"classes": classes.count()}
    classes.delete()  # sessions, costs, registrations, attendance, tests cascade
    contests = Assessment.objects.filter(province=province, is_demo=True)
    deleted["contests"] = contests.count()
    contests.delete()
    deleted["plans"] = plans.delete()[0]
    deleted["participants"] = Participant.objects.filter(province=province, is_demo=True).delete()[
        0
    ]
    return deleted


def _participant(
    province: AdministrativeUnit,
    commune: AdministrativeUnit | None,
    *,
    full_name: str,
    sex: str,
    category: str,
    organisation: str,
    worker: Worker | None = None,
    birth_year: int | None = None,
    position: str = "",
) -> Participant:
    return Participant(
        province=province,
        commune=commune,
        full_name=full_name,
        sex=sex,
        birth_year=birth_year,
        category=category,
        organisation=organisation,
        position=position,
        worker=worker,
        is_demo=True,
        search_name=search_key(f"{full_name} {organisation}")[:420],
    )


def _roster(
    province: AdministrativeUnit, communes: Sequence[AdministrativeUnit], rng: random.Random
) -> tuple[list[Participant], bool]:
    """Participant records of the workforce: from the roster (giamngheo.workforce) when the
    province has one, else one officer and one collaborator per commune made up here."""
    workers = list(
        Worker.objects.filter(
            province=province,
            status=WorkerStatus.ACTIVE,
            role__in=reference.roster_worker_roles(),
            training_participant__isnull=True,
        )
        .select_related("commune")
        .order_by("pk")
    )
    if workers:
        return [
            _participant(
                province,
                w.commune,
                full_name=w.full_name,
                sex=w.sex,
                birth_year=w.birth_year,
                category=reference.category_for_worker_role(w.role),
                organisation=(w.commune or province).name,
                worker=w,
            )
            for w in workers
        ], True
    people = []
    for commune in communes:
        for category, position in (
            ("commune_officer", "Công chức Văn hóa - Xã hội"),
            ("collaborator", "Cộng tác viên giảm nghèo"),
        ):
            full_name, sex = _name(rng)
            people.append(
                _participant(
                    province,
                    commune,
                    full_name=full_name,
                    sex=sex,
                    birth_year=rng.randint(1970, 1998),
                    category=category,
                    organisation=commune.name,
                    position=position,
                )
            )
    return people, False


def _class(
    plan: TrainingPlan,
    *,
    code: str,
    title: str,
    commune: AdministrativeUnit | None,
    topics: list[str],
    standard: str,
    place: str,
    start: dt.date,
    days: int,
    capacity: int,
    trainers: str,
) -> TrainingClass:
    training_class = TrainingClass(
        plan=plan,
        province=plan.province,
        commune=commune,
        level="commune" if commune else "province",
        code=code,
        title=title,
        topics=topics,
        standard_code=standard if reference.NEW_STANDARD in topics else "",
        place=place,
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        trainers=trainers,
        capacity=capacity,
    )
    training_class.search_text = search_key(f"{code} {title} {place}")[:700]
    return training_class


@transaction.atomic
def load_training_demo(
    *, province: AdministrativeUnit, seed: int, today: dt.date | None = None
) -> TrainingDemoReport:
    """Seed the training of the demo province. Call inside ``load_demo``'s transaction after
    the workforce demo (its roster members become the participants) and the demo users.
    Idempotent; the same ``seed`` and ``today`` give the same data."""
    if province.level != Level.PROVINCE:
        raise ValueError("province expected")
    today = today or timezone.localdate()
    year = demo_year(today)
    standard = pack_for_review_year(year).code
    report = TrainingDemoReport(year=year)
    report.deleted = purge_training_demo(province=province)
    report.questions_added = len(services.load_national_questions())
    report.pages_added = len(services.load_national_pages())

    communes = list(
        AdministrativeUnit.objects.filter(
            parent=province, level=Level.COMMUNE, valid_to__isnull=True
        ).order_by("code")
    )
    if len(communes) < 2:
        raise ValueError("the demo province needs its communes (giamngheo areas load)")
    by_code = {c.code: c for c in communes}
    preset = DEMO_COMMUNES.get(province.code, ())
    featured = [by_code[code] for code in preset if code in by_code] or communes[:2]

    roster, report.roster_from_workforce = _roster(province, communes, _rng(seed, "roster"))
    rng = _rng(seed, "delegates")
    delegates: dict[int, list[Participant]] = {}
    for commune in featured:
        villages = list(
            AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("name")[
                :8
            ]
        )
        people = []
        for village in villages:
            full_name, sex = _name(rng)
            people.append(
                _participant(
                    province,
                    commune,
                    full_name=full_name,
                    sex=sex,
                    category="village_representative",
                    organisation=village.name,
                    position="Trưởng thôn",
                )
            )
        for organisation in _MASS_ORGANISATIONS:
            full_name, sex = _name(rng)
            people.append(
                _participant(
                    province,
                    commune,
                    full_name=full_name,
                    sex=sex,
                    category="mass_organisation",
                    organisation=organisation,
                )
            )
        delegates[commune.pk] = people
    everyone = [*roster, *(p for people in delegates.values() for p in people)]
    Participant.objects.bulk_create(everyone)
    report.participants = len(everyone)

    plan = TrainingPlan.objects.create(
        province=province,
        year=year,
        title=f"Kế hoạch tập huấn nâng cao năng lực đội ngũ làm công tác giảm nghèo năm {year}",
        decision_ref=f"Kế hoạch số {rng.randint(100, 300)}/KH-SNNMT",
        purpose=(
            "Nâng cao nhận thức, năng lực cho đội ngũ cán bộ làm công tác giảm nghèo trong "
            "thực hiện các chính sách giảm nghèo bền vững; bảo đảm cán bộ giảm nghèo ở cơ sở "
            "nắm được quy trình rà soát hộ nghèo, hộ cận nghèo cuối năm."
        ),
        requirements=(
            "Các địa phương cử cán bộ tham gia đầy đủ theo thành phần triệu tập; học viên ghi "
            "chép nội dung bài giảng và áp dụng hỗ trợ hộ nghèo, hộ cận nghèo của địa phương."
        ),
        target_groups=["commune_leader", "commune_officer", "collaborator"],
        budget=450_000_000,
        is_demo=True,
    )
    commune_plans = {
        commune.pk: TrainingPlan.objects.create(
            province=province,
            commune=commune,
            year=year,
            title=f"Kế hoạch tập huấn giảm nghèo năm {year} của {commune.name}",
            purpose="Tập huấn chính sách và kỹ năng cho trưởng thôn, đoàn thể và rà soát viên.",
            target_groups=["village_representative", "mass_organisation", "reviewer"],
            budget=30_000_000,
            is_demo=True,
        )
        for commune in featured
    }
    report.plans = 1 + len(commune_plans)

    # Provincial classes: the roster split into three groups (about a tenth left untrained).
    rng = _rng(seed, "classes")
    trainable = [p for p in roster if rng.random() > 0.1]
    groups = [trainable[i::3] for i in range(3)]
    classes: list[tuple[TrainingClass, list[Participant], int]] = []
    places = (
        "Hội trường Sở Nông nghiệp và Môi trường",
        "Hội trường UBND tỉnh",
        "Trung tâm hội nghị tỉnh",
    )
    for index, group in enumerate(groups):
        if not group:  # a tiny roster (tests, a new province) fills fewer classes
            continue
        start = dt.date(year, 3, 10) + dt.timedelta(days=14 * index)
        classes.append(
            (
                _class(
                    plan,
                    code=f"T{year % 100:02d}-{index + 1:02d}",
                    title="Chuẩn nghèo đa chiều, quy trình rà soát và nhập phiếu vào phần mềm",
                    commune=None,
                    topics=[reference.NEW_STANDARD, "review_procedure", "data_entry"],
                    standard=standard,
                    place=places[index],
                    start=start,
                    days=2,
                    capacity=len(group) + 10,
                    trainers="Trưởng phòng Bảo trợ xã hội\nChuyên viên phòng Bảo trợ xã hội",
                ),
                group,
                4,
            )
        )
    for number, commune in enumerate(featured, start=1):
        people = delegates[commune.pk]
        local = [p for p in roster if p.commune_id == commune.pk]
        start = dt.date(year, 4, 15) + dt.timedelta(days=7 * number)
        classes.append(
            (
                _class(
                    commune_plans[commune.pk],
                    code=f"X{year % 100:02d}-{number:02d}A",
                    title="Chính sách hỗ trợ hộ nghèo, hộ cận nghèo và kỹ năng tuyên truyền",
                    commune=commune,
                    topics=["support_policies", "communication"],
                    standard=standard,
                    place=f"Hội trường {commune.name}",
                    start=start,
                    days=1,
                    capacity=len(people) + len(local) + 5,
                    trainers="Công chức Văn hóa - Xã hội",
                ),
                [*local, *people],
                2,
            )
        )
        classes.append(
            (
                _class(
                    commune_plans[commune.pk],
                    code=f"X{year % 100:02d}-{number:02d}B",
                    title="Phương pháp điều tra, phiếu rà soát hộ nghèo, hộ cận nghèo",
                    commune=commune,
                    topics=["survey_methods", "review_procedure"],
                    standard=standard,
                    place=f"Nhà văn hóa {commune.name}",
                    start=start + dt.timedelta(days=20),
                    days=1,
                    capacity=len(people) + len(local) + 5,
                    trainers="Cán bộ Sở Nông nghiệp và Môi trường",
                ),
                [*local, *people[: len(people) // 2 + 1]],
                2,
            )
        )
    TrainingClass.objects.bulk_create([c for c, _, _ in classes])
    report.classes = len(classes)

    sessions: dict[int, list[ClassSession]] = {}
    session_rows = []
    for training_class, _, count in classes:
        rows = [
            ClassSession(
                training_class=training_class,
                number=n + 1,
                date=training_class.start_date + dt.timedelta(days=n // 2),
                part="morning" if n % 2 == 0 else "afternoon",
                topic=training_class.topics[n % len(training_class.topics)],
                title=reference.topic_label(training_class.topics[n % len(training_class.topics)]),
            )
            for n in range(count)
        ]
        sessions[training_class.pk] = rows
        session_rows += rows
    ClassSession.objects.bulk_create(session_rows)

    registrations = [
        Registration(
            training_class=training_class,
            participant=person,
            province_id=training_class.province_id,
            commune_id=training_class.commune_id,
            category=person.category,
        )
        for training_class, people, _ in classes
        for person in people
    ]
    Registration.objects.bulk_create(registrations)
    report.registrations = len(registrations)

    rng = _rng(seed, "attendance")
    attendance = []
    certificates = 0
    completed_by_class: dict[int, int] = {}
    for registration in registrations:
        class_sessions = sessions[registration.training_class.pk]
        no_show = rng.random() < 0.04
        present = [not no_show and rng.random() < 0.93 for _ in class_sessions]
        attendance += [
            Attendance(session=s, registration=registration, present=p)
            for s, p in zip(class_sessions, present, strict=True)
        ]
        training_class = registration.training_class
        if selectors.is_completed(
            sum(present), len(present), training_class.min_attendance_percent
        ):
            sequence = completed_by_class.get(training_class.pk, 0) + 1
            completed_by_class[training_class.pk] = sequence
            registration.certificate_number = (
                f"{province.code}-{training_class.code}-{sequence:03d}"
            )
            registration.certificate_issued_on = training_class.end_date
            certificates += 1
    Attendance.objects.bulk_create(attendance)
    Registration.objects.bulk_update(
        [r for r in registrations if r.certificate_number],
        ["certificate_number", "certificate_issued_on"],
    )
    report.attendance_rows = len(attendance)
    report.certificates = certificates
    attended = {r.pk for r in registrations} - _absent_everywhere(registrations, attendance)
    report.participations = len(attended)
    report.people = len({r.participant.pk for r in registrations if r.pk in attended})

    rng = _rng(seed, "costs")
    costs = []
    for training_class, people, count in classes:
        days = (training_class.end_date - training_class.start_date).days + 1
        provincial = training_class.commune_id is None
        lines: list[tuple[str, str, int, int]] = [
            ("venue", "Thuê hội trường, máy chiếu", days, 3_000_000 if provincial else 800_000),
            ("trainer_fees", "Thù lao báo cáo viên", count, 1_000_000 if provincial else 500_000),
            ("materials", "Tài liệu tập huấn", len(people), 40_000),
            ("refreshments", "Nước uống giữa giờ", len(people) * days, 20_000),
        ]
        if provincial:
            lines += [
                ("participant_support", "Hỗ trợ tiền ăn học viên", len(people) * days, 150_000),
                ("travel", "Hỗ trợ đi lại", len(people), rng.choice((100_000, 150_000, 200_000))),
            ]
        for item_type, description, quantity, price in lines:
            if quantity < 1:
                continue
            costs.append(
                CostItem(
                    training_class=training_class,
                    item_type=item_type,
                    description=description,
                    quantity=quantity,
                    unit_price=price,
                    amount=quantity * price,
                )
            )
    CostItem.objects.bulk_create(costs)
    report.cost_total = sum(c.amount for c in costs)

    report.attempts = _tests(province, classes, roster, year, seed, attended, registrations)
    audit.record_bulk(
        actor=None,
        action="training.demo_loaded",
        object_type=TrainingPlan._meta.label_lower,
        object_id=province.code,
        summary={
            "year": year,
            "seed": seed,
            "plans": report.plans,
            "classes": report.classes,
            "participants": report.participants,
            "registrations": report.registrations,
            "participations": report.participations,
            "people": report.people,
            "certificates": report.certificates,
            "attempts": report.attempts,
            "cost_total": report.cost_total,
            "questions_added": report.questions_added,
            "pages_added": report.pages_added,
            "roster_from_workforce": report.roster_from_workforce,
            "deleted": report.deleted,
        },
        note="Dữ liệu mẫu (tổng hợp, không phải dữ liệu thật)",
        province_id=province.pk,
    )
    return report


def _absent_everywhere(
    registrations: Sequence[Registration], attendance: Sequence[Attendance]
) -> set[int]:
    present = {a.registration.pk for a in attendance if a.present}
    return {r.pk for r in registrations if r.pk not in present}


def _tests(
    province: AdministrativeUnit,
    classes: Sequence[tuple[TrainingClass, list[Participant], int]],
    roster: Sequence[Participant],
    year: int,
    seed: int,
    attended: set[int],
    registrations: Sequence[Registration],
) -> int:
    """Pre- and post-tests of every class (same questions) and one contest. Each person has an
    ability; the post-test adds what the class taught, so gains are positive but uneven."""
    bank = list(
        Question.objects.filter(province__isnull=True, is_active=True).order_by("topic", "id")
    )
    rng = _rng(seed, "tests")
    # People in the order of their first registration: a set's order follows the keys the
    # database gave, so the draws (and the gains) changed from one database to another.
    registered = dict.fromkeys(r.participant for r in registrations)
    ability = {p.pk: rng.uniform(0.25, 0.7) for p in registered}
    now = timezone.now()
    assessments: list[tuple[Assessment, list[Question], list[Participant], float]] = []
    for training_class, _people, _count in classes:
        questions = [q for q in bank if q.topic in training_class.topics][:10]
        if not questions:
            continue
        came = [
            r.participant
            for r in registrations
            if r.training_class.pk == training_class.pk and r.pk in attended
        ]
        for kind, day, boost in (
            (AssessmentKind.PRE, training_class.start_date, 0.0),
            (AssessmentKind.POST, training_class.end_date, 0.25),
        ):
            assessments.append(
                (
                    Assessment(
                        kind=kind,
                        training_class=training_class,
                        province_id=training_class.province_id,
                        commune_id=training_class.commune_id,
                        title=f"{AssessmentKind(kind).label} · {training_class.code}",
                        held_on=day,
                    ),
                    questions,
                    came,
                    boost,
                )
            )
    contestants = rng.sample(list(roster), min(20, len(roster)))
    for p in contestants:
        ability.setdefault(p.pk, rng.uniform(0.25, 0.7))
    assessments.append(
        (
            Assessment(
                kind=AssessmentKind.CONTEST,
                province=province,
                title=f"Hội thi tìm hiểu chính sách giảm nghèo năm {year}",
                held_on=dt.date(year, 5, 19),
                is_demo=True,
            ),
            bank[:20],
            contestants,
            0.15,
        )
    )
    Assessment.objects.bulk_create([a for a, _, _, _ in assessments])
    items = []
    attempts = []
    for assessment, questions, people, boost in assessments:
        items += [
            AssessmentItem(assessment=assessment, question=q, position=i)
            for i, q in enumerate(questions)
        ]
        for person in people:
            chance = min(0.97, ability[person.pk] + boost)
            answers: list[int | None] = [
                q.correct if rng.random() < chance else rng.randrange(len(q.choices))
                for q in questions
            ]
            attempts.append(
                Attempt(
                    assessment=assessment,
                    participant=person,
                    province_id=assessment.province_id,
                    commune_id=assessment.commune_id,
                    answers=answers,
                    score=services.score_answers([q.correct for q in questions], answers),
                    max_score=len(questions),
                    submitted_at=now,
                )
            )
    AssessmentItem.objects.bulk_create(items)
    Attempt.objects.bulk_create(attempts)
    return len(attempts)
