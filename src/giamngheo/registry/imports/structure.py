"""Stage 3, structure: one head per household, household columns consistent with the head's
row, duplicate citizen IDs in the file, birth date or year; then the areas: commune (by code or
name, or converted from an old three-level address by ``registry.legacy``), village in that
commune, one province per file, and the user's reach (``access.can_change_area``): rows outside
it are errors."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.areas.models import Level as AreaLevel
from giamngheo.lib.text import search_key
from giamngheo.registry import legacy
from giamngheo.registry.imports.context import LEGACY_KEYS, Context
from giamngheo.registry.imports.frames import ERROR_SCHEMA, Check, errors_of, msg
from giamngheo.registry.imports.parse import Communes
from giamngheo.registry.models import Relation
from giamngheo.registry.spreadsheets import ROW, Level


@dataclass
class Located:
    """The file's rows with their village and commune ids, in one province."""

    province: AdministrativeUnit
    frame: pl.DataFrame
    villages: dict[int, AdministrativeUnit]  # the file's villages, with their communes


def structure(ctx: Context, frame: pl.DataFrame, communes: Communes) -> Located | None:
    """Households, heads and areas checked (``None``: no province to import into)."""
    ctx.say(20, _("Đang kiểm tra hộ, chủ hộ và địa bàn…"))
    frame = _convert_legacy(ctx, frame, communes)
    frame = _check_structure(ctx, frame)
    province, frame, villages = _check_areas(ctx, frame, communes)
    ctx.lap("structure")
    if province is None:
        return None
    frame = frame.with_columns(
        pl.col("village_id")
        .replace_strict(
            {pk: v.parent_id for pk, v in villages.items()},
            default=None,
            return_dtype=pl.Int64,
        )
        .alias("commune_id")
    )
    return Located(province, frame, villages)


def place(village: AdministrativeUnit) -> str:
    return f"{village.name}, {village.parent.name}" if village.parent else village.name


def _convert_legacy(ctx: Context, frame: pl.DataFrame, communes: Communes) -> pl.DataFrame:
    """Fill the commune of rows that give only an old three-level address."""
    present = [k for k in LEGACY_KEYS if k in frame.columns]
    if not present:
        return frame
    ctx.report.legacy = True
    frame = frame.with_columns(
        pl.lit(None, dtype=pl.String).alias(k) for k in LEGACY_KEYS if k not in present
    )
    needed = frame.filter(
        ~pl.col("_g_commune") & pl.any_horizontal(pl.col(k).is_not_null() for k in LEGACY_KEYS)
    )
    if needed.height == 0:
        return frame
    keys = [pl.col(k).fill_null("").alias(f"_{k}") for k in LEGACY_KEYS]
    needed = needed.with_columns(keys)
    triples = needed.select(f"_{k}" for k in LEGACY_KEYS).unique().rows()
    results = legacy.convert_many(triples)
    header = ctx.header("legacy_commune")
    resolved: list[int | None] = []
    messages: list[str | None] = []
    for triple in triples:
        result = results[triple]
        key = legacy.address_key(*triple)
        chosen = ctx.resolutions.get(key)
        candidates = [c.code for c in result.communes if c.code]
        code: str | None = None
        message: str | None = None
        if result.outcome == legacy.Outcome.CONVERTED:
            code = result.commune_code
        elif result.outcome == legacy.Outcome.AMBIGUOUS:
            if chosen and chosen in candidates:
                code = chosen
            else:
                message = _(
                    "Địa chỉ cũ “%(address)s” nay thuộc nhiều xã (%(candidates)s): hãy chọn "
                    "xã trong kết quả chạy thử, hoặc ghi cột Mã xã."
                ) % {
                    "address": result.old_address,
                    "candidates": ", ".join(c.name for c in result.communes),
                }
        else:
            message = result.problem
        rows = needed.filter(
            pl.all_horizontal(
                pl.col(f"_{k}") == v for k, v in zip(LEGACY_KEYS, triple, strict=True)
            )
        )[ROW]
        if result.outcome == legacy.Outcome.AMBIGUOUS:
            ctx.report.ambiguous.append(
                {
                    "key": key,
                    "old_address": result.old_address,
                    "candidates": [
                        {"code": c.code, "name": c.name} for c in result.communes if c.code
                    ],
                    "chosen": code,
                    "rows": rows.head(10).to_list(),
                    "row_count": rows.len(),
                }
            )
        resolved.append(communes.by_code[code][0] if code in communes.by_code else None)
        messages.append(message)
    table = pl.DataFrame(
        {
            **{f"_{k}": [t[i] for t in triples] for i, k in enumerate(LEGACY_KEYS)},
            "_legacy_commune_id": resolved,
            "_legacy_message": messages,
        },
        schema={
            **{f"_{k}": pl.String for k in LEGACY_KEYS},
            "_legacy_commune_id": pl.Int64,
            "_legacy_message": pl.String,
        },
    )
    frame = (
        frame.with_columns(keys)
        .join(table, on=[f"_{k}" for k in LEGACY_KEYS], how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("_g_commune"))
            .then(pl.col("commune"))
            .otherwise(pl.col("_legacy_commune_id"))
            .alias("commune")
        )
    )
    ctx.errors.add(
        errors_of(
            frame,
            [
                Check(
                    ~pl.col("_g_commune") & pl.col("_legacy_message").is_not_null(),
                    header,
                    pl.col("_legacy_message"),
                )
            ],
        )
    )
    return frame.drop([f"_{k}" for k in LEGACY_KEYS] + ["_legacy_commune_id", "_legacy_message"])


