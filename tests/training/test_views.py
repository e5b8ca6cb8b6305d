"""Training pages: they render, forms go through the services, and scoping answers 404
outside the user's area (403 for visible rows the user may not change)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from giamngheo.training import services
from giamngheo.training.models import Participant, Registration, TrainingClass, TrainingPlan
from tests.conftest import log_in
from tests.training.conftest import TrainingWorld, make_class, sessions

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def test_every_page_renders_for_a_provincial_officer(tw: TrainingWorld) -> None:
    services.question_bank_seed(actor=None)
    services.handbook_seed(actor=None)
    pre = services.class_test_create(
        actor=None, training_class=tw.c1, kind="pre", held_on=dt.date(2025, 3, 10)
    )
    client = client_for("tinh")
    urls = [
        reverse("training:index") + "?year=2025",
        reverse("training:index") + "?year=2025&q=lop",
        reverse("training:plan_new"),
        reverse("training:plan_detail", args=[tw.plan.pk]),
        reverse("training:plan_edit", args=[tw.plan.pk]),
        reverse("training:class_new", args=[tw.plan.pk]),
        reverse("training:class_detail", args=[tw.c1.pk]),
        reverse("training:class_edit", args=[tw.c1.pk]),
        reverse("training:session_new", args=[tw.c1.pk]),
        reverse("training:cost_new", args=[tw.c1.pk]),
        reverse("training:register", args=[tw.c1.pk]) + "?q=ngo van",
        reverse("training:attendance", args=[tw.c1.sessions.first().pk]),  # type: ignore[union-attr]
        reverse("training:class_test_new", args=[tw.c1.pk, "post"]),
        reverse("training:participant_list") + "?q=hang",
        reverse("training:participant_new"),
        reverse("training:participant_detail", args=[tw.people["a_ctv"].pk]),
        reverse("training:question_list") + "?topic=new_standard",
        reverse("training:question_new"),
        reverse("training:assessment_detail", args=[pre.pk]),
        reverse("training:contest_list"),
        reverse("training:contest_new"),
        reverse("training:statistics") + "?year=2025",
        reverse("training:handbook"),
        reverse("training:handbook_page_new"),
        reverse("training:handbook_standard", args=["2027-2030"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(reverse("training:class_detail", args=[tw.c1.pk])).text
    assert "Nguyễn Thị Hằng" in detail and "7.200.000 đ" in detail
    stats = client.get(reverse("training:statistics") + "?year=2025").text
    assert "Lượt người tham dự" in stats and "Ngô Văn Mới" in stats


def test_pages_outside_the_area_answer_404(tw: TrainingWorld) -> None:
    client = client_for("xa_b")
    for url in (
        reverse("training:class_detail", args=[tw.c2.pk]),  # commune A's class
        reverse("training:class_detail", args=[tw.c1.pk]),  # provincial class
        reverse("training:plan_detail", args=[tw.plan_a.pk]),
        reverse("training:participant_detail", args=[tw.people["e_hoi"].pk]),
        reverse("training:register", args=[tw.c2.pk]),
        reverse("training:attendance", args=[tw.c2.sessions.first().pk]),  # type: ignore[union-attr]
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("training:class_detail", args=[tw.c3.pk])).status_code == 200
    outsider = client_for("outsider")
    assert outsider.get(reverse("training:class_detail", args=[tw.c3.pk])).status_code == 404
    listing = client.get(reverse("training:index") + "?year=2025").text
    assert "Lớp C3" in listing and "Lớp C2" not in listing


def test_read_only_and_collaborator_users_cannot_change(tw: TrainingWorld) -> None:
    inspector = client_for("inspector")
    assert inspector.get(reverse("training:class_detail", args=[tw.c2.pk])).status_code == 200
    assert inspector.get(reverse("training:class_edit", args=[tw.c2.pk])).status_code == 403
    assert inspector.get(reverse("training:register", args=[tw.c2.pk])).status_code == 403
    # A collaborator's grant is on a village: training rows have no village, so none is visible.
    assert (
        client_for("ctv").get(reverse("training:class_detail", args=[tw.c2.pk])).status_code == 404
    )


def test_an_officer_plans_and_opens_a_class_through_the_forms(tw: TrainingWorld) -> None:
    client = client_for("tinh")
    response = client.post(
        reverse("training:plan_new"),
        {
            "commune": "",
            "year": "2026",
            "title": "Kế hoạch tập huấn năm 2026",
            "purpose": "Tập huấn chuẩn nghèo mới",
            "target_groups": ["commune_officer", "collaborator"],
            "budget": "120000000",
        },
    )
    plan = TrainingPlan.objects.get(title="Kế hoạch tập huấn năm 2026")
    assert response.status_code == 302 and plan.budget == 120_000_000
    form = {
        "code": "t26-01",
        "title": "Chuẩn nghèo 2027-2030",
        "level": "province",
        "topics": ["new_standard"],
        "standard_code": "",
        "place": "Hội trường tỉnh",
        "start_date": "10/11/2026",
        "end_date": "11/11/2026",
        "capacity": "80",
        "min_attendance_percent": "80",
    }
    response = client.post(reverse("training:class_new", args=[plan.pk]), form)
    assert "cần chọn chuẩn nghèo" in response.text
    form["standard_code"] = "2027-2030"
    form["end_date"] = "09/11/2026"
    assert "Ngày kết thúc" in client.post(reverse("training:class_new", args=[plan.pk]), form).text
    form["end_date"] = "11/11/2026"
    response = client.post(reverse("training:class_new", args=[plan.pk]), form)
    created = TrainingClass.objects.get(code="T26-01")
    assert response.status_code == 302
    assert (created.standard_code, created.level, created.commune_id) == (
        "2027-2030",
        "province",
        None,
    )
    response = client.post(
        reverse("training:session_new", args=[created.pk]),
        {"date": "10/11/2026", "part": "morning", "topic": "new_standard"},
    )
    assert response.status_code == 302 and created.sessions.count() == 1
    response = client.post(
        reverse("training:cost_new", args=[created.pk]),
        {"item_type": "venue", "quantity": "2", "unit_price": "1500000"},
    )
    assert created.cost_items.get().amount == 3_000_000
    # A provincial plan is not even visible to a commune officer (no commune column).
    assert (
        client_for("xa_a").post(reverse("training:class_new", args=[plan.pk]), form).status_code
        == 404
    )
    # Inside their commune's plan they may open a class, but not a provincial one.
    form["level"], form["code"] = "province", "X1"
    page = client_for("xa_a").post(reverse("training:class_new", args=[tw.plan_a.pk]), form)
    assert "Kế hoạch của xã chỉ có lớp cấp xã" in page.text


def test_registering_a_roster_member_creates_their_participant_once(tw: TrainingWorld) -> None:
    extra = make_class(tw.plan, "C8", topics=["communication"], start=dt.date(2025, 11, 3))
    client = client_for("tinh")
    url = reverse("training:register", args=[extra.pk])
    page = client.get(url, {"q": "ngo van moi"}).text
    assert "Ngô Văn Mới" in page
    client.post(url, {"worker": str(tw.workers["b_new"].pk)})
    participant = Participant.objects.get(worker=tw.workers["b_new"])
    assert participant.category == "collaborator"
    assert Registration.objects.filter(training_class=extra, participant=participant).exists()
    # Found again as a participant, not as a roster member to be created again.
    page = client.get(url, {"q": "ngo van moi"}).text
    assert "Đã đăng ký" in page


def test_an_external_delegate_is_added_and_registered_in_one_step(tw: TrainingWorld) -> None:
    client = client_for("xa_a")
    response = client.post(
        reverse("training:participant_new") + f"?class={tw.c2.pk}",
        {
            "commune": str(tw.world.commune_a.pk),
            "full_name": "Hồ Thị Ngọc Ánh",
            "category": "mass_organisation",
            "organisation": "Hội Nông dân xã",
            "phone": "0912345678",
        },
    )
    assert response.status_code == 302
    person = Participant.objects.get(full_name="Hồ Thị Ngọc Ánh")
    assert person.commune_id == tw.world.commune_a.pk and person.worker_id is None
    assert Registration.objects.filter(training_class=tw.c2, participant=person).exists()


def test_class_page_queries_do_not_grow_with_the_class(tw: TrainingWorld) -> None:
    extra = make_class(tw.plan, "C7", topics=["communication"], start=dt.date(2025, 9, 9), days=2)
    session_list = sessions(extra, 2)

    def count() -> int:
        client = client_for("tinh")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("training:class_detail", args=[extra.pk])).status_code == 200
        return len(captured)

    services.register(actor=None, training_class=extra, participant=tw.people["a_off"])
    small = count()
    for key in ("a_ctv", "b_off", "w_prov", "e_hoi", "e_ap", "a_head"):
        services.register(actor=None, training_class=extra, participant=tw.people[key])
    for session in session_list:
        services.attendance_record(
            actor=None, session=session, present=extra.registrations.values_list("pk", flat=True)
        )
    assert count() == small


def test_editing_a_class_keeps_its_rules(tw: TrainingWorld) -> None:
    url = reverse("training:class_edit", args=[tw.c1.pk])
    form = {
        "version": str(tw.c1.version),
        "code": "C1",
        "title": "Lớp C1 (sửa)",
        "topics": ["new_standard", "review_procedure"],
        "standard_code": "2022-2025",
        "place": "Hội trường UBND tỉnh",
        "start_date": "10/03/2025",
        "end_date": "11/03/2025",
        "capacity": "5",
        "min_attendance_percent": "80",
    }
    client = client_for("tinh")
    assert "nhiều hơn số dự kiến mới" in client.post(url, form).text  # 6 are registered
    form["capacity"], form["code"] = "30", "C2"
    assert "đã có trong tỉnh" in client.post(url, form).text
    form["code"] = "C1"
    assert client.post(url, form).status_code == 302
    tw.c1.refresh_from_db()
    assert (tw.c1.title, tw.c1.capacity) == ("Lớp C1 (sửa)", 30)


def test_reference_labels_follow_the_interface_language(tw: TrainingWorld) -> None:
    client = client_for("tinh")
    client.cookies["giamngheo_language"] = "en"
    html = client.get(reverse("training:statistics") + "?year=2025").text
    assert "Commune poverty-reduction officers" in html
    html = client.get(reverse("training:class_detail", args=[tw.c1.pk])).text
    assert "The review plan and procedure" in html
