"""Every upload has a size limit and is checked for what it really is (``lib.uploads``): the
household/survey import, the village CSV and the minutes scan; too large or wrong files get a
form error, and request bodies past Django's limits a 400, never a 5xx."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.jobs.models import Job
from giamngheo.lib import uploads
from giamngheo.review.forms import MinutesScanForm
from giamngheo.review.models import Meeting
from tests.conftest import World
from tests.registry.hostile import build

FILES = Path(__file__).parents[1] / "registry" / "hostile" / "files"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"


def scan_form(upload: SimpleUploadedFile) -> MinutesScanForm:
    return MinutesScanForm(files=MultiValueDict({"scan": [upload]}))


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


# -- the pieces -----------------------------------------------------------------------------------


def test_the_handler_stops_storing_a_file_past_the_limit() -> None:
    with override_settings(UPLOAD_MAX_BYTES=100):
        handler = uploads.UploadLimitHandler()
    handler.new_file("file", "big.csv", "text/csv", 1000)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    assert handler.receive_data_chunk(b"x" * 60, 60) is None  # not passed on
    assert handler.receive_data_chunk(b"x" * 60, 120) is None
    dropped = handler.file_complete(180)
    assert isinstance(dropped, uploads.OversizedUpload)
    assert (dropped.name, dropped.size, dropped.read()) == ("big.csv", 180, b"")
    with pytest.raises(ValidationError, match=r"Tệp lớn 180 byte, vượt quá giới hạn 1\.000 byte"):
        uploads.check_size(dropped, 1000)
    handler.new_file("file", "small.csv", "text/csv", 10)
    assert handler.receive_data_chunk(b"ok", 0) == b"ok"
    assert handler.file_complete(2) is None  # the next handler stores it


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.xlsx", (FILES / "pdf_named.xlsx").read_bytes(), "nội dung là tệp PDF"),
        ("a.xlsx", (FILES / "ods_named.xlsx").read_bytes(), "OpenDocument"),
        ("a.csv", (FILES / "xlsx_named.csv").read_bytes(), "nội dung là tệp nén zip"),
        ("a.csv", (FILES / "nul.csv").read_bytes(), "ký tự NUL (mã 0) ở dòng 3"),
        ("a.csv", (FILES / "utf16.csv").read_bytes(), "UTF-16"),
        ("a.csv", (FILES / "cp1258.csv").read_bytes(), "không được lưu với mã hóa UTF-8"),
        ("a.xls", b"\xd0\xcf\x11\xe0", "Không nhận tệp .xls"),
        ("a.ods", b"PK\x03\x04", "Không nhận tệp .ods"),
        ("a.txt", b"a,b\n", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."),
    ],
)
def test_an_import_file_must_be_what_its_name_says(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        uploads.validate_table_upload(SimpleUploadedFile(name, data))


def test_valid_import_files_pass_and_are_rewound() -> None:
    xlsx = SimpleUploadedFile("a.xlsx", build.workbook_bytes([("S", build.sheet_xml(""))]))
    csv = SimpleUploadedFile("a.csv", "\ufeffMã hộ,Họ và tên\nH-1,Lê Văn Ba\n".encode())
    for upload in (xlsx, csv):
        uploads.validate_table_upload(upload)
        assert upload.tell() == 0


@pytest.mark.parametrize(
    ("data", "accepted"),
    [(PDF, "scan.pdf"), (PNG, "scan.png"), (b"\xff\xd8\xff\xe0" + b"\0" * 20, "scan.jpg")],
)
def test_a_scan_is_recognised_by_its_bytes_and_named_after_them(data: bytes, accepted: str) -> None:
    form = scan_form(SimpleUploadedFile("scan.exe", data))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["scan"].name == accepted


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00", "chương trình máy tính"),
        (b"<html><script>", "văn bản"),
        ((FILES / "xlsx_named.csv").read_bytes(), "tệp nén zip"),
    ],
)
def test_a_scan_that_is_not_pdf_jpeg_or_png_is_refused(data: bytes, message: str) -> None:
    form = scan_form(SimpleUploadedFile("bien-ban.pdf", data))
    assert not form.is_valid()
    assert "Bản chụp phải là tệp PDF, JPEG hoặc PNG" in form.errors["scan"][0]
    assert message in form.errors["scan"][0]


@override_settings(SCAN_MAX_BYTES=1024)
def test_a_scan_larger_than_the_limit_is_refused() -> None:
    form = scan_form(SimpleUploadedFile("a.pdf", PDF + b"\0" * 2000))
    assert not form.is_valid()
    assert "vượt quá giới hạn 1 KB" in form.errors["scan"][0]


# -- through the pages ----------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_BYTES=10_000)
def test_an_import_larger_than_the_limit_is_a_form_error_and_queues_nothing(world: World) -> None:
    jobs = Job.objects.count()
    big = SimpleUploadedFile("ho.csv", b"Ma ho,Ho ten\n" + b"H-1,Le Van Ba\n" * 2_000)
    response = logged_in(world.xa_a).post(reverse("registry_io:import_start"), {"file": big})
    assert response.status_code == 400
    assert "vượt quá giới hạn 10 KB" in response.content.decode()
    assert Job.objects.count() == jobs


@pytest.mark.django_db
def test_an_import_that_is_not_what_its_name_says_is_a_form_error(world: World) -> None:
    jobs = Job.objects.count()
    fake = SimpleUploadedFile("ho.xlsx", (FILES / "pdf_named.xlsx").read_bytes())
    response = logged_in(world.xa_a).post(reverse("registry_io:import_start"), {"file": fake})
    assert response.status_code == 400
    assert "nội dung là tệp PDF" in response.content.decode()
    assert Job.objects.count() == jobs


@pytest.mark.django_db
def test_a_request_body_past_djangos_limits_is_a_400_not_a_500(world: World) -> None:
    client = logged_in(world.xa_a)
    client.raise_request_exception = False
    url = reverse("registry_io:import_start")
    # A form field of 3 MB (DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB): RequestDataTooBig.
    response = client.post(url, {"note": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 400
    # More files than DATA_UPLOAD_MAX_NUMBER_FILES.
    files = {f"f{i}": SimpleUploadedFile(f"{i}.csv", b"a\n") for i in range(12)}
    response = client.post(url, files)
    assert response.status_code == 400


@pytest.mark.django_db
@override_settings(VILLAGES_CSV_MAX_BYTES=200)
def test_the_village_csv_has_a_size_limit_and_must_be_utf8_text(world: World) -> None:
    client = logged_in(world.tinh)
    url = reverse("areas:villages_import")
    villages = AdministrativeUnit.objects.count()
    for data, message in (
        (b"ma_xa,ten,loai\n" + b"01001,Thon Mot,thon\n" * 20, "vượt quá giới hạn 200 byte"),
        (b"ma_xa,ten,loai\n01001,Th\x00n,thon\n", "ký tự NUL (mã 0) ở dòng 2"),
        ((FILES / "utf16.csv").read_bytes()[:150], "UTF-16"),
        (b"%PDF-1.4\n", "nội dung là tệp PDF"),
    ):
        response = client.post(url, {"file": SimpleUploadedFile("thon.csv", data)})
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert AdministrativeUnit.objects.count() == villages


@pytest.mark.django_db
def test_a_village_named_like_a_formula_is_refused_by_row(world: World) -> None:
    from giamngheo.areas import services

    code = world.commune_a.code
    text = f'ma_xa,ten,loai\n{code},Thôn Mới,thon\n{code},=HYPERLINK("x"),thon\n'
    result = services.villages_import_csv(actor=world.tinh, text=text)
    assert [(row, column) for row, column, _message in result.errors] == [(3, "ten")]
    assert "công thức" in result.errors[0][2]
    assert not result.created


@pytest.mark.django_db
def test_the_minutes_scan_page_refuses_a_file_that_is_not_a_scan(
    world: World, tmp_path: Path, settings: object
) -> None:
    from tests.review.conftest import (  # type: ignore[attr-defined]
        ReviewWorld,
        make_household,
        set_status,
    )
    from tests.review.helpers import decided_round

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    rw = ReviewWorld(
        world,
        set_status(world.household_a1, "poor"),
        set_status(world.household_a2, "near_poor"),
        make_household(world.village_a1, "A1-002", "Đặng Thị Hoa"),
        make_household(world.village_a1, "A1-003", "Vũ Văn Khải"),
    )
    round_, _decision = decided_round(rw)
    meeting = Meeting.objects.filter(round=round_).order_by("pk").first()
    assert meeting is not None
    client = logged_in(world.xa_a)
    url = reverse("review:meeting_scan", args=[meeting.pk])
    response = client.post(
        url, {"scan": SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00")}, follow=True
    )
    assert "Bản chụp phải là tệp PDF, JPEG hoặc PNG" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.minutes_scan
    response = client.post(url, {"scan": SimpleUploadedFile("bien-ban.exe", PNG)}, follow=True)
    meeting.refresh_from_db()
    assert (meeting.minutes_scan.name or "").endswith(".png")
    assert io.BytesIO(meeting.minutes_scan.read()).read(8) == PNG[:8]
