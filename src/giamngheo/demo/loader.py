"""Write the synthetic demo province into PostgreSQL, and the demo users.

One transaction: reuse or create the villages, generate the households (``generator``),
classify them with the standards engine, delete the previous demo households of the province,
COPY the new households, persons and memberships, record ONE audit event, and create or reset
the demo users. Either all of it is there afterwards or none of it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from numpy.typing import NDArray

from giamngheo import synthetic as generator
from giamngheo.accounts import services as account_services
from giamngheo.accounts.models import Role, RoleGrant, User
from giamngheo.areas import services as area_services
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.demo import extensions

# Re-exported: the command and the tests catch ``loader.DemoError``.
from giamngheo.demo.extensions import DemoError as DemoError
from giamngheo.demo.extensions import demo_communes
from giamngheo.lib import pgcopy
from giamngheo.lib.formatting import format_number as num
from giamngheo.lib.text import search_key
from giamngheo.registry import fields
from giamngheo.registry.models import Household, LifeEvent, Membership, Person, Status, StatusChange
from giamngheo.standards import schema
from giamngheo.standards.classify import classify_columns
from giamngheo.standards.columns import RawColumns
from giamngheo.standards.packs import load_pack

DEMO_PASSWORD: Final = "giamngheo-demo"  # noqa: S105 - public on purpose: demo logins
STATUS_STANDARD: Final = "2022-2025"
STATUS_YEAR: Final = 2025
# Codes the demo gives its households ("44-19435-00012"); only these are replaced on reload,
# households entered by users in the demo province are left alone.
DEMO_CODE_PATTERN: Final = r"^{province}-[0-9]{{5}}-[0-9]{{5,}}$"
_COPY_CHUNK_ROWS: Final = 50_000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    area: str
    exists: bool = True


@dataclass
class LoadReport:
    province_code: str
    province_name: str
    households: int
    persons: int
    villages_created: int
    villages_reused: int
    households_deleted: int
    status_counts: dict[str, int]
    seed: int
    fingerprint: str
    seconds: dict[str, float] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    # Each seeded part's own report (``extensions.seed_all``), by part name.
    part_reports: dict[str, Any] = field(default_factory=dict)


# -- classification ---------------------------------------------------------------------------


def classify_statuses(data: generator.DemoData) -> NDArray[np.uint8]:
    """Status codes (indexes of ``schema.STATUSES``) of the generated households under the
    2022-2025 standard, from the standards engine's vectorised path."""

    household_ids, households, member_household_ids, members = data.survey_columns()
    columns = RawColumns.build(
        household_ids=household_ids,
        households=households,
        member_household_ids=member_household_ids,
        members=members,
    )
    result: NDArray[np.uint8] = classify_columns(load_pack(STATUS_STANDARD), columns).status_codes
    return result


# -- areas and villages -----------------------------------------------------------------------


def _province(code: str) -> AdministrativeUnit:
    province = AdministrativeUnit.objects.filter(code=code, level=Level.PROVINCE).first()
    communes = (
        AdministrativeUnit.objects.filter(parent=province, level=Level.COMMUNE).exists()
        if province
        else False
    )
    if province is None or not communes:
        raise DemoError(
            f"Chưa có danh mục đơn vị hành chính của tỉnh mã {code}. "
            "Hãy nạp trước bằng lệnh: giamngheo areas load"
        )
    return province


def _resolve_villages(
    communes: dict[str, AdministrativeUnit], plans: Sequence[generator.VillagePlan]
) -> tuple[list[AdministrativeUnit], list[generator.VillagePlan], int]:
    """The planned villages as stored: existing ones (same commune and name) are reused,
    missing ones are created through ``areas.services.village_create`` (one audit event each:
    villages are real units users will keep working with, unlike the synthetic households)."""
    existing = {
        (unit.parent_id, unit.search_name): unit
        for unit in AdministrativeUnit.objects.filter(
            parent__in=communes.values(), level=Level.VILLAGE, valid_to__isnull=True
        )
    }
    units: list[AdministrativeUnit] = []
    stored_plans: list[generator.VillagePlan] = []
    created = 0
    for plan in plans:
        commune = communes[plan.commune_code]
        unit = existing.get((commune.pk, search_key(plan.name)))
        if unit is None:
            unit = area_services.village_create(
                actor=None, commune=commune, name=plan.name, unit_type=plan.unit_type
            )
            created += 1
        units.append(unit)
        # A user may have set a village urban/rural against its commune: households follow it.
        stored_plans.append(dataclasses.replace(plan, area_kind=unit.area_kind))
    return units, stored_plans, created


