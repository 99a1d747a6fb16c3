"""The reports pages as officers use them: calendar, drafting, the workflow buttons, downloads."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from openpmo.audit.models import AuditRecord
from openpmo.portfolio.tests.factories import PillarFactory, WorkPackageFactory
from openpmo.reports import services
from openpmo.reports.models import Report
from openpmo.reports.selectors import reporting_calendar


def test_calendar_shows_due_overdue_submitted_and_approved(
    client, people, programme_tree, approved
):
    # Given a second pillar with no report, and a board pack in draft
    programme = programme_tree.strand.pillar.programme
    PillarFactory(programme=programme, name="Second pillar")
    services.report_create(
        actor=people["pmo"], kind="board_pack", programme=programme, period=approved.period
    )
    calendar = reporting_calendar(programme, approved.period, today=dt.date(2024, 5, 1))
    states = {item.label: (item.status, item.overdue) for item in calendar.items}
    assert states[f"Highlight report: {approved.pillar.name}"] == ("approved", False)
    assert states["Highlight report: Second pillar"] == ("not_started", True)
    assert states["Investment board pack"] == ("draft", True)
    assert states["Cabinet Member update"] == ("not_started", True)
    assert (calendar.due, calendar.overdue, calendar.approved) == (4, 3, 1)
    # and the page at /reports/ shows it to anyone signed in
    client.force_login(people["viewer"])
    html = client.get("/reports/", {"period": "2024-03"}).content.decode()
    assert "Reporting calendar: March 2024" in html
    assert "Second pillar" in html and "Approved (frozen)" in html
    assert "Start<span" not in html  # a viewer may start nothing
    client.force_login(people["sponsor"])
    html = client.get("/reports/", {"period": "2024-03"}).content.decode()
    assert (
        html.count("Start<span") == 0
    )  # the sponsor's pillar is reported; the other is not theirs


def test_calendar_page_does_a_fixed_number_of_queries(client, people, programme_tree):
    client.force_login(people["pmo"])
    client.get("/reports/", {"period": "2024-03"})
    with CaptureQueriesContext(connection) as few:
        assert client.get("/reports/", {"period": "2024-03"}).status_code == 200
    for _ in range(3):
        pillar = PillarFactory(programme=programme_tree.strand.pillar.programme)
        WorkPackageFactory.create_batch(2, strand__pillar=pillar, stage="delivery")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/reports/", {"period": "2024-03"}).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_sponsor_drafts_edits_and_submits_then_the_pmo_approves(client, people, programme_tree):
    pillar = programme_tree.strand.pillar
    client.force_login(people["sponsor"])
    started = client.post(
        "/reports/new/", {"kind": "pillar_highlight", "period": "2024-03", "pillar": pillar.pk}
    )
    assert started.status_code == 302
    report = Report.objects.get()
    # submitting before writing the assessment shows the error summary and changes nothing
    refused = client.post(f"/reports/{report.pk}/submit/", {"version": report.version})
    assert refused.status_code == 400 and "There is a problem" in refused.content.decode()
    assert Report.objects.get().status == "draft"
    edited = client.post(
        f"/reports/{report.pk}/edit/",
        {
            "title": report.title,
            "overall_rag": "amber",
            "delivery_confidence": "amber",
            "confidence_reason": "Supplier late",
            "progress_this_period": "Designs signed off",
            "next_period": "Build",
            "decisions_needed": "",
            "version": report.version,
        },
    )
    assert edited.status_code == 302
    report.refresh_from_db()
    assert (
        client.post(f"/reports/{report.pk}/submit/", {"version": report.version}).status_code == 302
    )
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Approve and freeze" not in page  # not for the one who submitted
    client.force_login(people["pmo"])
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Approve and freeze" in page and "Supplier late" in page
    report.refresh_from_db()
    assert (
        client.post(f"/reports/{report.pk}/approve/", {"version": report.version}).status_code
        == 302
    )
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "approved and frozen" in page and "Edit the narrative" not in page
    assert client.get(f"/reports/{report.pk}/edit/").status_code == 302  # back to the report
    conflict = client.post(f"/reports/{report.pk}/refresh/", {})
    assert conflict.status_code == 409
    assert [r.action for r in AuditRecord.objects.for_object(report).order_by("id")] == [
        "report.created",
        "report.updated",
        "report.submitted",
        "report.approved",
    ]


def test_viewer_cannot_edit_or_decide(client, people, submitted):
    client.force_login(people["viewer"])
    assert client.get(f"/reports/{submitted.pk}/edit/").status_code == 403
    assert client.post(f"/reports/{submitted.pk}/approve/").status_code == 403
    assert client.post(f"/reports/{submitted.pk}/return/", {"comments": "x"}).status_code == 403
    assert (
        client.post("/reports/new/", {"kind": "board_pack", "period": "2024-03"}).status_code == 403
    )
    assert Report.objects.get(pk=submitted.pk).status == "submitted"
    assert Report.objects.count() == 1


def test_the_workbook_holds_numbers_with_formats_one_sheet_per_section(client, people, approved):
    client.force_login(people["viewer"])
    response = client.get(f"/reports/{approved.pk}/", {"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Report",
        "Overall status",
        "Milestones",
        "Finance",
        "Benefits",
        "Top risks and issues",
        "Gate pipeline and decisions",
        "Dependencies at risk",
    ]
    sheet = book["Overall status"]
    counts = {row[0].value: row[1] for row in sheet.iter_rows(min_row=1, max_row=10)}
    assert counts["Work packages"].value == 1 and counts["Work packages"].number_format == "#,##0"
    dates = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, dt.datetime)]
    assert dates and all(c.number_format == "d mmm yyyy" for c in dates)


@pytest.mark.parametrize("fmt", ["html", "xlsx"])
def test_report_downloads_for_every_kind(client, people, programme_tree, fmt):
    programme = programme_tree.strand.pillar.programme
    client.force_login(people["pmo"])
    for kind in ("board_pack", "cabinet_update", "twelve_month_review", "halfway_review"):
        report = services.report_create(
            actor=people["pmo"], kind=kind, programme=programme, period=dt.date(2024, 3, 1)
        )
        response = client.get(f"/reports/{report.pk}/", {"format": fmt})
        assert response.status_code == 200, kind


def test_the_reviews_fall_due_twelve_months_in_and_halfway(programme_tree):
    from openpmo.reports.selectors import review_months

    programme = programme_tree.strand.pillar.programme
    programme.start_date, programme.end_date = dt.date(2022, 10, 1), dt.date(2025, 9, 30)
    programme.save()
    assert review_months(programme) == {
        "twelve_month_review": dt.date(2023, 10, 1),
        "halfway_review": dt.date(2024, 3, 1),
    }
    october = reporting_calendar(programme, dt.date(2023, 10, 1), today=dt.date(2023, 10, 2))
    assert "12-month review" in [item.label for item in october.items]
    assert october.overdue == 0  # not yet due on 2 October
    after = reporting_calendar(programme, dt.date(2025, 11, 1))
    assert after.items == []  # the programme has ended: nothing is due
