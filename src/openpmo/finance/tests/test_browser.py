"""The finance pages in a real browser (Debian's Chromium via Playwright), checked by axe-core
for WCAG 2.2 A/AA failures; the flex preview used as a Finance officer would."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from openpmo.accounts.roles import Role

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[4] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None or not AXE.exists(),
        reason="Chromium or axe-core is not installed (make tools, make assets)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page(live_server):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def _axe_violations(page) -> list[str]:
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


def test_finance_pages_are_accessible_and_the_flex_previews(
    page, live_server, role_user, etp, tmp_path
):
    plan, reserve = etp
    finance = role_user(Role.FINANCE, username="finance-browser")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", finance.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button:has-text('Sign in')")
    for path in (
        "/finance/",
        plan.get_absolute_url(),
        reserve.get_absolute_url(),
        f"/finance/reserves/{reserve.pk}/entries/new/",
        "/finance/reconcile/",
        "/finance/appraisals/new/",
        "/finance/work-packages/",
        "/finance/spend/import/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        assert _axe_violations(page) == [], path
        if path == reserve.get_absolute_url():
            page.screenshot(path=str(tmp_path / "reserve.png"), full_page=True)
    # A Finance officer halves the PMO Manager's FTE and previews the new profile
    manager = plan.roles.get(name="PMO Manager")
    page.goto(f"{live_server.url}/finance/team/{plan.pk}/flex/")
    page.fill(f"#id_fte_{manager.pk}", "0.5")
    page.click("button:has-text('Show the new profile')")
    page.wait_for_selector("h2:has-text('The new profile')")
    assert "1 role changed" in page.inner_text("main")
    assert _axe_violations(page) == []
    manager.refresh_from_db()
    assert manager.fte == 1  # a preview saves nothing
    page.screenshot(path=str(tmp_path / "flex.png"), full_page=True)
