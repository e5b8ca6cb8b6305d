"""Stage 5, plan: what the import would change. Values from the file over the stored ones
(an empty cell keeps the stored value, or takes the default for a new household or person),
members leaving or moving, one action per household (create, update, unchanged), and the
report's counts and changes. The dry run stops here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.registry.fields import HOUSEHOLD_VALUE_KEYS, PERSON_VALUE_KEYS
from giamngheo.registry.imports.compare import Matched
from giamngheo.registry.imports.context import Context
from giamngheo.registry.imports.frames import (
    ERROR_SCHEMA,
    Check,
    errors_of,
    msg,
    search_key_expr,
)
from giamngheo.registry.imports.report import (
    ACTION_CREATE,
    ACTION_INVALID,
    ACTION_UNCHANGED,
    ACTION_UPDATE,
    CHANGE_SCHEMA,
)
from giamngheo.registry.models import Household, Person
from giamngheo.registry.spreadsheets import ROW


@dataclass
class Plan:
    """What to write: frames of rows for each kind of change."""

    households: pl.DataFrame  # created and updated, with their new values and action
    new_persons: pl.DataFrame
    person_updates: pl.DataFrame
    membership_updates: pl.DataFrame
    moved_in: pl.DataFrame
    leaving: pl.DataFrame


def plan(ctx: Context, matched: Matched, villages: dict[int, AdministrativeUnit]) -> Plan:
    """The changes to write, the report's counts and changes (and errors found on the way)."""
    rows, members, existing = matched.rows, matched.members, matched.existing
    invalid = _cascade_moves(ctx, rows)
    village_kinds = {pk: v.area_kind for pk, v in villages.items()}
    village_names = {pk: v.name for pk, v in villages.items()}
    h_defaults = _defaults(Household, HOUSEHOLD_VALUE_KEYS)
    p_defaults = _defaults(Person, PERSON_VALUE_KEYS)
    for key in (
        *HOUSEHOLD_VALUE_KEYS,
        *PERSON_VALUE_KEYS,
        "area_kind",
        "area_kind_override_reason",
    ):
        if key not in rows.columns:
            rows = rows.with_columns(pl.lit(None, dtype=ctx.dtype(key)).alias(key))
    db_households = existing.rename({c: f"{c}_db" for c in existing.columns if c != "code"})

    # Households: values from the head's row, over the stored ones.
    heads = rows.filter(pl.col("is_head")).unique("code", keep="first", maintain_order=True)
    households = heads.join(db_households, on="code", how="left", maintain_order="left")
    village_kind = pl.col("village_id").replace_strict(
        village_kinds, default=None, return_dtype=pl.String
    )
    moved_village = pl.col("id_db").is_not_null() & (
        pl.col("village_id") != pl.col("village_id_db")
    )
    households = households.with_columns(
        pl.coalesce(
            pl.col("area_kind"),
            pl.when(pl.col("id_db").is_null()).then(village_kind),
            pl.when(
                moved_village & (pl.col("area_kind_override_reason_db").fill_null("") == "")
            ).then(village_kind),
            pl.col("area_kind_db"),
        ).alias("_area_kind"),
    ).with_columns(
        pl.when(pl.col("_area_kind") == village_kind)
        .then(pl.lit(""))
        .otherwise(
            pl.coalesce("area_kind_override_reason", "area_kind_override_reason_db", pl.lit(""))
        )
        .alias("_reason")
    )
    ctx.errors.add(
        errors_of(
            households.filter(~pl.col("code").is_in(list(invalid))),
            [
                Check(
                    (pl.col("_area_kind") != village_kind) & (pl.col("_reason") == ""),
                    ctx.header("area_kind"),
                    pl.lit(_("Cần ghi lý do khi khu vực của hộ khác khu vực của thôn.")),
                )
            ],
        )
    )
    if not ctx.complete:
        ctx.errors.add(_absent_heads(ctx, rows, members, db_households, matched.first_rows))
    invalid = _cascade_moves(ctx, rows)
    valid = ~pl.col("code").is_in(list(invalid))
    households = households.filter(valid)
    rows = rows.filter(valid)
    members = members.filter(pl.col("hid").is_in(households["id_db"].drop_nulls().to_list()))

    value_changes = [
        pl.when(pl.col(k).is_not_null() & pl.col(k).ne_missing(pl.col(f"{k}_db")))
        .then(pl.lit(ctx.header(k)))
        .otherwise(None)
        for k in HOUSEHOLD_VALUE_KEYS
    ]
    value_changes += [
        pl.when(pl.col("village_id") != pl.col("village_id_db")).then(
            pl.lit(ctx.header("village"))
        ),
        pl.when(pl.col("_area_kind").ne_missing(pl.col("area_kind_db"))).then(
            pl.lit(ctx.header("area_kind"))
        ),
        pl.when(pl.col("_reason").ne_missing(pl.col("area_kind_override_reason_db"))).then(
            pl.lit(ctx.header("area_kind_override_reason"))
        ),
    ]
    households = households.with_columns(
        pl.when(pl.col("id_db").is_not_null())
        .then(pl.concat_list(value_changes).list.drop_nulls())
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
        .alias("_fields"),
        *[
            pl.coalesce(
                pl.col(k), pl.col(f"{k}_db"), pl.lit(h_defaults[k], dtype=ctx.dtype(k))
            ).alias(k)
            for k in HOUSEHOLD_VALUE_KEYS
        ],
    ).with_columns(
        pl.col("_area_kind").alias("area_kind"),
        pl.col("_reason").alias("area_kind_override_reason"),
    )

    # Members: values from the file over the stored ones.
    rows = rows.join(matched.persons, on="person_id", how="left", maintain_order="left")
    known_person = pl.col("person_id").is_not_null()
    same_household = pl.col("membership_id").is_not_null()
    person_changes = [
        pl.col(k).is_not_null() & pl.col(k).ne_missing(pl.col(f"{k}_db")) for k in PERSON_VALUE_KEYS
    ]
    rows = (
        rows.with_columns(
            pl.when(pl.col("birth_date").is_not_null())
            .then(pl.col("birth_date"))
            .when(
                pl.col("birth_year").is_null() | (pl.col("birth_year") == pl.col("birth_year_db"))
            )
            .then(pl.col("birth_date_db"))
            .otherwise(None)
            .alias("_birth_date"),
            pl.coalesce("birth_year", "birth_year_db").alias("_birth_year"),
        )
        .with_columns(
            (
                known_person
                & (
                    pl.any_horizontal(person_changes)
                    | pl.col("_birth_date").ne_missing(pl.col("birth_date_db"))
                    | pl.col("_birth_year").ne_missing(pl.col("birth_year_db"))
                    | (same_household & (pl.col("relation") != pl.col("relation_db")))
                )
            ).alias("_person_changed"),
            *[
                pl.coalesce(
                    pl.col(k), pl.col(f"{k}_db"), pl.lit(p_defaults[k], dtype=ctx.dtype(k))
                ).alias(k)
                for k in PERSON_VALUE_KEYS
            ],
        )
        .with_columns(
            pl.col("_birth_date").alias("birth_date"),
            pl.col("_birth_year").alias("birth_year"),
            search_key_expr(pl.col("full_name")).alias("search_name"),
        )
    )
    kept = rows.filter(pl.col("match").is_in(["id", "name"])).select("hid", "person_id")
    moved_out = rows.filter(pl.col("match") == "move").select(
        pl.col("source_membership").alias("membership_id"), pl.col("code").alias("_to")
    )
    leaving = (
        members.join(kept, on=["hid", "person_id"], how="anti")
        .join(moved_out, on="membership_id", how="left")
        .with_columns(pl.col("_to").is_not_null().alias("moved"))
    )
    # Members the file does not list leave only when the file is declared complete.
    absent = leaving.filter(~pl.col("moved"))
    ctx.report.members_absent = absent.height
    staying = absent.clear() if ctx.complete else absent
    if not ctx.complete:
        leaving = leaving.filter(pl.col("moved"))
    staying_by_code = (
        staying.join(db_households.select(pl.col("id_db").alias("hid"), "code"), on="hid")
        .group_by("code")
        .agg(pl.col("full_name_db").alias("_staying"), pl.len().alias("_staying_count"))
    )

    # Per household: names added, moved in, leaving; members changed.
    ordered = rows.sort(["code", "is_head", ROW], descending=[False, True, False])
    per_household = ordered.group_by("code", maintain_order=True).agg(
        pl.col("full_name").filter(pl.col("person_id").is_null()).alias("_added"),
        pl.col("full_name").filter(pl.col("match").is_in(["move", "attach"])).alias("_moved_in"),
        pl.col("_person_changed").sum().alias("_updated"),
        pl.col("full_name").alias("_names"),
        pl.col("full_name").filter(pl.col("is_head")).first().alias("head_name"),
        pl.len().alias("member_count"),
    )
    leaving_names = (
        leaving.join(db_households.select(pl.col("id_db").alias("hid"), "code"), on="hid")
        .with_columns(
            pl.when(pl.col("moved"))
            .then(pl.concat_str([pl.col("full_name_db"), pl.lit(" → "), pl.col("_to")]))
            .otherwise(pl.col("full_name_db"))
            .alias("_name")
        )
        .group_by("code")
        .agg(pl.col("_name").alias("_removed"))
    )
    db_names = (
        members.join(db_households.select(pl.col("id_db").alias("hid"), "code"), on="hid")
        .group_by("code")
        .agg(pl.col("full_name_db").alias("_names_db"))
    )
    households = (
        households.join(per_household, on="code", how="left", maintain_order="left")
        .join(leaving_names, on="code", how="left", maintain_order="left")
        .join(db_names, on="code", how="left", maintain_order="left")
        .join(staying_by_code, on="code", how="left", maintain_order="left")
        .with_columns(
            pl.col("_names").list.concat(
                pl.col("_staying").fill_null(pl.lit([], dtype=pl.List(pl.String)))
            ),
            (pl.col("member_count") + pl.col("_staying_count").fill_null(0)).alias("member_count"),
        )
        .with_columns(
            pl.col("_removed").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            search_key_expr(
                pl.concat_str([pl.col("code"), pl.col("_names").list.join(" ")], separator=" ")
            )
            .str.slice(0, 400)
            .alias("search_text"),
        )
        .with_columns(
            pl.when(pl.col("id_db").is_null())
            .then(pl.lit(ACTION_CREATE))
            .when(
                (pl.col("_fields").list.len() > 0)
                | (pl.col("_added").list.len() > 0)
                | (pl.col("_moved_in").list.len() > 0)
                | (pl.col("_removed").list.len() > 0)
                | (pl.col("_updated") > 0)
            )
            .then(pl.lit(ACTION_UPDATE))
            .otherwise(pl.lit(ACTION_UNCHANGED))
            .alias("action")
        )
    )
    _fill_report(ctx, matched, rows, households, leaving, invalid, village_names)
    writing = households.filter(pl.col("action") != ACTION_UNCHANGED)
    codes_written = writing["code"].to_list()
    rows = rows.filter(pl.col("code").is_in(codes_written))
    return Plan(
        households=writing,
        new_persons=rows.filter(pl.col("person_id").is_null()),
        person_updates=rows.filter(pl.col("_person_changed")),
        membership_updates=rows.filter(
            pl.col("membership_id").is_not_null() & (pl.col("relation") != pl.col("relation_db"))
        ).select("membership_id", "relation", "is_head"),
        moved_in=rows.filter(pl.col("match").is_in(["move", "attach"])),
        leaving=leaving,
    )


