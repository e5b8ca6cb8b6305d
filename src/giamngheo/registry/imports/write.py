"""Stage 6, write: unless it is a dry run, or there are errors and the user did not choose
"only the valid households", the plan is written with COPY (``lib.pgcopy``) and a few set-based
UPDATEs, in the import's transaction, with one audit event per created or updated household
(``audit.record_frame``) and one summary event for the file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

import polars as pl
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib import pgcopy
from giamngheo.lib.crashpoints import crash_point
from giamngheo.registry.fields import HOUSEHOLD_VALUE_KEYS, PERSON_VALUE_KEYS
from giamngheo.registry.imports.context import Context
from giamngheo.registry.imports.plan import Plan
from giamngheo.registry.imports.report import ACTION_CREATE, ACTION_UPDATE
from giamngheo.registry.models import Household, Membership, Person

# Floor areas have one decimal (the column's scale): sent as the parser rounded them.
_FLOAT_PRECISION: Final = 1


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: Any) -> str:
    return _quote(model._meta.db_table)


def _copy_in(cursor: Any, table: str, frame: pl.DataFrame) -> None:
    pgcopy.copy_frame(cursor, table, frame, float_precision=_FLOAT_PRECISION)


def _default_literal(model_field: Any) -> pl.Expr:
    value = model_field.get_default()
    if isinstance(value, list | tuple):
        return pl.lit("{" + ",".join(str(v) for v in value) + "}")
    if isinstance(value, dict):
        return pl.lit(json.dumps(value))
    if value is None:
        return pl.lit(None, dtype=pl.String)
    return pl.lit(value)


def _copy_model(cursor: Any, model: Any, frame: pl.DataFrame) -> None:
    """COPY rows into a model's table. Columns the frame lacks take the field's default, so
    that a column added to the model later (with a default) does not break imports."""
    names = {f.column: f for f in model._meta.concrete_fields}
    unknown = set(frame.columns) - set(names)
    if unknown:
        raise RuntimeError(f"{model._meta.label}: unknown columns {sorted(unknown)}")
    extra: list[pl.Expr] = []
    for column, model_field in names.items():
        if column in frame.columns or (column == "id" and "id" not in frame.columns):
            continue
        # get_default() is "" for text columns without a default, like Django's own saves.
        if model_field.has_default() or model_field.null or model_field.empty_strings_allowed:
            extra.append(_default_literal(model_field).alias(column))
        else:
            raise RuntimeError(f"{model._meta.label}.{column}: no value and no default")
    _copy_in(cursor, model._meta.db_table, frame.with_columns(extra) if extra else frame)


def _reserve_ids(cursor: Any, model: Any, count: int) -> list[int]:
    """Ids from the table's own sequence (concurrent inserts can never collide with ours)."""
    if count == 0:
        return []
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
    return [row[0] for row in cursor.fetchall()]


