"""Masking crawl (issue 10): as the collaborator of village A1 (``ctv``) and as the inspector of
commune A, every URL pattern of the project (found through the resolver, the Django admin
included) is requested with its path parameters filled twice: with objects of THEIR OWN area
(households whose members have personal IDs, phones of households, collaborators and trainees,
a decided review round with certificates, a training class, an export job made by the persona)
and with commune B's objects (``crawl_support``). Pages, forms, htmx fragments, PDFs (text
through ``lib.pdf.extract_text``), xlsx (every XML part) and CSV downloads are read; no full
personal ID or phone number of another person may appear.

The numbers looked for are every ID and phone stored in the database when the crawl starts, so
a new model with a phone is covered once the world holds one.

The one explicit exception: a collaborator's own phone number, on the roster and their own
roster entry, on the pages and in the API (``workforce.selectors.shown_phone``: it is theirs,
they may correct it). A new URL
is covered without editing this file (its parameters are filled by
``crawl_support.PARAMETER_KINDS``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.accounts.models import User
from giamngheo.jobs import files as job_files
from giamngheo.jobs import services as job_services
from giamngheo.programmes.deliveries import services as delivery_services
from giamngheo.programmes.deliveries.models import HealthInsuranceCard
from giamngheo.programmes.models import Programme
from giamngheo.registry import exports
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, Person
from giamngheo.review import services as review_services
from giamngheo.training import services as training_services
from giamngheo.training.models import Participant
from giamngheo.workforce import services as workforce_services
from giamngheo.workforce.models import Worker
from tests.web.crawl_support import (
    CrawlWorld,
    MissingFactory,
    build_crawl_world,
    fill,
    response_text,
    url_patterns,
)

pytestmark = pytest.mark.once

D = dt.date
PERSONAS = ("ctv", "inspector")
CTV_OWN_PHONE = "0933000111"


@dataclasses.dataclass
class MaskingWorld:
    crawl: CrawlWorld
    # Per persona: the objects of their own area that fill the URL parameters.
    own: dict[str, dict[str, Any]]
    own_worker: Worker  # the collaborator's own roster entry (linked to ``ctv``)
    exports: dict[str, list[Path]]

    def secrets(self) -> set[str]:
        """Every full personal ID and phone number stored now."""
        numbers = set(Person.objects.exclude(citizen_id=None).values_list("citizen_id", flat=True))
        for model in (Household, Worker, Participant):
            numbers |= set(model.objects.exclude(phone="").values_list("phone", flat=True))
        numbers |= set(HealthInsuranceCard.objects.values_list("card_number", flat=True))
        return {n for n in numbers if n}


def _numbered_household(
    village: Any, code: str, head: str, head_id: str, child_id: str, phone: str
) -> Household:
    return registry_services.household_create(
        actor=None,
        village=village,
        code=code,
        phone=phone,
        address="Xóm Alpha",
        members=[
            registry_services.PersonData(
                full_name=head, sex="male", birth_year=1978, relation="head", citizen_id=head_id
            ),
            registry_services.PersonData(
                full_name=f"{head} Con",
                sex="female",
                birth_year=2004,
                relation="child",
                citizen_id=child_id,
            ),
        ],
    )


def _own_area(cw: CrawlWorld) -> tuple[dict[str, Any], Worker]:
    """Objects of commune A (village A1 mostly, so that the collaborator reaches them), every
    person with an ID and every household, collaborator and trainee with a phone."""
    from tests.review.conftest import ReviewWorld, record_b2, set_status, started_round
    from tests.workforce.conftest import START, make_worker

    w = cw.world
    a = w.commune_a
    for household, phone, ids in (
        (w.household_a1, "0911000001", ("044078000011", "044004000012")),
        (w.household_a2, "0911000002", ("044078000021", None)),
    ):
        household.refresh_from_db()
        registry_services.household_update(
            actor=None, household=household, expected_version=household.version, phone=phone
        )
        for membership, citizen_id in zip(
            household.memberships.order_by("-is_head", "id"), ids, strict=True
        ):
            if citizen_id:
                registry_services.person_update(
                    actor=None, person=membership.person, citizen_id=citizen_id
                )
    main = _numbered_household(
        w.village_a1, "A1-MASK", "Đỗ Văn Alpha", "044078000031", "044004000032", "0911000003"
    )
    flagged = _numbered_household(
        w.village_a1, "A1-FLAG", "Lý Thị Alpha", "044078000041", "044004000042", "0911000004"
    )
    person = Person.objects.get(memberships__household=main, full_name="Đỗ Văn Alpha")
    objects: dict[str, Any] = {
        "unit": a,
        "village": w.village_a1,
        "province": w.province,
        "household": main,
        "person": person,
    }

    # A decided review round of commune A (certificates and notices print names: no numbers).
    set_status(main, "poor")
    set_status(w.household_a2, "near_poor")
    rw = ReviewWorld(w, poor=main, near_poor=w.household_a2, flagged=flagged, other=flagged)
    round_ = started_round(rw)
    survey = record_b2(main, "poor")
    record_b2(w.household_a2, "poor")
    review_services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    entries = {e.household.code: e for e in round_.entries.select_related("household")}
    meetings = []
    for village, code in ((w.village_a2, w.household_a2.code), (w.village_a1, "A1-MASK")):
        meeting = review_services.meeting_create(
            actor=w.xa_a,
            round_=round_,
            village=village,
            held_on=D(2025, 10, 15),
            chair_name="Trưởng thôn Alpha",
            secretary_name="Thư ký Alpha",
            attendees=20,
        )
        review_services.meeting_record_votes(
            actor=w.xa_a, meeting=meeting, votes={entries[code].pk: 15}
        )
        meetings.append(meeting)
    meeting = meetings[-1]  # village A1's: the collaborator reaches it
    review_services.meeting_upload_minutes(
        actor=w.xa_a,
        meeting=meeting,
        scan=SimpleUploadedFile(
            "bien-ban.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
        ),
    )
    posting = review_services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 11, 3))
    line = posting.lines.get(household_code="A1-MASK")
    complaint = review_services.complaint_file(
        actor=w.xa_a,
        line=line,
        complainant="Đỗ Văn Alpha",
        content="Gia đình vẫn khó khăn",
        received_on=D(2025, 11, 4),
    )
    review_services.complaint_resolve(
        actor=w.xa_a, complaint=complaint, resolved_on=D(2025, 11, 6), result_note="Giữ nguyên."
    )
    # QĐ 24/2021 Art. 4.5 after 1/7/2025: consult the provincial chairman first (rule value).
    review_services.round_consult(
        actor=w.xa_a, round_=round_, consulted_on=D(2025, 11, 12), reference="30/BC-UBND"
    )
    decision = review_services.decision_issue(
        actor=w.xa_a,
        round_=round_,
        number="98/QĐ-UBND",
        signed_on=D(2025, 11, 20),
        signer_name="Chủ tịch Alpha",
    )
    certificates = review_services.certificates_issue(actor=w.xa_a, decision=decision)
    application = review_services.application_file(
        actor=w.xa_a,
        household=flagged,
        form="mau01",
        reason="illness",
        reason_note="Chủ hộ ốm nặng",
        received_on=D(2025, 3, 3),
        applicant_name="Lý Thị Alpha",
    )
    application = review_services.application_refuse(
        actor=w.xa_a,
        application=application,
        reasons="Không đủ điều kiện (Alpha)",
        number="6/TB-UBND",
        signed_on=D(2025, 3, 10),
        signer_name="Chủ tịch Alpha",
    )
    objects.update(
        survey=survey,
        round=round_,
        meeting=meeting,
        posting=posting,
        line=line,
        complaint=complaint,
        decision=decision,
        certificate=next(c for c in certificates if c.household_id == main.pk),
        application=application,
    )

    # Workforce: the collaborator's own entry, another collaborator and the commune officer.
    own = make_worker(
        a, "CTV-ALPHA", "collaborator", full_name="Cộng tác viên Alpha", phone=CTV_OWN_PHONE
    )
    workforce_services.assignment_add(actor=None, worker=own, area=w.village_a1, starts_on=START)
    workforce_services.worker_link_user(actor=None, worker=own, user=w.ctv)
    other = make_worker(
        a, "CTV-ALPHA-2", "collaborator", full_name="Người Alpha Hai", phone="0933000222"
    )
    assignment = workforce_services.assignment_add(
        actor=None, worker=other, area=w.village_a1, starts_on=START
    )
    officer = make_worker(
        a, "CB-ALPHA", "commune_officer", full_name="Công chức Alpha", phone="0933000333"
    )
    workforce_services.assignment_add(actor=None, worker=officer, area=a, starts_on=START)
    workforce_services.activity_record(
        actor=None, worker=other, on=D(2025, 3, 5), duty=1, description="Thăm", household=main
    )
    support_request = workforce_services.request_create(
        actor=w.ctv, household=main, need_type="housing", description="Nhà dột (Alpha)"
    )
    change = workforce_services.household_change_report(
        actor=w.ctv,
        household=flagged,
        kind="death",
        occurred_on=D(2025, 5, 2),
        description="Chủ hộ mất (Alpha)",
        request_review=False,
    )
    objects.update(
        worker=other,
        assignment=assignment,
        support_request=support_request,
        household_change=change,
    )

    # Training: a commune-A class with a trainee who has a phone, and the collaborator.
    plan = training_services.plan_create(
        actor=None, province=w.province, commune=a, year=2025, title="Kế hoạch Alpha", purpose="TH"
    )
    training_class = training_services.class_create(
        actor=None,
        plan=plan,
        code="C-ALPHA",
        title="Lớp Alpha",
        level="commune",
        commune=a,
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
    participant = training_services.participant_create(
        actor=None,
        province=w.province,
        commune=a,
        full_name="Học viên Alpha",
        category="mass_organisation",
        phone="0944000111",
    )
    registration = training_services.register(
        actor=None, training_class=training_class, participant=participant
    )
    training_services.register(
        actor=None,
        training_class=training_class,
        participant=training_services.participant_for_worker(actor=None, worker=other),
    )
    training_services.attendance_record(actor=None, session=session, present=[registration.pk])
    training_services.certificates_issue(
        actor=None, training_class=training_class, issued_on=D(2025, 4, 2)
    )
    objects.update(
        plan=plan,
        training_class=training_class,
        session=session,
        participant=participant,
        registration=registration,
    )

    # Deliveries: a health-insurance card of the household of village A1 (number personal).
    policy = Programme.objects.create(
        code="bhyt-alpha", kind="policy", name="BHYT Alpha", valid_from=D(2021, 1, 1)
    )
    card = delivery_services.health_insurance_card_create(
        actor=None,
        household=main,
        person=person,
        programme=policy,
        card_number="HN4440000000031",
        valid_from=D(2025, 1, 1),
        valid_to=D(2025, 12, 31),
        delivered_on=D(2025, 1, 5),
        funding_source="central",
    )
    objects.update(support_record=card.support_record)
    return objects, own


def _export_job(user: User, area: Any, folder: Path) -> tuple[Any, list[Path]]:
    """The persona's own export job, with the real xlsx and CSV exports made as them."""
    paths = []
    outputs = {}
    for file_format in ("xlsx", "csv"):
        report = exports.export_households(
            actor=user, area=area, path=folder / f"{user.username}.{file_format}"
        )
        paths.append(report.path)
        key = "export" if file_format == "xlsx" else "export_csv"
        outputs[key] = job_files.save_bytes(report.path.name, report.path.read_bytes())
    job = job_services.job_enqueue(
        actor=user,
        kind="registry.export_households",
        parameters={"format": "xlsx", "area_code": area.code},
        province=area.province if area.province_id else area,
        commune=area if area.parent_id == area.province_id else area.parent,
    )
    job.outputs = outputs
    job.save(update_fields=["outputs"])
    return job, paths


