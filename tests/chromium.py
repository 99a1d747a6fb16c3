"""A real browser for the tests that need one: Debian's Chromium driven by Playwright, with
axe-core to check a page for WCAG 2.2 A/AA failures. The ``page`` fixture (the root conftest)
opens one beside the live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or not AXE.exists(),
    reason="Chromium or axe-core is not installed (make tools, make assets)",
)


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A page in a fresh Chromium, closed afterwards with the database connections the test
    opened while it was open.

    Playwright's synchronous API keeps an event loop running in this thread, and Django keeps a
    thread's database connections apart while a loop runs (asgiref's ``Local``): the queries a
    test makes while the browser is open go through connections that the test database's own
    clean-up never sees. Left open, they keep PostgreSQL from dropping the test database at the
    end of the run ("being accessed by other users"), so they are closed here, while the loop
    still runs.
    """
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        finally:
            connections.close_all()
            browser.close()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.2 A/AA failures on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} places)"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