def _check_structure(ctx: Context, frame: pl.DataFrame) -> pl.DataFrame:
    checks: list[Check] = []
    frame = frame.with_columns(
        (pl.col("relation") == Relation.HEAD).fill_null(False).alias("is_head")
    )
    # Birth: a date, or a year only.
    date = pl.col("birth_date") if "birth_date" in frame.columns else pl.lit(None, dtype=pl.Date)
    year = pl.col("birth_year") if "birth_year" in frame.columns else pl.lit(None, dtype=pl.Int64)
    birth_header = ctx.header("birth_year")
    checks.append(
        Check(
            ~pl.col("_g_birth_date") & ~pl.col("_g_birth_year"),
            birth_header,
            pl.lit(_("Thiếu ngày sinh hoặc năm sinh.")),
        )
    )
    checks.append(
        Check(
            date.is_not_null() & year.is_not_null() & (date.dt.year() != year),
            birth_header,
            msg(
                _("Năm sinh %(year)s không khớp với ngày sinh."),
                year=year,
            ),
        )
    )
    frame = frame.with_columns(
        pl.coalesce(date.dt.year().cast(pl.Int64), year).alias("birth_year"),
        date.alias("birth_date"),
    )
    # One head per household.
    with_code = frame.filter(pl.col("code").is_not_null())
    heads = with_code.group_by("code").agg(
        pl.col("is_head").sum().alias("_heads"),
        pl.col(ROW).min().alias("_first_row"),
        pl.col(ROW).filter(pl.col("is_head")).alias("_head_rows"),
    )
    relation = ctx.header("relation")
    no_head = heads.filter(pl.col("_heads") == 0).select(
        pl.col("_first_row").alias("row"),
        pl.lit(relation).alias("column"),
        pl.col("code").alias("household"),
        msg(_("Hộ “%(code)s” không có thành viên nào là Chủ hộ."), code=pl.col("code")).alias(
            "message"
        ),
    )
    many = (
        heads.filter(pl.col("_heads") > 1)
        .with_columns(
            pl.col("_head_rows")
            .list.eval(pl.element().cast(pl.String))
            .list.join(", ")
            .alias("_rows")
        )
        .explode("_head_rows")
        .select(
            pl.col("_head_rows").alias("row"),
            pl.lit(relation).alias("column"),
            pl.col("code").alias("household"),
            msg(
                _("Hộ “%(code)s” có nhiều hơn một chủ hộ (dòng %(rows)s)."),
                code=pl.col("code"),
                rows=pl.col("_rows"),
            ).alias("message"),
        )
    )
    ctx.errors.add(no_head.cast(ERROR_SCHEMA))
    ctx.errors.add(many.cast(ERROR_SCHEMA))
    # Household columns: read from the head's row; other rows empty or the same.
    household_keys = [
        k
        for k in frame.columns
        if k in ctx.columns
        and ctx.columns[k].level in (Level.HOUSEHOLD, Level.LEGACY)
        and k != "code"
    ]
    head_values = (
        frame.filter(pl.col("is_head") & pl.col("code").is_not_null())
        .unique("code", keep="first", maintain_order=True)
        .select(
            "code",
            pl.col(ROW).alias("_head_row"),
            *[pl.col(k).alias(f"{k}__head") for k in household_keys],
        )
    )
    joined = frame.join(head_values, on="code", how="left", maintain_order="left")
    for key in household_keys:
        if key == "commune":
            value, head = pl.col("commune"), pl.col("commune__head")
        else:
            value, head = pl.col(key), pl.col(f"{key}__head")
        checks.append(
            Check(
                ~pl.col("is_head")
                & pl.col("_head_row").is_not_null()
                & value.is_not_null()
                & value.ne_missing(head),
                ctx.header(key),
                msg(
                    _(
                        "Khác với dòng của chủ hộ (dòng %(row)s): thông tin chung của hộ "
                        "được đọc từ dòng chủ hộ."
                    ),
                    row=pl.col("_head_row"),
                ),
            )
        )
    # Required household columns, on the head's row.
    has_legacy = pl.any_horizontal(
        [pl.col(k).is_not_null() for k in LEGACY_KEYS if k in frame.columns] or [pl.lit(False)]
    )
    first_head = pl.col("is_head") & (pl.col(ROW) == pl.col("_head_row"))
    checks.append(
        Check(
            first_head & ~pl.col("_g_commune") & ~has_legacy,
            ctx.header("commune"),
            pl.lit(_("Thiếu mã xã (hoặc địa chỉ cũ tỉnh, huyện, xã).")),
        )
    )
    checks.append(
        Check(
            first_head & ~pl.col("_g_village"),
            ctx.header("village"),
            pl.lit(_("Thiếu thôn/tổ dân phố.")),
        )
    )
    ctx.errors.add(errors_of(joined, checks))
    # Duplicate citizen IDs in the file.
    if "citizen_id" in frame.columns:
        duplicates = (
            frame.filter(pl.col("citizen_id").is_not_null())
            .group_by("citizen_id")
            .agg(pl.col(ROW), pl.col("code"))
            .filter(pl.col(ROW).list.len() > 1)
            .with_columns(
                pl.col(ROW).list.eval(pl.element().cast(pl.String)).list.join(", ").alias("_rows")
            )
            .explode(ROW, "code")
            .select(
                pl.col(ROW).alias("row"),
                pl.lit(ctx.header("citizen_id")).alias("column"),
                pl.col("code").alias("household"),
                msg(
                    _("Số định danh %(id)s xuất hiện nhiều lần trong tệp (dòng %(rows)s)."),
                    id=pl.col("citizen_id"),
                    rows=pl.col("_rows"),
                ).alias("message"),
            )
        )
        ctx.errors.add(duplicates.cast(ERROR_SCHEMA))
    return frame


