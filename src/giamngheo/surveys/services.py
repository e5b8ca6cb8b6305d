"""Writes of surveys (and the evaluation they share with the live preview).

``survey_record`` validates the answers against the form definition, runs the standards
engine's scalar path and stores the survey with its immutable result and one audit event. It
proposes a status; it never changes ``Household.status`` (only the commune's recognition
decision does, Quyết định 24/2021/QĐ-TTg Art. 4 step 5). The answers it measures (income,
living conditions, members' answers) become the household's current values in the registry
(``registry.services.households_values_from_surveys``) unless a later-dated survey measured
them: the next survey is prefilled with today's facts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.audit import services as audit
from giamngheo.lib import clock, idempotency
from giamngheo.lib.formatting import format_date
from giamngheo.registry import fields as registry_fields
from giamngheo.registry import services as registry
from giamngheo.registry.models import Household, Membership
from giamngheo.standards import Pack, load_pack, load_pack_file
from giamngheo.surveys import definitions, engine, selectors
from giamngheo.surveys.definitions import (
    CleanAnswers,
    FormSpec,
    Kind,
    MemberRef,
    Problem,
    SurveyError,
)
from giamngheo.surveys.models import FormDefinition, RulePackSnapshot, Survey

# -- form definitions and rule packs ----------------------------------------------------------


def form_definition(code: str) -> FormDefinition:
    """The stored row of the current version of form ``code`` (created on first use). A
    published version whose file content changed is refused: publish a new version instead."""
    spec = definitions.load_form(code)
    row, _created = FormDefinition.objects.get_or_create(
        code=spec.code,
        version=spec.version,
        defaults={
            "kind": spec.kind.value,
            "standard": spec.standard,
            "title_vi": spec.title_vi,
            "title_en": spec.title_en,
            "definition": spec.data,
            "sha256": spec.sha256,
        },
    )
    if row.sha256 != spec.sha256:
        raise definitions.FormDefinitionError(
            f"form {spec.code} version {spec.version} was changed after it was used; "
            "give the changed file a new version"
        )
    return row


_SPECS: dict[str, FormSpec] = {}


def spec_of(definition: FormDefinition) -> FormSpec:
    """The parsed definition stored in ``definition`` (cached by content hash)."""
    spec = _SPECS.get(definition.sha256)
    if spec is None:
        spec = FormSpec.from_data(definition.definition, origin=str(definition))
        _SPECS[definition.sha256] = spec
    return spec


@dataclass(frozen=True)
class PackFiles:
    pack: Pack
    sha256: str
    files: list[dict[str, str]]


# The files and hash of each loaded pack. ``load_pack`` returns the same object while its files
# are unchanged, so the text is read and hashed once per pack per process, not on every preview.
_PACK_FILES: dict[int, PackFiles] = {}


def pack_files(code: str) -> PackFiles:
    """The rule pack ``code`` as currently installed, with its files' text and their hash."""
    pack = load_pack(code)
    cached = _PACK_FILES.get(id(pack))
    if cached is not None and cached.pack is pack:
        return cached
    files = [{"name": Path(p).name, "text": Path(p).read_text("utf-8")} for p in pack.files]
    digest = hashlib.sha256(json.dumps(files, ensure_ascii=False).encode()).hexdigest()
    current = PackFiles(pack, digest, files)
    if len(_PACK_FILES) >= 64:  # packs from many temporary directories (tests)
        _PACK_FILES.clear()
    _PACK_FILES[id(pack)] = current
    return current


def pack_snapshot(current: PackFiles) -> RulePackSnapshot:
    snapshot, _created = RulePackSnapshot.objects.get_or_create(
        sha256=current.sha256,
        defaults={
            "code": current.pack.code,
            "version": current.pack.version,
            "files": current.files,
        },
    )
    return snapshot


def pack_for_snapshot(snapshot: RulePackSnapshot) -> Pack:
    """The pack exactly as a stored result used it: the installed one if unchanged, else
    rebuilt from the stored file text. (A province pack is rebuilt over the *installed* parent;
    national packs, which have no parent, are rebuilt exactly.)"""
    try:
        current = pack_files(snapshot.code)
    except LookupError:
        current = None
    if current is not None and current.sha256 == snapshot.sha256:
        return current.pack
    own = next(f for f in snapshot.files if Path(f["name"]).stem == snapshot.code)
    with tempfile.TemporaryDirectory(prefix="giamngheo-pack-") as directory:
        path = Path(directory) / own["name"]
        path.write_text(own["text"], "utf-8")
        return load_pack_file(path)