# -- bulk writes ------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _reserve_ids(cursor: Any, model: type[Any], count: int) -> NDArray[np.int64]:
    """``count`` fresh ids from the table's own sequence, so that concurrent inserts by other
    sessions can never collide with ours (no setval tricks)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
    return np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64, count=count)


def _copy(cursor: Any, model: type[Any], frame: pl.DataFrame) -> None:
    """COPY ``frame`` into the model's table; its columns must be exactly the table's
    (membership ids excepted: the database numbers them)."""
    expected = {f.column for f in model._meta.concrete_fields}
    missing = expected - set(frame.columns) - ({"id"} if model is Membership else set())
    unknown = set(frame.columns) - expected
    if missing or unknown:
        raise RuntimeError(
            f"demo loader out of date for {model._meta.label}: "
            f"missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    # Floor areas have one decimal: the generator's floats are sent rounded to it.
    pgcopy.copy_frame(
        cursor, model._meta.db_table, frame, float_precision=1, chunk_rows=_COPY_CHUNK_ROWS
    )


def _enum(column: str, values: Sequence[str]) -> pl.Expr:
    return pl.col(column).replace_strict(
        list(range(len(values))), list(values), return_dtype=pl.String
    )


def _survey_columns(stored: Sequence[fields.StoredField]) -> list[pl.Expr]:
    """The survey fields the registry stores (``registry.fields``), as the generator makes
    them: enumerations come as codes (positions in the schema's values)."""
    return [
        _enum(f.name, f.values) if f.kind == schema.Kind.ENUM else pl.col(f.name) for f in stored
    ]


def _pg_array(column: str, values: Sequence[str], keep: pl.Expr) -> pl.Expr:
    """A bit set column as a PostgreSQL array literal ("{land,capital}"), empty unless ``keep``."""
    items = pl.concat_list(
        [
            pl.when((pl.col(column) & (1 << i)) != 0)
            .then(pl.lit(value))
            .otherwise(pl.lit(None, dtype=pl.String))
            for i, value in enumerate(values)
        ]
    ).list.drop_nulls()
    literal = pl.concat_str([pl.lit("{"), items.list.join(","), pl.lit("}")])
    return pl.when(keep).then(literal).otherwise(pl.lit("{}"))


def _household_rows(
    data: generator.DemoData,
    *,
    ids: NDArray[np.int64],
    province: AdministrativeUnit,
    commune_ids: dict[str, int],
    village_ids: NDArray[np.int64],
    status_codes: NDArray[np.uint8],
    now: str,
) -> pl.DataFrame:
    statuses = pl.Series("status", np.array(schema.STATUSES)[status_codes])
    poor_or_near = pl.col("status").is_in([Status.POOR, Status.NEAR_POOR])
    return data.households.with_columns(statuses).select(
        pl.Series("id", ids),
        "code",
        pl.lit(province.pk).alias("province_id"),
        pl.col("commune_code")
        .replace_strict(commune_ids, return_dtype=pl.Int64)
        .alias("commune_id"),
        pl.Series("village_id", village_ids[data.households["village"].to_numpy()]),
        "address",
        "phone",
        "head_name",
        _enum("area_type", schema.AREA_TYPES).alias("area_kind"),
        pl.lit("").alias("area_kind_override_reason"),
        "status",
        pl.lit(STATUS_STANDARD).alias("status_standard"),
        pl.lit(STATUS_YEAR).alias("status_year"),
        "is_ethnic_minority",
        "is_merit_family",
        "has_social_assistance_member",
        "has_no_labour_capacity",
        # Reasons and needs are asked of poor and near-poor households only (form B1/B2).
        _pg_array("poverty_reason_bits", generator.POVERTY_REASONS, poor_or_near).alias(
            "poverty_reasons"
        ),
        _pg_array("support_need_bits", generator.SUPPORT_NEEDS, poor_or_near).alias(
            "support_needs"
        ),
        "member_count",
        *_survey_columns(fields.HOUSEHOLD_SURVEY_FIELDS),
        "search_text",
        pl.lit(1).alias("version"),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
    )


def _person_rows(data: generator.DemoData, *, ids: NDArray[np.int64], now: str) -> pl.DataFrame:
    return data.members.select(
        pl.Series("id", ids),
        "full_name",
        _enum("sex", schema.SEXES),
        "birth_date",
        "birth_year",
        "ethnicity",
        "citizen_id",
        pl.lit(True).alias("is_active"),
        pl.lit(None, dtype=pl.Date).alias("died_on"),
        *_survey_columns(fields.PERSON_ANSWER_FIELDS),
        "search_name",
        pl.lit(None, dtype=pl.Int64).alias("merged_into_id"),
        pl.lit(1).alias("version"),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
    )


def _membership_rows(
    data: generator.DemoData, *, person_ids: NDArray[np.int64], household_ids: NDArray[np.int64]
) -> pl.DataFrame:
    return data.members.select(
        pl.Series("person_id", person_ids),
        pl.Series("household_id", household_ids[data.members["household"].to_numpy()]),
        _enum("relation", generator.RELATIONS),
        "is_head",
        pl.lit(None, dtype=pl.Date).alias("joined_on"),
        pl.lit(None, dtype=pl.Date).alias("left_on"),
        pl.lit("").alias("leave_reason"),
        pl.lit(False).alias("is_main_earner"),
    )


def _delete_previous(cursor: Any, province: AdministrativeUnit) -> int:
    """Delete the demo households of the province with their memberships and persons (raw SQL:
    the ORM would load every row to check PROTECT relations)."""
    household = _quote(Household._meta.db_table)
    membership = _quote(Membership._meta.db_table)
    person = _quote(Person._meta.db_table)
    life_event = _quote(LifeEvent._meta.db_table)
    status_change = _quote(StatusChange._meta.db_table)
    pattern = DEMO_CODE_PATTERN.format(province=province.code)
    # Table names come from the models; values are parameters.
    cursor.execute("DROP TABLE IF EXISTS demo_old_households, demo_old_persons")
    cursor.execute(
        f"CREATE TEMP TABLE demo_old_households AS SELECT id FROM {household} "  # noqa: S608
        "WHERE province_id = %s AND code ~ %s",
        [province.pk, pattern],
    )
    cursor.execute(
        f"CREATE TEMP TABLE demo_old_persons AS SELECT DISTINCT m.person_id AS id "  # noqa: S608
        f"FROM {membership} m JOIN demo_old_households h ON h.id = m.household_id"
    )
    # Life events recorded on demo households go with them (they reference the rows).
    cursor.execute(
        f"DELETE FROM {life_event} e USING demo_old_households h "  # noqa: S608
        "WHERE e.household_id = h.id OR e.other_household_id = h.id"
    )
    cursor.execute(
        f"DELETE FROM {membership} m USING demo_old_households h "  # noqa: S608
        "WHERE m.household_id = h.id"
    )
    # Their dated status history (the review demo's decision writes it).
    cursor.execute(
        f"DELETE FROM {status_change} s USING demo_old_households h "  # noqa: S608
        "WHERE s.household_id = h.id"
    )
    # A person who has since joined a household outside the demo stays.
    cursor.execute(
        f"DELETE FROM {person} p USING demo_old_persons o WHERE p.id = o.id "  # noqa: S608
        f"AND NOT EXISTS (SELECT 1 FROM {membership} m WHERE m.person_id = p.id)"
    )
    cursor.execute(
        f"DELETE FROM {household} x USING demo_old_households h WHERE x.id = h.id"  # noqa: S608
    )
    deleted = int(cursor.rowcount)
    cursor.execute("DROP TABLE demo_old_households, demo_old_persons")
    return deleted


# -- the load ---------------------------------------------------------------------------------


def load_demo(
    *,
    households: int = generator.DEFAULT_HOUSEHOLDS,
    seed: int = generator.DEFAULT_SEED,
    province_code: str | None = None,
    progress: Progress | None = None,
    parts: frozenset[str] | None = None,
) -> LoadReport:
    """Build (or rebuild) the demo province. Idempotent: the previous demo households of the
    province are replaced, villages and users are reused."""
    if households < 1:
        raise DemoError("Số hộ phải từ 1 trở lên.")
    if seed < 0:
        raise DemoError("Hạt giống (seed) phải là số nguyên không âm.")
    code = province_code or settings.DEMO_PROVINCE_CODE
    say: Progress = progress or (lambda _message: None)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> float:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 2)
        clock = now
        return seconds[stage]

    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two loads at once would each delete the other's rows; take turns.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('giamngheo.demo.load'))")
        province = _province(code)
        communes = {
            unit.code: unit
            for unit in AdministrativeUnit.objects.filter(
                parent=province, level=Level.COMMUNE, valid_to__isnull=True
            ).order_by("code")
        }
        inputs = [
            generator.CommuneInput(unit.code, unit.name, unit.unit_type, unit.area_kind)
            for unit in communes.values()
        ]
        plans = generator.plan_villages(code, inputs, seed=seed)
        village_units, plans, villages_created = _resolve_villages(communes, plans)
        say(
            f"Thôn/tổ dân phố: {num(len(village_units))} ({num(villages_created)} tạo mới, "
            f"{num(len(village_units) - villages_created)} dùng lại) — "
            f"{secs(lap('villages'))} giây"
        )

        data = generator.generate(
            province_code=code,
            province_name=province.name,
            communes=inputs,
            households=households,
            seed=seed,
            villages=plans,
        )
        status_codes = classify_statuses(data)
        counts = np.bincount(status_codes, minlength=len(schema.STATUSES))
        status_counts = {s: int(counts[i]) for i, s in enumerate(schema.STATUSES)}
        say(
            f"Sinh dữ liệu: {num(data.n_households)} hộ, {num(data.n_members)} nhân khẩu; "
            f"phân loại theo chuẩn {STATUS_STANDARD}: {num(status_counts['poor'])} hộ nghèo, "
            f"{num(status_counts['near_poor'])} hộ cận nghèo — {secs(lap('generate'))} giây"
        )

        # Synthetic rows are written in bulk with COPY and summarised by ONE audit event
        # below: an event per generated row would double the load time and bury the real
        # history of the demo database under a hundred thousand meaningless entries.
        demo_households = Household.objects.filter(
            province=province, code__regex=DEMO_CODE_PATTERN.format(province=province.code)
        )
        context = extensions.DemoContext(province, demo_households, seed, say)
        extensions.purge_all(context)
        with connection.cursor() as cursor:
            deleted = _delete_previous(cursor, province)
            say(f"Xóa dữ liệu mẫu cũ: {num(deleted)} hộ — {secs(lap('delete'))} giây")
            now = timezone.now().isoformat()
            household_ids = _reserve_ids(cursor, Household, data.n_households)
            person_ids = _reserve_ids(cursor, Person, data.n_members)
            village_ids = np.array([unit.pk for unit in village_units], dtype=np.int64)
            _copy(
                cursor,
                Household,
                _household_rows(
                    data,
                    ids=household_ids,
                    province=province,
                    commune_ids={c: unit.pk for c, unit in communes.items()},
                    village_ids=village_ids,
                    status_codes=status_codes,
                    now=now,
                ),
            )
            _copy(cursor, Person, _person_rows(data, ids=person_ids, now=now))
            _copy(
                cursor,
                Membership,
                _membership_rows(data, person_ids=person_ids, household_ids=household_ids),
            )
            # Fresh statistics, so that the first dashboard queries get good plans.
            tables = [Household, Person, Membership]
            cursor.execute("ANALYZE " + ", ".join(_quote(m._meta.db_table) for m in tables))
        say(
            f"Ghi vào cơ sở dữ liệu (COPY): {num(data.n_households)} hộ, "
            f"{num(data.n_members)} nhân khẩu — {secs(lap('copy'))} giây"
        )

        logins = ensure_demo_users(province=province, communes=communes, villages=village_units)
        say(f"Tài khoản dùng thử: {len(logins)} — {secs(lap('users'))} giây")
        part_reports = extensions.seed_all(context, only=parts)
        say(
            f"Khảo sát, rà soát, đội ngũ, tập huấn, chương trình hỗ trợ — {secs(lap('parts'))} giây"
        )
        audit.record_bulk(
            actor=None,
            action="demo.loaded",
            object_type=Household._meta.label_lower,
            object_id=code,
            summary={
                "households": data.n_households,
                "persons": data.n_members,
                "households_deleted": deleted,
                "villages_created": villages_created,
                "seed": seed,
                "fingerprint": data.fingerprint(),
                "status_standard": STATUS_STANDARD,
                "status_year": STATUS_YEAR,
                "status_counts": status_counts,
            },
            note="Dữ liệu mẫu (tổng hợp, không phải dữ liệu thật)",
            province_id=province.pk,
        )
        # Deferred foreign-key checks run here, at commit.
    say(f"Kiểm tra ràng buộc và lưu (commit) — {secs(lap('commit'))} giây")
    say(f"Hoàn tất — {secs(sum(seconds.values()))} giây")
    return LoadReport(
        province_code=code,
        province_name=province.name,
        households=data.n_households,
        persons=data.n_members,
        villages_created=villages_created,
        villages_reused=len(village_units) - villages_created,
        households_deleted=deleted,
        status_counts=status_counts,
        seed=seed,
        fingerprint=data.fingerprint(),
        seconds=seconds,
        logins=logins,
        part_reports=part_reports,
    )


