from __future__ import annotations

from rest_framework import serializers

from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage


class _Versioned(serializers.ModelSerializer):
    """``version`` is returned; send it back on update to refuse a stale edit (409)."""

    version = serializers.IntegerField(
        required=False, help_text="The version you read; a mismatch is refused"
    )

    def service_data(self) -> dict[str, object]:
        return {k: v for k, v in self.validated_data.items() if k != "version"}


class ProgrammeSerializer(_Versioned):
    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "short_name",
            "organisation",
            "description",
            "start_date",
            "end_date",
            "is_illustrative",
            "separation_of_duties",
            "version",
        ]
        read_only_fields = ["is_illustrative", "separation_of_duties"]


class PillarSerializer(_Versioned):
    class Meta:
        model = Pillar
        fields = [
            "id",
            "programme",
            "name",
            "objective",
            "sponsor",
            "order",
            "is_illustrative",
            "version",
        ]
        read_only_fields = ["is_illustrative"]


class StrandSerializer(_Versioned):
    class Meta:
        model = Strand
        fields = ["id", "pillar", "name", "description", "lead", "is_illustrative", "version"]
        read_only_fields = ["is_illustrative"]


class WorkPackageSerializer(_Versioned):
    pillar = serializers.IntegerField(source="strand.pillar_id", read_only=True)
    delivery_confidence_rag = serializers.CharField(read_only=True)

    class Meta:
        model = WorkPackage
        fields = [
            "id",
            "reference",
            "name",
            "description",
            "strand",
            "pillar",
            "owner",
            "stage",
            "rag_status",
            "delivery_confidence",
            "delivery_confidence_rag",
            "delivery_confidence_reason",
            "baseline_start",
            "baseline_end",
            "forecast_start",
            "forecast_end",
            "budget_envelope",
            "strategic_priorities",
            "is_illustrative",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_illustrative", "created_at", "updated_at"]
