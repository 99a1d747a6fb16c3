"""A real browser (Debian's Chromium, driven by Playwright) signs in and reads the dashboard,
and axe-core checks the pages for WCAG 2.2 A/AA failures."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from openpmo.accounts.roles import Role

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (make tools installs it)"
    ),
    pytest.mark.django_db(transaction=True),
]

PILLARS = [
    "Automation and Efficiency",
    "Technology for Collaboration",
    "Citizen Engagement",
    "Innovation and Improvement",
    "Platforms for Data",
    "Renewing our technology",
]


@pytest.fixture
def page(live_server):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
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


def test_officer_signs_in_and_sees_the_six_pillars(page, live_server, tmp_path, settings):
    from django.core.management import call_command

    settings.ENV = settings.ENV.__class__(**{**settings.ENV.__dict__, "var_dir": tmp_path})
    os.environ["OPENPMO_DEMO_PASSWORD"] = "a-long-demo-passphrase-for-tests"
    try:
        call_command("load_demo", stdout=io.StringIO())
    finally:
        del os.environ["OPENPMO_DEMO_PASSWORD"]

    # Given the sign-in page, which has no accessibility failures
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert _axe_violations(page) == []
    # when the PMO signs in with the wrong password, they are told so
    page.fill("#id_username", "pmo")
    page.fill("#id_password", "wrong")
    page.click("button:has-text('Sign in')")
    assert page.locator(".govuk-error-summary").is_visible()
    # and with the right one they land on the programme dashboard
    page.fill("#id_password", "a-long-demo-passphrase-for-tests")
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1:has-text('Enabling Technology Programme')")
    text = page.inner_text("main")
    for pillar in PILLARS:
        assert pillar in text
    assert _axe_violations(page) == []
    # GOV.UK Frontend's stylesheet is served locally and applied
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.govuk-header')).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)


def test_work_package_edit_form_shows_errors_in_the_browser(
    page, live_server, role_user, programme_tree
):
    pmo = role_user(Role.PMO, username="pmo-user")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", pmo.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button:has-text('Sign in')")
    page.goto(f"{live_server.url}/work-packages/{programme_tree.pk}/edit/")
    assert _axe_violations(page) == []
    page.fill("#id_name", "")
    page.click("button:has-text('Save')")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "This field is required" in summary.inner_text()
    assert _axe_violations(page) == []
    programme_tree.refresh_from_db()
    assert programme_tree.name
