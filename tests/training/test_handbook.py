"""The policy handbook: accent-free search, pages generated from the rule packs, versions,
provincial adaptations and who may edit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.training import handbook, selectors, services
from giamngheo.training.models import HandbookPage, HandbookPageVersion
from tests.conftest import log_in, make_user
from tests.training.conftest import TrainingWorld

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


@pytest.fixture
def pages(tw: TrainingWorld) -> dict[str, HandbookPage]:
    # ``migrate`` loaded the shipped pages (issue 11): the command finds nothing left to add.
    assert HandbookPage.objects.filter(province=None).count() == 7
    assert services.handbook_seed(actor=None) == 0  # never duplicated, never overwritten
    return {page.slug: page for page in HandbookPage.objects.filter(province=None)}


def test_search_ignores_accents_and_case(tw: TrainingWorld, pages: dict[str, HandbookPage]) -> None:
    for query in ("bao hiem y te", "BẢO HIỂM Y TẾ", "Bao Hiem"):
        found = [p.slug for p in selectors.search_pages(tw.world.xa_a, query)]
        assert found == ["bao-hiem-y-te"], query
    found = [p.slug for p in selectors.search_pages(tw.world.xa_a, "hop dan 50%")]
    assert found == ["quy-trinh-ra-soat-dinh-ky"]
    assert list(selectors.search_pages(tw.world.xa_a, "khong co trang nao nhu the")) == []


def test_standards_pages_come_from_the_rule_packs(tw: TrainingWorld) -> None:
    codes = [page.code for page in handbook.standard_pages()]
    assert codes == ["2027-2030", "2022-2025", "2016-2020"]
    page = handbook.standard_page("2022-2025")
    assert page is not None
    assert "Nghị định 07/2021/NĐ-CP" in page.legal_basis.value
    assert page.legal_basis.verified
    lines = next(f for f in page.facts if "Chuẩn nghèo" in f.label)
    assert lines.value == "nông thôn: 1.500.000 đ; thành thị: 2.000.000 đ"
    assert len(page.indicators) == 12
    assert page.unverified > 0  # the thresholds are flagged unverified in the pack
    found = [p.code for p in handbook.search_standard_pages("nghi dinh 351")]
    assert found == ["2027-2030"]
    html = client_for("xa_a").get(reverse("training:handbook_standard", args=["2022-2025"])).text
    assert "Nghị định 07/2021/NĐ-CP" in html
    assert "Chưa kiểm chứng" in html and "Đã kiểm chứng" in html
    assert (
        client_for("xa_a").get(reverse("training:handbook_standard", args=["1999"])).status_code
        == 404
    )


def test_index_search_covers_pages_and_standards(
    tw: TrainingWorld, pages: dict[str, HandbookPage]
) -> None:
    html = client_for("ctv").get(reverse("training:handbook"), {"q": "chuan ngheo nong thon"}).text
    assert "Chuẩn nghèo đa chiều giai đoạn 2022-2025" in html
    html = client_for("ctv").get(reverse("training:handbook"), {"q": "tien dien"}).text
    assert "Hỗ trợ tiền điện" in html


def test_procedure_steps_carry_their_verification_labels(pages: dict[str, HandbookPage]) -> None:
    page = pages["quy-trinh-ra-soat-dinh-ky"]
    html = handbook.render_body(page.body)
    assert '<span class="badge check-unverified">chưa kiểm chứng</span>' in html
    assert "Bước 4. Niêm yết, thông báo công khai" in html
    assert handbook.unverified_count(page.body) == 4


def test_markup_is_escaped() -> None:
    html = handbook.render_body("## <b>Tiêu đề</b>\n- <script>x</script> [[chua kiem chung]]")
    assert "<script>" not in html
    assert "&lt;b&gt;Tiêu đề&lt;/b&gt;" in html
    assert "check-unverified" in html


def test_every_edit_keeps_a_version_and_old_versions_can_be_read(
    tw: TrainingWorld, pages: dict[str, HandbookPage]
) -> None:
    page = pages["ho-tro-tien-dien"]
    old_body = page.body
    updated = services.page_update(
        actor=tw.world.admin,
        page=page,
        expected_version=1,
        body=old_body + "\n- Mức hỗ trợ mới theo giá điện bậc 1 năm nay.",
        note="Cập nhật giá điện",
    )
    assert updated.version == 2
    assert list(page.versions.values_list("number", flat=True)) == [2, 1]
    with pytest.raises(services.TrainingError, match="người khác sửa"):
        services.page_update(actor=tw.world.admin, page=page, expected_version=1, title="Cũ")
    client = client_for("xa_a")
    old = client.get(reverse("training:handbook_version", args=[page.pk, 1])).text
    assert "Phiên bản cũ số 1" in old
    assert "Mức hỗ trợ mới" not in old
    current = client.get(reverse("training:handbook_page", args=[page.pk])).text
    assert "Mức hỗ trợ mới" in current
    history = client.get(reverse("training:handbook_history", args=[page.pk])).text
    assert "Cập nhật giá điện" in history


def test_a_provincial_officer_adapts_a_national_page_for_the_province(
    tw: TrainingWorld, pages: dict[str, HandbookPage]
) -> None:
    national = pages["tin-dung-uu-dai"]
    url = reverse("training:handbook_page_edit", args=[national.pk])
    form = {
        "kind": "policy",
        "title": "Tín dụng ưu đãi (Quảng Trị)",
        "summary": national.summary,
        "body": national.body + "\n- Tỉnh hỗ trợ thêm lãi suất cho hộ mới thoát nghèo.",
        "legal_basis": national.legal_basis,
        "verification": "partly",
        "position": "40",
        "note": "Bổ sung chính sách của tỉnh",
        "version": "1",
    }
    assert client_for("xa_a").post(url, form).status_code == 403
    response = client_for("tinh").post(url, form)
    assert response.status_code == 302
    own = HandbookPage.objects.get(province=tw.world.province, slug="tin-dung-uu-dai")
    national.refresh_from_db()
    assert (
        national.version == 1
        and national.title == "Tín dụng ưu đãi tại Ngân hàng Chính sách xã hội"
    )
    assert own.versions.get().note == "Bổ sung chính sách của tỉnh"
    # The province's users see the province's page in place of the national one.
    slugs = list(selectors.pages_visible_to(tw.world.xa_a).values_list("pk", flat=True))
    assert own.pk in slugs and national.pk not in slugs
    elsewhere = make_user("tinh_khac", Role.PROVINCE_OFFICER, tw.world.other_province)
    seen = list(selectors.pages_visible_to(elsewhere).values_list("pk", flat=True))
    assert national.pk in seen and own.pk not in seen
    assert (
        client_for("tinh_khac").get(reverse("training:handbook_page", args=[own.pk])).status_code
        == 404
    )
    assert HandbookPageVersion.objects.filter(page=national).count() == 1


def test_a_fresh_install_has_the_handbook_after_migrate(tw: TrainingWorld) -> None:
    """The test database was built by ``migrate``: the pages are there, each with version 1,
    and no command was run."""
    national = HandbookPage.objects.filter(province=None)
    assert national.count() == 7
    assert {p.version for p in national} == {1}
    assert HandbookPageVersion.objects.filter(page__province=None).count() == 7


def test_the_load_on_migrate_adds_only_missing_pages_and_keeps_edits(
    tw: TrainingWorld,
) -> None:
    from django.apps import apps

    from giamngheo.training import install

    config = apps.get_app_config("training")
    national = HandbookPage.objects.get(province=None, slug="bao-hiem-y-te")
    services.page_update(
        actor=tw.world.admin,
        page=national,
        expected_version=national.version,
        title="Bảo hiểm y tế (đã sửa)",
    )
    own = services.page_adapt(
        actor=tw.world.tinh,
        national=HandbookPage.objects.get(province=None, slug="giao-duc"),
        province=tw.world.province,
        title="Giáo dục (tỉnh)",
    )
    HandbookPage.objects.filter(province=None, slug="ho-tro-tien-dien").delete()
    # What ``migrate`` runs after the migrations (an upgrade, or the same release again).
    assert install.load_shipped_handbook(config) == 1
    assert install.load_shipped_handbook(config) == 0
    pages = {p.slug: p for p in HandbookPage.objects.filter(province=None)}
    assert len(pages) == 7  # the missing one is back
    assert pages["bao-hiem-y-te"].title == "Bảo hiểm y tế (đã sửa)"  # the edit is kept
    assert pages["giao-duc"].version == 1
    kept = HandbookPage.objects.get(pk=own.pk)
    assert kept.title == "Giáo dục (tỉnh)" and kept.version == own.version