# -- members and prefilled answers --------------------------------------------------------------


def age_on(birth_date: dt.date | None, birth_year: int, on: dt.date) -> int:
    """Age in completed years on ``on``; with the birth year only, ``on.year - birth_year`` (the
    forms ask the year of birth; the day is unknown)."""
    if birth_date is None:
        return on.year - birth_year
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def member_refs(memberships: list[Membership]) -> list[MemberRef]:
    return [MemberRef(m.person_id, m.person.full_name) for m in memberships]


def prefill_answers(
    *,
    household: Household,
    form: FormSpec,
    on: dt.date,
    memberships: list[Membership] | None = None,
) -> dict[str, Any]:
    """Answers prefilled from the registry's current household and person values (fields of the
    registry mirror the engine's raw schema), ages counted on ``on``. Unmapped questions (Phiếu
    A) and values the registry does not have (no income yet) are left empty."""
    if memberships is None:
        memberships = selectors.members_at(household, on)
    answers_household: dict[str, Any] = {}
    for spec_field in form.household_fields:
        source = spec_field.maps_to
        if source and hasattr(household, source):
            answers_household[spec_field.name] = _json_value(getattr(household, source))
    members: list[dict[str, Any]] = []
    if form.has_members:
        for membership in memberships:
            person = membership.person
            row: dict[str, Any] = {"person_id": person.pk}
            for spec_field in form.member_fields:
                if spec_field.maps_to == "age":
                    row[spec_field.name] = age_on(person.birth_date, person.birth_year, on)
                elif spec_field.maps_to and hasattr(person, spec_field.maps_to):
                    row[spec_field.name] = _json_value(getattr(person, spec_field.maps_to))
            members.append(row)
    return {"household": answers_household, "members": members}


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


# -- evaluation (shared by the preview and survey_record) ---------------------------------------


@dataclass(frozen=True)
class Evaluation:
    spec: FormSpec
    pack_files: PackFiles
    answers: CleanAnswers
    inputs: dict[str, Any]
    result: engine.SurveyResult
    members: list[MemberRef]


def evaluate_answers(
    *,
    household: Household,
    spec: FormSpec,
    review_year: int,
    surveyed_on: dt.date,
    answers: Mapping[str, Any],
) -> Evaluation:
    """Validate ``answers`` and run the engine's scalar path. Writes nothing (the live preview
    calls this on every keystroke). Raises ``SurveyError`` listing every problem."""
    current = pack_files(spec.standard)
    pack = current.pack
    problems: list[Problem] = []
    if not pack.covers_year(review_year):
        first, last = pack.review_years
        problems.append(
            Problem(
                "review_year",
                _(
                    "Năm rà soát %(year)s không áp dụng chuẩn %(standard)s của phiếu này "
                    "(chuẩn áp dụng cho các năm %(first)s–%(last)s)."
                )
                % {"year": review_year, "standard": pack.code, "first": first, "last": last},
            )
        )
    if surveyed_on.year != review_year:
        problems.append(
            Problem(
                "surveyed_on",
                _("Ngày khảo sát phải thuộc năm rà soát %(year)s.") % {"year": review_year},
            )
        )
    if surveyed_on > clock.today():
        problems.append(Problem("surveyed_on", _("Ngày khảo sát không được ở tương lai.")))
    memberships = selectors.members_at(household, surveyed_on) if spec.has_members else []
    members = member_refs(memberships)
    try:
        clean = definitions.validate_answers(spec, answers, members)
    except SurveyError as exc:
        problems.extend(exc.problems)
        raise SurveyError(problems) from None
    if problems:
        raise SurveyError(problems)
    inputs = engine.build_inputs(
        spec, clean, pack=pack, household_code=household.code, area_type=household.area_kind
    )
    result = engine.evaluate(pack, inputs)
    return Evaluation(spec, current, clean, inputs, result, members)


