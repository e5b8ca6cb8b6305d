"""The forms of the 2027-2030 standard (Decree 351/2025/NĐ-CP) as data: they load, are flagged
unverified with a source, tie each question to the rule pack's indicators, and classify through
the engine; the entry page shows the flag and opens with the prefilled result."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.lib import clock
from giamngheo.registry import spreadsheets
from giamngheo.registry.models import Household
from giamngheo.standards import load_pack
from giamngheo.surveys import definitions, services
from giamngheo.surveys.definitions import FormDefinitionError
from giamngheo.surveys.imports import RESULT_FORMS, import_survey_results
from giamngheo.surveys.models import Survey
from tests.conftest import World, log_in

STANDARD = "2027-2030"
FORMS_2027 = ("a-2027", "b1-2027", "b2-2027", "kq-2027")
DAY = dt.date(2027, 10, 1)
RURAL_LINE = 2_200_000  # Decree 351/2025: rural poverty line 2027-2030


@pytest.fixture
def in_2027() -> Iterator[None]:
    clock.set_today(dt.date(2027, 11, 2))
    yield
    clock.set_today(None)


@pytest.mark.parametrize("code", FORMS_2027)
def test_each_2027_form_loads_unverified_with_its_source(code: str) -> None:
    spec = definitions.load_form(code)
    assert spec.standard == STANDARD
    assert spec.verified is False
    assert "351/2025" in str(spec.legal_basis["document"])
    assert spec.legal_basis["source"] and spec.legal_basis["note"] and spec.legal_basis["note_vi"]


def test_the_2027_forms_are_the_four_kinds_and_the_import_knows_the_results_form() -> None:
    kinds = {definitions.load_form(code).kind.value for code in FORMS_2027}
    assert kinds == {"screening", "income", "deprivation", "flags"}
    assert RESULT_FORMS[STANDARD] == "kq-2027"


def test_form_b2_2027_asks_every_field_of_the_pack_and_ties_each_to_its_indicators() -> None:
    pack = load_pack(STANDARD)
    spec = definitions.load_form("b2-2027")
    assert definitions.check_covers_pack(spec, pack.household_fields(), pack.member_fields()) == []
    assert definitions.check_indicators(spec, pack) == []
    tied = {code for f in spec.fields for code in f.indicators}
    assert tied == set(pack.indicator_codes)
    for spec_field in spec.fields:
        # Every question the pack reads names its indicators (sex and income are read by none).
        assert spec_field.indicators == definitions.indicators_reading(pack, spec_field)
    # The information-means questions of 2022-2025 are gone; waste handling is new.
    names = {f.name for f in spec.fields}
    assert "waste_handled" in names and not names & {"owns_tv", "loudspeaker_access"}
    assert not any(f.maps_to == "score_a" for f in spec.fields)  # no score method known


def test_the_results_form_asks_each_indicator_of_the_pack_once() -> None:
    pack = load_pack(STANDARD)
    spec = definitions.load_form("kq-2027")
    assert definitions.check_covers_flags(spec, pack.indicator_codes) == []
    assert definitions.check_indicators(spec, pack) == []


def test_a_question_tied_to_the_wrong_indicator_is_refused(tmp_path: Path) -> None:
    text = (definitions.FORMS_DIR / "b2-2027.toml").read_text("utf-8")
    wrong = text.replace('indicators = ["water"]', 'indicators = ["latrine"]', 1)
    assert wrong != text
    (tmp_path / "b2-2027.toml").write_text(wrong, "utf-8")
    message = r"household.water_source: indicators \['latrine'\] must be \['water'\]"
    with pytest.raises(FormDefinitionError, match=message):
        definitions.load_form("b2-2027", tmp_path)


def b2_2027_answers(household: Household, *, income: int, deprived: int) -> dict[str, Any]:
    spec = definitions.load_form("b2-2027")
    answers = services.prefill_answers(household=household, form=spec, on=DAY)
    answers["household"].update(
        income=income,
        wall_durable=True,
        column_durable=True,
        roof_durable=True,
        floor_area_m2=40.0,
        water_source="piped",
        latrine_type="septic",
        uses_internet=True,
        waste_handled=True,
    )
    switches = [{"waste_handled": False}, {"uses_internet": False}, {"latrine_type": "none"}]
    for switch in switches[:deprived]:
        answers["household"].update(switch)
    for member in answers["members"]:
        child = member["age"] < 16
        member.update(
            employment="not_working" if child else "self_employed",
            education="primary" if child else "upper_secondary",
            studying=child,
            attends_age_appropriate=child,
            has_health_insurance=True,
        )
    return answers


def record(world: World, form: str, answers: dict[str, Any]) -> Any:
    return services.survey_record(
        actor=world.xa_a,
        household=world.household_a1,
        form=form,
        review_year=2027,
        surveyed_on=DAY,
        surveyor_name="Lê Thị Rà Soát",
        answers=answers,
    )


@pytest.mark.django_db
def test_a_2027_survey_is_classified_by_the_2027_2030_pack(world: World, in_2027: None) -> None:
    household = world.household_a1
    poor = record(world, "b2-2027", b2_2027_answers(household, income=RURAL_LINE, deprived=3))
    assert (poor.standard_code, poor.status, poor.deprivation_count) == (STANDARD, "poor", 3)
    assert poor.deprivation_flags["waste"] and poor.deprivation_flags["digital_services"]
    assert poor.score_b is None  # no score method for 2027-2030
    assert services.reproduce(poor).differences == []
    near = record(world, "b2-2027", b2_2027_answers(household, income=RURAL_LINE, deprived=2))
    assert near.status == "near_poor"
    # Above 2,200,000 đ the 2027 line decides alone (it would be average under 2022-2025's
    # bounds, which 2027-2030 does not have): form B1 gives the status.
    above = record(world, "b1-2027", {"household": {"income": RURAL_LINE + 1}})
    assert above.status == "not_poor"
    at_line = record(world, "b1-2027", {"household": {"income": RURAL_LINE}})
    assert at_line.status == ""  # poor or near-poor: form B2 decides
    household.refresh_from_db()  # the last B2 (2 deprivations), then the last B1's income
    assert (household.waste_handled, household.uses_internet) == (False, False)
    assert household.income == RURAL_LINE


@pytest.mark.django_db
def test_a_2027_form_is_refused_for_a_2026_review(world: World, in_2027: None) -> None:
    with pytest.raises(definitions.SurveyError, match="2026"):
        services.survey_record(
            actor=world.xa_a,
            household=world.household_a1,
            form="b1-2027",
            review_year=2026,
            surveyed_on=dt.date(2026, 10, 1),
            surveyor_name="Lê Thị Rà Soát",
            answers={"household": {"income": 1}},
        )


@pytest.mark.django_db
@pytest.mark.urls("tests.surveys.urls")
def test_the_entry_page_flags_the_unverified_form_and_opens_with_the_result(
    world: World, in_2027: None
) -> None:
    household = world.household_a1
    Household.objects.filter(pk=household.pk).update(
        income=RURAL_LINE + 500_000,
        floor_area_m2=40,
        water_source="piped",
        latrine_type="septic",
    )
    client = Client()
    log_in(client, "xa_a")
    page = client.get(reverse("surveys:survey_new", args=[household.pk, "b2-2027"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="form-unverified"' in html
    assert "chưa đối chiếu với phụ lục của Nghị định 351/2025/NĐ-CP" in html
    # The preview shows the prefilled answers' result when the page opens (2 November 2027).
    assert 'id="status" data-status="not_poor"' in html
    assert "2027-2030 (1.0.0)" in html


@pytest.mark.django_db
def test_2027_results_are_imported_with_the_results_form_of_the_pack(
    world: World, in_2027: None, tmp_path: Path
) -> None:
    pack = load_pack(STANDARD)
    path = tmp_path / "ket-qua-2027.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in spreadsheets.survey_columns(STANDARD)])
        deprived = {"waste", "digital_services", "water"}
        flags = [1 if code in deprived else 0 for code in pack.indicator_codes]
        writer.writerow(["A1-001", 2027, STANDARD, "Nông thôn", RURAL_LINE, *flags])
    report = import_survey_results(actor=world.tinh, path=path, dry_run=False)
    assert report.errors == [] and report.created == 1
    survey = Survey.objects.get(pk=report.created_ids[0])
    assert (survey.form.code, survey.standard_code, survey.status) == ("kq-2027", STANDARD, "poor")
    assert services.reproduce(survey).differences == []
