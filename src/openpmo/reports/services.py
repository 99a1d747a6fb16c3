"""Every write to reports. Pages, the API and the demo loader all call these.

The workflow::

    draft ──submit──▶ submitted ──approve──▶ approved (frozen)
      ▲                   │
      └──── returned ◀────┘ return (with comments); edit, refresh, submit again

Each function checks the actor's permission, the report's state and version, saves and writes
the audit record in one transaction, so a refusal (``PermissionDenied``, ``ValidationError``,
``ConflictError``) changes nothing. The figures are a snapshot taken when the draft is made and
again on "refresh" and on submission, so the approver approves exactly what was submitted; an
approved report is never written again (the model and the database refuse it too).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.notices import Notice, notice_raise
from openpmo.common.services import ConflictError, lock_for_update, require, save_validated
from openpmo.common.tasks import queue_on_commit
from openpmo.portfolio.models import Pillar, Programme, WorkPackage
from openpmo.portfolio.services import separation_of_duties_require
from openpmo.reports.choices import (
    EDITABLE,
    PILLAR_KINDS,
    PROGRAMME_KINDS,
    WORK_PACKAGE_KINDS,
    PdfStatus,
    ReportKind,
    ReportStatus,
)
from openpmo.reports.models import Report, ReportPdf, snapshot_digest
from openpmo.reports.snapshots import build_snapshot

NARRATIVE_FIELDS = (
    "title",
    "overall_rag",
    "delivery_confidence",
    "confidence_reason",
    "progress_this_period",
    "next_period",
    "decisions_needed",
    "narrative",
)


def _audit_view(report: Report) -> dict[str, Any]:
    """The report as the audit trail keeps it: every field but the (large) snapshot itself,
    whose SHA-256 fingerprint stands for it."""
    return snapshot(report, exclude=("snapshot",))


def _name_of(actor: Any) -> str:
    """How the report prints who decided: the name and job title of that day, kept with it."""
    title = getattr(actor, "job_title", "")
    return f"{actor}, {title}" if title else str(actor)


def _month(period: dt.date) -> dt.date:
    return period.replace(day=1)


def _take_snapshot(report: Report, *, now: dt.datetime | None = None) -> None:
    taken = now or timezone.now()
    report.snapshot = build_snapshot(
        kind=report.kind,
        programme=report.programme,
        period=report.period,
        pillar=report.pillar,
        work_package=report.work_package,
        title=report.title,
        now=taken,
    )
    report.snapshot_sha256 = snapshot_digest(report.snapshot)
    report.snapshot_taken_at = taken


def _scope_object(kind: str, pillar: Pillar | None, work_package: WorkPackage | None) -> object:
    if kind in WORK_PACKAGE_KINDS:
        return work_package
    if kind in PILLAR_KINDS:
        return pillar
    return None


@transaction.atomic
def report_create(
    *,
    actor: Any,
    kind: str,
    programme: Programme,
    period: dt.date,
    pillar: Pillar | None = None,
    work_package: WorkPackage | None = None,
    is_illustrative: bool = False,
    **narrative: Any,
) -> Report:
    """A draft report with its figures pre-filled from live data; the author writes the rest."""
    kind = ReportKind(kind)
    if kind in WORK_PACKAGE_KINDS and work_package is None:
        raise ValidationError({"work_package": "Choose the work package this report is about."})
    if kind in PILLAR_KINDS and pillar is None:
        raise ValidationError({"pillar": "Choose the pillar this report is about."})
    if kind in PROGRAMME_KINDS:
        pillar = work_package = None
    if kind in WORK_PACKAGE_KINDS:
        pillar = None
    require(
        actor,
        "reports.add_report",
        _scope_object(kind, pillar, work_package),
        message="Your role does not allow you to write this report.",
    )
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown report fields: {', '.join(sorted(unknown))}")
    report = Report(
        programme=programme,
        kind=kind,
        period=_month(period),
        pillar=pillar,
        work_package=work_package,
        status=ReportStatus.DRAFT,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_illustrative=is_illustrative,
    )
    from openpmo.reports.snapshots import default_title

    report.title = narrative.pop("title", "") or default_title(
        kind, programme, report.period, pillar, work_package
    )
    _take_snapshot(report)
    for name, value in report.snapshot.get("prefill", {}).items():
        setattr(report, name, value or "")
    for name, value in narrative.items():
        setattr(report, name, value)
    save_validated(report)
    audit_record(
        actor=actor, action="report.created", obj=report, before=None, after=_audit_view(report)
    )
    return report


def _locked_editable(
    report: Report, actor: Any, expected_version: int | None, doing: str
) -> Report:
    locked = lock_for_update(Report, report.pk, expected_version=expected_version)
    require(
        actor,
        "reports.change_report",
        locked,
        message=f"Your role does not allow you to {doing} this report.",
    )
    if locked.status not in EDITABLE:
        raise ConflictError(
            f"This report is {locked.get_status_display().lower()}: it cannot be changed"
            + (" (approved reports are frozen)." if locked.is_frozen else ".")
        )
    return locked


@transaction.atomic
def report_update(
    *, actor: Any, report: Report, expected_version: int | None = None, **narrative: Any
) -> Report:
    """Change the author's narrative of a draft or returned report."""
    locked = _locked_editable(report, actor, expected_version, "edit")
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown report fields: {', '.join(sorted(unknown))}")
    before = _audit_view(locked)
    for name, value in narrative.items():
        setattr(locked, name, value)
    save_validated(locked)
    after = _audit_view(locked)
    if {k: v for k, v in before.items() if k != "version"} != {
        k: v for k, v in after.items() if k != "version"
    }:
        audit_record(actor=actor, action="report.updated", obj=locked, before=before, after=after)
    return locked