def _absent_heads(
    ctx: Context,
    rows: pl.DataFrame,
    members: pl.DataFrame,
    db_households: pl.DataFrame,
    first_rows: pl.DataFrame,
) -> pl.DataFrame:
    """Errors for stored heads the file does not list, when the file is not declared
    complete: they would stay, next to the head the file names."""
    kept = rows.filter(pl.col("match").is_in(["id", "name"])).select("hid", "person_id")
    moved = rows.filter(pl.col("match") == "move").select(
        pl.col("source_membership").alias("membership_id")
    )
    absent = (
        members.filter(pl.col("is_head_db"))
        .join(kept, on=["hid", "person_id"], how="anti")
        .join(moved, on="membership_id", how="anti")
        .join(db_households.select(pl.col("id_db").alias("hid"), "code"), on="hid")
        .join(first_rows, on="code")
    )
    return absent.select(
        pl.col("row"),
        pl.lit(ctx.header("relation")).alias("column"),
        pl.col("code").alias("household"),
        msg(
            _(
                "Chủ hộ hiện tại %(name)s không có trong tệp. Hãy ghi cả người này (với "
                "quan hệ mới), hoặc nếu tệp gồm đầy đủ thành viên thì chọn “Tệp gồm đầy "
                "đủ thành viên của các hộ”."
            ),
            name=pl.col("full_name_db"),
        ).alias("message"),
    ).cast(ERROR_SCHEMA)


