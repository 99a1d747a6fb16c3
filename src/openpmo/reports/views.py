"""Pages of governed reporting. Every write goes through ``services``; a refusal comes back to
the page with the GOV.UK error summary (400, or 409 for a clash of states) and saves nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from openpmo.audit.selectors import latest_change
from openpmo.common.pages import page_of
from openpmo.common.services import ConflictError
from openpmo.portfolio.models import Programme
from openpmo.portfolio.selectors import programme_in_scope_or_404
from openpmo.reports import exports, selectors, services
from openpmo.reports.choices import PdfStatus, ReportKind, ReportStatus
from openpmo.reports.forms import ReportCreateForm, ReportNarrativeForm, ReturnForm
from openpmo.reports.models import Report, ReportPdf

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _programme(request: HttpRequest) -> Programme:
    return programme_in_scope_or_404(request)


def _period(request: HttpRequest, default: dt.date) -> dt.date:
    return selectors.parse_period(request.GET.get("period")) or default


def home(request: HttpRequest) -> HttpResponse:
    """The reporting calendar: which reports are due for a month, overdue, submitted, approved."""
    programme = _programme(request)
    today = dt.date.today()
    default = today.replace(day=1)
    if programme.end_date and default > programme.end_date:
        default = selectors.latest_period(programme) or programme.end_date.replace(day=1)
    period = _period(request, default)
    calendar = selectors.reporting_calendar(programme, period, today=today)
    for item in calendar.items:
        item.can_start = item.report is None and request.user.has_perm(  # type: ignore[attr-defined]
            "reports.add_report", item.work_package or item.pillar
        )
    return render(request, "reports/calendar.html", {"programme": programme, "calendar": calendar})


def report_list(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    reports = selectors.report_list(
        programme=programme,
        kind=request.GET.get("kind", ""),
        status=request.GET.get("status", ""),
    )
    page, query = page_of(request, reports)
    return render(
        request,
        "reports/report_list.html",
        {
            "reports": page,
            "page": page,
            "query": query,
            "kinds": ReportKind.choices,
            "statuses": ReportStatus.choices,
            "chosen": request.GET,
        },
    )


def report_create(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    form = ReportCreateForm(request.POST or None, initial=request.GET.dict())
    context = {"title": "Start a report", "form": form}
    if request.method != "POST":
        return render(request, "reports/form.html", context)
    if form.is_valid():
        data = form.service_data()
        try:
            report = services.report_create(actor=request.user, programme=programme, **data)
        except PermissionDenied:
            raise
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Draft “{report}” started, with its figures pre-filled")
            return redirect(report)
    return render(request, "reports/form.html", context, status=400)


def _document_response(document: selectors.Document, fmt: str) -> HttpResponse:
    meta = exports.report_meta(document.report, document.snapshot)
    name = slugify(document.snapshot.get("title", "report"))[:80] or "report"
    if fmt == "xlsx":
        body = exports.xlsx_bytes(document.snapshot, meta)
    else:
        raise Http404("Unknown format")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _detail_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    user = request.user
    can_change = report.is_editable and user.has_perm("reports.change_report", report)
    can_decide = (
        report.status == ReportStatus.SUBMITTED
        and user.has_perm("reports.approve_report", report)
        and report.submitted_by_id != user.pk
    )
    return {
        "report": report,
        "snapshot": report.snapshot,
        "meta": exports.report_meta(report, report.snapshot),
        "can_change": can_change,
        "can_decide": can_decide,
        "return_form": ReturnForm(initial={"version": report.version}),
    }


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = selectors.report_get(pk)
    except Report.DoesNotExist:
        raise Http404("No such report") from None
    fmt = request.GET.get("format", "html")
    if fmt == "pdf":
        return _pdf_request_page(
            request, report=report, title=report.title, back=report.get_absolute_url()
        )
    if fmt != "html":
        return _document_response(selectors.report_document(report), fmt)
    return render(request, "reports/report_detail.html", _detail_context(request, report))


def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    if not request.user.has_perm("reports.change_report", report):
        raise PermissionDenied(
            "Only the report's author, its pillar's sponsor or the PMO can edit it."
        )
    if not report.is_editable:
        messages.error(request, "This report is not a draft: it cannot be changed.")
        return redirect(report)
    form = ReportNarrativeForm(request.POST or None, instance=report)
    context = {"title": f"Edit {report}", "form": form, "object": report}
    if request.method != "POST":
        return render(request, "reports/form.html", context)
    if form.is_valid():
        try:
            saved = services.report_update(
                actor=request.user,
                report=report,
                expected_version=form.cleaned_data.get("version"),
                **form.service_data(),
            )
        except (ValidationError, ConflictError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, "Report saved")
            return redirect(saved)
    return render(request, "reports/form.html", context, status=400)


def _action(
    request: HttpRequest, pk: int, run: Callable[[Report, int | None], Report], done: str
) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    version = request.POST.get("version")
    expected = int(version) if version and version.isdigit() else None
    try:
        saved = run(report, expected)
    except ValidationError as error:
        status, errors = 400, error.messages
    except ConflictError as error:
        status, errors = 409, [str(error)]
    else:
        messages.success(request, done)
        return redirect(saved)
    report = selectors.report_get(pk)
    context = _detail_context(request, report) | {"action_errors": errors}
    return render(request, "reports/report_detail.html", context, status=status)


@require_POST
def report_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, v: services.report_refresh(actor=request.user, report=r, expected_version=v),
        "Figures refreshed from live data",
    )


@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, v: services.report_submit(actor=request.user, report=r, expected_version=v),
        "Report submitted for approval",
    )


@require_POST
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, v: services.report_approve(actor=request.user, report=r, expected_version=v),
        "Report approved: its figures are now frozen",
    )


@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, v: services.report_return(
            actor=request.user,
            report=r,
            comments=request.POST.get("comments", ""),
            expected_version=v,
        ),
        "Report returned to its author with your comments",
    )


PREVIEW_ROWS = 25
"""a live preview's long tables show this many rows first (``?rows=all`` shows every row)"""
PREVIEW_SECONDS = 120
"""how long a rendered live preview is kept (``?refresh=1`` builds it again at once)"""


