"""What every operations test shares: the processes they start keep their compiled bytecode.

These tests start some sixty Python processes (the giamngheo command, workers, job runners,
app servers), each importing Django and the project. With ``PYTHONDONTWRITEBYTECODE`` set (as
on developer machines and in CI, so that no ``__pycache__`` lands in the tree) each of them
compiled the project's sources again. Their bytecode goes instead to a directory of this run
(``PYTHONPYCACHEPREFIX``, outside the tree): the first process compiles, the others read it.
The processes run the same code; this process is not affected (it read the variables at its
start)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def _bytecode_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pycache")


@pytest.fixture(autouse=True, scope="module")
def _subprocess_bytecode_cache(_bytecode_directory: Path) -> Iterator[None]:
    # Per module: the tests of other directories start their processes as before.
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
        patch.setenv("PYTHONPYCACHEPREFIX", str(_bytecode_directory))
        yield