# -- writes -----------------------------------------------------------------------------------


@transaction.atomic
def survey_record(
    *,
    actor: Actor,
    household: Household,
    form: str,
    review_year: int,
    surveyed_on: dt.date,
    answers: Mapping[str, Any],
    surveyor: Any = None,
    surveyor_name: str = "",
    submission_key: uuid.UUID | None = None,
) -> Survey:
    """Record one filled form (current version of form ``form``) for ``household``.

    Checks that ``actor`` may change the household's village (collaborators in their villages,
    officers in their area; inspectors never), validates the answers, runs the engine and stores
    the survey with its result, the exact inputs and the rule pack's snapshot. ``surveyor`` (a
    user) and/or ``surveyor_name`` say who filled the form.

    ``submission_key``: the entry form's one-time key (``lib.idempotency``); a second call
    with the same key returns the survey of the first one and records nothing."""
    if actor is not None and not access.can_change_area(actor, household.village):
        raise SurveyError(_("Bạn không có quyền nhập phiếu khảo sát cho hộ ở địa bàn này."))
    same_household = Survey.objects.filter(household=household)
    recorded = idempotency.earlier(same_household, submission_key)
    if recorded is not None:
        return recorded
    surveyor_name = surveyor_name.strip()
    if surveyor is None and not surveyor_name:
        raise SurveyError([Problem("surveyor_name", _("Cần ghi tên rà soát viên."))])
    definition = form_definition(form)
    spec = spec_of(definition)
    evaluation = evaluate_answers(
        household=household,
        spec=spec,
        review_year=review_year,
        surveyed_on=surveyed_on,
        answers=answers,
    )
    snapshot = pack_snapshot(evaluation.pack_files)

    def create(key: uuid.UUID | None) -> Survey:
        return Survey.objects.create(
            submission_key=key,
            province_id=household.province_id,
            commune_id=household.commune_id,
            village_id=household.village_id,
            household=household,
            form=definition,
            review_year=review_year,
            surveyed_on=surveyed_on,
            surveyor=surveyor,
            surveyor_name=surveyor_name,
            answers=evaluation.answers.to_json(),
            inputs=evaluation.inputs,
            standard_snapshot=snapshot,
            created_by=acting_user(actor),
            **evaluation.result.stored_fields(),
        )

    survey = idempotency.create_once(same_household, submission_key, create)
    if idempotency.replayed(survey):
        return survey
    audit.record(
        actor=actor,
        action="surveys.survey_recorded",
        obj=survey,
        after={
            "household_id": household.pk,
            "form": f"{definition.code} v{definition.version}",
            "review_year": review_year,
            "surveyed_on": surveyed_on,
            "surveyor_id": getattr(surveyor, "pk", None),
            "surveyor_name": surveyor_name,
            "standard": f"{snapshot.code} {snapshot.version}",
            "status": survey.status,
            "screening": survey.screening,
            "score_a": survey.score_a,
            "score_b": survey.score_b,
            "deprivation_count": survey.deprivation_count,
        },
    )
    update_registry(actor=actor, surveys=[survey])
    return survey


# -- the registry's current values --------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """The registry fields a form measures: household fields and member answers."""

    household: frozenset[str]
    members: frozenset[str]


_MEASURED: dict[str, Measured] = {}


def measured_by(spec: FormSpec) -> Measured:
    """The registry fields the answers of ``spec`` measure (its ``maps_to`` that the registry
    stores; identity such as sex and the age are not survey-measured values)."""
    found = _MEASURED.get(spec.sha256)
    if found is None:
        household = set(registry_fields.HOUSEHOLD_SURVEY_NAMES)
        members = set(registry_fields.PERSON_ANSWER_NAMES)
        found = Measured(
            frozenset(f.maps_to for f in spec.household_fields if f.maps_to in household),
            frozenset(f.maps_to for f in spec.member_fields if f.maps_to in members),
        )
        _MEASURED[spec.sha256] = found
    return found


