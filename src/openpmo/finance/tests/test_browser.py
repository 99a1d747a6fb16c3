"""The finance pages in a real browser (Debian's Chromium via Playwright), checked by axe-core
for WCAG 2.2 A/AA failures; the flex preview used as a Finance officer would."""

from __future__ import annotations

import pytest
from tests.chromium import needs_chromium, serious_violations

from openpmo.accounts.roles import Role

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


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
        assert serious_violations(page) == [], path
        if path == reserve.get_absolute_url():
            page.screenshot(path=str(tmp_path / "reserve.png"), full_page=True)
    # A Finance officer halves the PMO Manager's FTE and previews the new profile
    manager = plan.roles.get(name="PMO Manager")
    page.goto(f"{live_server.url}/finance/team/{plan.pk}/flex/")
    page.fill(f"#id_fte_{manager.pk}", "0.5")
    page.click("button:has-text('Show the new profile')")
    page.wait_for_selector("h2:has-text('The new profile')")
    assert "1 role changed" in page.inner_text("main")
    assert serious_violations(page) == []
    manager.refresh_from_db()
    assert manager.fte == 1  # a preview saves nothing
    page.screenshot(path=str(tmp_path / "flex.png"), full_page=True)