def secs(value: float) -> str:
    return num(value, 1)


# -- demo users -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UserSpec:
    username: str
    full_name: str
    role: Role
    area: AdministrativeUnit | None
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERNAMES: Final = ("admin", "tinh", "xa1", "xa2", "ctv1")


def ensure_demo_users(
    *,
    province: AdministrativeUnit,
    communes: dict[str, AdministrativeUnit],
    villages: Sequence[AdministrativeUnit],
) -> list[DemoLogin]:
    """Create the demo users, or reset their password, flags and grants (idempotent)."""
    commune1, commune2 = demo_communes(province, communes)
    village = next(v for v in villages if v.parent_id == commune1.pk)
    specs = [
        _UserSpec(
            "admin", "Quản trị hệ thống", Role.SYSTEM_ADMIN, None, is_staff=True, is_superuser=True
        ),
        _UserSpec("tinh", f"Cán bộ {province.name}", Role.PROVINCE_OFFICER, province),
        _UserSpec("xa1", f"Cán bộ {commune1.name}", Role.COMMUNE_OFFICER, commune1),
        _UserSpec("xa2", f"Cán bộ {commune2.name}", Role.COMMUNE_OFFICER, commune2),
        _UserSpec("ctv1", f"Cộng tác viên {village.name}", Role.COLLABORATOR, village),
    ]
    for spec in specs:
        _ensure_user(spec)
    return demo_logins()