def _cascade_moves(ctx: Context, rows: pl.DataFrame) -> set[str]:
    """A person moving between two households of the file ties them together: both are
    written or neither (else the person would be lost or counted twice)."""
    invalid = ctx.errors.invalid_codes()
    moves = rows.filter(pl.col("match") == "move").select(ROW, "code", "source_code").rows()
    changed = True
    while changed and moves:
        changed = False
        for row, target, source in moves:
            if (source in invalid) != (target in invalid):
                bad, good = (target, source) if source in invalid else (source, target)
                invalid.add(good)
                changed = True
                ctx.errors.one(
                    row,
                    ctx.header("citizen_id"),
                    _(
                        "Người này chuyển từ hộ “%(source)s” sang hộ “%(target)s”; "
                        "hộ “%(bad)s” có lỗi nên cả hai hộ đều chưa được nhập."
                    )
                    % {"source": source, "target": target, "bad": bad},
                    good,
                )
    return invalid


def _defaults(model: Any, keys: Sequence[str]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for key in keys:
        model_field = model._meta.get_field(key)
        value = model_field.get_default()
        if isinstance(value, list | tuple):
            value = ",".join(value)
        defaults[key] = value
    return defaults


def _fill_report(
    ctx: Context,
    matched: Matched,
    rows: pl.DataFrame,
    households: pl.DataFrame,
    leaving: pl.DataFrame,
    invalid: set[str],
    village_names: dict[int, str],
) -> None:
    report = ctx.report
    counts = households["action"].value_counts()
    by_action = dict(zip(counts["action"].to_list(), counts["count"].to_list(), strict=True))
    report.created = by_action.get(ACTION_CREATE, 0)
    report.updated = by_action.get(ACTION_UPDATE, 0)
    report.unchanged = by_action.get(ACTION_UNCHANGED, 0)
    codes_in_file = set(matched.codes)
    report.invalid = len(invalid & codes_in_file)
    report.households = len(codes_in_file)
    existing = pl.col("hid").is_not_null()
    report.members_added = rows.filter(existing & pl.col("person_id").is_null()).height
    report.persons_in_new_households = rows.filter(pl.col("hid").is_null()).height
    report.members_moved = rows.filter(pl.col("match").is_in(["move", "attach"])).height
    report.members_removed = leaving.filter(~pl.col("moved")).height
    report.members_updated = rows.filter(pl.col("_person_changed")).height
    joined = ", "
    changes = households.select(
        pl.col("code").alias("household"),
        pl.col("action"),
        pl.col("village_id")
        .replace_strict(village_names, default="", return_dtype=pl.String)
        .alias("village"),
        pl.col("_fields").list.join(joined).alias("fields"),
        pl.col("_added").list.join(joined).alias("added"),
        pl.col("_removed").list.join(joined).alias("removed"),
        pl.col("_moved_in").list.join(joined).alias("moved_in"),
        pl.col("_updated").cast(pl.Int64).alias("members_updated"),
        pl.col(ROW).alias("row"),
    )
    invalid_rows = (
        pl.DataFrame(
            {"household": sorted(invalid & codes_in_file)}, schema={"household": pl.String}
        )
        .join(matched.first_rows.rename({"code": "household"}), on="household", how="left")
        .with_columns(pl.lit(ACTION_INVALID).alias("action"))
    )
    report.changes = (
        pl.concat(
            [changes.cast(CHANGE_SCHEMA), invalid_rows],
            how="diagonal_relaxed",
        )
        .select(list(CHANGE_SCHEMA))
        .sort("row", nulls_last=True)
    )
