"""Debian's Chromium (/usr/bin/chromium) driven by Playwright, for the real-browser tests.

Each browser test module has a module-scoped ``browser`` fixture that is one line:
``yield from chromium()`` (one Chromium per module: Playwright's sync API keeps an event loop
in the test thread while the browser is open, which no other module should run under).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a closed network and root: no sandbox, no background traffic to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> Iterator[Browser]:
    """A headless Chromium for one module (the body of its ``browser`` fixture)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run 'make chromium' (make test does it).")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls the test
    # makes between page actions are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
