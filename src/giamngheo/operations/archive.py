"""Backups of the database and the files in one archive, and their restore.

The archive is a plain tar (``tar tvf`` lists it) holding, in this order::

    database.dump        pg_dump --format=custom of the whole database
    files/media/...      MEDIA_ROOT (the review's scanned minutes, …)
    files/jobs/...       <VAR_DIR>/jobs (uploads and outputs of background jobs)
    manifest.json        versions, sizes and SHA-256 of every member; row count and checksum
                         of every table, value of every sequence (operations.checksums)

**Consistent.** The checksums are read in a REPEATABLE READ transaction whose snapshot is
exported (``pg_export_snapshot``) and handed to ``pg_dump --snapshot``: the manifest describes
exactly the data in the dump, while the application keeps writing.

**Streaming.** pg_dump writes to a file next to the archive; tar copies it in blocks; nothing is
held in memory whole. The archive is written as ``FILE.part`` and renamed when complete, so a
backup cut short never looks like a backup.

**Restore verifies first.** The whole archive is read and every member's SHA-256 checked
against the manifest (a truncated or altered archive is refused) *before* the database or the
files are touched. pg_restore's SQL goes through psql in one transaction
(``--single-transaction``, ``ON_ERROR_STOP``; with ``--force`` the dropping of the old schema
too): it restores everything or nothing. Then every table's row count and
checksum are compared with the manifest and printed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.lib.formatting import format_number
from giamngheo.operations import checksums
from giamngheo.operations.pgtools import Database, OperationsError, server_major, tools_for

FORMAT = "giamngheo-backup"
FORMAT_VERSION = 1
DUMP_NAME = "database.dump"
MANIFEST_NAME = "manifest.json"
FILES_PREFIX = "files/"
BLOCK = 1024 * 1024
# What the archive's files/ holds: name in the archive → directory on this machine.
Say = Callable[[str], None]


def file_roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "jobs": Path(settings.VAR_DIR) / "jobs"}


def human_size(size: int) -> str:
    """1.234,5 MB style sizes for the operator."""
    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            break
        value /= 1024
    return f"{format_number(value, 1) if unit != 'B' else int(value)} {unit}"


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(BLOCK):
            digest.update(chunk)
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


# -- backup ------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    size: int
    dump_size: int
    files: int
    tables: int
    rows: int
    seconds: float


@contextmanager
def _exported_snapshot(database: Database) -> Iterator[tuple[Any, str]]:
    """A REPEATABLE READ transaction and the id of its exported snapshot (valid while open)."""
    with database.connect() as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        if row is None:
            raise OperationsError(_("Không lấy được ảnh chụp (snapshot) của CSDL."))
        try:
            yield conn, str(row[0])
        finally:
            conn.rollback()


def _watch_size(path: Path, say: Say, label: str, done: threading.Event) -> None:
    """Say every few seconds how large ``path`` has grown (a long pg_dump)."""
    while not done.wait(5.0):
        try:
            size = path.stat().st_size
        except OSError:
            continue
        say(_("%(label)s… %(size)s") % {"label": label, "size": human_size(size)})


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 - programs found by pgtools, no shell
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise OperationsError(
            _("%(what)s không thành công (mã %(code)s): %(detail)s")
            % {"what": what, "code": result.returncode, "detail": detail}
        )


def _dump(database: Database, snapshot: str, target: Path, say: Say) -> dict[str, Any]:
    with database.connect() as conn:
        major, version = server_major(conn)
    tools = tools_for(major)
    done = threading.Event()
    watcher = threading.Thread(
        target=_watch_size, args=(target, say, _("Đang sao lưu CSDL"), done), daemon=True
    )
    watcher.start()
    try:
        _run(
            [
                str(tools.pg_dump),
                *database.arguments(),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
            ],
            database.environment(),
            "pg_dump",
        )
    finally:
        done.set()
        watcher.join()
    return {"server_version": version, "server_major": major, "pg_dump": str(tools.pg_dump)}


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    """Add one file, hashing it while tar copies it (one read)."""
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    digest = hashlib.sha256()

    class _Hashing:
        def __init__(self, handle: IO[bytes]) -> None:
            self.handle = handle

        def read(self, size: int = -1) -> bytes:
            chunk = self.handle.read(size)
            digest.update(chunk)
            return chunk

    with path.open("rb") as handle:
        tar.addfile(info, _Hashing(handle))
    return {"path": name, "size": info.size, "sha256": digest.hexdigest()}


def _walk(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory) / filename
            if path.is_file() and not path.is_symlink():
                yield path


def _write_archive(
    partial: Path,
    dump_path: Path,
    members: list[dict[str, Any]],
    database: Database,
    server: dict[str, Any],
    state: dict[str, Any],
) -> None:
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
        members.append(_add_file(tar, dump_path, DUMP_NAME))
        for label, root in file_roots().items():
            for file_path in _walk(root):
                name = f"{FILES_PREFIX}{label}/{file_path.relative_to(root).as_posix()}"
                members.append(_add_file(tar, file_path, name))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": database.name,
            "giamngheo": _version("giamngheo"),
            "django": _version("django"),
            **server,
            "members": members,
            **state,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mtime = len(data), int(time.time())
        tar.addfile(info, _BytesReader(data))


def backup(path: Path, *, say: Say = print, database: Database | None = None) -> BackupResult:
    """Write a backup of the configured database and the files to ``path`` (see module doc)."""
    started = time.monotonic()
    database = database or Database.configured()
    path = path.expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".giamngheo-backup-") as scratch:
        dump_path = Path(scratch) / DUMP_NAME
        try:
            with _exported_snapshot(database) as (conn, snapshot):
                say(_("Đang tính số dòng và tổng kiểm tra của từng bảng…"))
                state = checksums.database_state(conn)
                say(_("Đang sao lưu CSDL “%(name)s”…") % {"name": database.name})
                server = _dump(database, snapshot, dump_path, say)
        except OperationsError:
            raise
        except Exception as error:
            raise OperationsError(
                _("Không sao lưu được CSDL: %(error)s") % {"error": str(error).strip()[:500]}
            ) from error
        dump_size = dump_path.stat().st_size
        say(_("Đã sao lưu CSDL: %(size)s.") % {"size": human_size(dump_size)})
        members: list[dict[str, Any]] = []
        try:
            _write_archive(partial, dump_path, members, database, server, state)
        except BaseException:
            partial.unlink(missing_ok=True)  # never leave a half-written archive behind
            raise
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        partial.replace(path)
    rows = sum(t["rows"] for t in state["tables"].values())
    return BackupResult(
        path=path,
        size=path.stat().st_size,
        dump_size=dump_size,
        files=len(members) - 1,
        tables=len(state["tables"]),
        rows=rows,
        seconds=time.monotonic() - started,
    )


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


# -- restore -----------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    restored: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    sequence_notes: list[str] = field(default_factory=list)
    files: int = 0
    moved_aside: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def _corrupt(reason: str) -> OperationsError:
    return OperationsError(
        _(
            "Tệp sao lưu bị hỏng hoặc không đầy đủ (%(reason)s): không khôi phục gì, dữ liệu "
            "hiện có không thay đổi."
        )
        % {"reason": reason}
    )


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def unpack(archive: Path, staging: Path, say: Say = print) -> dict[str, Any]:
    """Extract ``archive`` into ``staging`` and check it whole against its manifest; raises
    an ``OperationsError`` (nothing outside ``staging`` touched) when anything is wrong."""
    if not archive.is_file():
        raise OperationsError(_("Không có tệp %(path)s.") % {"path": archive})
    hashes: dict[str, tuple[int, str]] = {}
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(archive, "r:") as tar:
            for member in tar:
                if not member.isfile() or not _safe_member(member.name):
                    raise _corrupt(_("thành phần lạ “%(name)s”") % {"name": member.name})
                source = tar.extractfile(member)
                if source is None:
                    raise _corrupt(member.name)
                if member.name == MANIFEST_NAME:
                    manifest = json.loads(source.read(16 * BLOCK).decode())
                    continue
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with target.open("wb") as handle:
                    while chunk := source.read(BLOCK):
                        digest.update(chunk)
                        size += len(chunk)
                        handle.write(chunk)
                hashes[member.name] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        if isinstance(error, OperationsError):
            raise
        raise _corrupt(str(error) or type(error).__name__) from error
    if manifest is None or manifest.get("format") != FORMAT:
        raise _corrupt(_("không có bản kê manifest.json"))
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise OperationsError(
            _("Tệp sao lưu theo định dạng mới hơn phiên bản giamngheo này: hãy nâng cấp.")
        )
    listed = {m["path"]: (int(m["size"]), str(m["sha256"])) for m in manifest["members"]}
    if DUMP_NAME not in listed:
        raise _corrupt(_("không có bản sao CSDL"))
    for name, expected in listed.items():
        if hashes.get(name) != expected:
            raise _corrupt(_("“%(name)s” thiếu hoặc sai tổng kiểm tra") % {"name": name})
    if set(hashes) - set(listed):
        raise _corrupt(_("có tệp không được kê trong manifest.json"))
    say(
        _("Tệp sao lưu nguyên vẹn: %(n)s thành phần, tạo lúc %(when)s.")
        % {"n": len(listed), "when": manifest.get("created_at", "?")}
    )
    return manifest


def _user_relations(conn: Any) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN "
        "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'"
    ).fetchone()
    return int(row[0]) if row else 0


def _non_empty_dirs() -> list[Path]:
    return [root for root in file_roots().values() if any(_walk(root))]


def check_target(database: Database, *, force: bool) -> None:
    """Refuse a restore over existing data unless ``force``."""
    with database.connect() as conn:
        relations = _user_relations(conn)
    busy = _non_empty_dirs()
    if (relations or busy) and not force:
        where = [
            _("CSDL “%(name)s” có %(n)s bảng/đối tượng") % {"name": database.name, "n": relations}
        ] * bool(relations) + [str(p) for p in busy]
        raise OperationsError(
            _(
                "Nơi khôi phục đã có dữ liệu (%(where)s). Chỉ khôi phục vào CSDL trống; dùng "
                "--force để xóa dữ liệu hiện có và thay bằng bản sao lưu."
            )
            % {"where": "; ".join(where)}
        )


def _reset_schema_sql(database: Database) -> bytes:
    """SQL dropping every schema of the database and recreating ``public`` (run in the
    restore's transaction: if the restore fails, nothing was dropped)."""
    with database.connect() as conn:
        schemas = [
            str(r[0])
            for r in conn.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname NOT IN "
                "('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%%'"
            ).fetchall()
        ]
    statements = [f'DROP SCHEMA "{schema}" CASCADE;' for schema in schemas]
    return "\n".join([*statements, "CREATE SCHEMA public;", ""]).encode()


