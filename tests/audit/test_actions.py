"""Every audit action written in the source is in the catalogue, and the catalogue is enforced."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction

import giamngheo
from giamngheo.audit import actions, services
from giamngheo.review.states import ENTRY, ROUND
from giamngheo.workforce.models import ReviewFlag
from giamngheo.workforce.states import TRANSITIONS
from tests.conftest import PASSWORD, World

SOURCE = Path(giamngheo.__file__).parent
# Where a code is written: an action passed by keyword (maybe a conditional expression with
# several codes on the line), a constant named *ACTION*, or a polars literal building the
# action column of ``record_frame``. A code is a dotted lower-case literal, maybe an f-string.
WRITTEN = re.compile(r"(?:\baction=|ACTION\w*: Final = |pl\.lit\()(.*)")
CODE = re.compile(r'f?"([a-z]+\.[a-z_]*(?:\{[^}]+\})?[a-z_]*)"')
# The f-string codes and the names their placeholder takes (a new placeholder fails below).
PLACEHOLDERS = {
    "{action}": {
        "review.round_": sorted(ROUND.transitions),
        "review.entries_": sorted(ENTRY.transitions),
    },
    "{transition.name}": {"workforce.request_": sorted({t.name for t in TRANSITIONS})},
    "{flag}": {"workforce.household_change_": [ReviewFlag.TAKEN_UP, ReviewFlag.DISMISSED]},
}


def codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for code in (c for line in WRITTEN.findall(text) for c in CODE.findall(line)):
            match = re.search(r"\{[^}]+\}", code)
            if match is None:
                found.add(code)
                continue
            prefix = code[: match.start()]
            names = PLACEHOLDERS.get(match.group(), {}).get(prefix)
            assert names is not None, f"{path}: expand {code!r} in PLACEHOLDERS"
            found.update(f"{prefix}{name}" for name in names)
    return found


def test_every_action_written_in_the_source_has_a_label() -> None:
    codes = codes_in_source()
    assert len(codes) > 100
    assert sorted(codes - set(actions.ACTIONS)) == []


def test_the_catalogue_holds_no_code_the_source_never_writes() -> None:
    assert sorted(set(actions.ACTIONS) - codes_in_source()) == []


@pytest.mark.django_db
def test_record_refuses_an_unknown_action(official_units: None) -> None:
    from giamngheo.areas.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.get(code="44")
    with transaction.atomic(), pytest.raises(actions.UnknownAction, match="unit_teleported"):
        services.record(actor=None, action="areas.unit_teleported", obj=unit)


def test_labels_are_vietnamese_and_unknown_old_codes_show_as_is() -> None:
    assert actions.label("registry.household_updated") == "Sửa thông tin hộ"
    assert actions.label("old.code") == "old.code"


@pytest.mark.django_db
def test_the_log_pages_show_labels_not_codes(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    from giamngheo.registry import services as registry_services

    registry_services.household_update(
        actor=world.xa_a,
        household=world.household_a1,
        expected_version=world.household_a1.version,
        address="Thôn Một",
    )
    client = Client()
    client.login(username="admin", password=PASSWORD)
    html = client.get(reverse("audit:global")).text
    assert "Sửa thông tin hộ" in html
    assert "<code>registry." not in html
    assert '<option value="registry.household_updated">Sửa thông tin hộ</option>' in html
    filtered = client.get(reverse("audit:global"), {"action": "registry.household_updated"}).text
    assert 'title="registry.household_created"' not in filtered
    assert 'title="registry.household_updated"' in filtered
    client.login(username="xa_a", password=PASSWORD)
    page = client.get(reverse("registry:household_detail", args=[world.household_a1.pk])).text
    assert "Sửa thông tin hộ" in page and "<code>registry." not in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("registry:household_detail", args=[world.household_a1.pk])).text
    assert "Household edited" in page
