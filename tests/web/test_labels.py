"""Pages show labels, not the codes stored behind them (issue 11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.lib import clock
from giamngheo.review import services as review_services
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    clock.set_today(dt.date(2026, 12, 5))
    yield
    clock.set_today(None)


def test_the_application_list_names_the_form_not_its_code(world: World) -> None:
    review_services.application_file(
        actor=world.xa_a,
        household=world.household_a1,
        form="mau01",
        reason="illness",
        received_on=dt.date(2026, 6, 3),
        applicant_name="Nguyễn Văn An",
    )
    client = Client()
    client.login(username="xa_a", password=PASSWORD)
    html = client.get(reverse("review:applications")).text
    assert ">mau01<" not in html
    assert "Mẫu số 01: đề nghị rà soát" in html
