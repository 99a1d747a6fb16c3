"""Governed reports: each holds the author's narrative and a snapshot of the live figures taken
while it is a draft. Once approved a report is frozen: the row (snapshot included) can no longer
be changed or deleted, by the application (``save``/``update``/``delete`` refuse) nor by SQL
(database triggers, see migration 0002)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from openpmo.common.models import Illustrative, Versioned
from openpmo.portfolio.choices import DeliveryConfidence
from openpmo.reports.choices import (
    EDITABLE,
    PILLAR_KINDS,
    PROGRAMME_KINDS,
    WORK_PACKAGE_KINDS,
    PdfStatus,
    Rag,
    ReportKind,
    ReportStatus,
)


class FrozenReport(Exception):
    """Raised when code tries to change or delete an approved report."""


def snapshot_digest(snapshot: Any) -> str:
    """SHA-256 of the snapshot's canonical JSON: the fingerprint printed on every copy."""
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class ReportQuerySet(models.QuerySet["Report"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(status=ReportStatus.APPROVED).exists():
            raise FrozenReport("approved reports are frozen and cannot be changed")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status=ReportStatus.APPROVED).exists():
            raise FrozenReport("approved reports are frozen and cannot be deleted")
        return super().delete()


class Report(Illustrative, Versioned):
    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    period = models.DateField(help_text="The first day of the month reported on")
    pillar = models.ForeignKey(
        "portfolio.Pillar", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    work_package = models.ForeignKey(
        "portfolio.WorkPackage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    title = models.CharField(max_length=300)
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )

    # The author's judgement and narrative (pre-filled from live data, then written by a person).
    overall_rag = models.CharField(
        "Overall RAG status", max_length=10, choices=Rag.choices, blank=True
    )
    delivery_confidence = models.CharField(
        max_length=12,
        choices=DeliveryConfidence.choices,
        blank=True,
        help_text="Five-point delivery confidence assessment",
    )
    confidence_reason = models.TextField("Reason for the RAG and confidence", blank=True)
    progress_this_period = models.TextField(blank=True)
    next_period = models.TextField("Planned for next period", blank=True)
    decisions_needed = models.TextField(blank=True)
    narrative = models.TextField(
        blank=True,
        help_text="The written update (Cabinet Member update) or the review's findings: how the "
        "delivery team is functioning, costs against Table 1, benefits so far",
    )

    # The figures, as they stood when last refreshed (frozen on approval).
    snapshot = models.JSONField(default=dict, blank=True)
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    snapshot_taken_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who approved or returned it last",
    )
    decided_by_name = models.CharField(
        max_length=300, blank=True, help_text="The approver's name and title as they were then"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    return_comments = models.TextField(blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["pillar", "period"],
                condition=Q(kind__in=[k.value for k in PILLAR_KINDS]),
                name="report_one_pillar_highlight_a_month",
            ),
            models.UniqueConstraint(
                fields=["work_package", "period"],
                condition=Q(kind__in=[k.value for k in WORK_PACKAGE_KINDS]),
                name="report_one_work_package_highlight_a_month",
            ),
            models.UniqueConstraint(
                fields=["programme", "kind", "period"],
                condition=Q(kind__in=[k.value for k in PROGRAMME_KINDS]),
                name="report_one_programme_report_of_a_kind_a_month",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[k.value for k in PILLAR_KINDS], pillar__isnull=False)
                    & Q(work_package__isnull=True)
                )
                | Q(kind__in=[k.value for k in WORK_PACKAGE_KINDS], work_package__isnull=False)
                | (
                    Q(kind__in=[k.value for k in PROGRAMME_KINDS])
                    & Q(pillar__isnull=True, work_package__isnull=True)
                ),
                name="report_scope_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.APPROVED)
                | (Q(approved_at__isnull=False) & ~Q(snapshot_sha256="")),
                name="report_approved_has_date_and_fingerprint",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_status() == ReportStatus.APPROVED:
            raise FrozenReport("approved reports are frozen and cannot be changed")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reports:report-detail", args=[self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._stored_status() == ReportStatus.APPROVED:
            raise FrozenReport("approved reports are frozen and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def month(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def is_frozen(self) -> bool:
        return self.status == ReportStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return (
            type(self)._default_manager.filter(pk=self.pk).values_list("status", flat=True).first()
        )


class ReportPdf(models.Model):
    """A PDF of a report, or of a month's live board pack, rendered by the background worker.

    The bytes are stored with the fingerprint of the snapshot they print: an approved report's
    PDF is rendered once and that stored copy is served again (the report cannot change)."""

    programme = models.ForeignKey("portfolio.Programme", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        Report,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pdfs",
        help_text="Empty for a live board pack preview of the month",
    )
    period = models.DateField(help_text="The month the document is about")
    title = models.CharField(max_length=300, blank=True)
    fingerprint = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the snapshot printed (approved reports)"
    )
    status = models.CharField(max_length=10, choices=PdfStatus.choices, default=PdfStatus.QUEUED)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="The background task's id")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["report", "fingerprint", "status"])]

    def __str__(self) -> str:
        return f"PDF of {self.title or 'a report'}"

    def get_absolute_url(self) -> str:
        return reverse("reports:pdf-detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status in (PdfStatus.READY, PdfStatus.FAILED)
