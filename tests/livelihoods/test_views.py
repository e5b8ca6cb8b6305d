"""The livelihoods pages: scoped reads, writes through the services, refusals shown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.livelihoods.models import (
    GroupMeeting,
    GroupMember,
    LivelihoodModel,
    Participation,
    SelfManagedGroup,
)
from giamngheo.programmes.models import SupportRecord
from tests.conftest import log_in, make_household
from tests.livelihoods.conftest import LivelihoodWorld

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def test_the_model_pages_show_the_hand_counted_figures(lw: LivelihoodWorld) -> None:
    client = _client("xa_a")
    detail = client.get(reverse("livelihoods:model_detail", args=[lw.model.pk])).content.decode()
    assert "MH-01" in detail and "380.000.000 đ" in detail  # 300 + 50 + 30 M
    assert "5.500.000 đ" in detail and "1.433.333 đ" in detail
    listing = client.get(reverse("livelihoods:model_list")).content.decode()
    assert "Mô hình nuôi bò sinh sản" in listing
    people = client.get(reverse("livelihoods:participants", args=[lw.model.pk])).content.decode()
    assert "A1-002" in people and "A2-002" in people
    inputs = client.get(reverse("livelihoods:inputs", args=[lw.model.pk])).content.decode()
    assert inputs.count("Bò cái giống") == 3
    outcomes = client.get(reverse("livelihoods:outcomes", args=[lw.model.pk])).content.decode()
    assert "2.500.000 đ" in outcomes


def test_another_commune_gets_404_and_a_collaborator_sees_their_village(
    lw: LivelihoodWorld,
) -> None:
    for name in ("model_detail", "participants", "inputs", "outcomes", "model_xlsx"):
        url = reverse(f"livelihoods:{name}", args=[lw.model.pk])
        assert _client("xa_b").get(url).status_code == 404
    group_url = reverse("livelihoods:group_detail", args=[lw.group.pk])
    assert _client("xa_b").get(group_url).status_code == 404
    assert "MH-01" not in _client("xa_b").get(reverse("livelihoods:model_list")).content.decode()
    ctv = _client("ctv")
    people = ctv.get(reverse("livelihoods:participants", args=[lw.model.pk])).content.decode()
    assert "A1-002" in people and "A2-002" not in people
    h2_outcome = reverse("livelihoods:outcome_edit", args=[lw.h2.pk])
    assert ctv.get(h2_outcome).status_code == 404
    assert ctv.get(reverse("livelihoods:group_approve", args=[lw.group.pk])).status_code == 403


def test_the_forms_name_each_village_with_its_commune(lw: LivelihoodWorld) -> None:
    """A provincial officer picks villages of many communes: each is named with its commune."""
    client = _client("tinh")
    world = lw.world
    for name in ("livelihoods:model_new", "livelihoods:group_new"):
        page = client.get(reverse(name)).content.decode()
        assert f"{world.village_a1.name} — {world.commune_a.name}" in page
        assert f"{world.village_b1.name} — {world.commune_b.name}" in page


def test_a_model_is_created_from_the_form(lw: LivelihoodWorld) -> None:
    client = _client("xa_a")
    response = client.post(
        reverse("livelihoods:model_new"),
        {
            "commune": lw.world.commune_a.pk,
            "code": "MH-WEB",
            "name": "Mô hình trồng nấm",
            "model_type": "crops",
            "mode": "value_chain",
            "programme": lw.programme.pk,
            "villages": [lw.world.village_a1.pk],
            "budget_central": "100000000",
            "budget_local": "0",
            "budget_counterpart": "5000000",
            "budget_credit": "0",
            "start_date": "01/03/2026",
            "replicated_from": lw.model.pk,
        },
    )
    model = LivelihoodModel.objects.get(code="MH-WEB")
    assert response.status_code == 302 and model.replicated_from == lw.model
    assert model.budget_total == Decimal("105000000")
    # The origin counts its replica on the list.
    listing = client.get(reverse("livelihoods:model_list")).content.decode()
    assert "MH-WEB" in listing


def test_participant_input_and_outcome_through_the_forms(lw: LivelihoodWorld) -> None:
    world = lw.world
    household = make_household(world.village_a1, "A1-009", "Lò Văn Sáu")
    client = _client("ctv")
    response = client.post(
        reverse("livelihoods:participant_new", args=[lw.model.pk]),
        {"household": household.pk, "joined_on": "01/04/2026", "income_before": "1200000"},
    )
    assert response.status_code == 302
    participation = Participation.objects.get(model=lw.model, household=household)
    response = client.post(
        reverse("livelihoods:input_new", args=[participation.pk]),
        {
            "support_kind": "in_kind",
            "description": "Phân bón",
            "quantity": "50",
            "unit": "kg",
            "amount": "750000",
            "delivered_on": "02/04/2026",
            "funding_source": "local",
        },
    )
    assert response.status_code == 302
    record = SupportRecord.objects.get(household=household)
    assert record.amount == Decimal(750000) and record.programme == lw.programme
    response = client.post(
        reverse("livelihoods:outcome_edit", args=[participation.pk]),
        {"outcome_on": "10/06/2026", "income_after": "1900000", "status_after": "near_poor"},
    )
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.income_after == Decimal(1900000)
    # A household of another village is refused in the form, not saved.
    other = make_household(world.village_a2, "A2-009", "Lò Thị Bảy")
    response = client.post(
        reverse("livelihoods:participant_new", args=[lw.model.pk]),
        {"household": other.pk, "joined_on": "01/04/2026", "income_before": "1"},
    )
    assert response.status_code == 200
    assert "Hộ đã chọn không có trên địa bàn bạn được ghi." in response.content.decode()
    assert not Participation.objects.filter(household=other).exists()


def test_a_refusal_is_shown_on_the_form(lw: LivelihoodWorld) -> None:
    response = _client("xa_a").post(
        reverse("livelihoods:outcome_edit", args=[lw.h4.pk]),
        {"outcome_on": "01/01/2026", "income_after": "1", "status_after": "poor"},
    )
    assert response.status_code == 200
    assert "trước ngày hộ tham gia" in response.content.decode()


def test_a_group_is_set_up_approved_and_meets_through_the_forms(lw: LivelihoodWorld) -> None:
    world = lw.world
    client = _client("xa_a")
    response = client.post(
        reverse("livelihoods:group_new"),
        {
            "commune": world.commune_a.pk,
            "code": "G-WEB",
            "name": "Tổ dệt thổ cẩm",
            "villages": [world.village_a2.pk],
            "representative_kind": "mass_organisation",
            "representative_name": "Hội Liên hiệp Phụ nữ xã",
            "founded_on": "01/05/2026",
            "rules_adopted_on": "02/05/2026",
            "rules": "Quy chế tổ dệt",
        },
    )
    assert response.status_code == 302
    group = SelfManagedGroup.objects.get(code="G-WEB")
    detail_url = reverse("livelihoods:group_detail", args=[group.pk])
    assert "Chưa công nhận" in client.get(detail_url).content.decode()
    client.post(
        reverse("livelihoods:member_new", args=[group.pk]),
        {"household": world.household_a2.pk, "joined_on": "01/05/2026", "is_leader": "on"},
    )
    assert GroupMember.objects.filter(group=group, is_leader=True).count() == 1
    response = client.post(
        reverse("livelihoods:group_approve", args=[group.pk]),
        {"approved_on": "05/05/2026", "decision_number": "88/QĐ-UBND"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.approved_on == dt.date(2026, 5, 5)
    client.post(
        reverse("livelihoods:meeting_new", args=[group.pk]),
        {"held_on": "06/05/2026", "attendance": "1", "minutes": "Phân công khung dệt."},
    )
    assert GroupMeeting.objects.filter(group=group).count() == 1
    page = client.get(detail_url).content.decode()
    assert "88/QĐ-UBND" in page and "Phân công khung dệt." in page


def test_the_household_page_shows_the_models_and_groups(lw: LivelihoodWorld) -> None:
    page = (
        _client("xa_a")
        .get(reverse("registry:household_detail", args=[lw.h1.household_id]))
        .content.decode()
    )
    assert "Mô hình nuôi bò sinh sản" in page and "3.500.000 đ" in page
    assert "Tổ hợp tác chăn nuôi bò Thôn Một" in page and "tổ trưởng" in page


def test_the_group_page_links_the_collaborator_monthly_reports(lw: LivelihoodWorld) -> None:
    from giamngheo.livelihoods import services
    from tests.training.conftest import add_worker

    world = lw.world
    worker = add_worker(world.commune_a, "CTV-LV", "Hà Thị Cộng Tác", "collaborator")
    group = services.group_create(
        actor=world.xa_a,
        commune=world.commune_a,
        code="G-CTV",
        name="Tổ trồng rau",
        representative_kind="household_group",
        representative_name="Tổ trồng rau",
        rules="Quy chế",
        founded_on=dt.date(2026, 3, 4),
        rules_adopted_on=dt.date(2026, 3, 5),
        collaborator=worker,
    )
    page = _client("xa_a").get(reverse("livelihoods:group_detail", args=[group.pk]))
    html = page.content.decode()
    assert "Hà Thị Cộng Tác" in html
    for year, month in ((2026, 3), (2026, 6)):  # founded in March; today is June
        assert reverse("workforce:report", args=[worker.pk, year, month]) in html


def test_the_household_panel_is_absent_without_livelihoods(lw: LivelihoodWorld) -> None:
    page = (
        _client("xa_b")
        .get(reverse("registry:household_detail", args=[lw.world.household_b1.pk]))
        .content.decode()
    )
    assert "Mô hình sinh kế, tổ nhóm" not in page


def test_the_model_list_filters_by_type_and_mode(lw: LivelihoodWorld) -> None:
    from giamngheo.livelihoods import services

    services.model_create(
        actor=lw.world.xa_a,
        commune=lw.world.commune_a,
        code="MH-CAM",
        name="Mô hình trồng cam",
        model_type="crops",
        mode="task_based",
        programme=lw.programme,
        start_date=dt.date(2026, 3, 1),
    )
    client = _client("xa_a")
    url = reverse("livelihoods:model_list")

    def codes(query: str) -> set[str]:
        page = client.get(f"{url}?{query}").content.decode()
        return {code for code in ("MH-01", "MH-CAM") if f">{code}<" in page}

    assert codes("") == {"MH-01", "MH-CAM"}
    assert codes("type=crops") == {"MH-CAM"}
    assert codes("mode=community") == {"MH-01"}
    assert codes("type=crops&mode=community") == set()
    assert codes("type=khong-co") == {"MH-01", "MH-CAM"}  # an unknown value filters nothing


def test_the_model_tabs_mark_the_current_one_and_name_the_programme(lw: LivelihoodWorld) -> None:
    client = _client("xa_a")
    page = client.get(reverse("livelihoods:participants", args=[lw.model.pk])).content.decode()
    tabs = page.split('class="subnav model-tabs"', 1)[1].split("</nav>", 1)[0]
    assert '<strong aria-current="page">Hộ tham gia</strong>' in tabs
    assert f'<a href="{reverse("livelihoods:model_detail", args=[lw.model.pk])}">' in tabs
    assert f"{lw.model.programme.name} ({lw.model.programme.code})" in page
