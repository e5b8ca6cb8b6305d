"""The crawls' world (isolation, hostile input, masking; tests/web/crawl_support.py fills the URLs).

``build_crawl_world()`` builds the ``tests.conftest`` personas plus objects of EVERY kind in
commune B (households, persons, surveys, a decided review round with its meeting, posting,
complaint, decision and certificates, an in-year application, workforce and training records,
jobs). ``CrawlWorld.objects`` maps a kind ("household", "round", …) to the object of commune B.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from giamngheo.accounts import services as account_services
from giamngheo.accounts.models import User
from giamngheo.areas import services as area_services
from giamngheo.areas.models import AdministrativeUnit, UnitType
from giamngheo.credit import services as credit_services
from giamngheo.fieldcollection.models import FieldSubmission
from giamngheo.jobs import files as job_files
from giamngheo.jobs import services as job_services
from giamngheo.livelihoods import services as livelihood_services
from giamngheo.programmes import services as programme_services
from giamngheo.programmes.deliveries import services as delivery_services
from giamngheo.programmes.models import Programme
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, Person
from giamngheo.review import services as review_services
from giamngheo.standards import load_pack
from giamngheo.training import services as training_services
from giamngheo.workforce import reference as workforce_reference
from giamngheo.workforce import services as workforce_services
from tests.conftest import World, build_world

D = dt.date

# Personal data of commune B that no other commune's user may ever see.
FOREIGN_HEAD = "Quách Thị Bêta"
FOREIGN_CODE = "B1-CRAWL"
FOREIGN_CITIZEN_ID = "044199012345"
FOREIGN_PHONE = "0983141592"
FOREIGN_WORKER = "Hoàng Văn Bêta"
FOREIGN_PARTICIPANT = "Văn Thị Ngoại Bêta"
FOREIGN_CARD = "HN4441234567890"


@dataclass
class CrawlWorld:
    world: World
    objects: dict[str, Any]
    # Strings that identify commune B's people (names, codes, ID and phone numbers).
    markers: list[str] = field(default_factory=list)

    def personas(self) -> dict[str, User | None]:
        w = self.world
        return {
            "tinh": w.tinh,
            "xa_a": w.xa_a,
            "xa_b": w.xa_b,
            "ctv": w.ctv,
            "inspector": w.inspector,
            "outsider": w.outsider,
            "anonymous": None,
        }


# Personas that own commune B's data (the province officer of P and commune B's officer).
OWNERS = frozenset({"tinh", "xa_b"})


def _village(commune: AdministrativeUnit, name: str) -> AdministrativeUnit:
    return area_services.village_create(
        actor=None, commune=commune, name=name, unit_type=UnitType.THON
    )


def _household(village: AdministrativeUnit, code: str, head: str, **extra: Any) -> Household:
    citizen_id = extra.pop("citizen_id", None)
    return registry_services.household_create(
        actor=None,
        village=village,
        code=code,
        members=[
            registry_services.PersonData(
                full_name=head,
                sex="female",
                birth_year=1999,
                relation="head",
                citizen_id=citizen_id,
            ),
            registry_services.PersonData(
                full_name=f"{head} Con", sex="male", birth_year=2020, relation="child"
            ),
        ],
        **extra,
    )


def _average_living(w: World, village: AdministrativeUnit) -> dict[str, Any]:
    """Commune B's MSTB records: an application recognised by a decision, one answered."""
    pack = load_pack("2022-2025")
    recognised = _household(village, "B2-MSTB", "Lò Văn Bêta")
    answered = _household(village, "B2-MSTB2", "Lò Thị Bêta")
    upper = pack.average_upper.for_area(recognised.area_kind) if pack.average_upper else 0
    apps = []
    for household, monthly in ((recognised, upper), (answered, upper + 1)):
        app = review_services.average_application_file(
            actor=w.xa_b,
            household=household,
            occupation="agriculture",
            received_on=D(2025, 3, 3),
            applicant_name=household.head_name,
        )
        apps.append(
            review_services.average_income_record(
                actor=w.xa_b,
                application=app,
                assessed_on=D(2025, 3, 17),
                member_count=2,
                items={"crops": monthly * 2 * 12},
            )
        )
    decision = review_services.average_decision_issue(
        actor=w.xa_b,
        commune=w.commune_b,
        number="9/QĐ-MSTB",
        signed_on=D(2025, 3, 25),
        signer_name="Chủ tịch Bêta",
        signer_title="Chủ tịch UBND xã",
    )
    refused = review_services.average_refuse(
        actor=w.xa_b,
        application=apps[1],
        reasons="Thu nhập cao hơn mức sống trung bình (Bêta)",
        number="6/TB-UBND",
        signed_on=D(2025, 3, 25),
        signer_name="Chủ tịch Bêta",
    )
    return {"average_application": refused, "average_decision": decision}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def build_crawl_world() -> CrawlWorld:
    """The personas and one object of every kind in commune B (the foreign commune for
    ``xa_a``, ``ctv`` and ``inspector``). Run it inside a transaction that is rolled back."""
    from tests.review.conftest import ReviewWorld, record_b2, set_status, started_round
    from tests.workforce.conftest import START, make_worker

    w = build_world()
    b = w.commune_b
    b2 = _village(b, "Thôn Bốn")
    foreign = _household(
        w.village_b1,
        FOREIGN_CODE,
        FOREIGN_HEAD,
        citizen_id=FOREIGN_CITIZEN_ID,
        phone=FOREIGN_PHONE,
        address="Xóm Bêta",
    )
    near_poor = _household(b2, "B2-CRAWL", "Đinh Văn Bêta")
    flagged = _household(b2, "B2-FLAG", "Mạc Thị Bêta")
    person = Person.objects.get(memberships__household=foreign, full_name=FOREIGN_HEAD)
    objects: dict[str, Any] = {
        "unit": b,
        "village": w.village_b1,
        "province": w.province,
        "household": foreign,
        "person": person,
    }

    # Review: the round of commune B through the review tests' own helpers, on a mirrored
    # world where "A" is commune B (so the flow is the one those tests prove).
    mirror = dataclasses.replace(
        w, commune_a=b, xa_a=w.xa_b, village_a1=w.village_b1, village_a2=b2
    )
    set_status(foreign, "poor")
    set_status(near_poor, "near_poor")
    rw = ReviewWorld(mirror, poor=foreign, near_poor=near_poor, flagged=flagged, other=flagged)
    round_ = started_round(rw)
    survey = record_b2(foreign, "poor")
    record_b2(near_poor, "poor")
    review_services.round_attach_latest_surveys(actor=w.xa_b, round_=round_)
    entries = {e.household.code: e for e in round_.entries.select_related("household")}
    meeting = None
    for village, code in ((w.village_b1, FOREIGN_CODE), (b2, "B2-CRAWL")):
        meeting = review_services.meeting_create(
            actor=w.xa_b,
            round_=round_,
            village=village,
            held_on=D(2025, 10, 15),
            chair_name="Trưởng thôn Bêta",
            secretary_name="Thư ký Bêta",
            attendees=20,
        )
        review_services.meeting_record_votes(
            actor=w.xa_b, meeting=meeting, votes={entries[code].pk: 15}
        )
    assert meeting is not None
    review_services.meeting_upload_minutes(
        actor=w.xa_b,
        meeting=meeting,
        scan=SimpleUploadedFile(
            "bien-ban.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
        ),
    )
    posting = review_services.posting_create(actor=w.xa_b, round_=round_, posted_on=D(2025, 11, 3))
    line = posting.lines.get(household_code=FOREIGN_CODE)
    complaint = review_services.complaint_file(
        actor=w.xa_b,
        line=line,
        complainant=FOREIGN_HEAD,
        content="Gia đình vẫn khó khăn",
        received_on=D(2025, 11, 4),
    )
    review_services.complaint_resolve(
        actor=w.xa_b, complaint=complaint, resolved_on=D(2025, 11, 6), result_note="Giữ nguyên."
    )
    # QĐ 24/2021 Art. 4.5 after 1/7/2025: consult the provincial chairman first (rule value).
    review_services.round_consult(
        actor=w.xa_b, round_=round_, consulted_on=D(2025, 11, 12), reference="30/BC-UBND"
    )
    decision = review_services.decision_issue(
        actor=w.xa_b,
        round_=round_,
        number="99/QĐ-UBND",
        signed_on=D(2025, 11, 20),
        signer_name="Chủ tịch Bêta",
    )
    certificates = review_services.certificates_issue(actor=w.xa_b, decision=decision)
    review_services.report_submit(actor=w.xa_b, round_=round_)
    application = review_services.application_file(
        actor=w.xa_b,
        household=flagged,
        form="mau01",
        reason="illness",
        reason_note="Chủ hộ ốm nặng",
        received_on=D(2025, 3, 3),
        applicant_name="Mạc Thị Bêta",
    )
    application = review_services.application_refuse(
        actor=w.xa_b,
        application=application,
        reasons="Không đủ điều kiện (Bêta)",
        number="5/TB-UBND",
        signed_on=D(2025, 3, 10),
        signer_name="Chủ tịch Bêta",
    )
    # Average-living-standard households (QĐ 24/2021 Art. 6): one recognised, one answered.
    average_objects = _average_living(w, b2)
    round_.refresh_from_db()
    objects.update(
        survey=survey,
        round=round_,
        meeting=meeting,
        posting=posting,
        line=line,
        complaint=complaint,
        decision=decision,
        certificate=certificates[0],
        application=application,
        **average_objects,
    )

    # Workforce: commune B's officer on the roster with every kind of record.
    officer = make_worker(b, "CB-BETA", "commune_officer", full_name="Công chức Bêta")
    workforce_services.assignment_add(actor=None, worker=officer, area=b, starts_on=START)
    workforce_services.worker_link_user(actor=None, worker=officer, user=w.xa_b)
    worker = make_worker(b, "CRAWL-B", "collaborator", full_name=FOREIGN_WORKER)
    assignment = workforce_services.assignment_add(
        actor=None, worker=worker, area=w.village_b1, starts_on=START
    )
    workforce_services.contract_add(
        actor=None,
        worker=worker,
        number="07/HĐ-Bêta",
        starts_on=START,
        monthly_allowance=500_000,
        managing_unit="UBND xã",
    )
    workforce_services.evaluation_record(
        actor=None,
        worker=worker,
        period_start=D(2025, 1, 1),
        period_end=D(2025, 6, 30),
        evaluator_body="managing_unit",
        scores={code: c.max_score for code, c in workforce_reference.evaluation_criteria().items()},
    )
    workforce_services.task_add(
        actor=None, worker=worker, month=D(2025, 3, 1), duty=1, description="Thăm hộ Bêta"
    )
    workforce_services.activity_record(
        actor=None, worker=worker, on=D(2025, 3, 5), duty=1, description="Thăm", household=foreign
    )
    monthly_report = workforce_services.report_expect(
        actor=None, worker=worker, month=D(2025, 3, 1)
    )
    support_request = workforce_services.request_create(
        actor=w.xa_b, household=foreign, need_type="housing", description="Nhà dột (Bêta)"
    )
    change = workforce_services.household_change_report(
        actor=w.xa_b,
        household=near_poor,
        kind="death",
        occurred_on=D(2025, 5, 2),
        description="Chủ hộ mất (Bêta)",
        request_review=True,
    )
    objects.update(
        worker=worker,
        assignment=assignment,
        support_request=support_request,
        household_change=change,
        monthly_report=monthly_report,
        month_year=2025,
        month=3,
    )

    # Training: a commune-B plan and class with every record.
    plan = training_services.plan_create(
        actor=None, province=w.province, commune=b, year=2025, title="Kế hoạch Bêta", purpose="TH"
    )
    training_class = training_services.class_create(
        actor=None,
        plan=plan,
        code="C-BETA",
        title="Lớp Bêta",
        level="commune",
        commune=b,
        topics=["new_standard"],
        standard_code="2022-2025",
        place="Hội trường xã",
        start_date=D(2025, 4, 1),
        end_date=D(2025, 4, 1),
        capacity=30,
    )
    session = training_services.session_add(
        actor=None,
        training_class=training_class,
        date=D(2025, 4, 1),
        part="morning",
        topic="new_standard",
    )
    cost = training_services.cost_add(
        actor=None, training_class=training_class, item_type="venue", quantity=1, unit_price=1000
    )
    participant = training_services.participant_create(
        actor=None,
        province=w.province,
        commune=b,
        full_name=FOREIGN_PARTICIPANT,
        category="mass_organisation",
        phone="0987654321",
    )
    registration = training_services.register(
        actor=None, training_class=training_class, participant=participant
    )
    training_services.attendance_record(actor=None, session=session, present=[registration.pk])
    training_services.certificates_issue(
        actor=None, training_class=training_class, issued_on=D(2025, 4, 2)
    )
    question = training_services.question_create(
        actor=None,
        province=w.province,
        topic="new_standard",
        text="Câu hỏi Bêta",
        choices=["Đúng", "Sai"],
        correct=0,
    )
    assessment = training_services.class_test_create(
        actor=None, training_class=training_class, kind="pre", held_on=D(2025, 4, 1)
    )
    training_services.attempt_record(
        actor=None, assessment=assessment, participant=participant, answers=[0]
    )
    page = training_services.page_create(
        actor=None,
        province=w.province,
        data=training_services.PageData(
            slug="trang-beta",
            kind="guide",
            title="Trang Bêta",
            body="Nội dung",
            verification="verified",
        ),
    )
    objects.update(
        plan=plan,
        training_class=training_class,
        session=session,
        cost=cost,
        participant=participant,
        registration=registration,
        question=question,
        assessment=assessment,
        handbook_page=page,
    )

    # Programmes: a programme and commune B's beneficiary list (it names the foreign household).
    programme = Programme.objects.create(
        code="crawl-bhyt",
        kind="policy",
        name="Chính sách Bêta",
        valid_from=D(2020, 1, 1),
        eligibility={"statuses": ["poor", "near_poor"]},
    )
    beneficiary_list = programme_services.list_generate(
        actor=w.xa_b,
        programme=programme,
        area=b,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        title="Danh sách Bêta",
    )
    objects.update(
        programme=programme,
        beneficiary_list=beneficiary_list,
        list_entry=beneficiary_list.entries.get(household=foreign),
    )

    # Jobs of commune B's officer (an export and an import).
    job_export = job_services.job_enqueue(
        actor=w.xa_b,
        kind="registry.export_households",
        parameters={"format": "xlsx"},
        province=w.province,
        commune=b,
    )
    job_import = job_services.job_enqueue(
        actor=w.xa_b,
        kind="registry.import_households",
        parameters={"file": "missing.xlsx", "file_name": "ho-beta.xlsx", "dry_run": True},
        province=w.province,
        commune=b,
    )
    survey_import_job = job_services.job_enqueue(
        actor=w.xa_b,
        kind="surveys.import_results",
        parameters={"file": "missing.csv", "file_name": "ket-qua-beta.csv", "dry_run": True},
        province=w.province,
        commune=b,
    )
    export = job_files.save_bytes("ho-beta.csv", f"{FOREIGN_CODE};{FOREIGN_HEAD}\n".encode())
    job_export.outputs = {"export": export}
    job_export.save(update_fields=["outputs"])
    objects.update(job=job_export, import_job=job_import, survey_import_job=survey_import_job)
    objects.update(_livelihoods_of_b(w, foreign))

    # Deliveries: a health-insurance card of commune B's household (its number is personal)
    # and a delivery sheet import job of commune B.
    policy = Programme.objects.create(
        code="bhyt-crawl", kind="policy", name="BHYT Bêta", valid_from=D(2021, 1, 1)
    )
    card = delivery_services.health_insurance_card_create(
        actor=w.xa_b,
        household=foreign,
        person=person,
        programme=policy,
        card_number=FOREIGN_CARD,
        valid_from=D(2025, 1, 1),
        valid_to=D(2025, 12, 31),
        delivered_on=D(2025, 1, 5),
        funding_source="central",
        amount=Decimal(1_000_000),
    )
    delivery_import_job = job_services.job_enqueue(
        actor=w.xa_b,
        kind="deliveries.import",
        parameters={"file": "missing.xlsx", "file_name": "cap-phat-beta.xlsx"},
        province=w.province,
        commune=b,
    )
    objects.update(support_record=card.support_record, delivery_import_job=delivery_import_job)

    # Credit: a loan (with a payment and a check of use) and a revolving fund of commune B.
    policy = Programme.objects.create(
        code="vay-hn", kind="policy", name="Cho vay hộ nghèo", valid_from=D(2002, 10, 4)
    )
    loan = credit_services.loan_create(
        actor=None,
        household=foreign,
        programme=policy,
        lender="vbsp",
        amount=Decimal(30_000_000),
        annual_rate=Decimal("6.6"),
        term_months=36,
        purpose="Nuôi bò Bêta",
        disbursed_on=D(2024, 3, 1),
    )
    credit_services.repayment_record(
        actor=None, loan=loan, paid_on=D(2025, 3, 1), principal=Decimal(1), interest=Decimal(0)
    )
    credit_services.use_check_record(
        actor=None, loan=loan, checked_on=D(2024, 4, 1), checker="Tổ Bêta", finding="for_purpose"
    )
    fund = credit_services.fund_create(
        actor=None,
        commune=b,
        programme=policy,
        name="Quỹ bò Bêta",
        kind="in_kind",
        share_to_rotate=Decimal("0.5"),
        cycle_months=12,
        started_on=D(2024, 1, 1),
    )
    credit_services.fund_turn_record(
        actor=None,
        fund=fund,
        receiver=foreign,
        value=Decimal(10_000_000),
        description="Bò Bêta",
        passed_on=D(2024, 1, 1),
    )
    objects.update(loan=loan, fund=fund)
    # An API token of commune B's officer (its page and revoke button).
    objects["api_token"] = account_services.api_token_create(
        actor=None, owner=w.xa_b, name="Bêta"
    ).row

    # Field collection: an ODK import job and a submission held as a conflict (with its photo)
    # of commune B's household.
    odk_import_job = job_services.job_enqueue(
        actor=w.xa_b,
        kind="fieldcollection.import",
        parameters={"file": "missing.zip", "file_name": "odk-beta.zip", "dry_run": True},
        province=w.province,
        commune=b,
    )
    held = FieldSubmission(
        province_id=foreign.province_id,
        commune_id=foreign.commune_id,
        village_id=foreign.village_id,
        instance_id="uuid:crawl-beta",
        form_code="b2-2022",
        household=foreign,
        form_version=foreign.version,
        server_version=foreign.version + 1,
        status="conflict",
        payload={
            "form": "b2-2022",
            "review_year": 2025,
            "surveyed_on": "2025-10-01",
            "surveyor_name": FOREIGN_WORKER,
            "answers": {"household": {"income": 1_000_000}},
        },
    )
    held.photo.save("crawl-beta.png", ContentFile(_png()), save=False)
    held.save()
    objects.update(odk_import_job=odk_import_job, field_submission=held)
    # Reports: commune B's what-if job (its progress bar on the dashboard).
    objects["what_if_job"] = job_services.job_enqueue(
        actor=w.xa_b,
        kind="reports.what_if",
        parameters={"area_code": b.code, "year": 2025, "day": "2025-12-31"},
        province=w.province,
        commune=b,
    )

    markers = [
        FOREIGN_HEAD,
        FOREIGN_CODE,
        FOREIGN_CITIZEN_ID,
        FOREIGN_PHONE,
        FOREIGN_WORKER,
        FOREIGN_PARTICIPANT,
        FOREIGN_CARD,
        "Đinh Văn Bêta",
        "Mạc Thị Bêta",
        "Lò Văn Bêta",
        "Lò Thị Bêta",
        w.household_b1.code,
    ]
    return CrawlWorld(world=w, objects=objects, markers=markers)


