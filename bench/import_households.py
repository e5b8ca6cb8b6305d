"""Benchmark of the household import (not a test):
`giamngheo bench import_households --households 100000 --json`.

In a scratch database (created, migrated and dropped by this script, on the embedded server or
on the server of DATABASE_URL) it:

1. generates N households with their members for the demo province (giamngheo.synthetic,
   fixed seed) and creates their villages;
2. writes them to a CSV file in the import template format (Vietnamese headers, one row per
   member, household columns on the head's row, values as Vietnamese labels);
3. times the import: ``registry.imports.import_households`` (read, validation, comparison with
   the database, COPY of households, persons, memberships and one audit event per household,
   commit) by the system user;
4. times the floor: PostgreSQL's own ``COPY … FROM`` of the same rows, in CSV, into the same
   tables with their indexes and constraints. The imported rows are dumped with ``COPY … TO``,
   the tables emptied, and loaded back; the audit events go to a clone of the audit table
   (``LIKE … INCLUDING ALL``) because the audit log refuses deletions;
5. times a second import of the same file (every household unchanged: the upsert path);

and prints the times and the ratio import / floor.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scratch

SCRATCH_DATABASE = "giamngheo_bench_import"


def _server_url(database: str) -> str:
    return scratch.server_url(database)


def _admin(sql: str, url: str) -> None:
    scratch.admin(sql, url, SCRATCH_DATABASE)


def _setup(url: str) -> None:
    scratch.create(url, SCRATCH_DATABASE)


def _villages(province_code: str, seed: int) -> tuple[Any, list[Any]]:
    from giamngheo import synthetic as generator
    from giamngheo.areas import services as area_services
    from giamngheo.areas.models import AdministrativeUnit, Level

    province = AdministrativeUnit.objects.get(code=province_code, level=Level.PROVINCE)
    communes = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.filter(parent=province, level=Level.COMMUNE)
    }
    inputs = [
        generator.CommuneInput(u.code, u.name, u.unit_type, u.area_kind) for u in communes.values()
    ]
    plans = generator.plan_villages(province_code, inputs, seed=seed)
    for plan in plans:
        area_services.village_create(
            actor=None,
            commune=communes[plan.commune_code],
            name=plan.name,
            unit_type=plan.unit_type,
        )
    return province, plans


def _write_csv(data: Any, plans: list[Any], path: Path) -> int:
    """The generated households in the import template format; returns the number of rows."""
    import polars as pl

    from giamngheo import synthetic as generator
    from giamngheo.registry import spreadsheets
    from giamngheo.standards import schema

    columns = spreadsheets.columns_by_key(spreadsheets.household_columns())

    def labels(key: str, codes: tuple[str, ...] | list[str], source: str) -> pl.Expr:
        names = [spreadsheets.label_of(columns[key], code) for code in codes]
        return pl.col(source).replace_strict(list(range(len(names))), names, return_dtype=pl.String)

    def flag(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.Int8).cast(pl.String)

    def multi(column: str, key: str, codes: tuple[str, ...]) -> pl.Expr:
        names = [spreadsheets.label_of(columns[key], c) for c in codes]
        parts = [
            pl.when((pl.col(column) & (1 << i)) != 0).then(pl.lit(name))
            for i, name in enumerate(names)
        ]
        return pl.concat_list(parts).list.drop_nulls().list.join("; ")

    h = data.households
    village_names = [p.name for p in plans]
    household_keys = {
        "code": pl.col("code"),
        "commune": pl.col("commune_code"),
        "village": pl.col("village").replace_strict(
            list(range(len(village_names))), village_names, return_dtype=pl.String
        ),
        "address": pl.col("address"),
        "phone": pl.col("phone"),
        "income": pl.col("income").cast(pl.String),
        "floor_area_m2": pl.col("floor_area_m2").round(1).cast(pl.String),
        "water_source": labels("water_source", schema.WATER_SOURCES, "water_source"),
        "latrine_type": labels("latrine_type", schema.LATRINE_TYPES, "latrine_type"),
        "poverty_reasons": multi(
            "poverty_reason_bits", "poverty_reasons", generator.POVERTY_REASONS
        ),
        "support_needs": multi("support_need_bits", "support_needs", generator.SUPPORT_NEEDS),
        **{
            key: flag(key)
            for key in (
                "wall_durable",
                "column_durable",
                "roof_durable",
                "uses_phone",
                "uses_internet",
                "owns_tv",
                "owns_radio",
                "owns_computer",
                "owns_phone",
                "loudspeaker_access",
                "waste_handled",
                "is_ethnic_minority",
                "is_merit_family",
                "has_social_assistance_member",
                "has_no_labour_capacity",
            )
        },
    }
    households = h.with_row_index("household").select(
        pl.col("household").cast(pl.Int32), *[e.alias(k) for k, e in household_keys.items()]
    )
    m = data.members
    member_keys = {
        "full_name": pl.col("full_name"),
        "relation": labels("relation", generator.RELATIONS, "relation"),
        "sex": labels("sex", schema.SEXES, "sex"),
        "birth_date": pl.col("birth_date").dt.strftime("%d/%m/%Y"),
        "birth_year": pl.when(pl.col("birth_date").is_null())
        .then(pl.col("birth_year").cast(pl.String))
        .otherwise(None),
        "ethnicity": pl.col("ethnicity"),
        "citizen_id": pl.col("citizen_id"),
        "education": labels("education", schema.EDUCATION_LEVELS, "education"),
        "employment": labels("employment", schema.EMPLOYMENT_STATUSES, "employment"),
        **{
            key: flag(key)
            for key in (
                "has_health_insurance",
                "studying",
                "attends_age_appropriate",
                "on_the_job_training",
                "disability",
                "receives_social_allowance",
                "stunted",
                "underweight",
                "ill_untreated",
            )
        },
    }
    members = m.select(
        pl.col("household").cast(pl.Int32), "is_head", *[e.alias(k) for k, e in member_keys.items()]
    )
    rows = members.join(households, on="household", how="left", maintain_order="left")
    # Household columns on the head's row only; the code on every row.
    rows = rows.with_columns(
        pl.when(pl.col("is_head")).then(pl.col(k)).otherwise(None).alias(k)
        for k in household_keys
        if k != "code"
    )
    order = [c.key for c in spreadsheets.household_columns() if c.key in rows.columns]
    frame = rows.select(order).rename({k: columns[k].header for k in order})
    frame.write_csv(path, include_bom=True)
    return frame.height


def _copy_floor(tables: list[Any], audit_model: Any, workdir: Path) -> dict[str, float]:
    """Dump the imported rows, empty the tables, and time COPY FROM of the same CSV."""
    from django.db import connection, transaction

    def quote_name(name: str) -> str:
        return connection.ops.quote_name(name)

    dumps: dict[str, Path] = {}
    with connection.cursor() as cursor:
        for model in [*tables, audit_model]:
            table = model._meta.db_table
            path = workdir / f"{table}.csv"
            with (
                path.open("wb") as handle,
                cursor.copy(f"COPY {quote_name(table)} TO STDOUT (FORMAT csv)") as copy,
            ):
                for chunk in copy:
                    handle.write(chunk)
            dumps[table] = path
        audit_table = audit_model._meta.db_table
        cursor.execute("DROP TABLE IF EXISTS bench_audit_clone")
        cursor.execute(
            f"CREATE TABLE bench_audit_clone (LIKE {quote_name(audit_table)} INCLUDING ALL)"
        )
        # LIKE copies indexes and defaults but not foreign keys: add them, so that the floor
        # checks what the import's audit rows are checked against.
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [audit_table],
        )
        for (definition,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE bench_audit_clone ADD {definition}")
        names = ", ".join(quote_name(m._meta.db_table) for m in tables)
        cursor.execute(f"TRUNCATE {names} CASCADE")  # scratch database: the rest is empty
        cursor.execute("CHECKPOINT")
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in tables:
            table = model._meta.db_table
            lap = time.perf_counter()
            _copy_file(cursor, quote_name(table), dumps[table])
            seconds[table] = round(time.perf_counter() - lap, 3)
        lap = time.perf_counter()
        _copy_file(cursor, "bench_audit_clone", dumps[audit_table])
        seconds["audit_events"] = round(time.perf_counter() - lap, 3)
    seconds["total"] = round(time.perf_counter() - start, 3)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_audit_clone")
    return seconds


def _checkpoint() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def _copy_file(cursor: Any, table: str, path: Path) -> None:
    with path.open("rb") as handle, cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
        while chunk := handle.read(1 << 20):
            copy.write(chunk)


def _copy_raw(csv_path: Path, header_count: int) -> float:
    """COPY of the template CSV itself into a staging table of text columns."""
    from django.db import connection, transaction

    columns = ", ".join(f"c{i} text" for i in range(header_count))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_rows")
        cursor.execute(f"CREATE TABLE bench_raw_rows ({columns})")
    start = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        csv_path.open("rb") as handle,
        cursor.copy("COPY bench_raw_rows FROM STDIN (FORMAT csv, HEADER true)") as copy,
    ):
        handle.read(3)  # the BOM
        while chunk := handle.read(1 << 20):
            copy.write(chunk)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_rows")
    return elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giamngheo bench import_households")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--province", default="44")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args(argv)

    def say(message: str) -> None:
        if not options.json:
            print(message, file=sys.stderr)

    url = _server_url(SCRATCH_DATABASE)
    say(f"scratch database {SCRATCH_DATABASE}: migrate, load units, create villages…")
    _setup(url)
    from django.db import connections

    from giamngheo import synthetic as generator
    from giamngheo.audit.models import AuditEvent
    from giamngheo.registry import imports
    from giamngheo.registry.models import Household, Membership, Person

    try:
        province, plans = _villages(options.province, options.seed)
        data = generator.generate(
            province_code=province.code,
            province_name=province.name,
            communes=generator.official_communes(province.code),
            households=options.households,
            seed=options.seed,
            villages=plans,
        )
        with tempfile.TemporaryDirectory(prefix="giamngheo-bench-") as tmp:
            workdir = Path(tmp)
            csv_path = workdir / "ho-gia-dinh.csv"
            rows = _write_csv(data, plans, csv_path)
            size = csv_path.stat().st_size >> 20
            say(f"{data.n_households} households, {rows} rows, {size} MiB CSV")
            # Both timed runs start from a checkpoint, so that neither pays for the other's
            # (or the set-up's) dirty pages.
            _checkpoint()
            start = time.perf_counter()
            report = imports.import_households(actor=None, path=csv_path, dry_run=False)
            import_seconds = time.perf_counter() - start
            if report.error_count or report.created != data.n_households:
                print(report.errors.head(20), file=sys.stderr)
                raise SystemExit("the import did not create every household")
            say(f"import: {import_seconds:.2f} s {report.seconds}")
            floor = _copy_floor([Household, Person, Membership], AuditEvent, workdir)
            say(f"COPY floor: {floor}")
            with csv_path.open(encoding="utf-8-sig") as handle:
                header_count = len(next(csv.reader(handle)))
            raw_seconds = _copy_raw(csv_path, header_count)
            _checkpoint()
            start = time.perf_counter()
            again = imports.import_households(actor=None, path=csv_path, dry_run=False)
            reimport_seconds = time.perf_counter() - start
            say(f"re-import: {reimport_seconds:.2f} s ({again.unchanged} unchanged)")
        figures = {
            "households": data.n_households,
            "members": data.n_members,
            "csv_rows": rows,
            "import_seconds": round(import_seconds, 2),
            "import_stages": report.seconds,
            "copy_floor_seconds": floor["total"],
            "copy_floor_tables": floor,
            "ratio": round(import_seconds / floor["total"], 2),
            "copy_raw_csv_seconds": round(raw_seconds, 2),
            "ratio_to_raw_copy": round(import_seconds / raw_seconds, 2),
            "reimport_unchanged_seconds": round(reimport_seconds, 2),
            "reimport_unchanged": again.unchanged,
        }
    finally:
        connections.close_all()
        if not options.keep:
            _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", url)
    print(json.dumps(figures, indent=None if options.json else 2))
    return 0
