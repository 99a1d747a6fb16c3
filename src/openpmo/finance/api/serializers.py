from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from openpmo.finance.choices import EntryKind, SpendType
from openpmo.finance.models import (
    Appraisal,
    Reserve,
    ReserveEntry,
    TeamCostPlan,
    TeamRole,
    WorkPackageForecast,
    WorkPackageSpend,
)
from openpmo.portfolio.models import Programme, WorkPackage


class ReserveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reserve
        fields = [
            "id",
            "programme",
            "name",
            "first_year",
            "last_year",
            "opening_balance",
            "balance",
            "reporting_unit",
            "is_illustrative",
            "version",
        ]
        read_only_fields = fields


class ReserveEntrySerializer(serializers.ModelSerializer):
    work_package = serializers.PrimaryKeyRelatedField(
        queryset=WorkPackage.objects.all(),
        required=False,
        allow_null=True,
        help_text="The work package the money is released to (or returned from)",
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A Decision maker's reason to let a drawdown take the reserve past zero",
    )
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))

    class Meta:
        model = ReserveEntry
        fields = [
            "id",
            "reserve",
            "year",
            "kind",
            "amount",
            "ledger_amount",
            "reason",
            "work_package",
            "authorised_by",
            "authority_role",
            "authority",
            "override_reason",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = [
            "id",
            "reserve",
            "ledger_amount",
            "authorised_by",
            "authority_role",
            "authority",
            "recorded_by",
            "recorded_at",
        ]


class TeamRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamRole
        fields = [
            "id",
            "name",
            "fte",
            "annual_cost",
            "salary",
            "on_cost_rate",
            "fixed_on_costs",
            "start",
            "end",
            "is_illustrative",
            "version",
        ]
        read_only_fields = fields


class TeamCostPlanSerializer(serializers.ModelSerializer):
    inflation = serializers.SerializerMethodField()
    roles = TeamRoleSerializer(many=True, read_only=True)

    class Meta:
        model = TeamCostPlan
        fields = [
            "id",
            "programme",
            "name",
            "base_year",
            "inflation",
            "cap",
            "roles",
            "is_illustrative",
            "version",
        ]
        read_only_fields = fields

    def get_inflation(self, plan: TeamCostPlan) -> dict[str, str]:
        return {rate.year: str(rate.rate) for rate in plan.inflation.all()}


class RoleFlexSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fte = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class TeamFlexSerializer(serializers.Serializer):
    roles = RoleFlexSerializer(many=True)
    version = serializers.IntegerField(required=False, help_text="The plan version you read")
    preview = serializers.BooleanField(
        default=False, help_text="Only show the new profile; save nothing"
    )


class SpendSerializer(serializers.ModelSerializer):
    month = serializers.CharField(help_text="A month, like 2023-04")
    spend_type = serializers.ChoiceField(choices=SpendType.choices)

    class Meta:
        model = WorkPackageSpend
        fields = [
            "id",
            "work_package",
            "month",
            "spend_type",
            "amount",
            "entered_as",
            "recorded_by",
            "is_illustrative",
        ]
        read_only_fields = ["id", "entered_as", "recorded_by", "is_illustrative"]
        validators: list = []  # the service replaces a month's figure rather than refusing it

    def to_representation(self, instance: WorkPackageSpend) -> dict:
        data = super().to_representation(instance)
        data["month"] = instance.month.strftime("%Y-%m")
        return data


class ForecastSerializer(serializers.ModelSerializer):
    spend_type = serializers.ChoiceField(choices=SpendType.choices)

    class Meta:
        model = WorkPackageForecast
        fields = ["id", "work_package", "year", "spend_type", "amount", "recorded_by"]
        read_only_fields = ["id", "recorded_by"]
        validators: list = []


class AppraisalRunSerializer(serializers.Serializer):
    document = serializers.JSONField(
        help_text="The appraisal as `openpmo appraise` reads it: base_year and options"
    )


class AppraisalCreateSerializer(AppraisalRunSerializer):
    name = serializers.CharField(max_length=200)
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    work_package = serializers.PrimaryKeyRelatedField(
        queryset=WorkPackage.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(required=False, allow_blank=True)


class AppraisalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appraisal
        fields = [
            "id",
            "programme",
            "work_package",
            "name",
            "base_year",
            "description",
            "created_by",
            "created_at",
            "is_illustrative",
        ]
        read_only_fields = fields