def _load_dump(tools: Any, database: Database, dump: Path, prelude: bytes) -> None:
    """pg_restore's SQL piped into psql, all in one transaction (``--single-transaction``,
    ``ON_ERROR_STOP``): the database ends restored whole or unchanged."""
    env = database.environment()
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        producer = subprocess.Popen(  # noqa: S603 - programs found by pgtools, no shell
            [str(tools.pg_restore), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        consumer = subprocess.Popen(  # noqa: S603
            [
                str(tools.psql),
                *database.arguments(),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--file=-",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        if producer.stdout is None or consumer.stdin is None:  # pragma: no cover - PIPE given
            raise OperationsError("pg_restore | psql: no pipe")
        try:
            consumer.stdin.write(prelude)
            while chunk := producer.stdout.read(BLOCK):
                consumer.stdin.write(chunk)
        except BrokenPipeError:
            pass  # psql stopped at an error: its exit status and stderr say which
        finally:
            producer.stdout.close()
            with contextlib.suppress(BrokenPipeError):
                consumer.stdin.close()
        produced, consumed = producer.wait(), consumer.wait()
        for code, errors, what in (
            (consumed, psql_errors, "psql"),
            (produced, restore_errors, "pg_restore"),
        ):
            if code != 0:
                errors.seek(0)
                detail = errors.read().decode("utf-8", "replace").strip()[-2000:]
                raise OperationsError(
                    _(
                        "Khôi phục CSDL không thành công (%(what)s, mã %(code)s): %(detail)s. "
                        "CSDL không thay đổi."
                    )
                    % {"what": what, "code": code, "detail": detail}
                )


def _restore_files(staging: Path, stamp: str) -> tuple[int, list[Path]]:
    count, moved = 0, []
    for label, root in file_roots().items():
        source = staging / "files" / label
        if root.exists() and any(root.iterdir()):
            aside = root.with_name(f"{root.name}.before-restore-{stamp}")
            root.rename(aside)
            moved.append(aside)
        elif root.exists():
            root.rmdir()
        root.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            count += sum(1 for _path in _walk(source))
            shutil.move(str(source), str(root))
        else:
            root.mkdir()
    return count, moved


def restore(
    archive: Path, *, force: bool = False, say: Say = print, database: Database | None = None
) -> RestoreResult:
    """Restore ``archive`` into the configured database and file directories (see module doc).
    Refuses a target holding data unless ``force`` (which drops the database's schemas and
    moves the file directories aside as ``<dir>.before-restore-<time>``)."""
    started = time.monotonic()
    database = database or Database.configured()
    archive = archive.expanduser().resolve()
    check_target(database, force=force)
    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=var_dir, prefix=".giamngheo-restore-") as scratch:
        staging = Path(scratch)
        say(_("Đang đọc và kiểm tra tệp sao lưu %(path)s…") % {"path": archive})
        manifest = unpack(archive, staging, say)
        with database.connect() as conn:
            major, _version_text = server_major(conn)
        tools = tools_for(major)
        prelude = _reset_schema_sql(database) if force else b""
        say(_("Đang khôi phục CSDL “%(name)s”…") % {"name": database.name})
        _load_dump(tools, database, staging / DUMP_NAME, prelude)
        with database.connect() as conn:
            restored = checksums.database_state(conn)
        stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d-%H%M%S")
        files, moved = _restore_files(staging, stamp)
    expected = {"tables": manifest.get("tables", {})}
    problems = checksums.differences(expected, {"tables": restored["tables"]})
    notes = checksums.differences(
        {"sequences": manifest.get("sequences", {})}, {"sequences": restored["sequences"]}
    )
    return RestoreResult(
        manifest=manifest,
        restored=restored,
        problems=problems,
        sequence_notes=notes,
        files=files,
        moved_aside=moved,
        seconds=time.monotonic() - started,
    )
