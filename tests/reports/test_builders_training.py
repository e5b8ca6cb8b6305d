"""Training figures as a report form, over the training tests' world counted by hand
(tests/training/conftest.py: 3 classes of 2025, 12 participations, 7 people, 11 completed,
7.520.000 đ), recounted here in plain Python from registrations and attendance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from giamngheo.lib.pdf import extract_text
from giamngheo.lib.report_pdf import write_pdf
from giamngheo.lib.report_xlsx import write_xlsx
from giamngheo.reports.builders.training import build
from giamngheo.training import services
from giamngheo.training.models import Attendance, CostItem, Registration, TrainingClass
from tests.reports.files import read_xlsx, row_with
from tests.training.conftest import TrainingWorld, tw, tw_module  # noqa: F401 (fixtures)


def recount(classes: list[TrainingClass]) -> dict[object, dict[str, int]]:
    """Per commune that ran the class (None: the province) and "total", from the objects."""
    out: dict[object, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    people: dict[object, set[int]] = defaultdict(set)
    for c in classes:
        sessions = c.sessions.count()
        for key in (c.commune_id, "total"):
            out[key]["classes"] += 1
            out[key]["cost"] += sum(i.amount for i in CostItem.objects.filter(training_class=c))
        for r in Registration.objects.filter(training_class=c):
            present = Attendance.objects.filter(registration=r, present=True).count()
            for key in (c.commune_id, "total"):
                if present:
                    out[key]["participations"] += 1
                    people[key].add(r.participant_id)
                if sessions and present * 100 >= c.min_attendance_percent * sessions:
                    out[key]["completed"] += 1
                if r.certificate_issued_on is not None:
                    out[key]["certificates"] += 1
    for key, who in people.items():
        out[key]["people"] = len(who)
    return out


@pytest.mark.django_db
def test_the_province_form_matches_the_hand_count_and_the_recount(tw: TrainingWorld) -> None:  # noqa: F811
    w = tw.world
    services.certificates_issue(actor=w.xa_a, training_class=tw.c2, issued_on=dt.date(2025, 6, 1))
    table = build(viewer=w.tinh, unit=w.province, year=2025)
    classes = list(TrainingClass.objects.filter(start_date__year=2025, province=w.province))
    expected = recount(classes)
    total = table.total
    assert total is not None
    for key in ("classes", "participations", "people", "completed", "certificates", "cost"):
        assert total.values[key] == expected["total"][key], key
    assert (total.values["classes"], total.values["participations"], total.values["people"]) == (
        3,
        12,
        7,
    )
    assert (total.values["completed"], total.values["cost"]) == (11, 7_520_000)
    assert total.values["certificates"] == 4  # C2's four participants

    section_areas = [r for r in table.rows if r.depth == 1][: len(expected) - 1]
    by_label = {r.values["label"]: r.values for r in section_areas}
    for unit_id, label in (
        (None, "Cấp tỉnh tổ chức"),
        (w.commune_a.pk, w.commune_a.name),
        (w.commune_b.pk, w.commune_b.name),
    ):
        for key in ("classes", "participations", "people", "completed", "certificates", "cost"):
            assert by_label[label][key] == expected[unit_id][key], (label, key)
    # People per area add up to 12, not 7: the note says so.
    assert sum(v["people"] for v in by_label.values()) == 12  # type: ignore[misc]
    assert any("mỗi người tính một lần" in note for note in table.notes)

    # Section II: by target group, participations and people recounted per category.
    categories = [r for r in table.rows if r.depth == 1][len(by_label) :]
    counted: dict[str, set[int]] = defaultdict(set)
    times: dict[str, int] = defaultdict(int)
    for r in Registration.objects.filter(training_class__in=classes):
        if Attendance.objects.filter(registration=r, present=True).exists():
            counted[r.category].add(r.participant_id)
            times[r.category] += 1
    assert sum(r.values["participations"] for r in categories) == 12  # type: ignore[misc]
    for row in categories:
        code = next(c for c in counted if row.values["label"] in _labels(c))
        assert (row.values["participations"], row.values["people"]) == (
            times[code],
            len(counted[code]),
        )
    assert [r.values["tt"] for r in table.rows if r.emphasis] == ["I", "II"]
    assert "NĂM 2025" in table.title and not table.verified


def _labels(code: str) -> set[str]:
    from giamngheo.training import reference

    return {e.vi for e in reference.categories() if e.code == code}


@pytest.mark.django_db
def test_a_commune_sees_its_classes_and_others_are_refused(tw: TrainingWorld) -> None:  # noqa: F811
    w = tw.world
    table = build(viewer=w.xa_a, unit=w.commune_a, year=2025)
    assert table.total is not None
    assert table.total.values["classes"] == 1  # C2 (C1 is the province's)
    assert table.total.values["participations"] == 4
    for viewer, unit in (
        (w.xa_b, w.commune_a),
        (w.xa_a, w.province),
        (w.ctv, w.commune_a),
        (w.outsider, w.province),
    ):
        with pytest.raises(Http404):
            build(viewer=viewer, unit=unit, year=2025)


@pytest.mark.django_db
def test_queries_do_not_grow_with_classes(tw: TrainingWorld) -> None:  # noqa: F811
    w = tw.world

    def queries() -> int:
        w.tinh.__dict__.pop("_giamngheo_grants", None)
        with CaptureQueriesContext(connection) as captured:
            build(viewer=w.tinh, unit=w.province, year=2025)
        return len(captured)

    queries()
    before = queries()
    from tests.training.conftest import make_class, sessions

    for i in range(4):
        extra = make_class(
            tw.plan,
            f"CX{i}",
            topics=["survey_methods"],
            start=dt.date(2025, 7, 1 + i),
            commune=w.commune_b,
        )
        (session,) = sessions(extra, 1)
        registration = services.register(
            actor=None, training_class=extra, participant=tw.people["b_off"]
        )
        services.attendance_record(actor=None, session=session, present=[registration.pk])
    assert queries() == before <= 16


@pytest.mark.django_db
def test_the_xlsx_and_pdf_read_back(tw: TrainingWorld) -> None:  # noqa: F811
    w = tw.world
    table = build(viewer=w.tinh, unit=w.province, year=2025)
    sheet = read_xlsx(write_xlsx(table))
    keys = [c.key for c in table.columns()]
    total = row_with(sheet, "Tổng cộng")
    offset = total.index("Tổng cộng") - keys.index("label")
    classes = list(TrainingClass.objects.filter(start_date__year=2025, province=w.province))
    expected = recount(classes)["total"]
    for key in ("classes", "participations", "people", "completed", "cost"):
        assert total[offset + keys.index(key)] == expected[key], key
    text = extract_text(write_pdf(table))
    assert "ĐÀO TẠO, TẬP HUẤN" in text and "NĂM 2025" in text
    assert "7.520.000" in text and "Theo thành phần tham gia" in text
