"""Surveys in bulk for the demo province: every household gets a Phiếu B2 (with income) for each
of the last review years, classified by the engine's vectorised path and written with COPY.

Set-based from end to end: two queries read the households and their members, NumPy computes
ages and the earlier years' values, ``classify_columns`` classifies every household of a year
at once, Polars builds the answers, inputs and result JSON, one COPY writes every survey and one
``audit.record_bulk`` event summarises the whole operation. The rows are the same as
``services.survey_record`` would store (tests compare a sample with a scalar re-run).

The latest year uses the registry's current values; each earlier year is derived from them by
deterministic, seeded changes (lower income, no internet, no health insurance for some), so the
demo has a history with households moving between statuses. Synthetic data, not statistics.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from giamngheo.accounts.types import Actor
from giamngheo.audit import services as audit
from giamngheo.lib import pgcopy
from giamngheo.lib.formatting import format_number as num
from giamngheo.registry import fields
from giamngheo.registry.models import Household, Membership
from giamngheo.standards import classify_columns, schema
from giamngheo.standards.columns import RawColumns
from giamngheo.surveys import services
from giamngheo.surveys.definitions import Kind
from giamngheo.surveys.models import Survey

DEMO_FORM: Final = "b2-2022"
DEMO_YEARS: Final = (2024, 2025)
DEMO_SURVEYOR: Final = "Rà soát viên (dữ liệu mẫu)"
# Generated surveys are dated 1 October of their review year: inside the periodic review window
# (1/9 to 14/12, Quyết định 24/2021/QĐ-TTg Art. 3) and the reference date of the demo generator,
# so the latest year's survey agrees with the status the demo loader gave each household.
SURVEY_MONTH_DAY: Final = (10, 1)
_COPY_CHUNK_ROWS: Final = 20_000

Progress = Callable[[str], None]


@dataclass
class BulkReport:
    surveys: int
    households: int
    skipped: int  # households left out of a year: no member on the date, or missing values
    status_counts: dict[int, dict[str, int]]
    form: str
    standard: str
    seconds: dict[str, float] = field(default_factory=dict)


@transaction.atomic
def purge_surveys(households: QuerySet[Household]) -> int:
    """Delete the surveys of ``households`` (only for rebuilding demo data: surveys are
    otherwise never deleted, and the database refuses it outside this function)."""
    # One DELETE statement: the ORM would load every survey (and its JSON) to look for
    # PROTECT references; the database's own foreign keys still refuse referenced surveys.
    ids_sql, params = households.values("id").query.sql_with_params()
    table = connection.ops.quote_name(Survey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL giamngheo.survey_purge = 'on'")
        try:
            cursor.execute(
                f"DELETE FROM {table} WHERE household_id IN ({ids_sql})",  # noqa: S608
                params,
            )
            deleted = int(cursor.rowcount)
        finally:
            cursor.execute("SET LOCAL giamngheo.survey_purge = 'off'")
    return deleted


@transaction.atomic
def surveys_for_demo(
    households: QuerySet[Household],
    *,
    years: Sequence[int] = DEMO_YEARS,
    form: str = DEMO_FORM,
    seed: int = 2025,
    actor: Actor = None,
    progress: Progress | None = None,
) -> BulkReport:
    """Give every household of ``households`` one survey (form ``form``) per review year.

    Call it inside the demo load's transaction, after the households, persons and memberships
    are written (and ``purge_surveys`` before the old households are deleted)."""
    say: Progress = progress or (lambda _message: None)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 3)
        clock = now

    definition = services.form_definition(form)
    spec = services.spec_of(definition)
    if spec.kind is not Kind.DEPRIVATION:
        raise ValueError(f"form {form!r} is not a deprivation form")
    current = services.pack_files(spec.standard)
    pack = current.pack
    years = sorted(set(years))
    uncovered = [y for y in years if not pack.covers_year(y)]
    if uncovered:
        raise ValueError(f"standard {pack.code} does not govern review years {uncovered}")
    snapshot = services.pack_snapshot(current)
    household_map = [(f.name, f.maps_to) for f in spec.household_fields if f.maps_to]
    member_map = [(f.name, f.maps_to) for f in spec.member_fields if f.maps_to]
    registry_household = [
        m for _n, m in household_map if m and m in _field_names(Household) and m != "area_type"
    ]
    registry_member = [m for _n, m in member_map if m and m != "age"]

    first_day = dt.date(years[0], *SURVEY_MONTH_DAY)
    homes = read_frame(
        households.order_by("id").values_list(
            "id",
            "code",
            "province_id",
            "commune_id",
            "village_id",
            "area_kind",
            *registry_household,
        ),
        ["id", "code", "province_id", "commune_id", "village_id", "area_type", *registry_household],
    )
    people = members_frame(households, after=first_day, fields=registry_member)
    lap("read")
    say(
        f"Đọc {num(homes.height)} hộ, {num(people.height)} thành viên — "
        f"{num(seconds['read'], 1)} giây"
    )

    now = timezone.now()
    frames: list[pl.DataFrame] = []
    status_counts: dict[int, dict[str, int]] = {}
    skipped = 0
    latest = years[-1]
    for year in reversed(years):
        day = dt.date(year, *SURVEY_MONTH_DAY)
        year_homes, year_people = year_values(
            homes, people, day=day, steps=latest - year, seed=seed
        )
        # The engine needs every mapped value: households with a missing one are left out.
        year_homes = year_homes.drop_nulls([m for _n, m in household_map if m != "score_a"])
        year_homes = year_homes.filter(pl.col("id").is_in(year_people["household_id"].implode()))
        year_people = year_people.filter(pl.col("household_id").is_in(year_homes["id"].implode()))
        skipped += homes.height - year_homes.height
        if year_homes.height == 0:
            status_counts[year] = {}
            continue
        classification = classify_columns(pack, raw_columns(year_homes, year_people, pack))
        counts = classification.status_counts()
        status_counts[year] = counts
        frames.append(
            _survey_rows(
                year_homes,
                year_people,
                classification=classification,
                year=year,
                day=day,
                form_id=definition.pk,
                snapshot=snapshot.sha256,
                standard=(pack.code, pack.version),
                points=pack.score_method.points_per_deprivation if pack.score_method else None,
                household_map=household_map,
                member_map=member_map,
                now=now.isoformat(),
            )
        )
    lap("classify")
    say(f"Phân loại và lập phiếu — {num(seconds['classify'], 1)} giây")

    rows = pl.concat(frames) if frames else pl.DataFrame()
    if rows.height:
        _copy(rows)
    lap("copy")
    province_ids = homes["province_id"].unique().to_list() if homes.height else []
    audit.record_bulk(
        actor=actor,
        action="surveys.demo_generated",
        object_type=Survey._meta.label_lower,
        object_id=",".join(str(y) for y in years),
        summary={
            "surveys": rows.height,
            "households": homes.height,
            "skipped": skipped,
            "form": f"{definition.code} v{definition.version}",
            "standard": f"{pack.code} {pack.version}",
            "years": years,
            "seed": seed,
            "status_counts": {str(y): c for y, c in status_counts.items()},
        },
        note="Phiếu khảo sát mẫu (tổng hợp, không phải dữ liệu thật)",
        province_id=province_ids[0] if len(province_ids) == 1 else None,
    )
    with connection.cursor() as cursor:
        # Statistics of the columns lists filter on (not of the large JSON columns).
        table = connection.ops.quote_name(Survey._meta.db_table)
        cursor.execute(
            f"ANALYZE {table} (province_id, commune_id, village_id, household_id, review_year, "
            "status)"
        )
    lap("audit")
    say(f"Ghi {num(rows.height)} phiếu (COPY) — {num(seconds['copy'], 1)} giây")
    return BulkReport(
        surveys=rows.height,
        households=homes.height,
        skipped=skipped,
        status_counts=status_counts,
        form=f"{definition.code} v{definition.version}",
        standard=f"{pack.code} {pack.version}",
        seconds=seconds,
    )


_DECIMALS: Final = {
    f.name
    for f in (*fields.HOUSEHOLD_SURVEY_FIELDS, *fields.PERSON_SURVEY_FIELDS)
    if f.kind == schema.Kind.NUMBER
}


def _field_names(model: Any) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def members_frame(
    households: QuerySet[Household], *, after: dt.date, fields: Sequence[str]
) -> pl.DataFrame:
    """The members of ``households`` who had not left by ``after`` (head first, then by birth
    year), with their stay's dates, birth date and year and the person's ``fields``."""
    return read_frame(
        Membership.objects.filter(household__in=households.values("id"))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=after))
        .order_by("household_id", "-is_head", "person__birth_year", "person_id")
        .values_list(
            "household_id",
            "person_id",
            "joined_on",
            "left_on",
            "person__birth_date",
            "person__birth_year",
            *[f"person__{name}" for name in fields],
        ),
        [
            "household_id",
            "person_id",
            "joined_on",
            "left_on",
            "birth_date",
            "birth_year",
            *fields,
        ],
    )


def read_frame(queryset: QuerySet[Any], names: list[str]) -> pl.DataFrame:
    """The rows of a ``values_list`` queryset as a Polars frame (one query, no model objects)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    # Decimal columns (floor area) come back as Decimal: the engine reads floats.
    return frame.with_columns(pl.col(name).cast(pl.Float64) for name in _DECIMALS & set(names))


