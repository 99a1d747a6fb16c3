from __future__ import annotations

from rest_framework import serializers

from openpmo.common.api import VersionedSerializer
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage


class ProgrammeSerializer(VersionedSerializer):
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


class PillarSerializer(VersionedSerializer):
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


class StrandSerializer(VersionedSerializer):
    class Meta:
        model = Strand
        fields = ["id", "pillar", "name", "description", "lead", "is_illustrative", "version"]
        read_only_fields = ["is_illustrative"]


class WorkPackageSerializer(VersionedSerializer):
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