@transaction.atomic
def report_refresh(*, actor: Any, report: Report, expected_version: int | None = None) -> Report:
    """Take the figures again from live data (a draft or returned report only)."""
    locked = _locked_editable(report, actor, expected_version, "refresh")
    before = _audit_view(locked)
    _take_snapshot(locked)
    save_validated(locked)
    audit_record(
        actor=actor, action="report.refreshed", obj=locked, before=before, after=_audit_view(locked)
    )
    return locked


@transaction.atomic
def report_submit(*, actor: Any, report: Report, expected_version: int | None = None) -> Report:
    """Send for approval, with the figures taken afresh: the approver sees what is submitted."""
    locked = _locked_editable(report, actor, expected_version, "submit")
    if locked.kind in (ReportKind.PILLAR_HIGHLIGHT, ReportKind.WORK_PACKAGE_HIGHLIGHT):
        missing = {
            name: "Give this before you submit the report."
            for name in ("overall_rag", "progress_this_period", "next_period")
            if not getattr(locked, name)
        }
        if missing:
            raise ValidationError(missing)
    elif not locked.narrative:
        raise ValidationError({"narrative": "Write the update before you submit it."})
    before = _audit_view(locked)
    _take_snapshot(locked)
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.submitted_at = timezone.now()
    save_validated(locked)
    audit_record(
        actor=actor, action="report.submitted", obj=locked, before=before, after=_audit_view(locked)
    )
    notice_raise(Notice.REPORT_SUBMITTED, locked)
    return locked


def _locked_submitted(
    report: Report, actor: Any, expected_version: int | None, doing: str
) -> Report:
    locked = lock_for_update(Report, report.pk, expected_version=expected_version)
    require(
        actor,
        "reports.approve_report",
        locked,
        message=f"Only the PMO or the pillar's sponsor can {doing} this report.",
    )
    if locked.status != ReportStatus.SUBMITTED:
        raise ConflictError(
            f"Only a submitted report can be {doing}d; this one is "
            f"{locked.get_status_display().lower()}."
        )
    separation_of_duties_require(
        actor=actor, programme=locked.programme, submitters=(locked.submitted_by_id,), doing=doing
    )
    return locked


@transaction.atomic
def report_approve(*, actor: Any, report: Report, expected_version: int | None = None) -> Report:
    """Approve a submitted report. From now on it is a frozen snapshot."""
    locked = _locked_submitted(report, actor, expected_version, "approve")
    before = _audit_view(locked)
    if snapshot_digest(locked.snapshot) != locked.snapshot_sha256:
        raise ConflictError("The report's figures do not match their fingerprint; refresh it.")
    now = timezone.now()
    locked.status = ReportStatus.APPROVED
    locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.decided_by_name = _name_of(actor)
    locked.decided_at = now
    locked.approved_at = now
    locked.return_comments = ""
    save_validated(locked)
    audit_record(
        actor=actor, action="report.approved", obj=locked, before=before, after=_audit_view(locked)
    )
    notice_raise(Notice.REPORT_APPROVED, locked)
    return locked


@transaction.atomic
def report_return(
    *, actor: Any, report: Report, comments: str, expected_version: int | None = None
) -> Report:
    """Send a submitted report back to its author, saying what to change."""
    locked = _locked_submitted(report, actor, expected_version, "return")
    if not (comments or "").strip():
        raise ValidationError({"comments": "Say what the author should change."})
    before = _audit_view(locked)
    locked.status = ReportStatus.RETURNED
    locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.decided_by_name = _name_of(actor)
    locked.decided_at = timezone.now()
    locked.return_comments = comments.strip()
    save_validated(locked)
    audit_record(
        actor=actor, action="report.returned", obj=locked, before=before, after=_audit_view(locked)
    )
    notice_raise(Notice.REPORT_RETURNED, locked)
    return locked


# -- PDFs rendered in the background -----------------------------------------------------------

log = logging.getLogger("openpmo.reports.services")

# A draft's PDF (or a live board pack's) is a copy of figures that move on: once a newer one of
# the same document is ready, older ones are removed, but not before they have been ready this
# long (whoever asked for one may not have downloaded it yet). An approved report's PDF is kept.
DRAFT_PDF_KEPT_FOR = dt.timedelta(minutes=15)


