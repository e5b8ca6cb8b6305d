"""The test harness (tests/conftest.py): the state a transactional test leaves behind."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from giamngheo.areas import services as area_services
from giamngheo.areas.models import AdministrativeUnit, Level
from tests import conftest


def _rows() -> dict[str, list[bytes]]:
    """Every row of the database, per table, in a stable order."""
    return {table: sorted(rows.splitlines()) for table, rows in conftest._every_row().rows.items()}


@pytest.mark.django_db(transaction=True)
def test_a_flush_brings_back_the_rows_of_migrate_and_of_the_official_units_under_their_keys() -> (
    None
):
    # The xdist workers share rows that a load wrote (load_once_per_run), so the rows each
    # database holds between tests must be the same, key for key, in every worker. Migrate's
    # post_migrate handlers (content types, the handbook and its audit event) wrote theirs under
    # keys their sequences gave; a flush that ran them again gave them new ones.
    start = _rows()
    assert {"django_content_type", "training_handbookpage", "audit_auditevent"} <= set(start)
    commune = AdministrativeUnit.objects.filter(level=Level.COMMUNE).first()
    area_services.village_create(actor=None, commune=commune, name="Thôn Thử", unit_type="thon")
    assert _rows() != start

    call_command("flush", interactive=False, verbosity=0)

    assert _rows() == start