@pytest.fixture(scope="module")
def masking_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[MaskingWorld]:
    with django_db_blocker.unblock(), transaction.atomic(), tempfile.TemporaryDirectory() as tmp:
        cw = build_crawl_world()
        objects, own_worker = _own_area(cw)
        w = cw.world
        own: dict[str, dict[str, Any]] = {}
        made: dict[str, list[Path]] = {}
        for persona, area in (("ctv", w.village_a1), ("inspector", w.commune_a)):
            user = User.objects.get(pk=getattr(w, persona).pk)
            job, paths = _export_job(user, area, Path(tmp))
            own[persona] = {**cw.objects, **objects, "job": job}
            made[persona] = paths
        yield MaskingWorld(crawl=cw, own=own, own_worker=own_worker, exports=made)
        transaction.set_rollback(True)


def _client(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(pk=user.pk))
    return client


def _get(client: Client, path: str, user: User | None = None) -> tuple[int, str]:
    """GET ``path`` (a POST-only URL, such as an htmx preview, is POSTed empty instead), in a
    savepoint rolled back afterwards."""
    with transaction.atomic():
        response = client.get(path)
        posted = response.status_code == 405
        if posted:
            response = client.post(path, {}, HTTP_HX_REQUEST="true")
        text = response_text(response) if response.status_code == 200 else ""
        transaction.set_rollback(True)
    if posted and user is not None:
        client.force_login(user)  # the POST may have been the logout
    return response.status_code, text