def _preview_key(programme: Programme, period: dt.date, rows_all: bool) -> str:
    """The cache key of a rendered live preview: the programme in the person's scope, the month,
    whether every row is shown, and the latest audited write. Every governed write is audited,
    so any change to the figures (in any process) makes a new key; the short lifetime covers the
    rest. The preview reads no person, so everyone who may see the programme shares it."""
    latest = latest_change()
    rows = "all" if rows_all else str(PREVIEW_ROWS)
    return f"reports:board-pack-preview:{programme.pk}:{period:%Y-%m}:{rows}:{latest}"


def _board_pack_preview(
    programme: Programme, period: dt.date, *, rows_all: bool, refresh: bool
) -> dict[str, Any]:
    """The rendered preview (title, body, when its figures were taken), built at most once per
    ``PREVIEW_SECONDS`` for the same figures."""
    key = _preview_key(programme, period, rows_all)
    kept = None if refresh else cache.get(key)
    if kept is not None:
        return {**kept, "cached": True}
    snapshot = selectors.board_pack_document(programme, period).snapshot
    meta = exports.report_meta(None, snapshot)
    query = f"period={period:%Y-%m}"
    kept = {
        "title": snapshot.get("title", ""),
        "taken_at": meta["taken_at"],
        "body": render_to_string(
            "reports/_report_body.html",
            {
                "snapshot": snapshot,
                "meta": meta,
                "row_limit": None if rows_all else PREVIEW_ROWS,
                "preview_query": query,
            },
        ),
    }
    cache.set(key, kept, PREVIEW_SECONDS)
    return {**kept, "cached": False}