def _ensure_user(spec: _UserSpec) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = account_services.user_create(
            actor=None,
            username=spec.username,
            password=DEMO_PASSWORD,
            full_name=spec.full_name,
            is_staff=spec.is_staff,
            is_superuser=spec.is_superuser,
        )
    else:
        # accounts.services has no password-reset service yet: reset here and audit it.
        before = audit.snapshot(user, ["full_name", "is_active", "is_staff", "is_superuser"])
        user.set_password(DEMO_PASSWORD)
        user.full_name = spec.full_name
        user.is_active = True
        user.is_staff = spec.is_staff
        user.is_superuser = spec.is_superuser
        user.save()
        audit.record(
            actor=None,
            action="account.demo_user_reset",
            obj=user,
            before=before,
            after=audit.snapshot(user, ["full_name", "is_active", "is_staff", "is_superuser"]),
            note="Đặt lại mật khẩu tài khoản mẫu",
        )
        account_services.login_succeeded(user=user)  # clears a lockout left by failed logins
    wanted = (str(spec.role), spec.area.pk if spec.area else None)
    for grant in RoleGrant.objects.filter(user=user).select_related("user", "area"):
        if (grant.role, grant.area_id) != wanted:
            account_services.role_revoke(actor=None, grant=grant)
    account_services.role_grant(actor=None, user=user, role=spec.role, area=spec.area)
    return user