def _check_areas(
    ctx: Context, frame: pl.DataFrame, communes: Communes
) -> tuple[AdministrativeUnit | None, pl.DataFrame, dict[int, AdministrativeUnit]]:
    """One province per file, villages that exist, and the user's reach."""
    frame = frame.with_columns(
        pl.col("commune")
        .replace_strict(communes.province_of, default=None, return_dtype=pl.Int64)
        .alias("province_id")
    )
    if ctx.province_code:
        province = AdministrativeUnit.objects.filter(
            level=AreaLevel.PROVINCE, code=ctx.province_code
        ).first()
        if province is None:
            ctx.errors.one(1, "", _("Không có tỉnh mã %(code)s.") % {"code": ctx.province_code})
            return None, frame, {}
    else:
        counts = (
            frame.filter(pl.col("is_head") & pl.col("province_id").is_not_null())
            .group_by("province_id")
            .len()
            .sort(["len", "province_id"], descending=[True, False])
        )
        if counts.height == 0:
            return None, frame, {}
        province = AdministrativeUnit.objects.get(pk=counts["province_id"][0])
    ctx.errors.add(
        errors_of(
            frame,
            [
                Check(
                    pl.col("province_id").is_not_null() & (pl.col("province_id") != province.pk),
                    ctx.header("commune"),
                    msg(
                        _("%(commune)s không thuộc %(province)s: mỗi lần nhập chỉ cho một tỉnh."),
                        commune=pl.col("commune").replace_strict(
                            communes.names, default="?", return_dtype=pl.String
                        ),
                        province=pl.lit(province.name),
                    ),
                )
            ],
        )
    )
    if "village" not in frame.columns:
        return (
            province,
            frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("village_id")),
            {},
        )
    frame, errors = _village_ids(frame, ctx.header("village"))
    ctx.errors.add(errors)
    ids = frame["village_id"].drop_nulls().unique().to_list()
    villages = {
        v.pk: v for v in AdministrativeUnit.objects.filter(pk__in=ids).select_related("parent")
    }
    if ctx.actor is not None:
        refused = {
            pk: place(v) for pk, v in villages.items() if not access.can_change_area(ctx.actor, v)
        }
        if refused:
            ctx.errors.add(
                errors_of(
                    frame,
                    [
                        Check(
                            pl.col("is_head") & pl.col("village_id").is_in(list(refused)),
                            ctx.header("village"),
                            msg(
                                _("Bạn không có quyền thay đổi dữ liệu của %(village)s."),
                                village=pl.col("village_id").replace_strict(
                                    refused, default="?", return_dtype=pl.String
                                ),
                            ),
                        )
                    ],
                )
            )
    return province, frame, villages