def year_values(
    homes: pl.DataFrame, people: pl.DataFrame, *, day: dt.date, steps: int, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Household and member values on ``day``: members of the household that day, ages in
    completed years, and (``steps`` years before the latest) seeded earlier values."""
    members = people.filter(
        (pl.col("joined_on").is_null() | (pl.col("joined_on") <= day))
        & (pl.col("left_on").is_null() | (pl.col("left_on") > day))
        & (pl.col("birth_date").is_null() | (pl.col("birth_date") <= day))
        & (pl.col("birth_year") <= day.year)
    )
    later_birthday = (pl.col("birth_date").dt.month() > day.month) | (
        (pl.col("birth_date").dt.month() == day.month) & (pl.col("birth_date").dt.day() > day.day)
    )
    members = members.with_columns(
        age=pl.when(pl.col("birth_date").is_null())
        .then(day.year - pl.col("birth_year").cast(pl.Int32))
        .otherwise(
            day.year - pl.col("birth_date").dt.year().cast(pl.Int32) - later_birthday.cast(pl.Int32)
        )
    )
    if steps <= 0:
        return homes, members
    rng = np.random.default_rng([seed, day.year])
    n = homes.height
    factor = np.prod(rng.uniform(0.8, 1.0, size=(steps, n)), axis=0)
    internet_lost = (rng.random((steps, n)) < 0.12).any(axis=0)
    insurance_lost = (rng.random((steps, members.height)) < 0.05).any(axis=0)
    changed = homes.with_columns(
        income=(pl.col("income") * pl.Series(factor) / 1000).round(0).cast(pl.Int64) * 1000
    )
    if "uses_internet" in homes.columns:
        changed = changed.with_columns(
            uses_internet=pl.col("uses_internet") & ~pl.Series(internet_lost)
        )
    if "has_health_insurance" in members.columns:
        members = members.with_columns(
            has_health_insurance=pl.col("has_health_insurance") & ~pl.Series(insurance_lost)
        )
    return changed, members


def _codes(frame: pl.DataFrame, name: str, values: Sequence[str]) -> Any:
    return (
        frame[name]
        .replace_strict(list(values), list(range(len(values))), return_dtype=pl.UInt8)
        .to_numpy()
    )


def raw_columns(homes: pl.DataFrame, members: pl.DataFrame, pack: Any) -> RawColumns:
    household_values: dict[str, Any] = {}
    for name in pack.household_fields():
        if name == "household_id":
            continue
        engine_field = schema.HOUSEHOLD_FIELD_BY_NAME[name]
        if engine_field.kind is schema.Kind.ENUM:
            household_values[name] = _codes(homes, name, engine_field.values)
        elif engine_field.kind is schema.Kind.NUMBER:
            household_values[name] = homes[name].cast(pl.Float64).to_numpy()
        elif engine_field.kind is schema.Kind.MONEY:
            household_values[name] = homes[name].cast(pl.Int64).to_numpy()
        else:
            household_values[name] = homes[name].to_numpy()
    member_values: dict[str, Any] = {}
    for name in pack.member_fields():
        if name in ("household_id", "member_id"):
            continue
        engine_field = schema.MEMBER_FIELD_BY_NAME[name]
        if engine_field.kind is schema.Kind.ENUM:
            member_values[name] = _codes(members, name, engine_field.values)
        elif name == "age":
            member_values[name] = members["age"].cast(pl.Int16).to_numpy()
        else:
            member_values[name] = members[name].to_numpy()
    return RawColumns.build(
        household_ids=homes["id"].cast(pl.Int64).to_numpy(),
        households=household_values,
        member_household_ids=members["household_id"].cast(pl.Int64).to_numpy(),
        members=member_values,
    )


def _survey_rows(
    homes: pl.DataFrame,
    members: pl.DataFrame,
    *,
    classification: Any,
    year: int,
    day: dt.date,
    form_id: int,
    snapshot: str,
    standard: tuple[str, str],
    points: int | None,
    household_map: Sequence[tuple[str, str | None]],
    member_map: Sequence[tuple[str, str | None]],
    now: str,
) -> pl.DataFrame:
    """One ``surveys_survey`` row per household, with the JSON ``services.survey_record``
    would store for the same answers (answers, inputs, flags)."""
    statuses = np.array(schema.STATUSES)[classification.status_codes]
    count = classification.deprivation_count.astype(np.int16)
    result = pl.DataFrame(
        {
            "id": classification.household_ids,
            "status": statuses,
            "deprivation_count": count,
            **{f"flag__{code}": classification.flags[code] for code in classification.indicators},
        }
    )

    def value(maps_to: str | None) -> pl.Expr:
        if maps_to is None or maps_to == "score_a":
            return pl.lit(None)
        return pl.col(maps_to)

    member_json = members.group_by("household_id", maintain_order=True).agg(
        answers_m=pl.struct(pl.col("person_id"), *[value(m).alias(n) for n, m in member_map]),
        inputs_m=pl.struct(
            pl.col("person_id").cast(pl.String).alias("member_id"),
            *[value(m).alias(m) for _n, m in member_map if m],
        ),
    )
    household_inputs = [pl.col("code").alias("household_id"), pl.col("area_type")]
    household_inputs += [value(m).alias(m) for _n, m in household_map if m and m != "score_a"]
    frame = (
        homes.join(result, on="id", how="inner")
        .join(member_json, left_on="id", right_on="household_id", how="inner")
        .sort("id")
    )
    return frame.select(
        pl.col("province_id"),
        pl.col("commune_id"),
        pl.col("village_id"),
        pl.col("id").alias("household_id"),
        pl.lit(form_id).alias("form_id"),
        pl.lit(year).alias("review_year"),
        pl.lit(day).alias("surveyed_on"),
        pl.lit(None, dtype=pl.Int64).alias("surveyor_id"),
        pl.lit(DEMO_SURVEYOR).alias("surveyor_name"),
        pl.struct(
            pl.struct(*[value(m).alias(n) for n, m in household_map]).alias("household"),
            pl.col("answers_m").alias("members"),
        )
        .struct.json_encode()
        .alias("answers"),
        pl.lit(standard[0]).alias("standard_code"),
        pl.lit(standard[1]).alias("standard_version"),
        pl.lit(snapshot).alias("standard_sha256"),
        pl.lit("income").alias("method"),
        pl.struct(
            pl.lit(Kind.DEPRIVATION.value).alias("kind"),
            pl.lit(False).alias("by_score"),
            pl.struct(*household_inputs).alias("household"),
            pl.col("inputs_m").alias("members"),
        )
        .struct.json_encode()
        .alias("inputs"),
        pl.col("income"),
        pl.lit(None, dtype=pl.Int64).alias("score_a"),
        (
            pl.lit(None, dtype=pl.Int64)
            if points is None
            else (pl.col("deprivation_count").cast(pl.Int64) * points)
        ).alias("score_b"),
        pl.struct(*[pl.col(f"flag__{code}").alias(code) for code in classification.indicators])
        .struct.json_encode()
        .alias("deprivation_flags"),
        pl.col("deprivation_count"),
        pl.col("status"),
        pl.lit("").alias("screening"),
        pl.lit(None, dtype=pl.Int64).alias("created_by_id"),
        pl.lit(now).alias("created_at"),
        pl.lit(None, dtype=pl.String).alias("submission_key"),  # not made through a form
    )


def _copy(rows: pl.DataFrame) -> None:
    """COPY the rows into ``surveys_survey`` (ids from its sequence)."""
    expected = {str(f.column) for f in Survey._meta.concrete_fields} - {"id"}
    if set(rows.columns) != expected:
        raise RuntimeError(
            f"survey rows out of date: missing {sorted(expected - set(rows.columns))}, "
            f"unknown {sorted(set(rows.columns) - expected)}"
        )
    with connection.cursor() as cursor:
        pgcopy.copy_frame(cursor, Survey._meta.db_table, rows, chunk_rows=_COPY_CHUNK_ROWS)
