"""Registration, attendance per session, completion and certificates (PDF read back)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.lib.pdf import NAME_LINE, extract_text
from giamngheo.training import selectors, services
from giamngheo.training.certificates import certificate_pdf
from giamngheo.training.models import Attendance, Registration
from tests.conftest import log_in
from tests.training.conftest import TrainingWorld, make_class, sessions

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


@pytest.mark.parametrize(
    ("present", "sessions_held", "percent", "completed"),
    [(4, 5, 80, True), (3, 4, 80, False), (1, 1, 100, True), (0, 0, 80, False), (1, 2, 50, True)],
)
def test_completion_needs_the_share_of_sessions(
    present: int, sessions_held: int, percent: int, completed: bool
) -> None:
    assert selectors.is_completed(present, sessions_held, percent) is completed


def test_attendance_retaken_overwrites_and_counts(tw: TrainingWorld) -> None:
    session = tw.c1.sessions.get(number=2)
    e_hoi = tw.registration(tw.c1, "e_hoi")
    counts = services.attendance_record(actor=None, session=session, present=[e_hoi.pk])
    assert counts == {"present": 1, "absent": 5, "unmarked": 0}
    assert Attendance.objects.filter(session=session).count() == 6
    assert Attendance.objects.get(session=session, registration=e_hoi).present


def test_the_attendance_page_starts_unmarked_and_saves_only_the_marked(
    tw: TrainingWorld,
) -> None:
    """Issue 11: nobody is "present" by default; the organiser marks people as they arrive and
    the unmarked stay unmarked (not attended) until marked."""
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import PASSWORD

    session = services.session_add(
        actor=None,
        training_class=tw.c1,
        date=tw.c1.end_date,
        part="afternoon",
        topic=tw.c1.topics[0],
    )
    client = Client()
    assert client.login(username="tinh", password=PASSWORD)
    url = reverse("training:attendance", args=[session.pk])
    html = client.get(url).text
    assert 'value="present"' in html and " checked" not in html
    e_hoi = tw.registration(tw.c1, "e_hoi")
    a_off = tw.registration(tw.c1, "a_off")
    response = client.post(url, {f"mark_{e_hoi.pk}": "present", f"mark_{a_off.pk}": "absent"})
    assert response.status_code == 302
    marks = dict(Attendance.objects.filter(session=session).values_list("registration", "present"))
    assert marks == {e_hoi.pk: True, a_off.pk: False}
    html = client.get(url).text
    assert html.count(" checked") == 2
    # Nothing marked: a clear message and nothing saved.
    response = client.post(url, {}, follow=True)
    assert "Chưa đánh dấu" in response.text
    assert Attendance.objects.filter(session=session).count() == 2
    # A malformed mark changes nothing.
    response = client.post(url, {f"mark_{e_hoi.pk}": "maybe"}, follow=True)
    assert response.status_code == 200
    assert Attendance.objects.get(session=session, registration=e_hoi).present


def test_attendance_refuses_someone_not_registered(tw: TrainingWorld) -> None:
    stranger = tw.registration(tw.c2, "a_head")
    with pytest.raises(services.TrainingError, match="không đăng ký lớp này"):
        services.attendance_record(
            actor=None, session=tw.c1.sessions.first(), present=[stranger.pk]
        )


def test_capacity_and_double_registration_are_refused(tw: TrainingWorld) -> None:
    small = make_class(
        tw.plan, "NHO", topics=["communication"], start=dt.date(2025, 9, 1), capacity=1
    )
    services.register(actor=None, training_class=small, participant=tw.people["a_off"])
    with pytest.raises(services.TrainingError, match="đã đăng ký"):
        services.register(actor=None, training_class=small, participant=tw.people["a_off"])
    with pytest.raises(services.TrainingError, match="đủ số học viên"):
        services.register(actor=None, training_class=small, participant=tw.people["a_ctv"])


def test_someone_who_attended_cannot_be_unregistered(tw: TrainingWorld) -> None:
    with pytest.raises(services.TrainingError, match="có mặt"):
        services.unregister(actor=None, registration=tw.registration(tw.c1, "a_off"))
    services.unregister(actor=None, registration=tw.registration(tw.c1, "b_ctv"))
    assert not Registration.objects.filter(training_class=tw.c1, participant=tw.people["b_ctv"])


def test_certificates_go_to_those_who_completed_numbered_by_name(tw: TrainingWorld) -> None:
    issued = services.certificates_issue(
        actor=None, training_class=tw.c1, issued_on=dt.date(2025, 3, 12)
    )
    names = [r.participant.full_name for r in issued]
    # e_hoi came to 1 of 2 sessions, b_ctv to none.
    assert names == ["Hoàng Văn Tỉnh", "Lê Thị Lan", "Nguyễn Thị Hằng", "Trần Văn Minh"]
    assert [r.certificate_number for r in issued] == [f"44-C1-00{i}" for i in range(1, 5)]
    again = services.certificates_issue(
        actor=None, training_class=tw.c1, issued_on=dt.date(2025, 3, 12)
    )
    assert again == []


def test_no_certificate_before_the_class_ends(tw: TrainingWorld) -> None:
    with pytest.raises(services.TrainingError, match="sau khi lớp kết thúc"):
        services.certificates_issue(
            actor=None, training_class=tw.c1, issued_on=dt.date(2025, 3, 10)
        )


def test_certificate_pdf_keeps_the_vietnamese_text(tw: TrainingWorld) -> None:
    services.certificates_issue(actor=None, training_class=tw.c1, issued_on=dt.date(2025, 3, 12))
    registration = tw.registration(tw.c1, "a_off")
    text = extract_text(certificate_pdf(registration, present=2, sessions=2))
    assert "GIẤY CHỨNG NHẬN" in text
    assert "Chứng nhận Bà" in text
    assert "Nguyễn Thị Hằng" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Chuẩn nghèo đa chiều mới" in text
    assert "44-C1-003" in text  # third by name
    assert "ngày 12 tháng 03 năm 2025" in text
    # The signature: title, hint and a line for the name, all on the one page.
    assert "THỦ TRƯỞNG ĐƠN VỊ TỔ CHỨC" in text and "(Ký, ghi rõ họ tên và đóng dấu)" in text
    assert NAME_LINE in text and "Trang 1/1" in text


def test_certificate_page_is_scoped(tw: TrainingWorld) -> None:
    services.certificates_issue(actor=None, training_class=tw.c2, issued_on=dt.date(2025, 5, 20))
    registration = tw.registration(tw.c2, "a_off")
    url = reverse("training:certificate", args=[registration.pk])
    response = client_for("xa_a").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Nguyễn Thị Hằng" in extract_text(response.content)
    assert client_for("xa_b").get(url).status_code == 404
    assert client_for("outsider").get(url).status_code == 404
    no_certificate = tw.registration(tw.c1, "b_ctv")
    url = reverse("training:certificate", args=[no_certificate.pk])
    assert client_for("tinh").get(url).status_code == 404


def test_attendance_page_records_the_marked_participants(tw: TrainingWorld) -> None:
    extra = make_class(tw.plan_a, "C9", topics=["communication"], start=dt.date(2025, 10, 1))
    (session,) = sessions(extra, 1)
    regs = [
        services.register(actor=None, training_class=extra, participant=tw.people[w])
        for w in ("a_off", "a_ctv")
    ]
    url = reverse("training:attendance", args=[session.pk])
    client = client_for("xa_a")
    assert client.get(url).status_code == 200
    # Issue 11: each participant is marked present or absent (the page used to tick everyone).
    response = client.post(url, {f"mark_{regs[0].pk}": "present", f"mark_{regs[1].pk}": "absent"})
    assert response.status_code == 302
    assert dict(
        Attendance.objects.filter(session=session).values_list("registration_id", "present")
    ) == {
        regs[0].pk: True,
        regs[1].pk: False,
    }
    assert client_for("xa_b").get(url).status_code == 404
    assert client_for("inspector").post(url, {}).status_code == 403
