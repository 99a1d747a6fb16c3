from __future__ import annotations

from rest_framework import serializers

from openpmo.portfolio.choices import DeliveryConfidence
from openpmo.portfolio.models import Pillar, Programme, WorkPackage
from openpmo.reports.choices import Rag, ReportKind, ReportStatus
from openpmo.reports.models import Report, ReportPdf


def _values(choices: type) -> str:
    return "One of: " + ", ".join(choices.values) + " (empty when not set)."


class ReportListSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="month", read_only=True, help_text="YYYY-MM")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # Plain strings (values listed in the help) rather than enums: these choice sets share their
    # field names with other apps' and would collide in the schema's component names.
    kind = serializers.CharField(read_only=True, help_text=_values(ReportKind))
    status = serializers.CharField(read_only=True, help_text=_values(ReportStatus))
    overall_rag = serializers.CharField(read_only=True, help_text=_values(Rag))
    delivery_confidence = serializers.CharField(
        read_only=True, help_text=_values(DeliveryConfidence)
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "title",
            "period",
            "status",
            "status_label",
            "programme",
            "pillar",
            "work_package",
            "overall_rag",
            "delivery_confidence",
            "snapshot_sha256",
            "snapshot_taken_at",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "approved_at",
            "is_illustrative",
            "version",
        ]
        read_only_fields = fields


class ReportSerializer(ReportListSerializer):
    """One report with its narrative and the snapshot of figures (frozen once approved)."""

    snapshot = serializers.JSONField(read_only=True)

    class Meta(ReportListSerializer.Meta):
        fields = [
            *ReportListSerializer.Meta.fields,
            "confidence_reason",
            "progress_this_period",
            "next_period",
            "decisions_needed",
            "narrative",
            "return_comments",
            "decided_at",
            "snapshot",
        ]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a mismatch is refused (409)"
    )


class ReturnSerializer(TransitionSerializer):
    comments = serializers.CharField(help_text="What the author should change")


class ReportCreateSerializer(serializers.Serializer):
    """A new draft: what it is about and for which month; the figures are pre-filled."""

    kind = serializers.CharField(help_text=_values(ReportKind).replace(" (empty when not set)", ""))
    period = serializers.CharField(help_text="The month reported on, YYYY-MM")
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.all(), required=False, help_text="Default: the programme"
    )
    pillar = serializers.PrimaryKeyRelatedField(
        queryset=Pillar.objects.all(), required=False, allow_null=True
    )
    work_package = serializers.PrimaryKeyRelatedField(
        queryset=WorkPackage.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(required=False, allow_blank=True)

    def validate_kind(self, value: str) -> str:
        if value not in ReportKind.values:
            raise serializers.ValidationError(_values(ReportKind))
        return value

    def validate_period(self, value: str) -> object:
        from openpmo.reports.selectors import parse_period

        period = parse_period(value)
        if period is None:
            raise serializers.ValidationError("Give the month like 2024-03.")
        return period


class ReportNarrativeSerializer(serializers.ModelSerializer):
    """The author's part of a draft or returned report; send ``version`` to refuse a stale edit."""

    version = serializers.IntegerField(
        required=False, help_text="The version you read; a mismatch is refused (409)"
    )
    overall_rag = serializers.CharField(required=False, allow_blank=True, help_text=_values(Rag))
    delivery_confidence = serializers.CharField(
        required=False, allow_blank=True, help_text=_values(DeliveryConfidence)
    )

    class Meta:
        model = Report
        fields = [
            "title",
            "overall_rag",
            "delivery_confidence",
            "confidence_reason",
            "progress_this_period",
            "next_period",
            "decisions_needed",
            "narrative",
            "version",
        ]


class ReportPdfRequestSerializer(serializers.Serializer):
    """Which PDF: a report's, or the month's board pack's (the governed pack when drafted)."""

    report = serializers.PrimaryKeyRelatedField(
        queryset=Report.objects.defer("snapshot"), required=False, allow_null=True
    )
    period = serializers.CharField(
        required=False, help_text="The board pack's month, YYYY-MM (when no report is given)"
    )

    def validate_period(self, value: str) -> object:
        from openpmo.reports.selectors import parse_period

        period = parse_period(value)
        if period is None:
            raise serializers.ValidationError("Give the month like 2024-03.")
        return period

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("report") and not attrs.get("period"):
            raise serializers.ValidationError(
                {"period": "Give a report or the board pack's month."}
            )
        return attrs


class ReportPdfSerializer(serializers.ModelSerializer):
    """A PDF prepared in the background: poll it until ``status`` is ready (or failed)."""

    period = serializers.SerializerMethodField(help_text="The month, YYYY-MM")
    status = serializers.CharField(read_only=True, help_text="queued, rendering, ready or failed")
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportPdf
        fields = [
            "id",
            "report",
            "period",
            "title",
            "status",
            "size",
            "fingerprint",
            "error",
            "requested_at",
            "started_at",
            "finished_at",
            "url",
            "download_url",
        ]
        read_only_fields = fields

    def get_period(self, obj: ReportPdf) -> str:
        return f"{obj.period:%Y-%m}"

    def get_url(self, obj: ReportPdf) -> str:
        from django.urls import reverse

        return reverse("report-pdf-detail", args=[obj.pk])

    def get_download_url(self, obj: ReportPdf) -> str | None:
        from django.urls import reverse

        if obj.status != "ready":
            return None
        return reverse("report-pdf-download", args=[obj.pk])
