"""A real browser (Debian's Chromium, driven by Playwright) signs in and reads the dashboard,
and axe-core checks the pages for WCAG 2.2 A/AA failures."""

from __future__ import annotations

import io
import os

import pytest
from tests.chromium import needs_chromium, serious_violations

from openpmo.accounts.roles import Role

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

PILLARS = [
    "Automation and Efficiency",
    "Technology for Collaboration",
    "Citizen Engagement",
    "Innovation and Improvement",
    "Platforms for Data",
    "Renewing our technology",
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
    assert serious_violations(page) == []
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
    assert serious_violations(page) == []
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
    assert serious_violations(page) == []
    page.fill("#id_name", "")
    page.click("button:has-text('Save')")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "This field is required" in summary.inner_text()
    assert serious_violations(page) == []
    programme_tree.refresh_from_db()
    assert programme_tree.name


def test_queries_made_while_the_browser_is_open_leave_no_connection_behind(live_server):
    # Otherwise PostgreSQL cannot drop the test database at the end of the run and it stays on
    # the server ("being accessed by other users").
    from django.db import connection

    from openpmo.accounts.models import User

    if connection.vendor != "postgresql":
        pytest.skip("a connection left open matters where the database is a server")
    from tests.chromium import chromium_page

    with chromium_page():
        assert User.objects.count() == 0  # through the connection Django keeps while it is open
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (others,) = cursor.fetchone()
    assert others == 0
