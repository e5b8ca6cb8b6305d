"""Training figures as a report form: for a province or a commune and a year, the classes held,
participations (person-times) versus people trained, completions, certificates and cost, by the
unit that ran the class (section I) and by target group (section II).

The figures are ``training.selectors.statistics.training_statistics`` (its rules: attended
registrations, people counted once per row, completion by the class's minimum attendance); only
the certificates issued are counted here, in one grouped query per section over the same
classes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.report_table import CellValue, ReportTable, Row
from giamngheo.reports.builders import ExtraForm, register
from giamngheo.reports.builders import _common as common
from giamngheo.training import reference
from giamngheo.training.models import Registration
from giamngheo.training.selectors import classes as training_classes
from giamngheo.training.selectors import statistics as training_statistics

CODE = "training"
DATA = "training"
KEYS = ("classes", "participations", "people", "completed", "certificates", "cost")


def _certificates(
    viewer: Viewer, unit: AdministrativeUnit, year: int
) -> tuple[dict[int | None, int], dict[str, int]]:
    """Certificates issued to participants of the year's classes (the statistics' classes: the
    viewer's, started in ``year``, in ``unit``): by the class's commune and by category."""
    column = "province" if unit.level == Level.PROVINCE else "commune"
    classes = training_classes.classes_visible_to(viewer).filter(
        **{column: unit}, start_date__year=year
    )
    issued = Registration.objects.filter(
        training_class__in=classes, certificate_issued_on__isnull=False
    )
    by_area: dict[int | None, int] = {
        row["training_class__commune"]: row["n"]
        for row in issued.values("training_class__commune").order_by().annotate(n=Count("pk"))
    }
    by_category: dict[str, int] = {
        row["category"]: row["n"]
        for row in issued.values("category").order_by().annotate(n=Count("pk"))
    }
    return by_area, by_category


def _header(data: Mapping[str, Any]) -> tuple[Any, ...]:
    c = common.column
    return (
        c(data, "tt", "A", "label"),
        c(data, "label", "B", "label"),
        c(data, "classes", "1"),
        c(data, "participations", "2"),
        c(data, "people", "3"),
        c(data, "completed", "4"),
        c(data, "certificates", "5"),
        c(data, "cost", "6"),
    )


def _row(
    number: str,
    label: str,
    values: Mapping[str, CellValue],
    *,
    depth: int = 0,
    emphasis: bool = False,
) -> Row:
    return Row(
        {"tt": number, "label": label, **{k: values.get(k) for k in KEYS}},
        depth=depth,
        emphasis=emphasis,
    )


def build(
    *, viewer: Viewer, unit: AdministrativeUnit, year: int, month: int | None = None
) -> ReportTable:
    """The training figures of ``year`` for a province or a commune (404 outside reach)."""
    common.unit_for(viewer, unit, FORM_LEVELS)
    data = common.form_data(DATA)
    stats = training_statistics.training_statistics(
        viewer, year=year, area=unit, never_trained_limit=0
    )
    certificates_by_area, certificates_by_category = _certificates(viewer, unit, year)
    completed_by_area: dict[int | None, int] = defaultdict(int)
    for class_row in stats.class_rows:
        completed_by_area[class_row.training_class.commune_id] += class_row.completed

    rows: list[Row] = [_row("I", common.heading(data, "by_area"), {}, emphasis=True)]
    for index, area in enumerate(stats.by_area, start=1):
        name = area.name if area.unit_id is not None else common.heading(data, "province_level")
        rows.append(
            _row(
                str(index),
                name,
                {
                    "classes": area.classes,
                    "participations": area.participations,
                    "people": area.people,
                    "completed": completed_by_area.get(area.unit_id, 0),
                    "certificates": certificates_by_area.get(area.unit_id, 0),
                    "cost": area.cost,
                },
                depth=1,
            )
        )
    rows.append(_row("II", common.heading(data, "by_category"), {}, emphasis=True))
    labels = {entry.code: entry.vi for entry in reference.categories()}
    for index, category in enumerate(stats.by_category, start=1):
        rows.append(
            _row(
                str(index),
                labels.get(category.code, category.code),
                {
                    "participations": category.participations,
                    "people": category.people,
                    "certificates": certificates_by_category.get(category.code, 0),
                },
                depth=1,
            )
        )
    total = _row(
        "",
        common.heading(data, "total"),
        {
            "classes": stats.classes,
            "participations": stats.participations,
            "people": stats.people,
            "completed": stats.completed,
            "certificates": sum(certificates_by_area.values()),
            "cost": stats.cost_total,
        },
        emphasis=True,
    )
    return ReportTable(
        marker=str(data["marker"]),
        issuer=common.issuer(unit),
        title=f"{str(data['title']).format(year=year)}\n{common.area_name(unit)}",
        subtitle=str(data["subtitle"]),
        unit_line=str(data["unit_line"]),
        header=_header(data),
        rows=tuple(rows),
        total=total,
        place_date=common.PLACE_DATE,
        signatures=common.signatures(data),
        notes=common.notes(data),
        landscape=True,
        legal_basis=str(data["legal_basis"]),
        verified=bool(data["verified"]),
        metadata=common.metadata(CODE, unit, year),
    )


FORM_LEVELS = ("province", "commune")

FORM = register(
    ExtraForm(
        code=CODE,
        title=_("Kết quả đào tạo, tập huấn nâng cao năng lực giảm nghèo"),
        levels=FORM_LEVELS,
        monthly=False,
        build=build,
        **common.catalogue_fields(DATA),
    )
)
