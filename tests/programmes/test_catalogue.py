"""Programme data: the loader, a province's corrections and deletions, the command line."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from giamngheo.audit.models import AuditEvent
from giamngheo.programmes import loader, services
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import Programme
from tests.conftest import World
from tests.programmes.helpers import household, set_status

pytestmark = pytest.mark.django_db


def test_the_shipped_data_loads_with_the_2021_tree_and_legal_bases() -> None:
    counts = loader.load(actor=None)
    assert counts["created"] == Programme.objects.count() > 20
    root = Programme.objects.get(code="ctmtqg-gnbv-2021")
    assert root.verified and "90/QĐ-TTg" in root.legal_basis
    assert root.valid_from == dt.date(2022, 1, 18)
    projects = sorted(root.children.values_list("code", flat=True))
    assert projects == [f"ctmtqg-gnbv-2021.da{i}" for i in range(1, 8)]
    assert Programme.objects.get(code="ctmtqg-gnbv-2021.da3.tda2").parent.code.endswith("da3")
    assert Programme.objects.get(code="vay-hmtn").eligibility["newly_escaped_months"] == 36
    assert not Programme.objects.get(code="bhyt-hn").verified
    assert loader.load(actor=None)["unchanged"] == counts["created"]


def test_a_correction_and_a_deletion_survive_the_next_load(world: World) -> None:
    loader.load(actor=None)
    bhyt = Programme.objects.get(code="bhyt-hcn")
    changed = services.programme_update(
        actor=world.tinh,
        programme=bhyt,
        benefit={"rate": 100, "unit": "thẻ BHYT/người/năm"},
        eligibility={"statuses": ["near_poor", "newly_escaped"], "newly_escaped_months": 6},
    )
    assert changed.locally_changed and changed.eligibility_version == 2
    power = Programme.objects.get(code="tien-dien-hn")
    services.programme_delete(actor=world.tinh, programme=power, reason="Tỉnh không áp dụng")
    counts = loader.load(actor=None)
    assert counts["kept_local"] == 1 and counts["kept_deleted"] == 1
    bhyt.refresh_from_db()
    assert bhyt.benefit["rate"] == 100
    assert Programme.objects.get(code="tien-dien-hn").is_deleted
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"programmes.programme_changed", "programmes.programme_deleted"} <= actions
    assert "programmes.loaded" in actions


def test_only_province_officers_correct_and_bad_rules_are_refused(world: World) -> None:
    loader.load(actor=None)
    bhyt = Programme.objects.get(code="bhyt-hn")
    with pytest.raises(ProgrammeError, match="cấp tỉnh"):
        services.programme_update(actor=world.xa_a, programme=bhyt, name="Khác")
    with pytest.raises(ProgrammeError, match="không hợp lệ"):
        services.programme_update(actor=world.tinh, programme=bhyt, eligibility={"statuses": []})
    with pytest.raises(ProgrammeError, match="sau ngày"):
        services.programme_update(actor=world.tinh, programme=bhyt, valid_to=dt.date(2000, 1, 1))
    root = Programme.objects.get(code="ctmtqg-gnbv-2021")
    with pytest.raises(ProgrammeError, match="trước"):
        services.programme_delete(actor=world.tinh, programme=root, reason="x")


def test_cli_list_and_eligible_as_json(world: World) -> None:
    loader.load(actor=None)
    out = StringIO()
    call_command("programmes", "list", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {"code", "name", "legal_basis", "verified"} <= set(rows[0])
    codes = [r["code"] for r in rows]
    assert codes.index("ctmtqg-gnbv-2021") < codes.index("ctmtqg-gnbv-2021.da3.tda2")
    poor = household(world.village_a1, "A1-600")
    set_status(poor, "poor", dt.date(2025, 1, 10))
    escaped = household(world.village_a2, "A2-600")
    set_status(escaped, "poor", dt.date(2023, 1, 10))
    set_status(escaped, "not_poor", dt.date(2025, 1, 10))
    out = StringIO()
    call_command(
        "programmes",
        "eligible",
        "ctmtqg-gnbv-2021",
        "--area",
        world.commune_a.code,
        "--on",
        "2025-06-01",
        "--format",
        "json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["programme"] == "ctmtqg-gnbv-2021"
    assert result["area"] == world.commune_a.code
    assert result["households"] == 2
    assert result["by_status"] == {"poor": 1, "near_poor": 0, "newly_escaped": 1}