# Extra GETs that fill query parameters: search results and htmx fragments with input.
def _queries(mw: MaskingWorld, persona: str) -> list[str]:
    own = mw.own[persona]
    head = own["person"]
    return [
        reverse("registry:household_list") + "?q=" + head.full_name,
        reverse("registry:household_list") + "?q=" + (head.citizen_id or ""),
        reverse("registry:household_list") + "?area=" + own["village"].code,
        reverse("workforce:roster") + "?q=Alpha",
        reverse("workforce:roster") + "?status=",
        reverse("workforce:request_new") + "?household=" + str(own["household"].pk),
        reverse("workforce:change_new") + "?household=" + str(own["household"].pk),
        # The change history of every kind of record with personal numbers.
        reverse("audit:object", args=["registry.person", head.pk]),
        reverse("audit:object", args=["workforce.worker", own["worker"].pk]),
        reverse("audit:object", args=["workforce.worker", mw.own_worker.pk]),
        reverse("audit:object", args=["training.participant", own["participant"].pk]),
    ]


def _crawl(mw: MaskingWorld, persona: str) -> tuple[list[str], int, Counter[int]]:
    user = User.objects.get(pk=getattr(mw.crawl.world, persona).pk)
    client = _client(user)
    secrets = mw.secrets()
    # The explicit exception: the collaborator's own phone, on the roster list and on their own
    # entry's pages only (and the same two in the API).
    rosters = {reverse("workforce:roster"), reverse("api:collaborator-list")}
    own_entries = (
        reverse("workforce:worker_detail", args=[mw.own_worker.pk]),
        reverse("api:collaborator-detail", args=[mw.own_worker.pk]),
    )

    def allowed(path: str) -> set[str]:
        own_page = path.split("?")[0] in rosters or path.startswith(own_entries)
        return {CTV_OWN_PHONE} if persona == "ctv" and own_page else set()

    failures: list[str] = []
    statuses: Counter[int] = Counter()
    paths: list[tuple[str, str]] = []
    for pattern in url_patterns():
        for label, objects in (("own", mw.own[persona]), ("B", mw.crawl.objects)):
            try:
                path = fill(pattern, dataclasses.replace(mw.crawl, objects=objects))
            except MissingFactory as error:
                failures.append(str(error))
                break
            if (path, pattern.name) not in paths:
                paths.append((path, f"{pattern.name or pattern.route} [{label}]"))
            if not pattern.params:
                break
    paths += [(q, "query") for q in _queries(mw, persona)]
    for path, name in paths:
        status, text = _get(client, path, user)
        statuses[status] += 1
        if status >= 500:
            failures.append(f"{persona} GET {path} ({name}): HTTP {status}")
        if not text:
            continue
        # A number the user typed into the query (a search by ID) is echoed back: theirs.
        typed = {n for n in secrets if n in path}
        leaked = sorted(n for n in secrets - allowed(path) - typed if n in text)
        if leaked:
            failures.append(f"{persona} GET {path} ({name}): full numbers {leaked}")
    return failures, statuses.total(), statuses


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_full_id_or_phone_of_another_person_anywhere(
    masking_world: MaskingWorld, persona: str
) -> None:
    start = time.monotonic()
    failures, requests, statuses = _crawl(masking_world, persona)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
    # The crawl really read the persona's own pages (not a wall of 404s).
    assert requests > 150 and statuses[200] > 60, statuses
    assert time.monotonic() - start < 60


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_own_area_pages_and_exports_show_the_masked_numbers(
    masking_world: MaskingWorld, persona: str
) -> None:
    """The control: the persona does open their area's household, member form, history and
    export, and finds the masked forms of its numbers there (so the crawl's silence means
    masking, not pages that never showed the numbers)."""
    import csv

    mw = masking_world
    own = mw.own[persona]
    client = _client(getattr(mw.crawl.world, persona))
    household, person = own["household"], own["person"]
    page = _get(client, reverse("registry:household_detail", args=[household.pk]))[1]
    assert "091****003" in page and "********0031" in page
    history = _get(client, reverse("audit:object", args=["registry.household", household.pk]))[1]
    assert "091****003" in history
    if persona == "ctv":
        form = _get(client, reverse("registry:member_edit", args=[household.pk, person.pk]))[1]
        assert "********0031" in form
    xlsx, csv_path = mw.exports[persona]
    cells = [str(c.value) for s in load_workbook(xlsx).worksheets for r in s.iter_rows() for c in r]
    with csv_path.open(encoding="utf-8-sig") as handle:
        cells += [value for row in csv.reader(handle) for value in row]
    assert "********0031" in cells and "091****003" in cells
    assert not mw.secrets() & set(cells)


@pytest.mark.django_db
def test_a_collaborator_sees_their_own_phone_on_their_own_entry_only(
    masking_world: MaskingWorld,
) -> None:
    """The explicit exception: their own number, on their own roster entry."""
    mw = masking_world
    w = mw.crawl.world
    client = _client(w.ctv)
    own = _get(client, reverse("workforce:worker_detail", args=[mw.own_worker.pk]))[1]
    assert CTV_OWN_PHONE in own
    colleague = _get(client, reverse("workforce:worker_detail", args=[mw.own["ctv"]["worker"].pk]))
    assert "0933000222" not in colleague[1]
    inspector = _client(w.inspector)
    assert (
        CTV_OWN_PHONE
        not in _get(inspector, reverse("workforce:worker_detail", args=[mw.own_worker.pk]))[1]
    )
