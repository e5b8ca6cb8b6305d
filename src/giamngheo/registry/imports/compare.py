"""Stage 4, compare: inside the import's transaction, the file against the database.

Households are matched by code within the province, members by citizen ID, then by name and
birth year. Citizen IDs held by active persons elsewhere are errors, except a person moving
between two households of the same file. Everything is read with a few set-based queries
(``lib.pgcopy.read_frame``), never one per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib import pgcopy
from giamngheo.registry.imports.context import HOUSEHOLD_DB_COLUMNS, PERSON_DB_COLUMNS, Context
from giamngheo.registry.imports.foreign_ids import UNUSABLE_ID_MESSAGE
from giamngheo.registry.imports.frames import (
    ERROR_SCHEMA,
    Check,
    errors_of,
    msg,
    search_key_expr,
)
from giamngheo.registry.imports.structure import place
from giamngheo.registry.models import Household, Membership, Person
from giamngheo.registry.spreadsheets import ROW


@dataclass
class Matched:
    """The file's rows matched with the stored households and persons."""

    rows: pl.DataFrame  # the file's rows with hid, person_id, match, membership_id…
    members: pl.DataFrame  # current members of the matched households, stored values "_db"
    existing: pl.DataFrame  # the matched households' stored values
    persons: pl.DataFrame  # stored values of every matched person ("_db")
    codes: list[str]  # household codes in the file
    first_rows: pl.DataFrame  # code → the household's first row in the file
    foreign_ids: int  # distinct IDs of the file held outside the actor's areas


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: Any) -> str:
    return _quote(model._meta.db_table)


