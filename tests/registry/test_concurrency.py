"""Issue 10 (medium): optimistic locking of a person's edit form (households had it already).
Two people open the same member's form; the first save wins, the second is refused with a
Vietnamese message and changes nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.audit.models import AuditEvent
from giamngheo.lib import locking
from giamngheo.registry import services
from giamngheo.registry.models import Person
from tests.conftest import World

pytestmark = pytest.mark.django_db


def loaded_version(page: str, name: str) -> str:
    """The version an edit page was rendered with (its hidden field)."""
    found = re.search(rf'name="{name}" value="(\d+)"', page)
    assert found, f"no hidden {name} in the page"
    return found.group(1)


def member_form(version: str, name: str) -> dict[str, str]:
    return {
        "identity-version": version,
        "identity-full_name": name,
        "identity-sex": "female",
        "identity-birth_year": "2015",
        "identity-ethnicity": "01",
        "answers-employment": "not_working",
        "answers-education": "none",
    }


def test_the_second_of_two_stale_member_edits_is_refused(world: World) -> None:
    household = world.household_a1
    child = Person.objects.get(full_name="Nguyễn Văn An Con")
    url = reverse("registry:member_edit", args=[household.pk, child.pk])
    officer, collaborator = Client(), Client()
    officer.force_login(world.xa_a)
    collaborator.force_login(world.ctv)
    # Both open the form before either saves.
    officer_version = loaded_version(officer.get(url).text, "identity-version")
    collaborator_version = loaded_version(collaborator.get(url).text, "identity-version")
    assert officer_version == collaborator_version == "1"

    first = officer.post(url, member_form(officer_version, "Nguyễn Thị Hoa"))
    assert first.status_code == 302
    events = AuditEvent.objects.count()
    second = collaborator.post(url, member_form(collaborator_version, "Nguyễn Thị Huệ"))
    assert second.status_code == 200
    assert "vừa được người khác cập nhật" in second.text
    child.refresh_from_db()
    assert (child.full_name, child.version) == ("Nguyễn Thị Hoa", 2)
    assert AuditEvent.objects.count() == events
    # Reloaded, the form carries the new version and saves.
    fresh = loaded_version(collaborator.get(url).text, "identity-version")
    assert collaborator.post(url, member_form(fresh, "Nguyễn Thị Huệ")).status_code == 302
    child.refresh_from_db()
    assert child.full_name == "Nguyễn Thị Huệ"


def test_a_form_without_its_version_saves_nothing(world: World) -> None:
    child = Person.objects.get(full_name="Nguyễn Văn An Con")
    client = Client()
    client.force_login(world.xa_a)
    url = reverse("registry:member_edit", args=[world.household_a1.pk, child.pk])
    data = member_form("1", "Nguyễn Thị Hoa")
    del data["identity-version"]
    response = client.post(url, data)
    assert response.status_code == 200 and "Trang đã cũ" in response.text
    child.refresh_from_db()
    assert child.full_name == "Nguyễn Văn An Con"


def test_the_service_refuses_a_stale_version_and_every_writer_counts_its_save(
    world: World,
) -> None:
    child = Person.objects.get(full_name="Nguyễn Văn An Con")
    services.person_update(actor=world.xa_a, person=child, expected_version=1, full_name="Hoa")
    with pytest.raises(services.RegistryError, match="vừa được người khác cập nhật"):
        services.person_update(actor=world.ctv, person=child, expected_version=1, full_name="Huệ")
    child.refresh_from_db()
    assert (child.full_name, child.version) == ("Hoa", 2)
    assert locking.stale_message()  # the generic message exists for records without their own