def _temp_table(cursor: Any, name: str, source: Any, columns: Sequence[str]) -> str:
    """A temporary table with the types of ``source``'s columns, dropped at commit."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cols = ", ".join(_quote(c) for c in columns)
    # Names come from the models and constants, never from input.
    sql = f"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT {cols} FROM {_table(source)}"  # noqa: S608
    cursor.execute(sql + " WITH NO DATA")
    return name


def _code_list(expr: pl.Expr) -> pl.Expr:
    """Our canonical "a,b" strings of choice codes as lists (PostgreSQL arrays, JSON lists)."""
    return (
        pl.when(expr.fill_null("") == "")
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(expr.str.split(","))
    )


def write(ctx: Context, cursor: Any, plan: Plan, province: AdministrativeUnit) -> None:
    """Write the plan (the caller holds the transaction and the province's lock)."""
    now = timezone.now()
    today = ctx.today
    file_note = _("Nhập từ tệp %(file)s") % {"file": ctx.report.file_name}
    if ctx.job_id:
        file_note += f" (#{ctx.job_id})"
    m_table, p_table, h_table = _table(Membership), _table(Person), _table(Household)

    # 1. Members leaving their household: removed ones stop being active persons.
    leaving = plan.leaving
    for moved, reason in (
        (False, _("Không còn trong danh sách hộ khi nhập tệp %(file)s.")),
        (True, _("Chuyển sang hộ khác theo tệp nhập %(file)s.")),
    ):
        ids = leaving.filter(pl.col("moved") == moved)["membership_id"].to_list()
        if ids:
            cursor.execute(
                f"UPDATE {m_table} SET left_on = GREATEST(COALESCE(joined_on, %s), %s), "  # noqa: S608
                "leave_reason = %s WHERE id = ANY(%s)",
                [today, today, (reason % {"file": ctx.report.file_name})[:200], ids],
            )
    removed = leaving.filter(~pl.col("moved"))["person_id"].to_list()
    if removed:
        cursor.execute(
            f"UPDATE {p_table} SET is_active = false, updated_at = %s WHERE id = ANY(%s)",  # noqa: S608
            [now, removed],
        )

    ctx.lap("write_leaving")

    # 2. Heads that stop being heads first (one head per household at every moment).
    if plan.membership_updates.height:
        temp = _temp_table(
            cursor, "giamngheo_import_memberships", Membership, ["id", "relation", "is_head"]
        )
        _copy_in(cursor, temp, plan.membership_updates.rename({"membership_id": "id"}))
        cursor.execute(
            f"UPDATE {m_table} x SET relation = u.relation, is_head = u.is_head "  # noqa: S608
            f"FROM {temp} u WHERE x.id = u.id AND NOT u.is_head"
        )

    # 3. Households: updates, then creations.
    households = plan.households.with_columns(
        pl.lit(province.pk).alias("province_id"),
        *[_code_list(pl.col(k)).alias(k) for k in ("poverty_reasons", "support_needs")],
    )
    columns = [
        "village_id",
        "commune_id",
        "area_kind",
        "area_kind_override_reason",
        *HOUSEHOLD_VALUE_KEYS,
        "head_name",
        "member_count",
        "search_text",
    ]
    updates = households.filter(pl.col("action") == ACTION_UPDATE)
    if updates.height:
        temp = _temp_table(cursor, "giamngheo_import_households", Household, ["id", *columns])
        _copy_in(cursor, temp, updates.select(pl.col("id_db").alias("id"), *columns))
        assignments = ", ".join(f"{_quote(c)} = u.{_quote(c)}" for c in columns)
        cursor.execute(
            f"UPDATE {h_table} x SET {assignments}, version = x.version + 1, "  # noqa: S608
            f"updated_at = %s FROM {temp} u WHERE x.id = u.id",
            [now],
        )
    creates = households.filter(pl.col("action") == ACTION_CREATE)
    new_ids = _reserve_ids(cursor, Household, creates.height)
    creates = creates.with_columns(pl.Series("id", new_ids, dtype=pl.Int64))
    _copy_model(
        cursor,
        Household,
        creates.select(
            "id",
            "code",
            "province_id",
            *columns,
            pl.lit(now.isoformat()).alias("created_at"),
            pl.lit(now.isoformat()).alias("updated_at"),
        ),
    )
    household_ids = pl.concat(
        [
            updates.select("code", pl.col("id_db").alias("household_id")),
            creates.select("code", pl.col("id").alias("household_id")),
        ]
    )

    ctx.lap("write_households")
    crash_point("import.write")  # a test hook (lib.crashpoints); inert otherwise

    # 4. Persons: updates, new persons, and their memberships.
    person_columns = [*PERSON_VALUE_KEYS, "search_name", "birth_date", "birth_year"]
    if plan.person_updates.height:
        temp = _temp_table(cursor, "giamngheo_import_persons", Person, ["id", *person_columns])
        _copy_in(
            cursor,
            temp,
            plan.person_updates.select(pl.col("person_id").alias("id"), *person_columns),
        )
        assignments = ", ".join(f"{_quote(c)} = u.{_quote(c)}" for c in person_columns)
        cursor.execute(
            # The version too: a member's edit form opened before the import is stale.
            f"UPDATE {p_table} x SET {assignments}, version = x.version + 1, "  # noqa: S608
            f"updated_at = %s FROM {temp} u WHERE x.id = u.id",
            [now],
        )
    new_persons = plan.new_persons.join(household_ids, on="code", how="left", maintain_order="left")
    person_ids = _reserve_ids(cursor, Person, new_persons.height)
    new_persons = new_persons.with_columns(pl.Series("person_id", person_ids, dtype=pl.Int64))
    _copy_model(
        cursor,
        Person,
        new_persons.select(
            pl.col("person_id").alias("id"),
            *person_columns,
            pl.lit(True).alias("is_active"),
            pl.lit(now.isoformat()).alias("created_at"),
            pl.lit(now.isoformat()).alias("updated_at"),
        ),
    )
    ctx.lap("write_persons")
    crash_point("import.write")
    moved_in = plan.moved_in.join(household_ids, on="code", how="left", maintain_order="left")
    memberships = pl.concat(
        [
            new_persons.select(
                "person_id",
                "household_id",
                "relation",
                "is_head",
                pl.lit(None, dtype=pl.Date).alias("joined_on"),
            ),
            moved_in.select(
                "person_id",
                "household_id",
                "relation",
                "is_head",
                pl.lit(today).alias("joined_on"),
            ),
        ]
    )
    _copy_model(
        cursor,
        Membership,
        memberships.with_columns(
            pl.lit(None, dtype=pl.Date).alias("left_on"), pl.lit("").alias("leave_reason")
        ),
    )
    if plan.membership_updates.height:
        cursor.execute(
            f"UPDATE {m_table} x SET relation = u.relation, is_head = u.is_head "  # noqa: S608
            "FROM giamngheo_import_memberships u WHERE x.id = u.id AND u.is_head"
        )

    ctx.lap("write_memberships")
    crash_point("import.write")

    # 5. Audit, in the same transaction. One event per created or updated household,
    # written in bulk with COPY: the household page shows its history from events on the
    # household (object type and id), so a single summary event would leave that history
    # silent about the import; COPY keeps the cost to about a second per 100,000 events.
    # A summary event records the file as a whole (who, what, counts).
    _write_audit(ctx, plan, creates, updates, province, file_note)
    audit.record_bulk(
        actor=ctx.actor,
        action="registry.households_imported",
        object_type=Household._meta.label_lower,
        object_id=province.code,
        summary={
            "file": ctx.report.file_name,
            "job": ctx.job_id,
            "created": ctx.report.created,
            "updated": ctx.report.updated,
            "unchanged": ctx.report.unchanged,
            "invalid": ctx.report.invalid,
            "members_added": ctx.report.members_added,
            "members_removed": ctx.report.members_removed,
            "members_moved": ctx.report.members_moved,
            "members_updated": ctx.report.members_updated,
            "only_valid": ctx.only_valid,
            "complete": ctx.complete,
            "legacy_addresses": ctx.report.legacy,
        },
        note=file_note,
        province_id=province.pk,
    )
    ctx.lap("write_audit")
    crash_point("import.write")


def _write_audit(
    ctx: Context,
    plan: Plan,
    creates: pl.DataFrame,
    updates: pl.DataFrame,
    province: AdministrativeUnit,
    note: str,
) -> None:
    """One event per created or updated household: the household page shows its history
    from events on the household (object type and id), so a single summary event would leave
    that history silent about the import. Written with COPY by ``audit.record_frame``: about a
    second per 100,000 events."""
    snapshot_keys = [
        "village_id",
        "area_kind",
        "area_kind_override_reason",
        *HOUSEHOLD_VALUE_KEYS,
    ]

    def snapshot(suffix: str, names: str) -> pl.Expr:
        fields = [
            _code_list(pl.col(f"{k}{suffix}")).alias(k)
            if k in ("poverty_reasons", "support_needs")
            else pl.col(f"{k}{suffix}").alias(k)
            for k in snapshot_keys
        ]
        return pl.struct(
            [pl.col("code"), *fields, pl.col(names).alias("members")]
        ).struct.json_encode()

    source = plan.households.with_columns(
        pl.col("_names_db").fill_null(pl.lit([], dtype=pl.List(pl.String))),
    )
    ids = pl.concat(
        [
            creates.select("code", pl.col("id").alias("_id")),
            updates.select("code", pl.col("id_db").alias("_id")),
        ]
    )
    events = source.join(ids, on="code", how="inner").select(
        pl.when(pl.col("action") == ACTION_CREATE)
        .then(pl.lit("registry.household_created"))
        .otherwise(pl.lit("registry.household_updated"))
        .alias("action"),
        pl.lit(Household._meta.label_lower).alias("object_type"),
        pl.col("_id").cast(pl.String).alias("object_id"),
        pl.concat_str([pl.col("code"), pl.lit(" · "), pl.col("head_name").fill_null("")])
        .str.slice(0, 300)
        .alias("object_repr"),
        pl.lit(province.pk).alias("province_id"),
        pl.col("commune_id"),
        pl.col("village_id"),
        pl.when(pl.col("action") == ACTION_UPDATE)
        .then(snapshot("_db", "_names_db"))
        .alias("before"),
        snapshot("", "_names").alias("after"),
    )
    audit.record_frame(actor=ctx.actor, events=events, note=note)
