"""Blank survey forms as PDFs for field work: every question of the definition printed, the
header fields and the signature titles; prefilled for a visible household only."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from giamngheo.lib.pdf import extract_text
from giamngheo.surveys import blank_forms, definitions
from giamngheo.surveys.definitions import FieldType
from tests.conftest import World, log_in

pytestmark = pytest.mark.django_db

PRINTABLE = blank_forms.printable_forms()
HEADER_FIELDS = ("Mã hộ", "Họ và tên chủ hộ", "Thôn, tổ dân phố", "Xã, phường", "Rà soát viên")


def flat(text: str) -> str:
    """The text with line breaks as spaces (a long question wraps in the PDF)."""
    return " ".join(text.split())


def test_the_field_forms_are_a_b1_and_b2_not_the_results_forms() -> None:
    codes = {spec.code for spec in PRINTABLE}
    assert {"a-2022", "b1-2022", "b2-2022"} <= codes
    assert not {"kq-2022", "kq-2016"} & codes


@pytest.mark.parametrize("spec", PRINTABLE, ids=lambda spec: spec.code)
def test_every_question_title_and_signature_is_printed(spec: definitions.FormSpec) -> None:
    pdf = blank_forms.blank_form_pdf(spec)
    text = flat(extract_text(pdf))
    assert flat(spec.title_vi.upper()) in text
    assert str(spec.legal_basis["document"]) in text
    for label in HEADER_FIELDS:
        assert f"{label}:" in text
    for number, spec_field in enumerate(spec.fields, start=1):
        assert f"Câu {number}. {flat(spec_field.vi)}" in text or flat(spec_field.vi) in text
        if spec_field.type is FieldType.ENUM and spec_field.level == "household":
            for choice in spec_field.choices:
                assert flat(choice.vi) in text
    assert "RÀ SOÁT VIÊN" in text and "CHỦ HỘ" in text
    assert text.count("(Ký, ghi rõ họ tên)") == 2
    for page in PdfReader(io.BytesIO(pdf)).pages:  # A4 portrait
        assert round(float(page.mediabox.width)) == 595
        assert round(float(page.mediabox.height)) == 842


def test_a_blank_form_is_drawn_once_per_definition_and_again_when_it_changes() -> None:
    spec = PRINTABLE[0]
    drawn = blank_forms.blank_form_pdf(spec)
    assert blank_forms.blank_form_pdf(definitions.load_form(spec.code)) is drawn
    retitled = {**spec.data["title"], "vi": "Phiếu đã sửa tên"}
    changed = definitions.FormSpec.from_data({**spec.data, "title": retitled})
    redrawn = blank_forms.blank_form_pdf(changed)
    assert "PHIẾU ĐÃ SỬA TÊN" in flat(extract_text(redrawn))
    assert flat(spec.title_vi.upper()) in flat(extract_text(blank_forms.blank_form_pdf(spec)))


def test_member_questions_are_a_table_with_a_row_per_member() -> None:
    spec = definitions.load_form("b2-2022")
    prefill = blank_forms.Prefill(
        household_code="A1-001",
        head_name="Nguyễn Văn An",
        village="Thôn Một",
        commune="Xã Thử",
        members=["Nguyễn Văn An", "Nguyễn Văn An Con"],
    )
    text = extract_text(blank_forms.blank_form_pdf(spec, prefill))
    members = spec.member_fields
    first = 1 + spec.fields.index(members[0])
    assert "Họ và tên thành viên" in text
    assert all(f"C{first + i}" in text for i in range(len(members)))
    assert "1 = Nam; 2 = Nữ" in flat(text)
    assert "Mã hộ: A1-001" in text and "Nguyễn Văn An Con" in text
    assert "Xã, phường: Xã Thử" in text
    # The section order of the definition: numbering follows the printed order.
    assert f"Câu {first}. {members[0].vi}" in flat(text)


def test_each_persona_downloads_the_blank_forms(world: World) -> None:
    client = Client()
    for username in ("admin", "tinh", "xa_a", "ctv", "inspector"):
        log_in(client, username)
        page = client.get(reverse("surveys_field:index"))
        assert page.status_code == 200
        for spec in PRINTABLE:
            url = reverse("surveys_field:blank_form", args=[spec.code])
            assert url in page.text
            response = client.get(url)
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
            assert flat(spec.title_vi.upper()) in flat(extract_text(response.content))
    assert client.get(reverse("surveys_field:blank_form", args=["kq-2022"])).status_code == 404
    assert client.get(reverse("surveys_field:blank_form", args=["khong-co"])).status_code == 404


def test_the_prefilled_form_is_for_visible_households_only(world: World) -> None:
    client = Client()
    log_in(client, "ctv")  # collaborator of village A1
    surveys_page = client.get(
        reverse("surveys:household_surveys", args=[world.household_a1.pk])
    ).text
    url = reverse("surveys_field:household_form", args=["b2-2022", world.household_a1.pk])
    assert url in surveys_page and "In phiếu trắng" in surveys_page
    response = client.get(url)
    assert response.status_code == 200
    text = extract_text(response.content)
    assert "A1-001" in text and "Nguyễn Văn An Con" in text and "Thôn Một" in text
    other = reverse("surveys_field:household_form", args=["b2-2022", world.household_b1.pk])
    assert client.get(other).status_code == 404
    log_in(client, "xa_b")
    assert client.get(url).status_code == 404
    assert client.get(other).status_code == 200
