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
