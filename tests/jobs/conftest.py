"""The jobs tests start job processes (and ``giamngheo serve``) on the test database."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _job_processes_use_the_test_database(job_processes_use_the_test_database: None) -> None:
    """See ``tests.conftest.job_processes_use_the_test_database``."""