def _village_ids(frame: pl.DataFrame, village_header: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Resolve (commune, village text) pairs to village ids; errors for unknown villages."""
    pairs = (
        frame.filter(pl.col("commune").is_not_null() & pl.col("village").is_not_null())
        .select("commune", "village")
        .unique()
    )
    communes = pairs["commune"].unique().to_list()
    by_name: dict[tuple[int, str], int] = {}
    by_code: dict[str, tuple[int, int]] = {}
    names: dict[int, str] = {}
    for pk, parent_id, code, search_name, name in AdministrativeUnit.objects.filter(
        level=AreaLevel.VILLAGE, parent_id__in=communes, valid_to__isnull=True
    ).values_list("pk", "parent_id", "code", "search_name", "name"):
        by_name[(parent_id, search_name)] = pk
        by_code[code.lower()] = (parent_id, pk)
        names[pk] = name
    mapping_village: list[int | None] = []
    for commune_id, text in pairs.iter_rows():
        found = by_name.get((commune_id, search_key(text)))
        if found is None:
            coded = by_code.get(text.strip().lower())
            found = coded[1] if coded and coded[0] == commune_id else None
        mapping_village.append(found)
    resolved = pairs.with_columns(pl.Series("village_id", mapping_village, dtype=pl.Int64))
    frame = frame.join(resolved, on=["commune", "village"], how="left", maintain_order="left")
    missing = frame.filter(
        pl.col("commune").is_not_null()
        & pl.col("village").is_not_null()
        & pl.col("village_id").is_null()
    )
    commune_names = dict(
        AdministrativeUnit.objects.filter(pk__in=communes).values_list("pk", "name")
    )
    errors = missing.select(
        pl.col(ROW).alias("row"),
        pl.lit(village_header).alias("column"),
        pl.col("code").alias("household"),
        msg(
            _("Không có thôn/tổ dân phố “%(village)s” trong %(commune)s."),
            village=pl.col("village"),
            commune=pl.col("commune").replace_strict(
                commune_names, default="?", return_dtype=pl.String
            ),
        ).alias("message"),
    ).cast(ERROR_SCHEMA)
    return frame, errors
