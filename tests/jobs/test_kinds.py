"""Job kinds are found per app: each app's ``jobs`` module, then the extra modules of
``GIAMNGHEO_JOB_MODULES``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.test import override_settings

from giamngheo.jobs import kinds


def test_it_finds_the_kinds_declared_by_the_apps() -> None:
    found = kinds.all_kinds()
    assert {"registry.import_households", "registry.export_households", "jobs.purge_files"} <= set(
        found
    )
    assert found["registry.import_households"].page == "registry_io:import_detail"


def test_it_imports_the_extra_modules_of_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "extra_job_kinds.py").write_text(
        "from giamngheo.jobs.kinds import job_kind\n"
        "@job_kind('tests.extra', label='Thêm')\n"
        "def extra(context):\n"
        "    return None\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with override_settings(GIAMNGHEO_JOB_MODULES=["extra_job_kinds"]):
            assert kinds.get_kind("tests.extra").label == "Thêm"
    finally:
        sys.modules.pop("extra_job_kinds", None)
        kinds._KINDS.pop("tests.extra", None)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(kinds.UnknownJobKindError):
        kinds.get_kind("tests.nothing_declares_this")
