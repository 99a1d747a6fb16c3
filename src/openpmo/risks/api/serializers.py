from __future__ import annotations

from rest_framework import serializers

from openpmo.common.api import VersionedSerializer
from openpmo.portfolio.models import WorkPackage
from openpmo.risks import scoring, selectors
from openpmo.risks.models import RaidAction, RaidItem, SimulationRun


class HitSerializer(serializers.Serializer):
    work_package = serializers.PrimaryKeyRelatedField(queryset=WorkPackage.objects.all())
    task_uid = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="A task of its schedule; empty: the whole package",
    )
    task_name = serializers.CharField(read_only=True)


class RaidActionSerializer(VersionedSerializer):
    class Meta:
        model = RaidAction
        fields = [
            "id",
            "item",
            "description",
            "owner",
            "due_on",
            "status",
            "completed_on",
            "progress_note",
            "is_illustrative",
            "version",
        ]
        read_only_fields = ["item", "completed_on", "is_illustrative"]


class RaidItemSerializer(VersionedSerializer):
    """A risk, assumption or issue. Scores are 1-5; the score, band and appetite flag are
    computed on the programme's matrix and appetite."""

    hits = HitSerializer(many=True, required=False)
    inherent_score = serializers.IntegerField(read_only=True)
    residual_score = serializers.IntegerField(read_only=True, allow_null=True)
    current_score = serializers.IntegerField(read_only=True)
    band = serializers.SerializerMethodField()
    outside_appetite = serializers.SerializerMethodField()
    actions = RaidActionSerializer(many=True, read_only=True)

    class Meta:
        model = RaidItem
        fields = [
            "id",
            "programme",
            "reference",
            "kind",
            "title",
            "description",
            "category",
            "owner",
            "level",
            "pillar",
            "strand",
            "work_package",
            "status",
            "raised_on",
            "proximity_date",
            "target_date",
            "closed_on",
            "inherent_probability",
            "inherent_impact",
            "residual_probability",
            "residual_impact",
            "inherent_score",
            "residual_score",
            "current_score",
            "band",
            "outside_appetite",
            "response",
            "mitigation",
            "trend",
            "raised_from",
            "decision",
            "chance",
            "cost_min",
            "cost_likely",
            "cost_max",
            "delay_min",
            "delay_likely",
            "delay_max",
            "hits",
            "actions",
            "is_illustrative",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "reference",
            "kind",
            "trend",
            "raised_from",
            "is_illustrative",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"programme": {"required": False}}

    def _assessment(self, item: RaidItem) -> selectors.Assessment:
        cache = self.context.setdefault("programme_scales", {})
        if item.programme_id not in cache:
            cache[item.programme_id] = (
                selectors.matrix_get(item.programme),
                selectors.appetites_of(item.programme),
            )
        matrix, appetites = cache[item.programme_id]
        return selectors.assess([item], matrix, appetites)[0]

    def get_band(self, item: RaidItem) -> str | None:
        band: scoring.Band | None = self._assessment(item).band
        return band.label if band else None

    def get_outside_appetite(self, item: RaidItem) -> bool:
        return self._assessment(item).outside_appetite

    def hits_data(self) -> list[tuple[WorkPackage, int | None]] | None:
        hits = self.validated_data.get("hits")
        if hits is None:
            return None
        return [(h["work_package"], h.get("task_uid")) for h in hits]


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField()
    version = serializers.IntegerField(required=False)


class RaiseIssueSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    inherent_impact = serializers.IntegerField(required=False, min_value=1, max_value=5)
    version = serializers.IntegerField(required=False)


class SimulationRunSerializer(serializers.ModelSerializer):
    spread = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, write_only=True, required=False
    )
    cost_spread = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, write_only=True, required=False
    )
    correlation = serializers.FloatField(write_only=True, required=False, min_value=0, max_value=1)
    iterations = serializers.IntegerField(min_value=100, max_value=200_000, default=10_000)
    seed = serializers.IntegerField(min_value=0, required=False, allow_null=True)

    class Meta:
        model = SimulationRun
        fields = [
            "id",
            "programme",
            "work_package",
            "status",
            "percent",
            "iterations",
            "seed",
            "spread",
            "cost_spread",
            "correlation",
            "inputs",
            "result",
            "error",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "is_illustrative",
        ]
        read_only_fields = [
            "status",
            "percent",
            "inputs",
            "result",
            "error",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "is_illustrative",
        ]
        extra_kwargs = {"programme": {"required": False}}


class SimulationRunSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = SimulationRun
        fields = [
            "id",
            "programme",
            "work_package",
            "status",
            "percent",
            "iterations",
            "seed",
            "requested_by",
            "requested_at",
            "finished_at",
            "is_illustrative",
        ]
