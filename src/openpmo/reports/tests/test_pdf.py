"""PDFs in the background: asked for on a page, rendered by the worker, followed on a progress
page that reloads itself, then downloaded; an approved report's PDF is rendered once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from openpmo.reports import exports, services
from openpmo.reports.models import ReportPdf

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_a_pdf_asked_for_waits_for_the_worker_then_downloads(
    settings, client, people, pillar_report, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = QUEUE
    client.force_login(people["viewer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/pdf/", {"report": pillar_report.pk})
    pdf = ReportPdf.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/pdf/{pdf.pk}/"
    assert pdf.status == "queued" and pdf.pdf is None and pdf.report == pillar_report
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [pdf.pk] and str(task.id) == pdf.task_id
    # The progress page says so, in a live region, and reloads itself without JavaScript.
    page = client.get(f"/reports/pdf/{pdf.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and 'aria-live="polite"' in page
    assert "Queued" in page and "Download the PDF" not in page
    # Before it is ready the download leads back to the progress page.
    assert client.get(f"/reports/pdf/{pdf.pk}/download/")["Location"] == f"/reports/pdf/{pdf.pk}/"
    # The worker renders it once; a retried task does not render it again.
    services.report_pdf_render(pdf.pk)
    pdf.refresh_from_db()
    assert pdf.status == "ready" and pdf.started_at and pdf.finished_at
    stored = bytes(pdf.pdf)
    services.report_pdf_render(pdf.pk)
    pdf.refresh_from_db()
    assert bytes(pdf.pdf) == stored
    page = client.get(f"/reports/pdf/{pdf.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in page and "Ready" in page and "Download the PDF" in page
    download = client.get(f"/reports/pdf/{pdf.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content == stored and download.content.startswith(b"%PDF")
    assert pillar_report.pillar.name in _text(download.content)
    assert "attachment" in download["Content-Disposition"]


def test_an_approved_reports_pdf_is_rendered_once_and_served_again(
    settings, people, approved, monkeypatch
):
    settings.TASKS = IMMEDIATE
    first = services.report_pdf_request(
        actor=people["viewer"], programme=approved.programme, report=approved
    )
    assert first.status == "ready" and first.fingerprint == approved.snapshot_sha256
    # Asking again (anyone) serves the stored bytes: nothing is drawn again.
    monkeypatch.setattr(exports, "pdf_bytes", lambda *a: pytest.fail("rendered twice"))
    again = services.report_pdf_request(
        actor=people["pmo"], programme=approved.programme, report=approved
    )
    assert again.pk == first.pk and ReportPdf.objects.count() == 1
    assert bytes(again.pdf) == bytes(first.pdf) and bytes(first.pdf).startswith(b"%PDF")
    assert approved.title in _text(bytes(first.pdf))


def test_a_draft_is_rendered_afresh_each_time(settings, people, pillar_report):
    settings.TASKS = IMMEDIATE
    one = services.report_pdf_request(
        actor=people["sponsor"], programme=pillar_report.programme, report=pillar_report
    )
    two = services.report_pdf_request(
        actor=people["sponsor"], programme=pillar_report.programme, report=pillar_report
    )
    assert one.pk != two.pk and one.fingerprint == "" and two.status == "ready"


def test_the_board_pack_pdf_of_a_month_without_a_governed_pack(
    settings, client, people, programme_tree
):
    settings.TASKS = IMMEDIATE
    client.force_login(people["viewer"])
    # The old address asks first: a GET creates nothing.
    page = client.get("/reports/board-pack/", {"period": "2024-03", "format": "pdf"})
    assert page.status_code == 200 and "Prepare the PDF" in page.content.decode()
    assert not ReportPdf.objects.exists()
    response = client.post("/reports/pdf/", {"period": "2024-03"})
    pdf = ReportPdf.objects.get()
    assert response["Location"] == f"/reports/pdf/{pdf.pk}/"
    assert pdf.report is None and pdf.status == "ready" and pdf.fingerprint == ""
    body = client.get(f"/reports/pdf/{pdf.pk}/download/").content
    assert body.startswith(b"%PDF") and "Live preview" in _text(body)


def test_a_failed_pdf_says_why_and_offers_to_try_again(
    settings, client, people, approved, monkeypatch
):
    settings.TASKS = IMMEDIATE

    def broken(*args):
        raise RuntimeError("the fonts are missing")

    monkeypatch.setattr(exports, "pdf_bytes", broken)
    client.force_login(people["viewer"])
    client.post("/reports/pdf/", {"report": approved.pk})
    pdf = ReportPdf.objects.get()
    assert pdf.status == "failed" and pdf.pdf is None and "fonts are missing" in pdf.error
    page = client.get(f"/reports/pdf/{pdf.pk}/").content.decode()
    assert "could not be prepared" in page and "the fonts are missing" in page
    assert 'role="alert"' in page and 'http-equiv="refresh"' not in page
    assert "Prepare the PDF" in page
    assert client.get(f"/reports/pdf/{pdf.pk}/download/").status_code == 302
    # Asking again after a failure renders again (the failure is not served as the frozen copy).
    monkeypatch.undo()
    settings.TASKS = IMMEDIATE
    client.post("/reports/pdf/", {"report": approved.pk})
    assert ReportPdf.objects.filter(status="ready").count() == 1


def test_someone_signed_out_is_refused_and_nothing_is_created(client, people, approved):
    with pytest.raises(PermissionDenied):
        services.report_pdf_request(
            actor=AnonymousUser(), programme=approved.programme, report=approved
        )
    response = client.post("/reports/pdf/", {"report": approved.pk})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not ReportPdf.objects.exists()


def test_a_report_of_another_programme_is_refused(settings, people, approved):
    from openpmo.portfolio.tests.factories import ProgrammeFactory

    settings.TASKS = IMMEDIATE
    with pytest.raises(Exception, match="another programme"):
        services.report_pdf_request(
            actor=people["pmo"], programme=ProgrammeFactory(), report=approved
        )
    assert not ReportPdf.objects.exists()


def test_the_api_asks_follows_and_downloads_the_same_pdf(
    settings, client, people, approved, django_capture_on_commit_callbacks
):
    settings.TASKS = QUEUE
    client.force_login(people["viewer"])
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/api/reports/pdfs/", {"report": approved.pk}, "application/json")
    assert asked.status_code == 202, asked.content
    body = asked.json()
    assert body["status"] == "queued" and body["download_url"] is None
    assert client.get(f"/api/reports/pdfs/{body['id']}/download/").status_code == 409
    # The board pack's address renders no PDF in the request: without a stored one, 409.
    live = client.get("/api/reports/board-pack/", {"period": "2024-03", "format": "pdf"})
    assert live.status_code == 409 and "/api/reports/pdfs/" in live.json()["detail"]
    services.report_pdf_render(body["id"])
    status = client.get(body["url"]).json()
    assert status["status"] == "ready" and status["fingerprint"] == approved.snapshot_sha256
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download.content == bytes(ReportPdf.objects.get().pdf)
    # Asking again answers the same stored PDF.
    again = client.post("/api/reports/pdfs/", {"report": approved.pk}, "application/json")
    assert again.json()["id"] == body["id"] and ReportPdf.objects.count() == 1
    bad = client.post("/api/reports/pdfs/", {"period": "March"}, "application/json")
    assert bad.status_code == 400 and "period" in bad.json()
    assert ReportPdf.objects.count() == 1


# -- Draft PDFs do not pile up -------------------------------------------------------------------


def _done_ago(pdf: ReportPdf, **ago) -> None:
    from django.utils import timezone

    ReportPdf.objects.filter(pk=pdf.pk).update(finished_at=timezone.now() - dt.timedelta(**ago))


def test_an_older_draft_pdf_goes_when_a_newer_one_is_ready(settings, client, people, pillar_report):
    settings.TASKS = IMMEDIATE
    ask = {"actor": people["sponsor"], "programme": pillar_report.programme}
    old = services.report_pdf_request(**ask, report=pillar_report)
    _done_ago(old, hours=1)
    recent = services.report_pdf_request(**ask, report=pillar_report)
    assert not ReportPdf.objects.filter(pk=old.pk).exists()
    # One ready a moment ago stays a while: whoever asked for it may not have downloaded it yet.
    newest = services.report_pdf_request(**ask, report=pillar_report)
    assert set(ReportPdf.objects.values_list("pk", flat=True)) == {recent.pk, newest.pk}
    # The removed one's addresses say it is gone and how to get it again: a 404, not an error.
    client.force_login(people["viewer"])
    for address in (f"/reports/pdf/{old.pk}/", f"/reports/pdf/{old.pk}/download/"):
        response = client.get(address)
        page = response.content.decode()
        assert response.status_code == 404 and "This PDF is no longer kept" in page
        assert "Prepare it again" in page and 'href="/reports/"' in page
    gone = client.get(f"/api/reports/pdfs/{old.pk}/download/")
    assert gone.status_code == 404 and "prepare it again" in gone.json()["detail"]
    assert client.get(f"/api/reports/pdfs/{old.pk}/").status_code == 404
    assert client.get(f"/reports/pdf/{recent.pk}/download/").content.startswith(b"%PDF")


def test_a_live_board_packs_older_pdf_goes_and_other_months_stay(settings, people, programme_tree):
    settings.TASKS = IMMEDIATE
    ask = {"actor": people["viewer"], "programme": programme_tree.strand.pillar.programme}
    march = services.report_pdf_request(**ask, period=dt.date(2024, 3, 1))
    april = services.report_pdf_request(**ask, period=dt.date(2024, 4, 1))
    _done_ago(march, hours=1)
    _done_ago(april, hours=1)
    again = services.report_pdf_request(**ask, period=dt.date(2024, 3, 1))
    assert set(ReportPdf.objects.values_list("pk", flat=True)) == {april.pk, again.pk}


def test_a_pdf_someone_waits_for_is_never_removed(
    settings, people, pillar_report, django_capture_on_commit_callbacks
):
    settings.TASKS = QUEUE
    ask = {"actor": people["sponsor"], "programme": pillar_report.programme}
    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.report_pdf_request(**ask, report=pillar_report)
        drawing = services.report_pdf_request(**ask, report=pillar_report)
        newest = services.report_pdf_request(**ask, report=pillar_report)
    ReportPdf.objects.filter(pk=drawing.pk).update(status="rendering")
    ReportPdf.objects.filter(pk__in=[waiting.pk, drawing.pk]).update(
        requested_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    services.report_pdf_render(newest.pk)
    statuses = dict(ReportPdf.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: "queued", drawing.pk: "rendering", newest.pk: "ready"}
    call_command("prune_pdfs", "--days", "0", stdout=io.StringIO())  # everything done goes
    statuses = dict(ReportPdf.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: "queued", drawing.pk: "rendering"}
    # The one waiting is still drawn when the worker reaches it, and stays.
    assert services.report_pdf_render(waiting.pk).status == "ready"
    assert ReportPdf.objects.filter(pk=waiting.pk, status="ready").exists()


def test_an_approved_reports_pdf_is_never_removed(settings, people, approved):
    settings.TASKS = IMMEDIATE
    kept = services.report_pdf_request(
        actor=people["viewer"], programme=approved.programme, report=approved
    )
    _done_ago(kept, days=3650)
    out = io.StringIO()
    call_command("prune_pdfs", "--days", "0", stdout=out)
    assert "0 draft PDFs removed" in out.getvalue()
    again = services.report_pdf_request(
        actor=people["pmo"], programme=approved.programme, report=approved
    )
    assert again.pk == kept.pk and bytes(again.pdf).startswith(b"%PDF")


def test_prune_pdfs_removes_drafts_done_over_the_days_given(settings, people, pillar_report):
    settings.TASKS = IMMEDIATE
    ask = {"actor": people["sponsor"], "programme": pillar_report.programme}
    old, week, today = (services.report_pdf_request(**ask, report=pillar_report) for _ in "abc")
    _done_ago(old, days=40)
    _done_ago(week, days=7)
    out = io.StringIO()
    call_command("prune_pdfs", stdout=out)  # 30 days unless told
    assert "1 draft PDFs removed" in out.getvalue()
    assert set(ReportPdf.objects.values_list("pk", flat=True)) == {week.pk, today.pk}
    call_command("prune_pdfs", "--days", "5", stdout=io.StringIO())
    assert list(ReportPdf.objects.values_list("pk", flat=True)) == [today.pk]
    with pytest.raises(CommandError):
        call_command("prune_pdfs", "--days", "-1", stdout=io.StringIO())
