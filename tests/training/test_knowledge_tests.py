"""The question bank, pre- and post-tests, scoring, gains and contests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from giamngheo.training import selectors, services
from giamngheo.training.models import Question
from tests.conftest import log_in
from tests.training.conftest import TrainingWorld

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def question(topic: str, text: str, correct: int = 0, province=None) -> Question:  # type: ignore[no-untyped-def]
    return services.question_create(
        actor=None,
        province=province,
        topic=topic,
        text=text,
        choices=["Đúng", "Sai", "Không rõ", "Tùy địa phương"],
        correct=correct,
    )


def test_scoring_counts_right_answers_only() -> None:
    assert services.score_answers([0, 1, 2, 3], [0, 1, 2, 3]) == 4
    assert services.score_answers([0, 1, 2, 3], [0, None, 1, 3]) == 2  # blank and wrong: 0
    with pytest.raises(services.TrainingError):
        services.score_answers([0, 1], [0])


@pytest.fixture
def c1_questions(tw: TrainingWorld) -> list[Question]:
    return [
        question("new_standard", "Câu 1", 0),
        question("review_procedure", "Câu 2", 1),
        question("new_standard", "Câu 3", 2),
        question("review_procedure", "Câu 4", 3),
        question("data_entry", "Không thuộc chuyên đề lớp C1", 0),
    ]


def test_class_tests_take_the_class_topics_and_the_post_test_repeats_the_pre_test(
    tw: TrainingWorld, c1_questions: list[Question]
) -> None:
    pre = services.class_test_create(
        actor=None, training_class=tw.c1, kind="pre", held_on=dt.date(2025, 3, 10)
    )
    texts = [item.question.text for item in pre.items.order_by("position")]
    assert "Không thuộc chuyên đề lớp C1" not in texts
    assert sorted(texts) == ["Câu 1", "Câu 2", "Câu 3", "Câu 4"]
    post = services.class_test_create(
        actor=None, training_class=tw.c1, kind="post", held_on=dt.date(2025, 3, 11)
    )
    assert [i.question_id for i in post.items.order_by("position")] == [
        i.question_id for i in pre.items.order_by("position")
    ]
    with pytest.raises(services.TrainingError, match="đã có bài kiểm tra"):
        services.class_test_create(
            actor=None, training_class=tw.c1, kind="pre", held_on=dt.date(2025, 3, 10)
        )


def _answers(assessment, right: int) -> list[int | None]:  # type: ignore[no-untyped-def]
    """Answers with the first ``right`` items correct and the others wrong."""
    items = list(assessment.items.select_related("question").order_by("position"))
    return [
        item.question.correct if i < right else (item.question.correct + 1) % 4
        for i, item in enumerate(items)
    ]


def test_gain_per_participant_and_per_class(
    tw: TrainingWorld, c1_questions: list[Question]
) -> None:
    pre = services.class_test_create(
        actor=None, training_class=tw.c1, kind="pre", held_on=dt.date(2025, 3, 10)
    )
    post = services.class_test_create(
        actor=None, training_class=tw.c1, kind="post", held_on=dt.date(2025, 3, 11)
    )
    results = {  # (pre right, post right) out of 4; None: did not take it
        "a_off": (1, 3),
        "a_ctv": (2, 4),
        "b_off": (2, None),
        "w_prov": (None, 2),
    }
    for who, (before, after) in results.items():
        for assessment, right in ((pre, before), (post, after)):
            if right is not None:
                services.attempt_record(
                    actor=None,
                    assessment=assessment,
                    participant=tw.people[who],
                    answers=_answers(assessment, right),
                )
    gains = selectors.class_gains(tw.c1)
    by_name = {row.full_name: (row.pre, row.post, row.gain) for row in gains.rows}
    assert by_name == {
        "Nguyễn Thị Hằng": (25.0, 75.0, 50.0),
        "Trần Văn Minh": (50.0, 100.0, 50.0),
        "Lê Thị Lan": (50.0, None, None),
        "Hoàng Văn Tỉnh": (None, 50.0, None),
    }
    assert gains.gain_mean == pytest.approx(50.0)
    # The naive difference of the means mixes different people and understates the gain.
    assert gains.post_mean - gains.pre_mean == pytest.approx(75.0 - 125 / 3)  # type: ignore[operator]
    stats = selectors.training_statistics(tw.world.tinh, year=2025)
    row = next(r for r in stats.class_rows if r.training_class.code == "C1")
    assert row.gains.gain_mean == pytest.approx(50.0)


def test_answers_are_recorded_for_registered_participants_and_can_be_corrected(
    tw: TrainingWorld, c1_questions: list[Question]
) -> None:
    pre = services.class_test_create(
        actor=None, training_class=tw.c1, kind="pre", held_on=dt.date(2025, 3, 10)
    )
    with pytest.raises(services.TrainingError, match="chưa đăng ký"):
        services.attempt_record(
            actor=None, assessment=pre, participant=tw.people["e_ap"], answers=[0, 0, 0, 0]
        )
    first = services.attempt_record(
        actor=None, assessment=pre, participant=tw.people["a_off"], answers=_answers(pre, 1)
    )
    again = services.attempt_record(
        actor=None, assessment=pre, participant=tw.people["a_off"], answers=_answers(pre, 4)
    )
    assert first.pk == again.pk
    assert (again.score, again.max_score) == (4, 4)


def test_a_contest_ranks_by_score_then_time(
    tw: TrainingWorld, c1_questions: list[Question]
) -> None:
    contest = services.contest_create(
        actor=None,
        province=tw.world.province,
        title="Hội thi tìm hiểu chính sách giảm nghèo",
        held_on=dt.date(2025, 10, 17),
        questions=c1_questions[:4],
    )
    now = timezone.now()
    for who, right, minutes in (("e_ap", 3, 5), ("a_head", 4, 9), ("e_hoi", 3, 2)):
        services.attempt_record(
            actor=None,
            assessment=contest,
            participant=tw.people[who],
            answers=_answers(contest, right),
            submitted_at=now + dt.timedelta(minutes=minutes),
        )
    ranking = [a.participant.full_name for a in selectors.contest_ranking(contest)]
    assert ranking == ["Đỗ Văn Thôn", "Vũ Thị Hội", "Bùi Văn Ấp"]


def test_who_edits_the_bank(tw: TrainingWorld) -> None:
    with pytest.raises(services.TrainingError):
        services.question_create(
            actor=tw.world.tinh,
            topic="communication",
            text="Câu hỏi dùng chung",
            choices=["A", "B"],
            correct=0,
        )
    own = services.question_create(
        actor=tw.world.tinh,
        province=tw.world.province,
        topic="communication",
        text="Câu hỏi của tỉnh",
        choices=["A", "B"],
        correct=1,
    )
    assert selectors.questions_visible_to(tw.world.xa_a).filter(pk=own.pk).exists()
    stranger = services.question_create(
        actor=None,
        province=tw.world.other_province,
        topic="communication",
        text="Câu hỏi của tỉnh khác",
        choices=["A", "B"],
        correct=0,
    )
    assert not selectors.questions_visible_to(tw.world.tinh).filter(pk=stranger.pk).exists()
    with pytest.raises(services.TrainingError):
        services.question_update(
            actor=tw.world.xa_a, question=own, expected_version=1, text="Sửa trái phép"
        )
    edited = services.question_update(
        actor=tw.world.tinh, question=own, expected_version=1, text="Câu hỏi đã sửa"
    )
    assert edited.version == 2
    with pytest.raises(services.TrainingError, match="người khác sửa"):
        services.question_update(actor=tw.world.tinh, question=own, expected_version=1, text="Cũ")


def test_the_national_bank_loads_once(tw: TrainingWorld) -> None:
    added = services.question_bank_seed(actor=None)
    assert added >= 20
    assert services.question_bank_seed(actor=None) == 0
    topics = set(Question.objects.filter(province=None).values_list("topic", flat=True))
    assert {"support_policies", "review_procedure", "new_standard", "data_entry"} <= topics
    found = selectors.search_questions(tw.world.xa_a, "bao hiem y te ho can ngheo")
    assert [q.ref for q in found] == ["sp-bhyt-hcn"]


def test_question_form_and_answer_entry_pages(tw: TrainingWorld) -> None:
    client = client_for("tinh")
    response = client.post(
        reverse("training:question_new"),
        {
            "topic": "communication",
            "text": "Cách tuyên truyền hiệu quả?",
            "choice_1": "Lắng nghe",
            "choice_2": "",
            "choice_3": "Đọc văn bản",
            "correct": "1",
            "is_active": "on",
        },
    )
    assert "không bỏ trống ở giữa" in response.text
    response = client.post(
        reverse("training:question_new"),
        {
            "topic": "communication",
            "text": "Cách tuyên truyền hiệu quả?",
            "choice_1": "Lắng nghe",
            "choice_2": "Đọc văn bản",
            "correct": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = Question.objects.get(text="Cách tuyên truyền hiệu quả?")
    assert (created.province_id, created.correct) == (tw.world.province.pk, 0)
    pre = services.class_test_create(
        actor=None,
        training_class=tw.c2,
        kind="pre",
        held_on=dt.date(2025, 5, 20),
        questions=[created],
    )
    url = reverse("training:attempt_entry", args=[pre.pk, tw.people["a_off"].pk])
    assert client_for("xa_a").post(url, {"q0": "0"}).status_code == 302
    assert pre.attempts.get().score == 1
    assert client_for("xa_b").get(url).status_code == 404
    page = client_for("xa_a").get(reverse("training:assessment_detail", args=[pre.pk]))
    assert "Nguyễn Thị Hằng" in page.text
