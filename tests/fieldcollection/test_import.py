"""Importing ODK Central CSV zips and Kobo JSON exports: surveys through the surveys service,
conflicts held when the household changed, idempotent re-imports, dry runs and hostile files
that change nothing, refusals per submission outside the importer's area."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings
from PIL import Image

from giamngheo.audit.models import AuditEvent
from giamngheo.fieldcollection import services
from giamngheo.fieldcollection.models import FieldSubmission, SubmissionStatus
from giamngheo.lib.errors import DomainError
from giamngheo.registry.models import Household
from giamngheo.surveys.models import Survey
from tests.conftest import World
from tests.fieldcollection import helpers
from tests.surveys.conftest import b2_answers

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int, int]:
    return (
        Survey.objects.count(),
        FieldSubmission.objects.count(),
        AuditEvent.objects.count(),
        sum(Household.objects.values_list("version", flat=True)),
    )


def _photo_files() -> set[Path]:
    root = Path(FieldSubmission._meta.get_field("photo").storage.location) / "fieldcollection"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def _sub(household: Household, **kwargs: Any) -> dict[str, Any]:
    return helpers.submission(household, b2_answers(household), **kwargs)


def test_central_zip_becomes_a_survey_with_its_proof(world: World, tmp_path: Path) -> None:
    household = world.household_a1
    sub = _sub(household)
    path = helpers.central_zip(tmp_path / "export.zip", [sub])
    report = services.import_export(actor=world.xa_a, path=path)
    assert (report.recorded, report.errors, report.file_error) == (1, [], "")
    row = FieldSubmission.objects.get()
    assert row.status == SubmissionStatus.RECORDED and row.instance_id == sub["instance"]
    assert row.survey is not None and row.survey.household_id == household.pk
    assert row.survey.answers["household"]["water_source"] == "piped"
    assert [m["person_id"] for m in row.survey.answers["members"]] == [
        m["person_id"] for m in b2_answers(household)["members"]
    ]
    assert (float(row.latitude or 0), float(row.longitude or 0)) == (21.0285, 105.8542)
    assert row.photo.name.endswith(".png") and row.photo.read() == helpers.png_bytes()
    assert AuditEvent.objects.filter(action="fieldcollection.submission_imported").count() == 1
    assert AuditEvent.objects.filter(action="surveys.survey_recorded").count() == 1
    # Re-importing the same export records nothing more.
    again = services.import_export(actor=world.xa_a, path=path)
    assert (again.recorded, again.already) == (0, 1)
    assert Survey.objects.count() == 1


def test_kobo_json_is_imported_the_same_way(world: World, tmp_path: Path) -> None:
    sub = _sub(world.household_a1)
    path = helpers.kobo_json(tmp_path / "data.json", [sub])
    report = services.import_export(actor=None, path=path)
    assert (report.recorded, report.errors) == (1, [])
    row = FieldSubmission.objects.get()
    assert row.instance_id == sub["instance"] and not row.photo  # Kobo's JSON has no files
    assert row.payload["photo_name"] == sub["main"]["photo"]
    assert services.import_export(actor=None, path=path).already == 1


def test_changed_household_is_held_then_resolved(world: World, tmp_path: Path) -> None:
    household = world.household_a1
    first = _sub(household)
    second = _sub(household)
    # An edit on the server after the form was made (every edit bumps the version).
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
    path = helpers.central_zip(tmp_path / "export.zip", [first, second])
    report = services.import_export(actor=world.xa_a, path=path)
    assert (report.recorded, report.conflicts) == (0, 2)
    assert Survey.objects.count() == 0
    held = list(FieldSubmission.objects.order_by("pk"))
    assert {h.status for h in held} == {SubmissionStatus.CONFLICT}
    assert held[0].form_version + 1 == held[0].server_version
    # Accept: the survey is recorded now, through the surveys service; audited.
    accepted = services.conflict_accept(actor=world.xa_a, submission=held[0])
    assert accepted.status == SubmissionStatus.ACCEPTED and accepted.survey is not None
    with pytest.raises(DomainError):
        services.conflict_accept(actor=world.xa_a, submission=held[0])  # not twice
    # Reject: a reason is required; a commune officer elsewhere may not.
    with pytest.raises(DomainError):
        services.conflict_reject(actor=world.xa_a, submission=held[1], reason="  ")
    with pytest.raises(DomainError):
        services.conflict_reject(actor=world.xa_b, submission=held[1], reason="trùng")
    rejected = services.conflict_reject(actor=world.xa_a, submission=held[1], reason="Phiếu trùng")
    assert rejected.status == SubmissionStatus.REJECTED and rejected.survey is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"fieldcollection.submission_held", "fieldcollection.conflict_accepted"} <= actions
    assert "fieldcollection.conflict_rejected" in actions
    assert Survey.objects.count() == 1


def test_dry_run_changes_nothing(world: World, tmp_path: Path) -> None:
    path = helpers.central_zip(tmp_path / "export.zip", [_sub(world.household_a1)])
    before, photos = _state(), _photo_files()
    report = services.import_export(actor=world.xa_a, path=path, dry_run=True)
    assert report.recorded == 1 and "chưa ghi" in report.headline()
    assert _state() == before and _photo_files() == photos
    out = io.StringIO()
    call_command("odk", "import", str(path), "--dry-run", stdout=out)
    assert "1 ghi thành phiếu" in out.getvalue() and "chưa ghi" in out.getvalue()
    assert _state() == before and _photo_files() == photos


def test_refusals_are_per_submission(world: World, tmp_path: Path) -> None:
    other_commune = _sub(world.household_b1)
    bad_answers = b2_answers(world.household_a1)
    bad = helpers.submission(world.household_a1, bad_answers)
    bad["members"][0]["age"] = "bốn mươi"
    good = _sub(world.household_a2)
    path = helpers.central_zip(tmp_path / "export.zip", [other_commune, bad, good])
    report = services.import_export(actor=world.xa_a, path=path)
    assert report.recorded == 1 and len(report.errors) == 2
    by_household = {e["household"]: e["messages"] for e in report.errors}
    assert "không thuộc địa bàn" in by_household["B1-001"][0]
    assert any("phải là số nguyên" in m for m in by_household["A1-001"])
    survey = Survey.objects.get()
    assert survey.household_id == world.household_a2.pk
    assert FieldSubmission.objects.count() == 1


def test_photos_are_checked(world: World, tmp_path: Path) -> None:
    fake = helpers.central_zip(
        tmp_path / "fake.zip", [_sub(world.household_a1)], photo=b"<html>not an image</html>"
    )
    report = services.import_export(actor=None, path=fake)
    assert (
        report.recorded == 0 and "không phải ảnh JPEG hoặc PNG" in report.errors[0]["messages"][0]
    )
    with override_settings(FIELD_PHOTO_MAX_BYTES=20):
        big = helpers.central_zip(tmp_path / "big.zip", [_sub(world.household_a1)])
        report = services.import_export(actor=None, path=big)
    assert report.recorded == 0 and "vượt quá giới hạn" in report.errors[0]["messages"][0]
    assert FieldSubmission.objects.count() == 0 and Survey.objects.count() == 0


def test_hostile_files_change_nothing(world: World, tmp_path: Path) -> None:
    good = helpers.central_zip(tmp_path / "export.zip", [_sub(world.household_a1)])
    before = _state()
    cases: dict[str, Path] = {}
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    cases["truncated"] = truncated
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("giamngheo_b2_2022.csv", b"KEY\n" + b"0" * (30 * 1024 * 1024))
    cases["bomb"] = bomb
    wrong = tmp_path / "wrong.json"
    wrong.write_text('"chỉ là một chuỗi"')
    cases["wrong json"] = wrong
    text = tmp_path / "export.txt"
    text.write_text("xin chào")
    cases["not an export"] = text
    no_main = tmp_path / "nomain.zip"
    with zipfile.ZipFile(no_main, "w") as archive:
        archive.writestr("readme.txt", "x")
    cases["no main table"] = no_main
    messages = {}
    for name, path in cases.items():
        report = services.import_export(actor=None, path=path)
        assert report.file_error, name
        messages[name] = report.file_error
    assert "hỏng" in messages["truncated"]
    assert "zip bomb" in messages["bomb"]
    with override_settings(TABLE_MAX_ROWS=3):
        subs = [_sub(world.household_a1) for _ in range(4)]
        huge = helpers.central_zip(tmp_path / "huge.zip", subs)
        report = services.import_export(actor=None, path=huge)
    assert "dòng" in report.file_error and report.recorded == 0
    assert _state() == before


def test_a_file_broken_after_good_submissions_leaves_nothing(world: World, tmp_path: Path) -> None:
    """The main table is streamed: a broken line after a recorded submission rolls the whole
    import back, photos included."""
    path = helpers.central_zip(tmp_path / "export.zip", [_sub(world.household_a1)])
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "giamngheo_b2_2022.csv":
                data += b"a,b,c," * 200 + b"\r\n"  # more cells than the header
            target.writestr(info, data)
    before, photos = _state(), _photo_files()
    report = services.import_export(actor=world.xa_a, path=broken)
    assert "nhiều cột hơn tiêu đề" in report.file_error and report.recorded == 0
    assert _state() == before and _photo_files() == photos


def test_kobo_json_zipped_with_its_photos(world: World, tmp_path: Path) -> None:
    sub = _sub(world.household_a1)
    data = helpers.kobo_json(tmp_path / "data.json", [sub])
    path = tmp_path / "kobo.zip"
    jpeg = io.BytesIO()
    Image.new("RGB", (6, 6), (1, 2, 3)).save(jpeg, format="JPEG")
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(data, "data.json")
        archive.writestr(f"attachments/{sub['main']['photo']}", jpeg.getvalue())
    report = services.import_export(actor=None, path=path)
    assert (report.recorded, report.errors) == (1, [])
    row = FieldSubmission.objects.get()
    assert row.photo.name.endswith(".jpg") and row.photo.read() == jpeg.getvalue()
