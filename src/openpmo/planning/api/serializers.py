from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from openpmo.common.engine_errors import as_api_error
from openpmo.core.errors import ValidationError as CoreValidationError
from openpmo.core.money import FinancialYear
from openpmo.planning.choices import Objective
from openpmo.planning.models import FundingDecision, Scenario


class ScenarioListSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField()
    funded = serializers.SerializerMethodField()

    class Meta:
        model = Scenario
        fields = ["id", "name", "objective", "status", "value", "funded", "created_at", "version"]

    def get_value(self, scenario: Scenario) -> float:
        return float(scenario.result.get("value", 0))

    def get_funded(self, scenario: Scenario) -> int:
        return len(scenario.result.get("selected", []))


class ScenarioSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scenario
        fields = [
            "id",
            "name",
            "description",
            "objective",
            "status",
            "inputs",
            "result",
            "frontier",
            "created_at",
            "committed_at",
            "version",
        ]


class ScenarioCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    objective = serializers.ChoiceField(choices=Objective.choices, default=Objective.SCORE)
    budget = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0)),
        required=False,
        help_text="Pounds by financial year, {'2026/27': '1500000'}; omit to use the reserve",
    )
    forces = serializers.DictField(
        child=serializers.ChoiceField(choices=["in", "out"]), required=False, default=dict
    )

    def validate_budget(self, value: dict[str, Decimal]) -> dict[FinancialYear, Decimal]:
        out = {}
        for year, amount in value.items():
            try:
                out[FinancialYear.parse(year)] = amount
            except CoreValidationError as error:
                raise as_api_error(error, prefix=f"{year}: ", with_where=False) from None
        return out

    def service_data(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["budget"] = data.get("budget") or None
        return data


class CommitSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class FundingDecisionSerializer(serializers.ModelSerializer):
    work_package = serializers.CharField(source="work_package.reference")

    class Meta:
        model = FundingDecision
        fields = ["work_package", "outcome", "start_year", "underway", "reason", "decided_at"]
