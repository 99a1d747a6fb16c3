from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from openpmo.benefits.choices import GENERATED_SHAPES
from openpmo.benefits.models import Benefit, BenefitActual, BenefitProfile, ProfileMonth
from openpmo.common import uploads
from openpmo.common.api import VersionedSerializer
from openpmo.common.api_fields import MonthField


class MonthValueSerializer(serializers.ModelSerializer):
    month = MonthField()

    class Meta:
        model = ProfileMonth
        fields = ["month", "value"]


class ProfileSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="number")
    months = MonthValueSerializer(many=True)
    created_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = BenefitProfile
        fields = ["version", "is_current", "method", "reason", "created_by", "created_at", "months"]


class ActualSerializer(serializers.ModelSerializer):
    month = MonthField()
    recorded_by = serializers.StringRelatedField(allow_null=True)
    attachment = serializers.SerializerMethodField()

    class Meta:
        model = BenefitActual
        fields = [
            "id",
            "month",
            "value",
            "evidence",
            "attachment",
            "recorded_by",
            "recorded_at",
            "version",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_attachment(self, actual: BenefitActual) -> str | None:
        if not actual.attachment:
            return None
        path = reverse("benefits:actual-attachment", args=[actual.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class BenefitSerializer(VersionedSerializer):
    """A register entry with its current profile, every profile version and its actuals.
    ``version`` is returned; send it back on update to refuse a stale edit (409)."""

    profile = ProfileSerializer(source="current_profile", read_only=True, allow_null=True)
    profiles = ProfileSerializer(many=True, read_only=True)
    actuals = ActualSerializer(many=True, read_only=True)

    class Meta:
        model = Benefit
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "category",
            "measure",
            "unit",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "owner",
            "steady_state_owner",
            "pillar",
            "work_packages",
            "strategic_objective",
            "confidence",
            "evidence_required",
            "carbon_scope",
            "carbon_method",
            "is_illustrative",
            "version",
            "profile",
            "profiles",
            "actuals",
        ]
        read_only_fields = ["is_illustrative"]


class ActualInputSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{1,2}$", help_text="YYYY-MM")
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))
    evidence = serializers.CharField()
    attachment = serializers.FileField(
        required=False,
        validators=[lambda upload: uploads.checked(uploads.EVIDENCE, upload)],
        help_text="Evidence, up to OPENPMO_MAX_EVIDENCE_MB (10 MB by default)",
    )
    version = serializers.IntegerField(
        required=False, help_text="When correcting: the version of the actual you read"
    )
    correction_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to correct a month already recorded: why the figure changes",
    )


class ProfileInputSerializer(serializers.Serializer):
    """Either ``months`` ({"2024-04": "1000.00", …}) or a generated ``shape`` with ``total``,
    ``first`` and ``last``. ``reason`` is required when re-baselining."""

    months = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0)),
        required=False,
    )
    shape = serializers.ChoiceField(choices=[str(s) for s in GENERATED_SHAPES], required=False)
    total = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), required=False
    )
    first = serializers.RegexField(r"^\d{4}-\d{1,2}$", required=False)
    last = serializers.RegexField(r"^\d{4}-\d{1,2}$", required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "months" in attrs and "shape" in attrs:
            raise serializers.ValidationError("Give months or a shape, not both.")
        if "months" not in attrs:
            missing = [k for k in ("shape", "total", "first", "last") if k not in attrs]
            if missing:
                raise serializers.ValidationError(
                    {name: "Required to generate a profile (or give months)." for name in missing}
                )
        return attrs


class PositionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    unit = serializers.CharField()
    pillar = serializers.IntegerField()
    work_packages = serializers.ListField(child=serializers.CharField())
    planned_in_month = serializers.DecimalField(max_digits=16, decimal_places=2)
    actual_in_month = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, help_text="null when not recorded"
    )
    in_month_actual = serializers.ChoiceField(choices=["recorded", "missing", "late", "not due"])
    planned_cumulative = serializers.DecimalField(max_digits=16, decimal_places=2)
    actual_cumulative = serializers.DecimalField(max_digits=16, decimal_places=2)
    variance = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Net: positive is good news"
    )
    variance_percent = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    rag = serializers.CharField(allow_null=True)
    missing_months = serializers.ListField(child=serializers.CharField())
    late_months = serializers.ListField(child=serializers.CharField())
    shortfall_explanation = serializers.CharField(allow_null=True)


class RollUpSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The pillar id, or the programme id")
    name = serializers.CharField()
    unit = serializers.CharField()
    planned_in_month = serializers.DecimalField(max_digits=16, decimal_places=2)
    actual_in_month = serializers.DecimalField(max_digits=16, decimal_places=2)
    planned_cumulative = serializers.DecimalField(max_digits=16, decimal_places=2)
    actual_cumulative = serializers.DecimalField(max_digits=16, decimal_places=2)
    variance = serializers.DecimalField(max_digits=16, decimal_places=2)
    variance_percent = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    rag = serializers.CharField(allow_null=True)
    missing = serializers.IntegerField()
    late = serializers.IntegerField()


class TrackerSerializer(serializers.Serializer):
    programme = serializers.IntegerField()
    as_of = serializers.CharField(help_text="YYYY-MM")
    green_threshold = serializers.DecimalField(max_digits=6, decimal_places=4)
    amber_threshold = serializers.DecimalField(max_digits=6, decimal_places=4)
    benefits = PositionSerializer(many=True)
    pillars = RollUpSerializer(many=True)
    programme_totals = RollUpSerializer(many=True)
    cashable_realised = serializers.DecimalField(max_digits=16, decimal_places=2)
    money_drawn = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    roi = serializers.DecimalField(
        max_digits=24,
        decimal_places=4,
        allow_null=True,
        help_text="Cashable realised ÷ money drawn",
    )
