"""Form definitions are data: they load, cover the engine fields of their standard, and answers
are validated against them with Vietnamese messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from giamngheo.standards import load_pack
from giamngheo.surveys import definitions
from giamngheo.surveys.definitions import (
    AnswersInvalid,
    FormDefinitionError,
    Kind,
    MemberRef,
    validate_answers,
)

MEMBERS = [MemberRef(10, "Nguyễn Văn An"), MemberRef(11, "Nguyễn Thị Bé")]


def test_every_shipped_form_loads_and_names_its_legal_basis() -> None:
    forms = {spec.code: spec for spec in definitions.load_forms()}
    assert {"a-2022", "b1-2022", "b2-2022", "b-2016"} <= set(forms)
    for spec in forms.values():
        assert spec.legal_basis["document"]
        assert spec.legal_basis["verified"] is False  # no official form was seen
        assert spec.title_vi and spec.title_en


@pytest.mark.parametrize("code", ["b2-2022", "b-2016"])
def test_deprivation_forms_ask_every_field_their_standard_needs(code: str) -> None:
    spec = definitions.load_form(code)
    assert spec.kind is Kind.DEPRIVATION
    pack = load_pack(spec.standard)
    assert definitions.check_covers_pack(spec, pack.household_fields(), pack.member_fields()) == []


def test_a_broken_definition_is_refused_with_every_mistake(tmp_path: Path) -> None:
    path = tmp_path / "x-2022.toml"
    path.write_text(
        'format = 1\ncode = "x-2022"\nversion = "1"\nkind = "deprivation"\n'
        'standard = "2022-2025"\ncolour = "red"\n'
        '[title]\nvi = "X"\nen = "X"\n'
        '[legal_basis]\ndocument = "D"\nsource = "S"\nverified = false\n'
        '[[sections]]\ncode = "h"\nlevel = "household"\nvi = "H"\nen = "H"\n'
        '[[fields]]\nname = "income"\nsection = "h"\ntype = "int"\nmaps_to = "income"\n'
        'vi = "I"\nen = "I"\n'
        '[[fields]]\nname = "water"\nsection = "h"\ntype = "enum"\nmaps_to = "water_source"\n'
        'vi = "W"\nen = "W"\nchoices = [{ value = "lake", vi = "Hồ", en = "Lake" }]\n',
        "utf-8",
    )
    with pytest.raises(FormDefinitionError) as error:
        definitions.load_form_file(path)
    message = str(error.value)
    assert "colour: unknown key" in message
    assert "cannot feed the engine's money 'income'" in message
    assert "['lake'] are not values of the engine field 'water_source'" in message


def _messages(excinfo: pytest.ExceptionInfo[AnswersInvalid]) -> list[str]:
    return [p.message for p in excinfo.value.problems]


def test_it_names_unknown_fields_wrong_types_values_not_allowed_and_missing_answers() -> None:
    spec = definitions.load_form("b1-2022")
    with pytest.raises(AnswersInvalid) as error:
        validate_answers(spec, {"household": {"income": "nhiều", "tien_dien": 5}}, [])
    messages = _messages(error)
    assert "Câu hỏi không có trong phiếu: «tien_dien»." in messages
    assert any("phải là số tiền nguyên (đồng)" in m for m in messages)

    spec = definitions.load_form("b2-2022")
    answers = {
        "household": {"income": 1_000_000, "water_source": "giếng làng", "wall_durable": "có"},
        "members": [{"person_id": 10}, {"person_id": 11, "age": 200}],
    }
    with pytest.raises(AnswersInvalid) as error:
        validate_answers(spec, answers, MEMBERS)
    messages = _messages(error)
    assert any(
        m.startswith("«Nguồn nước sinh hoạt chính»: giá trị «giếng làng» không thuộc các lựa chọn")
        for m in messages
    )
    assert "«Tường làm bằng vật liệu bền chắc»: phải là Có hoặc Không." in messages
    assert "«Loại nhà tiêu (hố xí) đang sử dụng»: chưa trả lời (bắt buộc)." in messages
    assert "Thành viên Nguyễn Văn An: «Giới tính»: chưa trả lời (bắt buộc)." in messages
    assert (
        "Thành viên Nguyễn Thị Bé: «Tuổi tròn tại thời điểm rà soát»: phải từ 0 đến 150."
        in messages
    )


def test_it_refuses_answers_for_people_outside_the_household_and_missing_members() -> None:
    spec = definitions.load_form("b2-2022")
    answers = {"household": {}, "members": [{"person_id": 10}, {"person_id": 99}]}
    with pytest.raises(AnswersInvalid) as error:
        validate_answers(spec, answers, MEMBERS)
    messages = _messages(error)
    assert "Người có mã 99 không phải thành viên của hộ vào ngày khảo sát." in messages
    assert "Thiếu câu trả lời cho thành viên Nguyễn Thị Bé." in messages


def test_income_or_score_a_is_required() -> None:
    spec = definitions.load_form("b1-2022")
    with pytest.raises(AnswersInvalid) as error:
        validate_answers(spec, {"household": {}}, [])
    assert _messages(error) == [
        "Cần nhập ít nhất một trong các mục: «Thu nhập bình quân đầu người/tháng (đồng)», "
        "«Điểm A (điểm thu nhập theo Phiếu B1), nếu đã tính»."
    ]
    clean = validate_answers(spec, {"household": {"score_a": 130}}, [])
    assert clean.household == {"income": None, "score_a": 130}
