"""Issue 10 (medium): optimistic locking of the training edit forms (plans and classes; the
question bank and the handbook had it already). The second of two stale saves is refused and
changes nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.training import services
from giamngheo.training.models import TrainingClass, TrainingPlan
from tests.training.conftest import TrainingWorld

pytestmark = pytest.mark.django_db


def loaded_version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "no hidden version in the page"
    return found.group(1)


def two_tabs(tw: TrainingWorld) -> tuple[Client, Client]:
    tabs = Client(), Client()
    for tab in tabs:
        tab.force_login(tw.world.tinh)
    return tabs


def test_the_second_of_two_stale_plan_edits_is_refused(tw: TrainingWorld) -> None:
    url = reverse("training:plan_edit", args=[tw.plan.pk])
    tab_1, tab_2 = two_tabs(tw)
    v1, v2 = loaded_version(tab_1.get(url).text), loaded_version(tab_2.get(url).text)
    form = {
        "year": str(tw.plan.year),
        "purpose": tw.plan.purpose,
        "budget": str(tw.plan.budget),
        "target_groups": list(tw.plan.target_groups),
    }
    assert tab_1.post(url, {**form, "version": v1, "title": "Kế hoạch A"}).status_code == 302
    second = tab_2.post(url, {**form, "version": v2, "title": "Kế hoạch B"})
    assert second.status_code == 200 and "vừa được người khác cập nhật" in second.text
    assert TrainingPlan.objects.get(pk=tw.plan.pk).title == "Kế hoạch A"


def test_the_second_of_two_stale_class_edits_is_refused(tw: TrainingWorld) -> None:
    c1 = tw.c1
    url = reverse("training:class_edit", args=[c1.pk])
    tab_1, tab_2 = two_tabs(tw)
    v1, v2 = loaded_version(tab_1.get(url).text), loaded_version(tab_2.get(url).text)
    form = {
        "code": c1.code,
        "topics": list(c1.topics),
        "standard_code": c1.standard_code,
        "place": c1.place,
        "start_date": f"{c1.start_date:%d/%m/%Y}",
        "end_date": f"{c1.end_date:%d/%m/%Y}",
        "capacity": "30",
        "min_attendance_percent": str(c1.min_attendance_percent),
    }
    assert tab_1.post(url, {**form, "version": v1, "title": "Lớp A"}).status_code == 302
    second = tab_2.post(url, {**form, "version": v2, "title": "Lớp B"})
    assert second.status_code == 200 and "vừa được người khác cập nhật" in second.text
    assert TrainingClass.objects.get(pk=c1.pk).title == "Lớp A"


def test_a_question_edit_needs_its_version_and_a_stale_one_is_refused(tw: TrainingWorld) -> None:
    question = services.question_create(
        actor=None,
        province=tw.world.province,
        topic=tw.c1.topics[0],
        text="Chuẩn nghèo đa chiều có mấy chiều?",
        choices=["Năm", "Sáu"],
        correct=1,
    )
    url = reverse("training:question_edit", args=[question.pk])
    tab_1, tab_2 = two_tabs(tw)
    v1, v2 = loaded_version(tab_1.get(url).text), loaded_version(tab_2.get(url).text)
    form = {"topic": question.topic, "choice_1": "Năm", "choice_2": "Sáu", "correct": "2"}
    missing = tab_1.post(url, {**form, "text": "Không có phiên bản"})
    assert missing.status_code == 200 and "Trang đã cũ" in missing.text
    assert tab_1.post(url, {**form, "version": v1, "text": "Câu A"}).status_code == 302
    second = tab_2.post(url, {**form, "version": v2, "text": "Câu B"})
    assert second.status_code == 200 and "người khác sửa" in second.text
    question.refresh_from_db()
    assert question.text == "Câu A"
