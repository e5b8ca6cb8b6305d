"""The programmes pages: scoped reads, writes through the services, the Excel download."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.audit.models import AuditEvent
from giamngheo.lib import clock
from giamngheo.programmes import loader, services
from giamngheo.programmes.models import BeneficiaryList, Programme
from tests.conftest import World
from tests.programmes.helpers import household, set_status

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _fixed_today() -> object:
    clock.set_today(TODAY)
    yield
    clock.set_today(None)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_programme_pages_and_the_preview(world: World) -> None:
    loader.load(actor=None)
    poor = household(world.village_a1, "A1-800")
    set_status(poor, "poor", dt.date(2025, 12, 1))
    c = client_for(world.xa_a)
    page = c.get(reverse("programmes:list")).text
    assert "Quyết định 90/QĐ-TTg" in page and "Chưa đối chiếu" in page
    root = Programme.objects.get(code="ctmtqg-gnbv-2021")
    detail = c.get(
        reverse("programmes:detail", args=[root.pk]),
        {"area": world.commune_a.code, "on": "2026-03-01"},
    )
    assert detail.status_code == 200
    assert "Hộ nghèo" in detail.text and "Dự án 2" in detail.text
    assert detail.context["preview"].by_status["poor"] == 1
    # Funding sources and rules in words: no raw codes as the reader's first sight.
    facts = detail.text.split("<details>", 1)[0]
    assert "Ngân sách trung ương" in facts and "central" not in facts
    assert "Hộ cận nghèo, Hộ mới thoát nghèo" in facts and "near_poor" not in facts
    assert "trong 36 tháng" in facts and "Hộ nghèo dân tộc thiểu số" in facts
    assert "near_poor" in detail.text.split("<details>", 1)[1]  # the full rules stay there
    # The programme's benefit is set by its projects: said so, not an empty line.
    assert "Theo từng dự án, tiểu dự án" in facts
    # Commune B is not in xa_a's choices: the form refuses it, no count is shown.
    other = c.get(
        reverse("programmes:detail", args=[root.pk]),
        {"area": world.commune_b.code, "on": "2026-03-01"},
    )
    assert other.context["preview"] is None
    # Only province officers edit.
    assert c.get(reverse("programmes:edit", args=[root.pk])).status_code == 404
    t = client_for(world.tinh)
    response = t.post(
        reverse("programmes:edit", args=[root.pk]),
        {
            "name": root.name,
            "legal_basis": root.legal_basis,
            "valid_from": "2022-01-18",
            "valid_to": "2025-12-31",
            "funding_sources": ["central"],
            "eligibility": '{"statuses": ["poor"]}',
            "verified": "on",
            "source_note": "Tỉnh đối chiếu lại",
        },
    )
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.locally_changed and root.eligibility == {"statuses": ["poor"]}


def test_a_list_is_made_reviewed_approved_and_downloaded_on_the_pages(world: World) -> None:
    loader.load(actor=None)
    poor = household(world.village_a1, "A1-801")
    set_status(poor, "poor", dt.date(2025, 12, 1))
    near = household(world.village_a2, "A2-801")
    set_status(near, "near_poor", dt.date(2025, 12, 1))
    programme = Programme.objects.get(code="vay-hn")
    c = client_for(world.xa_a)
    response = c.post(
        reverse("programmes:list_new", args=[programme.pk]),
        {"area": world.commune_a.code, "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    assert response.status_code == 302, response.context["form"].errors
    blist = BeneficiaryList.objects.get()
    assert list(blist.entries.values_list("household_id", flat=True)) == [poor.pk]
    # The household is found with the registry's picker (a search box), not a typed code.
    form = c.get(reverse("programmes:entry_add", args=[blist.pk])).content.decode()
    assert reverse("registry:household_pick") in form and 'name="household_code"' not in form
    other = c.post(
        reverse("programmes:entry_add", args=[blist.pk]),
        {"household": world.household_b1.pk, "reason": "Hộ xã khác"},
    )
    assert other.status_code == 200 and not blist.entries.filter(household=world.household_b1)
    added = c.post(
        reverse("programmes:entry_add", args=[blist.pk]),
        {"household": near.pk, "reason": "Thôn đề nghị bổ sung"},
    )
    assert added.status_code == 302
    entry = blist.entries.get(household=near)
    # Each line offers to exclude the household; in English "Exclude", not "Type" (the
    # bare "Loại" of the catalogue is the noun).
    c.cookies["giamngheo_language"] = "en"
    english = c.get(reverse("programmes:list_detail", args=[blist.pk])).text
    exclude = reverse("programmes:entry_exclude", args=[entry.pk])
    assert f'<a href="{exclude}">Exclude</a>' in english
    c.cookies["giamngheo_language"] = "vi"
    c.post(exclude, {"reason": "Trùng hỗ trợ"})
    entry.refresh_from_db()
    assert not entry.included
    c.post(reverse("programmes:entry_restore", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.included and entry.reason == "Thôn đề nghị bổ sung"
    approved = c.post(
        reverse("programmes:list_approve", args=[blist.pk]),
        {"decision_number": "15/QĐ-UBND", "approved_on": "2026-03-20"},
    )
    assert approved.status_code == 302
    blist.refresh_from_db()
    assert blist.state == "approved"
    page = c.get(reverse("programmes:list_detail", args=[blist.pk])).text
    assert "15/QĐ-UBND" in page and "Bổ sung hộ" not in page
    download = c.get(reverse("programmes:list_export", args=[blist.pk]))
    book = load_workbook(io.BytesIO(download.content))
    codes = {r[1] for r in book["Danh sách"].iter_rows(min_row=2, values_only=True)}
    assert codes == {poor.code, near.code}
    assert AuditEvent.objects.filter(action="programmes.list_exported").count() == 1
    # In English the workbook is English throughout, headings as well as the categories.
    c.cookies["giamngheo_language"] = "en"
    english = load_workbook(
        io.BytesIO(c.get(reverse("programmes:list_export", args=[blist.pk])).content)
    )
    assert english.sheetnames == ["Information", "List"]
    header, *lines = english["List"].iter_rows(values_only=True)
    assert header[1] == "Household code" and header[5] == "Category"
    assert {line[1] for line in lines} == {poor.code, near.code}
    assert "Poor households" in {line[5] for line in lines}
    c.cookies["giamngheo_language"] = "vi"
    # Another commune's officer does not see it.
    other = client_for(world.xa_b)
    assert other.get(reverse("programmes:list_detail", args=[blist.pk])).status_code == 404
    assert other.get(reverse("programmes:list_export", args=[blist.pk])).status_code == 404
    assert other.post(reverse("programmes:entry_restore", args=[entry.pk])).status_code == 404
    assert blist.title not in other.get(reverse("programmes:lists")).text


def test_a_collaborator_cannot_make_a_list(world: World) -> None:
    loader.load(actor=None)
    programme = Programme.objects.get(code="vay-hn")
    c = client_for(world.ctv)
    response = c.post(
        reverse("programmes:list_new", args=[programme.pk]),
        {"area": world.commune_a.code, "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    assert response.status_code == 200
    assert not BeneficiaryList.objects.exists()
    with pytest.raises(services.ProgrammeError):
        services.list_generate(
            actor=world.ctv,
            programme=programme,
            area=world.commune_a,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
