"""The training demo: deterministic, idempotent, one audit event, statistics that hold."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection

from giamngheo.audit.models import AuditEvent
from giamngheo.training import demo, selectors
from giamngheo.training.models import Attempt, Participant, Registration, TrainingClass
from tests.conftest import World
from tests.training.conftest import add_worker

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # demo content: not about the server
TODAY = dt.date(2026, 11, 22)


def _fingerprint() -> list[tuple[object, ...]]:
    """The demo's people, classes and test scores, without database keys (the second load gets
    new keys: the same seed must still draw the same data)."""
    registrations = Registration.objects.filter(participant__is_demo=True).values_list(
        "training_class__code", "participant__full_name", "category", "certificate_number"
    )
    scores = Attempt.objects.filter(participant__is_demo=True).values_list(
        "assessment__title", "participant__full_name", "score"
    )
    return sorted(registrations) + sorted(scores)


def _next_participant_key_at(residue: int, modulo: int) -> None:
    table = Participant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        start = top + 1 + (residue - (top + 1)) % modulo
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, start - 1])


def test_the_demo_is_deterministic_idempotent_and_audited_once(world: World) -> None:
    for number, commune in enumerate((world.commune_a, world.commune_b)):
        add_worker(commune, f"D-{number}1", f"Cán Bộ Xã {number}", "commune_officer")
        add_worker(commune, f"D-{number}2", f"Cộng Tác Viên {number}", "collaborator")
    events = AuditEvent.objects.count()
    first = demo.load_training_demo(province=world.province, seed=3, today=TODAY)
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "training.demo_loaded" and event.after["classes"] == first.classes
    fingerprint = _fingerprint()
    second = demo.load_training_demo(province=world.province, seed=3, today=TODAY)
    assert _fingerprint() == fingerprint
    assert dataclasses.replace(second, deleted={}, questions_added=0, pages_added=0) == (
        dataclasses.replace(first, deleted={}, questions_added=0, pages_added=0)
    )
    assert second.deleted["classes"] == first.classes
    assert TrainingClass.objects.filter(plan__is_demo=True).count() == first.classes
    assert first.roster_from_workforce
    assert Participant.objects.filter(is_demo=True, worker__isnull=False).count() == 4


def test_the_same_seed_draws_the_same_data_whatever_keys_the_database_gives(
    world: World,
) -> None:
    """Reloads whose ~170 people get keys starting at 0 and at 400 modulo 512: a Python set of
    them (512 slots, ordered by key modulo the size) iterates in two different orders, one of
    them not the first load's. A set's order once decided who got which ability, so the test
    scores (and a class's gain) changed with the database the demo was loaded into."""
    demo.load_training_demo(province=world.province, seed=3, today=TODAY)
    fingerprint = _fingerprint()
    for residue in (0, 400):
        _next_participant_key_at(residue, modulo=512)
        demo.load_training_demo(province=world.province, seed=3, today=TODAY)
        assert _fingerprint() == fingerprint, residue


def test_demo_statistics_tell_participations_from_people(world: World) -> None:
    report = demo.load_training_demo(province=world.province, seed=2025, today=TODAY)
    assert report.year == 2026
    stats = selectors.training_statistics(world.admin, year=report.year)
    assert stats.classes == report.classes == 7
    assert stats.participations == report.participations
    assert stats.people == report.people < stats.participations
    assert stats.cost_total == report.cost_total > 0
    assert Attempt.objects.filter(assessment__is_demo=True).exists()  # the contest
    gains = [row.gains.gain_mean for row in stats.class_rows if row.gains.gain_mean is not None]
    assert gains and all(gain > 0 for gain in gains)


def test_the_demo_year_lies_in_the_past() -> None:
    assert demo.demo_year(dt.date(2026, 11, 22)) == 2026
    assert demo.demo_year(dt.date(2026, 2, 1)) == 2025
