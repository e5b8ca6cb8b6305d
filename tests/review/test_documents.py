"""The PDFs, read back as text: Vietnamese diacritics intact, the facts in place."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from giamngheo.lib.pdf import extract_text
from giamngheo.review import documents, services
from giamngheo.review.models import Meeting, Vote
from tests.review.conftest import ReviewWorld
from tests.review.helpers import decided_round

pytestmark = pytest.mark.django_db


def test_the_minutes_come_in_two_copies_with_signature_lines(review_world: ReviewWorld) -> None:
    decided_round(review_world)
    meeting = Meeting.objects.get(village=review_world.world.village_a1)
    votes = list(Vote.objects.filter(meeting=meeting).select_related("entry__household"))
    text = extract_text(documents.minutes_pdf(meeting, votes))
    assert text.count("BIÊN BẢN HỌP DÂN") == 2
    assert "Bản số 1/2: Lưu tại thôn" in text and "Bản số 2/2: Gửi Ban chỉ đạo" in text
    assert "Trưởng thôn Hà Văn Mạnh" in text and "Lò Thị Thư" in text
    assert "15/20" in text and "Thông qua" in text
    assert text.count("(Ký, ghi rõ họ tên)") == 6
    assert text.count("CHỦ TRÌ") == 2 and text.count("THƯ KÝ") == 2
    assert text.count("HỘ GIA ĐÌNH") == 2
    assert "Nguyễn Văn An" in text


def test_posted_lists_for_the_village_and_the_commune_office(review_world: ReviewWorld) -> None:
    round_, _decision = decided_round(review_world)
    posting = round_.postings.get()
    lines = list(posting.lines.order_by("household_code"))
    commune = extract_text(documents.posting_pdf(posting, lines))
    assert "DANH SÁCH HỘ NGHÈO MỚI (1 hộ)" in commune
    assert "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO TIẾP TỤC (1 hộ)" in commune
    assert "Trụ sở Ủy ban nhân dân xã" in commune
    assert "3 ngày làm việc, từ ngày 03/11/2025 đến hết ngày 05/11/2025" in commune
    assert "đến hết ngày 05/11/2025" in commune
    village_lines = [line for line in lines if line.village_name == "Thôn Hai"]
    village = extract_text(documents.posting_pdf(posting, village_lines, village_name="Thôn Hai"))
    assert "Trần Thị Bình" in village and "Nguyễn Văn An" not in village
    assert "Nhà văn hóa Thôn Hai" in village
    for signer in ("NGƯỜI LẬP BIỂU", "TM. BAN CHỈ ĐẠO RÀ SOÁT", "TRƯỞNG BAN"):
        assert signer in commune
    assert commune.count("(Ký, ghi rõ họ tên)") == 2


def test_a_long_household_code_stays_on_one_line(review_world: ReviewWorld) -> None:
    """Codes never wrap in the lists: the column widens (or its font shrinks) to fit."""
    round_, decision = decided_round(review_world)
    code = "79-26734-0000012345-ABCDEFGHIJ"  # 30 characters, the field's longest
    posting = round_.postings.get()
    lines = list(posting.lines.order_by("household_code"))
    lines[0].household_code = code
    entries = list(decision.entries.all())
    entries[0].household_code = code
    for pdf in (documents.posting_pdf(posting, lines), documents.decision_pdf(decision, entries)):
        text_lines = extract_text(pdf).splitlines()
        assert any(code in line for line in text_lines), text_lines


def test_the_certificate_carries_members_code_and_qr(review_world: ReviewWorld) -> None:
    _round, decision = decided_round(review_world)
    issued = services.certificates_issue(actor=review_world.world.xa_a, decision=decision)
    certificate = next(c for c in issued if c.head_name == "Trần Thị Bình")
    url = f"http://testserver/verify/{certificate.code}/"
    pdf = documents.certificate_pdf(certificate, url)
    text = extract_text(pdf)
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO" in text
    assert "Trần Thị Bình" in text and "Trần Thị Bình Con" in text
    assert f"Mã xác thực: {certificate.code}" in text
    assert f"Số: {certificate.number}" in text
    assert certificate.signer_title.upper() in text and certificate.signer_name in text
    assert "(Ký, ghi rõ họ tên và đóng dấu)" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert content is not None
    assert content.get_data().count(b" re") > 100  # the QR code's modules, as rectangles


def test_the_decision_lists_the_households(review_world: ReviewWorld) -> None:
    _round, decision = decided_round(review_world)
    text = extract_text(documents.decision_pdf(decision, list(decision.entries.all())))
    assert "QUYẾT ĐỊNH" in text and "Số: 45/QĐ-UBND" in text
    assert "Quyết định số 24/2021/QĐ-TTg" in text
    assert "Nguyễn Văn Chủ" in text and "DANH SÁCH HỘ NGHÈO MỚI" in text
    # The signer's title and name, and the recipients opposite (Nghị định 30/2020, Phụ lục I).
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN" in text and "(Ký, ghi rõ họ tên)" in text
    assert "Nơi nhận:" in text and "- Như Điều 3;" in text and "- Lưu: VT." in text
    assert "Điều 3." in text


def test_all_certificates_of_a_decision_print_as_one_pdf(review_world: ReviewWorld) -> None:
    import re

    from django.test import Client
    from django.urls import reverse

    from tests.conftest import PASSWORD

    w = review_world.world
    _round, decision = decided_round(review_world)
    issued = sorted(
        services.certificates_issue(actor=w.xa_a, decision=decision), key=lambda c: c.number
    )
    assert len(issued) == 2
    client = Client()
    client.login(username="xa_a", password=PASSWORD)
    page = client.get(reverse("review:decision_detail", args=[decision.pk])).text
    url = reverse("review:certificates_pdf", args=[decision.pk])
    assert f'href="{url}"' in page and "In 2 giấy chứng nhận (một tệp PDF)" in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 2
    texts = [page.extract_text() for page in pages]
    # One certificate a page, in the order of the household codes (A1-001, then A2-001).
    assert "Nguyễn Văn An" in texts[0] and "Trần Thị Bình" in texts[1]
    by_head = {c.head_name: c for c in issued}
    assert by_head["Nguyễn Văn An"].number in texts[0]
    assert by_head["Trần Thị Bình"].number in texts[1]
    heads = (by_head["Nguyễn Văn An"], by_head["Trần Thị Bình"])
    for text, certificate in zip(texts, heads, strict=True):
        assert f"Mã xác thực: {certificate.code}" in text.replace("\n", " ")
        assert f"({len(certificate.members)} người)" in text

    # A collaborator of village A1 gets their village's certificate only, no ID numbers.
    client.login(username="ctv", password=PASSWORD)
    response = client.get(url)
    text = extract_text(response.content)
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" not in text
    assert re.search(r"\d{12}", text) is None
    # Another commune's officer: the decision does not exist for them.
    client.login(username="xa_b", password=PASSWORD)
    assert client.get(url).status_code == 404


def test_a_decision_without_certificates_has_no_bulk_print(review_world: ReviewWorld) -> None:
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import PASSWORD

    _round, decision = decided_round(review_world)
    client = Client()
    client.login(username="xa_a", password=PASSWORD)
    url = reverse("review:certificates_pdf", args=[decision.pk])
    assert url not in client.get(reverse("review:decision_detail", args=[decision.pk])).text
    assert client.get(url).status_code == 404