def demo_logins() -> list[DemoLogin]:
    """The demo users as stored, with their roles and areas."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=DEMO_USERNAMES).prefetch_related(
            "grants__area__parent"
        )
    }
    rows = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            rows.append(DemoLogin(username, "", "", "", exists=False))
            continue
        grants = list(user.grants.all())
        role = "; ".join(str(Role(g.role).label) for g in grants)
        area = "; ".join(_area_label(g.area) for g in grants)
        rows.append(DemoLogin(username, user.full_name, role, area))
    return rows


def _area_label(area: AdministrativeUnit | None) -> str:
    if area is None:
        return "Toàn quốc"
    if area.level == Level.VILLAGE and area.parent is not None:
        return f"{area.name}, {area.parent.name}"
    return area.name


def format_logins(logins: Sequence[DemoLogin]) -> str:
    """The demo logins as a small Vietnamese text table."""
    header = ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Địa bàn")
    rows = [
        (login.username, DEMO_PASSWORD, login.role, login.area)
        if login.exists
        else (login.username, "—", "chưa tạo (chạy: giamngheo demo load)", "")
        for login in logins
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = "  ".join("-" * width for width in widths)
    return "\n".join(
        ["Tài khoản dùng thử:", line(header).rstrip(), rule, *(line(r).rstrip() for r in rows)]
    )