def _temp_codes(cursor: Any, name: str, column: str, sql_type: str, values: pl.Series) -> None:
    """A temporary one-column key table (dropped at commit) to join the database with."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMP TABLE {name} ({column} {sql_type}) ON COMMIT DROP")
    pgcopy.copy_frame(cursor, name, values.alias(column).to_frame())


def compare(
    ctx: Context,
    cursor: Any,
    frame: pl.DataFrame,
    province: AdministrativeUnit,
    villages: dict[int, AdministrativeUnit],
) -> Matched:
    """Match the file with the database. ``villages`` gains those of the matched households."""
    rows = frame.filter(pl.col("code").is_not_null()).with_columns(
        search_key_expr(pl.col("full_name")).alias("name_key")
    )
    codes = rows["code"].unique().to_list()
    first_rows = rows.group_by("code").agg(pl.col(ROW).min().alias("row"))
    _temp_codes(
        cursor,
        "giamngheo_import_codes",
        "code",
        "text PRIMARY KEY",
        pl.Series("code", codes, dtype=pl.String),
    )
    select, schema = _household_select(ctx)
    existing = pgcopy.read_frame(
        cursor,
        f"SELECT {select} FROM {_table(Household)} h "  # noqa: S608 - names from models
        "JOIN giamngheo_import_codes c ON c.code = h.code WHERE h.province_id = %s",
        [province.pk],
        schema,
    )
    for key in ("poverty_reasons", "support_needs"):
        existing = _canonical_multi(ctx, existing, key)
    _check_existing_scope(ctx, rows, existing, villages)

    # Current members of the matched households, with their stored values.
    person_columns = ", ".join(f"p.{_quote(c)}" for c in PERSON_DB_COLUMNS)
    members = pgcopy.read_frame(
        cursor,
        f"SELECT m.id, m.household_id, m.person_id, m.relation, m.is_head, "  # noqa: S608
        f"p.search_name, {person_columns} FROM {_table(Membership)} m "
        f"JOIN {_table(Person)} p ON p.id = m.person_id "
        f"JOIN {_table(Household)} h ON h.id = m.household_id "
        "JOIN giamngheo_import_codes c ON c.code = h.code "
        "WHERE m.left_on IS NULL AND h.province_id = %s",
        [province.pk],
        {
            "membership_id": pl.Int64,
            "hid": pl.Int64,
            "person_id": pl.Int64,
            "relation_db": pl.String,
            "is_head_db": pl.Boolean,
            "search_name": pl.String,
            **{f"{c}_db": ctx.dtype(c) for c in PERSON_DB_COLUMNS},
        },
    )
    rows = rows.join(
        existing.select("code", pl.col("id").alias("hid")),
        on="code",
        how="left",
        maintain_order="left",
    )
    rows, foreign_ids = _match_by_id(ctx, cursor, rows, members, province)
    rows = _match_by_name(rows, members)
    rows = rows.join(
        members.select("person_id", "membership_id", "hid", "relation_db", "is_head_db"),
        on=["person_id", "hid"],
        how="left",
        maintain_order="left",
    )
    persons = _person_values(ctx, cursor, rows, members)
    return Matched(rows, members, existing, persons, codes, first_rows, foreign_ids)


def _household_select(ctx: Context) -> tuple[str, dict[str, Any]]:
    exprs: list[str] = []
    schema: dict[str, Any] = {}
    for key in HOUSEHOLD_DB_COLUMNS:
        column = f"h.{_quote(key)}"
        if key in ("poverty_reasons", "support_needs"):
            exprs.append(f"array_to_string({column}, ',')")
            schema[key] = pl.String
        elif key == "floor_area_m2":
            exprs.append(f"{column}::float8")
            schema[key] = pl.Float64
        else:
            exprs.append(column)
            schema[key] = ctx.dtype(key)
    return ", ".join(exprs), schema


def _canonical_multi(ctx: Context, frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """Stored arrays in the canonical order of the choices (as the parser writes them)."""
    order = [code for code, _label in ctx.columns[key].choices]
    mapping = {
        raw: ",".join(code for code in order if code in raw.split(","))
        for raw in frame[key].drop_nulls().unique().to_list()
    }
    return frame.with_columns(
        pl.col(key).replace_strict(mapping, default=None, return_dtype=pl.String)
    )


def _check_existing_scope(
    ctx: Context,
    rows: pl.DataFrame,
    existing: pl.DataFrame,
    villages: dict[int, AdministrativeUnit],
) -> None:
    """Stored households the actor may not change are errors (their villages are added to
    ``villages``, which the plan needs for every household it writes)."""
    if existing.height == 0:
        return
    missing = set(existing["village_id"].to_list()) - set(villages)
    if missing:
        villages.update(
            {
                v.pk: v
                for v in AdministrativeUnit.objects.filter(pk__in=missing).select_related("parent")
            }
        )
    if ctx.actor is None:
        return
    refused = {
        code: place(villages[village])
        for code, village in existing.select("code", "village_id").iter_rows()
        if not access.can_change_area(ctx.actor, villages[village])
    }
    if not refused:
        return
    first_rows = (
        rows.filter(pl.col("code").is_in(list(refused))).group_by("code").agg(pl.col(ROW).min())
    )
    ctx.errors.add(
        first_rows.select(
            pl.col(ROW).alias("row"),
            pl.lit(ctx.header("code")).alias("column"),
            pl.col("code").alias("household"),
            msg(
                _("Hộ “%(code)s” đã có ở %(place)s, ngoài địa bàn bạn được thay đổi."),
                code=pl.col("code"),
                place=pl.col("code").replace_strict(refused, default="?", return_dtype=pl.String),
            ).alias("message"),
        ).cast(ERROR_SCHEMA)
    )


def _match_by_id(
    ctx: Context,
    cursor: Any,
    rows: pl.DataFrame,
    members: pl.DataFrame,
    province: AdministrativeUnit,
) -> tuple[pl.DataFrame, int]:
    """Members whose citizen ID belongs to an active person: the same person (in this
    household, or moving from another household of the file), or an error."""
    holder_schema = {
        "citizen_id": pl.String,
        "_holder": pl.Int64,
        "_holder_name": pl.String,
        "_holder_membership": pl.Int64,
        "_holder_hid": pl.Int64,
        "_holder_code": pl.String,
        "_holder_province": pl.Int64,
    }
    if "citizen_id" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias("citizen_id"))
    # IDs of the household's own stored members need no query (a re-import: all of them).
    own = members.filter(pl.col("citizen_id_db").is_not_null()).select(
        pl.col("citizen_id_db").alias("citizen_id"),
        pl.col("person_id").alias("_holder"),
        pl.col("full_name_db").alias("_holder_name"),
        pl.col("membership_id").alias("_holder_membership"),
        pl.col("hid").alias("_holder_hid"),
    )
    known = rows.join(own.rename({"_holder_hid": "hid"}), on=["citizen_id", "hid"], how="semi")[
        "citizen_id"
    ]
    ids = rows["citizen_id"].drop_nulls().unique()
    ids = ids.filter(~ids.is_in(known.implode()))
    holders = pl.DataFrame(schema=holder_schema)
    if ids.len():
        _temp_codes(cursor, "giamngheo_import_ids", "citizen_id", "text PRIMARY KEY", ids)
        holders = pgcopy.read_frame(
            cursor,
            f"SELECT p.citizen_id, p.id, p.full_name, m.id, m.household_id, h.code, "  # noqa: S608
            f"h.province_id FROM {_table(Person)} p "
            "JOIN giamngheo_import_ids i ON i.citizen_id = p.citizen_id "
            f"LEFT JOIN {_table(Membership)} m ON m.person_id = p.id AND m.left_on IS NULL "
            f"LEFT JOIN {_table(Household)} h ON h.id = m.household_id WHERE p.is_active",
            [],
            holder_schema,
        )
    own_codes = own.join(
        rows.select(
            pl.col("hid").alias("_holder_hid"), pl.col("code").alias("_holder_code")
        ).unique(),
        on="_holder_hid",
        how="left",
    ).with_columns(pl.lit(province.pk, dtype=pl.Int64).alias("_holder_province"))
    holders = pl.concat([own_codes.select(list(holder_schema)), holders]).unique(
        "citizen_id", keep="first"
    )
    codes = rows["code"].unique().to_list()
    rows = rows.join(holders, on="citizen_id", how="left", maintain_order="left")
    found = pl.col("_holder").is_not_null()
    same = found & pl.col("hid").is_not_null() & (pl.col("_holder_hid") == pl.col("hid"))
    orphan = found & pl.col("_holder_membership").is_null()
    move = (
        found
        & ~same
        & ~orphan
        & (pl.col("_holder_province") == province.pk)
        & pl.col("_holder_code").is_in(codes)
        & (pl.col("_holder_code") != pl.col("code"))
    )
    conflict = found & ~same & ~orphan & ~move
    # Who holds an ID outside the user's areas is not revealed (name, household code).
    hidden = pl.lit(value=False)
    foreign_ids = 0
    if ctx.actor is not None:
        holder_hids = rows.filter(conflict)["_holder_hid"].drop_nulls().unique().to_list()
        seen = list(
            access.scoped(Household.objects.filter(pk__in=holder_hids), ctx.actor).values_list(
                "pk", flat=True
            )
        )
        hidden = ~pl.col("_holder_hid").is_in(pl.Series(seen, dtype=pl.Int64).implode())
        foreign_ids = rows.filter(conflict & hidden)["citizen_id"].n_unique()
    ctx.errors.add(
        errors_of(
            rows,
            [
                Check(
                    conflict & hidden,
                    ctx.header("citizen_id"),
                    msg(str(UNUSABLE_ID_MESSAGE), id=pl.col("citizen_id")),
                ),
                Check(
                    conflict & ~hidden,
                    ctx.header("citizen_id"),
                    msg(
                        _(
                            "Số định danh %(id)s đã thuộc về %(name)s ở hộ “%(household)s” "
                            "đang được quản lý. Nếu người này chuyển hộ, hãy đưa cả hộ cũ vào "
                            "tệp hoặc dùng chức năng chuyển hộ."
                        ),
                        id=pl.col("citizen_id"),
                        name=pl.col("_holder_name"),
                        household=pl.col("_holder_code"),
                    ),
                ),
            ],
        )
    )
    matched = rows.with_columns(
        pl.when(same | move | orphan).then(pl.col("_holder")).otherwise(None).alias("person_id"),
        pl.when(same)
        .then(pl.lit("id"))
        .when(move)
        .then(pl.lit("move"))
        .when(orphan)
        .then(pl.lit("attach"))
        .otherwise(None)
        .alias("match"),
        pl.when(move).then(pl.col("_holder_membership")).otherwise(None).alias("source_membership"),
        pl.when(move).then(pl.col("_holder_code")).otherwise(None).alias("source_code"),
    ).drop(holders.columns[1:])
    return matched, foreign_ids


def _match_by_name(rows: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """Members of existing households without an ID match: same name (accents ignored)
    and birth year, first with first when a name repeats."""
    claimed = rows["person_id"].drop_nulls().to_list()
    rank_keys = ["hid", "name_key", "birth_year"]
    free_rows = (
        rows.filter(pl.col("person_id").is_null() & pl.col("hid").is_not_null())
        .select(ROW, *rank_keys)
        .with_columns(pl.int_range(pl.len()).over(rank_keys).alias("_k"))
    )
    free_members = (
        members.filter(~pl.col("person_id").is_in(claimed))
        .select(
            "hid",
            pl.col("search_name").alias("name_key"),
            pl.col("birth_year_db").alias("birth_year"),
            pl.col("person_id").alias("_by_name"),
        )
        .with_columns(pl.int_range(pl.len()).over(rank_keys).alias("_k"))
    )
    pairs = free_rows.join(free_members, on=[*rank_keys, "_k"], how="inner").select(ROW, "_by_name")
    return (
        rows.join(pairs, on=ROW, how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("person_id", "_by_name").alias("person_id"),
            pl.when(pl.col("_by_name").is_not_null())
            .then(pl.lit("name"))
            .otherwise(pl.col("match"))
            .alias("match"),
        )
        .drop("_by_name")
    )


def _person_values(
    ctx: Context, cursor: Any, rows: pl.DataFrame, members: pl.DataFrame
) -> pl.DataFrame:
    """Stored values of the matched persons: from the members already read, plus one
    query for persons moving in from elsewhere."""
    value_columns = [f"{c}_db" for c in PERSON_DB_COLUMNS]
    known = members.select("person_id", *value_columns).unique("person_id", keep="first")
    ids = rows["person_id"].drop_nulls().unique()
    missing = ids.filter(~ids.is_in(known["person_id"].implode()))
    if missing.len() == 0:
        return known
    _temp_codes(cursor, "giamngheo_import_persons", "id", "bigint", missing)
    columns = ", ".join(f"p.{_quote(c)}" for c in PERSON_DB_COLUMNS)
    others = pgcopy.read_frame(
        cursor,
        f"SELECT p.id, {columns} FROM {_table(Person)} p "  # noqa: S608
        "JOIN giamngheo_import_persons i ON i.id = p.id",
        [],
        {"person_id": pl.Int64, **{f"{c}_db": ctx.dtype(c) for c in PERSON_DB_COLUMNS}},
    )
    return pl.concat([known, others])