def _livelihoods_of_b(w: World, household: Household) -> dict[str, Any]:
    """A group (approved), the model it carries out and a participation of commune B."""
    programme = Programme.objects.create(
        code="crawl-da2", kind="project", name="Dự án 2", valid_from=D(2022, 1, 18)
    )
    group = livelihood_services.group_create(
        actor=w.xa_b,
        commune=w.commune_b,
        code="TN-BETA",
        name="Tổ chăn nuôi Bêta",
        representative_kind="village_board",
        representative_name="Ban quản lý Thôn Ba",
        rules="Quy chế",
        founded_on=D(2025, 1, 2),
        rules_adopted_on=D(2025, 1, 3),
        villages=[w.village_b1],
    )
    livelihood_services.group_member_add(
        actor=w.xa_b, group=group, household=household, joined_on=D(2025, 1, 2)
    )
    livelihood_services.group_approve(
        actor=w.xa_b, group=group, approved_on=D(2025, 1, 10), decision_number="9/QĐ-UBND"
    )
    model = livelihood_services.model_create(
        actor=w.xa_b,
        commune=w.commune_b,
        code="MH-BETA",
        name="Mô hình Bêta",
        model_type="livestock",
        mode="community",
        programme=programme,
        start_date=D(2025, 2, 1),
        villages=[w.village_b1],
        group=group,
    )
    participation = livelihood_services.participant_add(
        actor=w.xa_b,
        model=model,
        household=household,
        joined_on=D(2025, 2, 1),
        income_before=Decimal(1_000_000),
    )
    return {"livelihood_group": group, "livelihood_model": model, "participation": participation}