def board_pack(request: HttpRequest) -> HttpResponse:
    """The investment board pack for a month, as a page, a PDF or a workbook.

    The governed pack (frozen once approved), the PDF and the workbook are always whole. The live
    preview is summary-first: long tables show their first rows with a link to all of them, and
    the rendered preview is kept for a short time (``?refresh=1`` rebuilds it)."""
    programme = _programme(request)
    default = selectors.latest_period(programme) or dt.date.today().replace(day=1)
    period = _period(request, default)
    fmt = request.GET.get("format", "html")
    if fmt == "pdf":
        back = f"{request.path}?period={period:%Y-%m}"
        title = f"Investment board pack {period:%B %Y}"
        return _pdf_request_page(request, period=period, title=title, back=back)
    if fmt != "html":
        return _document_response(selectors.board_pack_document(programme, period), fmt)
    governed = selectors.board_pack_for(programme, period)
    if governed is not None:
        return redirect(governed)
    rows_all = request.GET.get("rows") == "all"
    preview = _board_pack_preview(
        programme, period, rows_all=rows_all, refresh=request.GET.get("refresh") == "1"
    )
    return render(
        request,
        "reports/board_pack_preview.html",
        {
            "preview": preview,
            "body": mark_safe(preview["body"]),  # noqa: S308 - rendered by our own template above
            "period": period,
            "rows_all": rows_all,
            "row_limit": PREVIEW_ROWS,
            "can_start": request.user.has_perm("reports.add_report"),
        },
    )


# -- PDFs, prepared in the background ----------------------------------------------------------


def _pdf_request_page(
    request: HttpRequest,
    *,
    title: str,
    back: str,
    report: Report | None = None,
    period: dt.date | None = None,
) -> HttpResponse:
    """What ``?format=pdf`` shows: the button that asks for the PDF (a GET changes nothing)."""
    context = {
        "pdf_report": report,
        "pdf_period": period,
        "pdf_title": title,
        "back": back,
    }
    return render(request, "reports/pdf_request.html", context)


@require_POST
def pdf_request(request: HttpRequest) -> HttpResponse:
    """Ask for a report's PDF (``report``) or the month's board pack's (``period``), then follow
    its progress page."""
    report = None
    if request.POST.get("report"):
        number = request.POST["report"]
        if not number.isdigit():
            raise Http404("No such report")
        report = get_object_or_404(Report, pk=int(number))
        programme = report.programme
    else:
        programme = _programme(request)
    period = selectors.parse_period(request.POST.get("period"))
    try:
        pdf = services.report_pdf_request(
            actor=request.user, programme=programme, report=report, period=period
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(report or "reports:board-pack")
    return redirect(pdf)


def _pdf(request: HttpRequest, pk: int) -> ReportPdf | None:
    if not request.user.has_perm("reports.view_report"):
        raise PermissionDenied("Sign in to download reports.")
    return ReportPdf.objects.defer("pdf").filter(pk=pk).first()


def _pdf_gone(request: HttpRequest) -> HttpResponse:
    """A PDF no longer kept (a draft's, replaced by a newer one or pruned): say so, and where to
    prepare it again, with the 404 a link to it deserves."""
    context = {"kept_minutes": int(services.DRAFT_PDF_KEPT_FOR.total_seconds() // 60)}
    return render(request, "reports/pdf_gone.html", context, status=404)


def pdf_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """How the PDF is getting on (queued, rendering, ready, failed); reloads itself until done."""
    pdf = _pdf(request, pk)
    if pdf is None:
        return _pdf_gone(request)
    return render(request, "reports/pdf_detail.html", {"pdf": pdf})


def pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF; before it is ready, its progress page."""
    pdf = _pdf(request, pk)
    if pdf is None:
        return _pdf_gone(request)
    if pdf.status != PdfStatus.READY:
        return redirect(pdf)
    body = ReportPdf.objects.filter(pk=pk).values_list("pdf", flat=True).first()
    if body is None:  # removed between the two reads
        return _pdf_gone(request)
    response = HttpResponse(bytes(body), content_type=CONTENT_TYPES["pdf"])
    name = slugify(pdf.title)[:80] or "report"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