def measured_values(
    spec: FormSpec, answers: Mapping[str, Any], *, skip: Measured | None = None
) -> registry.MeasuredValues:
    """The answers of a survey as registry values (by the registry's field names), without the
    fields in ``skip`` and without unanswered (``None``) ones."""
    skip = skip or Measured(frozenset(), frozenset())
    wanted = measured_by(spec)
    household = {
        f.maps_to: value
        for f in spec.household_fields
        if f.maps_to in wanted.household - skip.household
        and (value := (answers.get("household") or {}).get(f.name)) is not None
    }
    members: dict[int, dict[str, Any]] = {}
    for row in answers.get("members") or []:
        values = {
            f.maps_to: value
            for f in spec.member_fields
            if f.maps_to in wanted.members - skip.members and (value := row.get(f.name)) is not None
        }
        if values:
            members[int(row["person_id"])] = values
    return registry.MeasuredValues(household, members)


def measured_later(
    dates: Mapping[int, dt.date], *, exclude: Collection[int] = ()
) -> dict[int, Measured]:
    """Household id → the registry fields that a survey dated *after* ``dates[household]``
    measured, leaving the surveys ``exclude`` names aside. One query, grouped by household and
    form."""
    if not dates:
        return {}
    rows = (
        Survey.objects.filter(household_id__in=list(dates), surveyed_on__gt=min(dates.values()))
        .exclude(pk__in=list(exclude))
        .values("household_id", "form_id")
        .annotate(last=Max("surveyed_on"))
        .order_by()
    )
    later = [r for r in rows if r["last"] > dates[r["household_id"]]]
    definitions_by_id = FormDefinition.objects.in_bulk({r["form_id"] for r in later})
    household: dict[int, set[str]] = {}
    members: dict[int, set[str]] = {}
    for row in later:
        measured = measured_by(spec_of(definitions_by_id[row["form_id"]]))
        household.setdefault(row["household_id"], set()).update(measured.household)
        members.setdefault(row["household_id"], set()).update(measured.members)
    return {pk: Measured(frozenset(household[pk]), frozenset(members[pk])) for pk in household}


def update_registry(*, actor: Actor, surveys: Collection[Survey]) -> dict[int, list[str]]:
    """Make the answers ``surveys`` measured the current values of their households and
    members, for each household from its latest survey among them (by survey date, then by
    recording), leaving out what a survey dated later measured: a survey entered late never
    overwrites newer facts. Returns what the registry service changed (household id → fields).
    """
    latest: dict[int, Survey] = {}
    for survey in surveys:
        known = latest.get(survey.household_id)
        if known is None or (survey.surveyed_on, survey.pk) > (known.surveyed_on, known.pk):
            latest[survey.household_id] = survey
    later = measured_later(
        {pk: s.surveyed_on for pk, s in latest.items()}, exclude=[s.pk for s in surveys]
    )
    measured: dict[int, registry.MeasuredValues] = {}
    for pk, survey in latest.items():
        values = measured_values(spec_of(survey.form), survey.answers, skip=later.get(pk))
        if values.household or values.members:
            measured[pk] = values
    if not measured:
        return {}
    if len(latest) == 1:
        survey = next(iter(latest.values()))
        note = _("Theo phiếu khảo sát %(form)s ngày %(date)s (số %(id)s).") % {
            "form": survey.form.code,
            "date": format_date(survey.surveyed_on),
            "id": survey.pk,
        }
    else:
        note = _("Theo %(count)s phiếu khảo sát mới nhất của các hộ.") % {"count": len(measured)}
    return registry.households_values_from_surveys(actor=actor, measured=measured, note=note)


# -- reproduction -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reproduction:
    result: engine.SurveyResult
    differences: list[str]  # result columns where the re-run differs from the stored values
    pack_changed: bool  # the installed pack differs from the one the survey used


def reproduce(survey: Survey) -> Reproduction:
    """Re-run the engine on the survey's stored inputs with the rule pack it used."""
    snapshot = survey.standard_snapshot
    pack = pack_for_snapshot(snapshot)
    try:
        changed = pack_files(snapshot.code).sha256 != snapshot.sha256
    except LookupError:
        changed = True
    result = engine.evaluate(pack, survey.inputs)
    stored = {name: getattr(survey, name) for name in result.stored_fields()}
    return Reproduction(result, engine.same_result(stored, result), changed)


def kind_of(survey: Survey) -> Kind:
    return Kind(survey.form.kind)
