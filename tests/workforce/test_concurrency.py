"""Issue 10 (medium): optimistic locking of the workforce's edit forms (a roster entry, a
monthly report draft). The second of two stale saves is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.workforce.models import MonthlyReport, Worker
from tests.conftest import World
from tests.workforce.conftest import Staff

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)


def loaded_version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "no hidden version in the page"
    return found.group(1)


def worker_form(version: str, name: str) -> dict[str, str]:
    return {
        "version": version,
        "code": "CTV-A",
        "full_name": name,
        "sex": "female",
        "birth_year": "1990",
        "ethnicity": "01",
        "education": "university",
        "role": "collaborator",
        "mass_organisation": "doan_thanh_nien",
    }


def test_the_second_of_two_stale_roster_edits_is_refused(world: World, staff: Staff) -> None:
    url = reverse("workforce:worker_edit", args=[staff.ctv_a1.pk])
    tab_1, tab_2 = Client(), Client()
    tab_1.force_login(world.xa_a)
    tab_2.force_login(world.xa_a)
    v1, v2 = loaded_version(tab_1.get(url).text), loaded_version(tab_2.get(url).text)
    assert tab_1.post(url, worker_form(v1, "Lò Thị Một")).status_code == 302
    second = tab_2.post(url, worker_form(v2, "Lò Thị Hai"))
    assert second.status_code == 200 and "vừa được người khác cập nhật" in second.text
    worker = Worker.objects.get(pk=staff.ctv_a1.pk)
    assert worker.full_name == "Lò Thị Một"


def report_form(version: str, summary: str) -> dict[str, str]:
    return {
        "version": version,
        "households_visited": "3",
        "meetings_attended": "1",
        "summary": summary,
        "duty_1": "Thăm hộ",
        "action": "save",
    }


def test_the_second_of_two_stale_report_drafts_is_refused(world: World, staff: Staff) -> None:
    url = reverse("workforce:report", args=[staff.ctv_a1.pk, 2025, 3])
    collaborator, officer = Client(), Client()
    collaborator.force_login(world.ctv)
    officer.force_login(world.xa_a)
    # Neither report exists yet: both blank forms start at version 1.
    v_ctv, v_officer = (
        loaded_version(collaborator.get(url).text),
        loaded_version(officer.get(url).text),
    )
    assert collaborator.post(url, report_form(v_ctv, "Bản của cộng tác viên")).status_code == 302
    second = officer.post(url, report_form(v_officer, "Bản của cán bộ xã"))
    assert second.status_code == 200 and "vừa được người khác cập nhật" in second.text
    report = MonthlyReport.objects.get(worker=staff.ctv_a1, month=MARCH)
    assert report.summary == "Bản của cộng tác viên"
