"""One navigation for the support domain: each of the four apps' pages (programmes and lists,
deliveries, credit, livelihoods) leads to the others, and marks where the user is."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World, log_in

pytestmark = pytest.mark.django_db

PAGES = [
    "programmes:list",
    "programmes:lists",
    "deliveries:index",
    "deliveries:reach",
    "credit:loan_list",
    "credit:portfolio",
    "credit:fund_list",
    "livelihoods:model_list",
    "livelihoods:group_list",
]


@pytest.mark.parametrize("name", PAGES)
def test_every_support_page_leads_to_the_others(client: Client, world: World, name: str) -> None:
    log_in(client, "xa_a")
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    nav = page.split('class="subnav support-nav"', 1)[1].split("</nav>", 1)[0]
    for other in PAGES:
        assert f'href="{reverse(other)}"' in nav
    assert f'href="{reverse(name)}" aria-current="page"' in nav
    assert nav.count('aria-current="page"') == 1
    # The page's own section is the bold one.
    section = nav.split("<strong>", 1)[1].split("</strong>", 1)[0]
    assert f'href="{reverse(name)}"' in section


def test_one_main_entry_for_the_support_domain_marked_on_its_pages(
    client: Client, world: World
) -> None:
    log_in(client, "xa_a")
    support = reverse("deliveries:index")
    for name in ("programmes:list", "credit:portfolio", "livelihoods:group_list"):
        page = client.get(reverse(name)).content.decode()
        main = page.split('<nav class="main"', 1)[1].split("</nav>", 1)[0]
        assert f'<a href="{support}" class="active">Hỗ trợ</a>' in main
        for old in ("Sinh kế", "Chương trình hỗ trợ", "Cấp phát hỗ trợ", "Tín dụng"):
            assert f">{old}</a>" not in main
    # Other sections are marked on their deeper pages too (a household's page).
    page = client.get(reverse("registry:household_detail", args=[world.household_a1.pk]))
    main = page.content.decode().split('<nav class="main"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{reverse("registry:household_list")}" class="active">' in main
