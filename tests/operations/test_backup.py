"""``giamngheo backup`` and ``giamngheo restore`` as an operator runs them (subprocesses, the
test server): a demo province round-trips into another database with every table's rows and
every file identical; a damaged archive is refused and changes nothing.

These tests commit (transactional_db): pg_dump reads through a session of its own."""

from __future__ import annotations

import tarfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from giamngheo.demo import loader
from giamngheo.operations.pgtools import OperationsError, tools_for
from tests.conftest import test_database_url
from tests.operations.helpers import database, run, sequence_values, table_contents

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

FILES = {
    "media/review/minutes/2025/bien-ban-thon-1.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
    "jobs/uploads/3f2a/ho-gia-dinh.csv": "Mã hộ,Họ tên chủ hộ\nA1-001,Nguyễn Văn An\n".encode(),
    "jobs/17/ket-qua.xlsx": b"PK\x03\x04" + b"\x00" * 5000,
}


def write_files(root: Path) -> None:
    for name, content in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "before-restore" not in p.relative_to(root).as_posix()
    }


@pytest.fixture
def demo_province(official_units: None) -> None:
    loader.load_demo(households=300, seed=3)


def test_a_demo_database_round_trips_with_every_table_and_file_identical(
    demo_province: None, tmp_path: Path
) -> None:
    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    write_files(source_dir)
    archive = tmp_path / "backups" / "giamngheo.tar"
    source_url = test_database_url()
    backed_up = run(
        "backup",
        str(archive),
        env={"DATABASE_URL": source_url, "GIAMNGHEO_VAR_DIR": str(source_dir)},
    )
    assert backed_up.returncode == 0, backed_up.stderr
    assert "Đã sao lưu vào" in backed_up.stdout and "3 tệp" in backed_up.stdout
    assert not archive.with_name(archive.name + ".part").exists()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == "database.dump" and names[-1] == "manifest.json"
    assert {f"files/{n}" for n in FILES} <= set(names)

    source = table_contents(source_url)
    assert source["public.registry_household"][0] == 300
    name = f"{connection.settings_dict['NAME']}_restored"
    with database(name) as target_url:
        restored = run(
            "restore",
            str(archive),
            env={"DATABASE_URL": target_url, "GIAMNGHEO_VAR_DIR": str(target_dir)},
        )
        assert restored.returncode == 0, restored.stderr + restored.stdout
        target = table_contents(target_url)
        assert target == source  # every table: same number of rows, same rows
        assert sequence_values(target_url) == sequence_values(source_url)
        tables = len(source)
        assert f"{tables}/{tables} bảng khớp" in restored.stdout
        for table in ("registry_household", "audit_auditevent", "areas_administrativeunit"):
            assert any(
                line.startswith(f"{table} |") and line.endswith("khớp")
                for line in restored.stdout.splitlines()
            )
        assert files_under(target_dir) == files_under(source_dir)

        # Restoring again over the data is refused without --force, and changes nothing.
        again = run(
            "restore",
            str(archive),
            env={"DATABASE_URL": target_url, "GIAMNGHEO_VAR_DIR": str(target_dir)},
        )
        assert again.returncode == 1
        assert "Nơi khôi phục đã có dữ liệu" in again.stderr and "--force" in again.stderr
        assert table_contents(target_url) == source

        # With --force: the old data are replaced (the files moved aside), the result the same.
        (target_dir / "jobs" / "extra.txt").write_text("một tệp sau sao lưu")
        forced = run(
            "restore",
            "--force",
            "--quiet-tables",
            str(archive),
            env={"DATABASE_URL": target_url, "GIAMNGHEO_VAR_DIR": str(target_dir)},
        )
        assert forced.returncode == 0, forced.stderr
        assert table_contents(target_url) == source
        assert files_under(target_dir) == files_under(source_dir)
        assert list(target_dir.glob("jobs.before-restore-*/extra.txt"))