def report_pdf_request(
    *,
    actor: Any,
    programme: Programme,
    report: Report | None = None,
    period: dt.date | None = None,
) -> ReportPdf:
    """Ask for the PDF of ``report``, or of the month's board pack (``period``: the governed
    pack when one was drafted, else the live preview). It is rendered by the background worker
    (``manage.py db_worker``) when a task queue is configured, else here and now. An approved
    report's PDF is rendered once: asking again returns the stored (or still rendering) one."""
    require(actor, "reports.view_report", report, message="Sign in to download reports.")
    if report is None:
        if period is None:
            raise ValidationError({"period": "Give the month of the board pack."})
        from openpmo.reports.selectors import board_pack_for

        report = board_pack_for(programme, _month(period))
    elif report.programme_id != programme.pk:
        raise ValidationError({"report": "That report is in another programme."})
    frozen = report is not None and report.status == ReportStatus.APPROVED
    if frozen:
        kept = (
            ReportPdf.objects.filter(report=report, fingerprint=report.snapshot_sha256)  # type: ignore[union-attr]
            .exclude(status=PdfStatus.FAILED)
            .order_by(Case(When(status=PdfStatus.READY, then=0), default=1), "-id")
            .first()
        )
        if kept is not None:
            return kept
    pdf = ReportPdf.objects.create(
        programme=programme,
        report=report,
        period=report.period if report is not None else _month(period),  # type: ignore[arg-type]
        title=report.title if report is not None else f"Investment board pack {period:%B %Y}",
        fingerprint=report.snapshot_sha256 if frozen else "",  # type: ignore[union-attr]
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if queue_on_commit("openpmo.reports.tasks.render_pdf", pdf):
        return pdf
    return report_pdf_render(pdf.pk)


def _pdf_document(pdf: ReportPdf) -> tuple[bytes, str]:
    """The rendered bytes and the fingerprint of the snapshot they print."""
    from openpmo.reports import exports, selectors

    if pdf.report_id is not None:
        document = selectors.report_document(selectors.report_get(pdf.report_id))
    else:
        document = selectors.board_pack_document(pdf.programme, pdf.period)
    meta = exports.report_meta(document.report, document.snapshot)
    body = exports.pdf_bytes(document.snapshot, meta)
    frozen = document.report is not None and document.report.status == ReportStatus.APPROVED
    return body, document.report.snapshot_sha256 if frozen else ""  # type: ignore[union-attr]


def report_pdf_render(pdf_id: int) -> ReportPdf:
    """Render a queued PDF (the body of the background task) and store its bytes, or the reason
    it failed. A retried task does not render it twice."""
    claimed = ReportPdf.objects.filter(pk=pdf_id, status=PdfStatus.QUEUED).update(
        status=PdfStatus.RENDERING, started_at=timezone.now()
    )
    pdf = ReportPdf.objects.select_related("programme").get(pk=pdf_id)
    if not claimed:
        return pdf
    try:
        body, fingerprint = _pdf_document(pdf)
        if not body.startswith(b"%PDF"):
            raise ValueError("the renderer did not produce a PDF")
    except Exception as error:  # noqa: BLE001 - any failure is shown on the PDF's page
        log.exception("PDF %s failed", pdf_id)
        pdf.status, pdf.error = PdfStatus.FAILED, str(error)[:2000] or type(error).__name__
        pdf.finished_at = timezone.now()
        pdf.save(update_fields=["status", "error", "finished_at"])
        return pdf
    pdf.pdf, pdf.size, pdf.fingerprint = body, len(body), fingerprint
    pdf.status, pdf.finished_at = PdfStatus.READY, timezone.now()
    pdf.save(update_fields=["pdf", "size", "fingerprint", "status", "finished_at"])
    if not fingerprint:
        _older_drafts_remove(pdf)
    return pdf


def _draft_pdfs() -> Any:
    """PDFs that may be removed: drafts' and live board packs' (an approved report's PDF has its
    snapshot's fingerprint and is never removed), done (nobody is waiting for a queued or
    rendering one)."""
    return ReportPdf.objects.filter(fingerprint="", status__in=(PdfStatus.READY, PdfStatus.FAILED))


def _older_drafts_remove(pdf: ReportPdf) -> int:
    """Remove the PDFs of the same document (report, or programme and month of a live board pack)
    asked for before ``pdf`` (just drawn) and done, ready or failed, over ``DRAFT_PDF_KEPT_FOR``
    ago."""
    removed, _ = (
        _draft_pdfs()
        .filter(
            programme_id=pdf.programme_id,
            report_id=pdf.report_id,
            period=pdf.period,
            pk__lt=pdf.pk,
            finished_at__lt=timezone.now() - DRAFT_PDF_KEPT_FOR,
        )
        .delete()
    )
    return removed


def draft_pdfs_prune(*, days: int) -> int:
    """Remove every draft or live board pack PDF done more than ``days`` days ago (``manage.py
    prune_pdfs``); approved reports' PDFs and PDFs still queued or rendering stay. Returns how
    many were removed."""
    if days < 0:
        raise ValidationError({"days": "Give zero or more days."})
    cutoff = timezone.now() - dt.timedelta(days=days)
    removed, _ = _draft_pdfs().filter(finished_at__lt=cutoff).delete()
    if removed:
        log.info("removed %s draft PDFs done before %s", removed, cutoff)
    return removed
