"""Issue 11: a collaborator sees their own training ("Tập huấn của tôi"): the classes they
attended, their attendance, tests and certificates (downloadable), linked from their home."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.lib.pdf import extract_text
from giamngheo.training import services
from giamngheo.workforce import services as workforce_services
from tests.conftest import PASSWORD
from tests.training.conftest import TrainingWorld

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def linked(tw: TrainingWorld) -> TrainingWorld:
    """The ``ctv`` account is the roster entry of a_ctv (Trần Văn Minh, collaborator of A)."""
    worker = tw.people["a_ctv"].worker
    assert worker is not None
    workforce_services.worker_link_user(actor=None, worker=worker, user=tw.world.ctv)
    services.certificates_issue(actor=None, training_class=tw.c2)
    return tw


def test_the_collaborator_sees_their_classes_attendance_and_certificates(
    linked: TrainingWorld,
) -> None:
    tw = linked
    client = client_for("ctv")
    assert reverse("training:mine") in client.get(reverse("workforce:home")).text
    page = client.get(reverse("training:mine")).text
    for training_class in (tw.c1, tw.c2, tw.c3):
        assert training_class.title in page
    assert "2/2" in page and "1/1" in page
    own = tw.registration(tw.c2, "a_ctv")
    assert own.certificate_number and own.certificate_number in page
    response = client.get(reverse("training:certificate", args=[own.pk]))
    assert response.status_code == 200
    assert "Trần Văn Minh" in extract_text(response.content)
    # Only their own: a colleague's certificate stays out of reach.
    other = tw.registration(tw.c2, "a_off")
    assert client.get(reverse("training:certificate", args=[other.pk])).status_code == 404
    assert tw.registration(tw.c2, "a_off").participant.full_name not in page


def test_the_collaborator_sees_their_test_scores(linked: TrainingWorld) -> None:
    tw = linked
    question = services.question_create(
        actor=None,
        province=None,
        topic=tw.c1.topics[0],
        text="Hộ nghèo được hỗ trợ bảo hiểm y tế?",
        choices=["Đúng", "Sai"],
        correct=0,
    )
    pre = services.class_test_create(
        actor=None,
        training_class=tw.c1,
        kind="pre",
        held_on=tw.c1.start_date,
        questions=[question],
    )
    services.attempt_record(actor=None, assessment=pre, participant=tw.people["a_ctv"], answers=[0])
    services.attempt_record(actor=None, assessment=pre, participant=tw.people["a_off"], answers=[1])
    page = client_for("ctv").get(reverse("training:mine")).text
    assert pre.title in page and "Kiểm tra đầu khóa" in page
    assert "1/1" in page and "0/1" not in page  # their score, not a colleague's


def test_someone_without_a_roster_entry_sees_an_explanation(tw: TrainingWorld) -> None:
    page = client_for("outsider").get(reverse("training:mine")).text
    assert "Chưa có lớp tập huấn nào ghi tên bạn" in page
