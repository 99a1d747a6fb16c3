"""The month end to end in a real browser (Debian's Chromium, driven by Playwright), on the demo
loaded as at a date, as the people the demo ships: Hannah records last month's benefit actual,
writes her work package's highlight report and asks for a gate; Daniel approves the report; Priya
quality-assures the request; the Cabinet Member releases the money (the ledger moves by exactly
that amount); Priya produces the board pack, Ruth approves it, and it downloads as PDF and Excel.

It runs as at today, and as at 15 October 2024 with the clock moved there (time-machine), so it
passes whatever the date the suite runs on.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from decimal import Decimal

import pytest
import time_machine
from tests.chromium import needs_chromium, serious_violations

from openpmo.demo.timeline import Timeline

PASSWORD = "a-long-demo-passphrase-for-tests"

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


class Month:
    """One browser, signing in as each person in turn."""

    def __init__(self, page, url: str) -> None:
        self.page, self.url = page, url

    def sign_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.page.goto(f"{self.url}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button:has-text('Sign in')")
        self.page.wait_for_selector(".openpmo-account")

    def go(self, path: str) -> None:
        response = self.page.goto(f"{self.url}{path}")
        assert response is not None and response.status < 400, (path, response and response.status)

    def press(self, text: str) -> None:
        with self.page.expect_navigation():
            self.page.click(f"main button:has-text('{text}')")

    def ok(self) -> None:
        assert not self.page.locator(".govuk-error-summary").is_visible(), self.page.inner_text(
            ".govuk-error-summary"
        )


def _load(as_of: dt.date, settings, tmp_path) -> None:
    from django.core.management import call_command

    settings.ENV = settings.ENV.__class__(**{**settings.ENV.__dict__, "var_dir": tmp_path})
    os.environ["OPENPMO_DEMO_PASSWORD"] = PASSWORD
    try:
        call_command("load_demo", "--as-of", as_of.isoformat(), stdout=io.StringIO())
    finally:
        del os.environ["OPENPMO_DEMO_PASSWORD"]


def _run_the_month(page, url: str, as_of: dt.date, tmp_path) -> None:
    from openpmo.benefits.models import BenefitActual
    from openpmo.finance.models import Reserve
    from openpmo.gates.models import GateRequest
    from openpmo.portfolio.models import WorkPackage
    from openpmo.reports.models import Report

    t = Timeline(as_of)
    last = t.last_month
    month = Month(page, url)

    # Hannah, the work package manager: last month's benefit actual is due, so she records it.
    month.sign_in("wp-manager")
    assert "The programme today" in page.inner_text("main")
    benefit = BenefitActual.objects.none().model._meta.get_field("benefit").related_model
    mine = benefit.objects.get(reference="BEN-AE-002")
    assert not mine.actuals.filter(month=last).exists()
    month.go(f"/benefits/register/{mine.pk}/actuals/")
    page.fill("[name=month]", f"{last:%Y-%m}")
    page.fill("[name=value]", "30000")
    page.fill("[name=evidence]", "Supplier invoices for the month")
    month.press("Save the actual")
    month.ok()
    assert mine.actuals.get(month=last).value == Decimal("30000")

    # She writes last month's highlight report for a work package she manages in delivery.
    wp = WorkPackage.objects.filter(owner__username="wp-manager", stage="delivery").first()
    assert wp is not None
    month.go(f"/reports/new/?kind=work_package_highlight&period={last:%Y-%m}&work_package={wp.pk}")
    month.press("Save")
    month.ok()
    report = Report.objects.get(kind="work_package_highlight", work_package=wp, period=last)
    month.go(f"/reports/{report.pk}/edit/")
    page.select_option("[name=overall_rag]", "amber")
    page.fill("[name=progress_this_period]", "Rolled out to two more teams.")
    page.fill("[name=next_period]", "Finish the rollout and hand over to service.")
    month.press("Save")
    month.ok()
    month.go(f"/reports/{report.pk}/")
    month.press("Submit for approval")
    month.ok()
    report.refresh_from_db()
    assert report.status == "submitted"

    # and asks for her next gate, with the business case the demo left in draft.
    request_wp = WorkPackage.objects.get(reference="ETP-DATA-002")
    month.go(f"/gates/work-packages/{request_wp.pk}/request/")
    month.press("Submit the request")
    month.ok()
    request = GateRequest.objects.get(work_package=request_wp, status="submitted")
    asked = request.requested_total
    assert asked > 0 and set(request.requested) == {str(t.this_year)}

    # Daniel, her sponsor, approves the report.
    month.sign_in("sponsor")
    month.go(f"/reports/{report.pk}/")
    month.press("Approve and freeze")
    month.ok()
    report.refresh_from_db()
    assert report.status == "approved"

    # Priya, the PMO Manager, forwards the request to the Cabinet Member.
    month.sign_in("pmo")
    month.go(f"/gates/requests/{request.pk}/")
    page.check("[name=decision][value=forward]")
    month.press("Record quality assurance")
    month.ok()
    request.refresh_from_db()
    assert request.status == "forwarded"

    # The Cabinet Member approves, releasing what was asked: the ledger moves by exactly that.
    balance = Reserve.objects.get().balance
    month.sign_in("decision-maker")
    month.go(f"/gates/requests/{request.pk}/decide/")
    page.check("[name=outcome][value=approved]")
    page.fill("[name=forward_plan_reference]", "FP/101/10/24")
    page.fill("[name=s151_officer]", "Executive Director, Corporate Services")
    page.fill("[name=s151_consulted_on]", as_of.isoformat())
    month.press("Save")
    month.ok()
    request.refresh_from_db()
    assert request.status == "decided"
    assert Reserve.objects.get().balance == balance + asked

    # Priya produces last month's board pack and submits it; Ruth, the board's chair, approves.
    month.sign_in("pmo")
    month.go(f"/reports/new/?kind=board_pack&period={last:%Y-%m}")
    month.press("Save")
    month.ok()
    pack = Report.objects.get(kind="board_pack", period=last)
    month.go(f"/reports/{pack.pk}/edit/")
    page.fill("[name=narrative]", "The month's summary for the investment board.")
    month.press("Save")
    month.go(f"/reports/{pack.pk}/")
    month.press("Submit for approval")
    month.ok()
    month.sign_in("board-chair")
    month.go(f"/reports/{pack.pk}/")
    month.press("Approve and freeze")
    month.ok()
    pack.refresh_from_db()
    assert pack.status == "approved" and pack.decided_by.username == "board-chair"

    # and the pack downloads as Excel through the link on its page, in her session,
    href = page.get_attribute("main a:has-text('Excel')", "href")
    response = page.context.request.get(f"{url}/reports/{pack.pk}/{href}", timeout=300_000)
    assert response.ok and response.body().startswith(b"PK")
    # and as PDF, prepared in the background: the worker's task is run here when one is queued.
    from playwright.sync_api import expect

    from openpmo.reports.models import ReportPdf
    from openpmo.reports.services import report_pdf_render

    month.press("Prepare the PDF")
    month.ok()
    pdf = ReportPdf.objects.get(report=pack)
    report_pdf_render(pdf.pk)
    # The pending page refreshes itself every two seconds; she waits for it rather than
    # reloading it herself (a reload races the page's own refresh).
    assert page.url == f"{url}/reports/pdf/{pdf.pk}/"
    expect(page.locator("#pdf-status")).to_contain_text("Ready", timeout=60_000)
    href = page.get_attribute("main a:has-text('Download the PDF')", "href")
    response = page.context.request.get(f"{url}{href}", timeout=300_000)
    assert response.ok and response.body().startswith(b"%PDF")


def test_the_month_as_at_today(page, live_server, settings, tmp_path):
    from openpmo.portfolio.models import WorkPackage

    today = dt.date.today()
    _load(today, settings, tmp_path)
    _run_the_month(page, live_server.url, today, tmp_path)
    # The pages read at 200 rows pass axe: the register, the tracker and a history.
    month = Month(page, live_server.url)
    month.sign_in("viewer")
    wp = WorkPackage.objects.get(reference="ETP-DATA-001")
    for path in (
        "/work-packages/?sort=rag&order=desc",
        "/benefits/",
        f"/audit/portfolio/workpackage/{wp.pk}/",
        "/",
    ):
        month.go(path)
        assert serious_violations(page) == [], path


def test_the_month_as_at_october_2024(page, live_server, settings, tmp_path):
    # Cookies without an expiry date: the browser's clock is not moved with the server's.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    as_of = dt.date(2024, 10, 15)
    with time_machine.travel(dt.datetime(2024, 10, 15, 10, tzinfo=dt.UTC), tick=True):
        _load(as_of, settings, tmp_path)
        _run_the_month(page, live_server.url, as_of, tmp_path)