def damaged_copies(archive: Path, folder: Path) -> dict[str, Path]:
    data = archive.read_bytes()
    truncated = folder / "truncated.tar"
    truncated.write_bytes(data[: len(data) // 2])
    flipped = folder / "flipped.tar"
    middle = 1024 + len(data) // 4  # inside database.dump (the first member)
    flipped.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    no_manifest = folder / "no-manifest.tar"
    with tarfile.open(archive) as tar, tarfile.open(no_manifest, "w") as out:
        for member in tar:
            if member.name != "manifest.json":
                out.addfile(member, tar.extractfile(member))
    return {"truncated": truncated, "flipped": flipped, "no manifest": no_manifest}


def test_a_damaged_archive_is_refused_with_a_message_and_changes_nothing(
    world: object, tmp_path: Path
) -> None:
    source_dir = tmp_path / "source"
    write_files(source_dir)
    archive = tmp_path / "good.tar"
    source_url = test_database_url()
    env = {"DATABASE_URL": source_url, "GIAMNGHEO_VAR_DIR": str(source_dir)}
    assert run("backup", str(archive), env=env).returncode == 0
    before = table_contents(source_url)
    damaged_archives = damaged_copies(archive, tmp_path)
    empty_dir = tmp_path / "empty"
    with (
        database(f"{connection.settings_dict['NAME']}_damaged") as target_url,
        ThreadPoolExecutor(1) as pool,
    ):
        # Into an empty database (it stays empty, and no file appears): run meanwhile, as it
        # shares no database and no directory with the restores over the live data.
        into_empty = pool.submit(
            run,
            "restore",
            str(damaged_archives["truncated"]),
            env={"DATABASE_URL": target_url, "GIAMNGHEO_VAR_DIR": str(empty_dir)},
        )
        for label, damaged in damaged_archives.items():
            # Over the live data with --force: the archive is checked before anything is dropped.
            result = run("restore", "--force", str(damaged), env=env)
            assert result.returncode == 1, label
            assert "Tệp sao lưu bị hỏng hoặc không đầy đủ" in result.stderr, (label, result.stderr)
            assert "Traceback" not in result.stderr
            assert table_contents(source_url) == before, label
            assert files_under(source_dir) == {n: c for n, c in FILES.items()}, label
        result = into_empty.result()
        assert result.returncode == 1
        assert table_contents(target_url) == {}
        assert not [p for p in empty_dir.rglob("*") if p.is_file()]


def test_no_client_programs_of_the_servers_version_is_a_clear_refusal() -> None:
    with pytest.raises(OperationsError, match="PostgreSQL 99") as refused:
        tools_for(99)
    assert "GIAMNGHEO_PG_BIN" in str(refused.value)


def test_backup_without_a_file_name_says_how() -> None:
    result = run("backup", env={"DATABASE_URL": test_database_url()})
    assert result.returncode == 1
    assert "giamngheo backup TỆP.tar" in result.stderr


def test_a_scheduled_backup_lands_in_the_directory_and_prunes_by_the_retention(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [f"giamngheo-202511{day:02d}-020000Z.tar" for day in (1, 2, 3)]
    for name in [*old, "ghi-chu.txt"]:
        (folder / name).write_bytes(b"old")
    result = run(
        "backup",
        "--scheduled",
        "--dir",
        str(folder),
        "--keep-daily",
        "2",
        "--keep-weekly",
        "0",
        "--keep-monthly",
        "0",
        env={"DATABASE_URL": test_database_url(), "GIAMNGHEO_VAR_DIR": str(tmp_path / "var")},
    )
    assert result.returncode == 0, result.stderr
    left = sorted(p.name for p in folder.iterdir())
    new = [n for n in left if n.endswith("Z.tar") and n not in old]
    assert len(new) == 1
    with tarfile.open(folder / new[0]) as tar:
        assert tar.getnames()[-1] == "manifest.json"
    # Two days kept: today's new backup and the newest old one; other files untouched.
    assert left == sorted([*new, old[-1], "ghi-chu.txt"])
    for name in old[:2]:
        assert f"Đã xóa bản sao lưu cũ {name}." in result.stdout
