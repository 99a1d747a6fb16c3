"""Shapes of the gates API. Input serializers only shape input: the rules live in services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from openpmo.accounts.models import User
from openpmo.gates.choices import (
    ActionStatus,
    AssessmentOutcome,
    BusinessCaseStatus,
    Outcome,
    RequestStatus,
)
from openpmo.gates.models import (
    BusinessCase,
    BusinessCaseOption,
    ChecklistItem,
    ConditionAction,
    Decision,
    EqualityImpactAssessment,
    FundingRelease,
    Gate,
    GateRequest,
)

FUNDING_HELP = 'Amounts by financial year, e.g. {"2023/24": "150000.00"}'
ANSWERS_HELP = 'By checklist item id: {"12": {"met": true, "evidence": "Link or note"}}'


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "text", "mandatory", "order"]


class GateSerializer(serializers.ModelSerializer):
    checklist = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = Gate
        fields = [
            "id",
            "programme",
            "name",
            "stage",
            "order",
            "purpose",
            "requires_equality_assessment",
            "checklist",
            "is_illustrative",
        ]


@extend_schema_field(
    {
        "type": "string",
        "description": "One of: " + ", ".join(AssessmentOutcome.values),
        "pattern": "^(" + "|".join(AssessmentOutcome.values) + ")$",
    }
)
class AssessmentOutcomeField(serializers.ChoiceField):
    """The assessment's outcome (its enum kept apart from a decision's ``outcome``)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=AssessmentOutcome.choices, **kwargs)  # type: ignore[arg-type]


@extend_schema_field({"type": "string", "enum": Outcome.values})
def _read_only_choice(choices: type, help_text: str) -> serializers.ChoiceField:
    """A read-only choice whose enum is named after its serializer, not just its field name
    (several models of the project have a ``status`` with different choices)."""

    @extend_schema_field({"type": "string", "enum": list(choices.values)})  # type: ignore[attr-defined]
    class Field(serializers.ChoiceField):
        pass

    return Field(choices=choices.choices, read_only=True, help_text=help_text)  # type: ignore[attr-defined]


class DecisionOutcomeField(serializers.ChoiceField):
    """A decision's outcome: approved, approved_with_conditions, deferred, rejected."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=Outcome.choices, **kwargs)  # type: ignore[arg-type]


class EqualityAssessmentSerializer(serializers.ModelSerializer):
    outcome = AssessmentOutcomeField()
    characteristics = serializers.ListField(
        child=serializers.CharField(), help_text="Of the nine protected characteristics (§8.2)"
    )

    class Meta:
        model = EqualityImpactAssessment
        fields = [
            "id",
            "programme",
            "reference",
            "title",
            "assessed_on",
            "characteristics",
            "outcome",
            "mitigations",
            "is_illustrative",
        ]
        read_only_fields = ["is_illustrative"]


class OptionSerializer(serializers.ModelSerializer):
    costs = serializers.JSONField(required=False, help_text="{line: {year: amount}}")
    benefits = serializers.JSONField(required=False, help_text="{line: {year: amount}}")
    optimism_bias = serializers.JSONField(required=False, help_text="{cost line: fraction}")

    class Meta:
        model = BusinessCaseOption
        fields = [
            "id",
            "name",
            "description",
            "is_do_nothing",
            "is_recommended",
            "costs",
            "benefits",
            "optimism_bias",
        ]
        read_only_fields = ["is_do_nothing"]


class BusinessCaseSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)
    status = _read_only_choice(BusinessCaseStatus, "draft, or submitted (frozen)")
    requested_funding = serializers.JSONField(required=False, help_text=FUNDING_HELP)
    checklist_answers = serializers.JSONField(required=False, help_text=ANSWERS_HELP)
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a mismatch is refused (409)"
    )

    class Meta:
        model = BusinessCase
        fields = [
            "id",
            "work_package",
            "gate",
            "number",
            "status",
            "title",
            "strategic_case",
            "benefits_summary",
            "risks",
            "base_year",
            "requested_funding",
            "checklist_answers",
            "equality_assessment",
            "options",
            "appraisal",
            "is_illustrative",
            "version",
            "created_at",
        ]
        read_only_fields = [
            "work_package",
            "gate",
            "number",
            "status",
            "appraisal",
            "is_illustrative",
            "created_at",
        ]
        extra_kwargs = {"title": {"required": False}, "base_year": {"required": False}}


class GateRequestCreateSerializer(serializers.Serializer):
    gate = serializers.PrimaryKeyRelatedField(queryset=Gate.objects.all())
    business_case = serializers.PrimaryKeyRelatedField(
        queryset=BusinessCase.objects.all(), help_text="The business case version"
    )
    requested = serializers.JSONField(
        required=False, help_text=FUNDING_HELP + "; default: the business case's"
    )
    checklist_answers = serializers.JSONField(
        required=False,
        help_text=ANSWERS_HELP + "; default: the business case's (also accepted as ``checklist``)",
    )

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "get") and "checklist" in data and "checklist_answers" not in data:
            data = {**data, "checklist_answers": data["checklist"]}
        return super().to_internal_value(data)


class FundingReleaseSerializer(serializers.ModelSerializer):
    reserve_entry = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = FundingRelease
        fields = ["year", "amount", "reserve_entry"]


class ConditionActionSerializer(serializers.ModelSerializer):
    status = _read_only_choice(ActionStatus, "open or done")

    class Meta:
        model = ConditionAction
        fields = [
            "id",
            "decision",
            "description",
            "owner",
            "due_on",
            "status",
            "completed_at",
            "completed_by",
            "completion_note",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    released = FundingReleaseSerializer(source="releases", many=True, read_only=True)
    actions = ConditionActionSerializer(many=True, read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.__str__", read_only=True)
    corrected_by = serializers.SerializerMethodField()
    stage_before = serializers.CharField(
        read_only=True, help_text="The work package's stage before"
    )
    stage_after = serializers.CharField(read_only=True, help_text="Its stage after the decision")

    class Meta:
        model = Decision
        fields = [
            "id",
            "programme",
            "gate_request",
            "work_package",
            "gate",
            "subject",
            "outcome",
            "decided_by",
            "decided_by_name",
            "decision_maker_title",
            "authority_role",
            "decided_on",
            "forward_plan_reference",
            "s151_officer",
            "s151_consulted_on",
            "monitoring_officer",
            "monitoring_officer_consulted_on",
            "equality_assessment",
            "rationale",
            "released_total",
            "released",
            "actions",
            "stage_before",
            "stage_after",
            "corrects",
            "corrected_by",
            "correction_reason",
            "recorded_by",
            "recorded_at",
            "is_illustrative",
        ]

    def get_corrected_by(self, decision: Decision) -> int | None:
        correction = getattr(decision, "corrected_by", None)
        return correction.pk if correction is not None else None


class GateRequestSerializer(serializers.ModelSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)
    status = _read_only_choice(
        RequestStatus,
        "submitted (awaiting the PMO), returned, forwarded (awaiting decision), decided",
    )

    class Meta:
        model = GateRequest
        fields = [
            "id",
            "work_package",
            "gate",
            "business_case",
            "status",
            "requested",
            "requested_total",
            "checklist_answers",
            "submitted_by",
            "submitted_at",
            "quality_assured_by",
            "quality_assured_at",
            "quality_comments",
            "decisions",
            "is_illustrative",
            "version",
        ]


class QualityAssuranceSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("forward", "Forward"), ("return", "Return")])
    comments = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class ConditionSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    due_on = serializers.DateField()


class DecisionCreateSerializer(serializers.Serializer):
    outcome = DecisionOutcomeField()
    released = serializers.JSONField(required=False, help_text=FUNDING_HELP)
    conditions = ConditionSerializer(many=True, required=False)
    forward_plan_ref = serializers.CharField(required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, help_text="Default: today")
    decision_maker_title = serializers.CharField(required=False, allow_blank=True, default="")
    s151_officer = serializers.CharField(required=False, allow_blank=True, default="")
    s151_consulted_on = serializers.DateField(required=False, allow_null=True, default=None)
    monitoring_officer = serializers.CharField(required=False, allow_blank=True, default="")
    monitoring_officer_consulted_on = serializers.DateField(
        required=False, allow_null=True, default=None
    )
    equality_assessment = serializers.PrimaryKeyRelatedField(
        queryset=EqualityImpactAssessment.objects.all(), required=False, allow_null=True
    )
    rationale = serializers.CharField(required=False, allow_blank=True, default="")

    def service_data(self) -> dict[str, object]:
        data = dict(self.validated_data)
        data["forward_plan_reference"] = data.pop("forward_plan_ref", "")
        data["conditions"] = [dict(c) for c in data.get("conditions", [])]
        return data


class CorrectionSerializer(serializers.Serializer):
    correction_reason = serializers.CharField()
    subject = serializers.CharField(required=False)
    decided_on = serializers.DateField(required=False)
    forward_plan_reference = serializers.CharField(required=False, allow_blank=True)
    decision_maker_title = serializers.CharField(required=False, allow_blank=True)
    s151_officer = serializers.CharField(required=False, allow_blank=True)
    s151_consulted_on = serializers.DateField(required=False, allow_null=True)
    monitoring_officer = serializers.CharField(required=False, allow_blank=True)
    monitoring_officer_consulted_on = serializers.DateField(required=False, allow_null=True)
    equality_assessment = serializers.PrimaryKeyRelatedField(
        queryset=EqualityImpactAssessment.objects.all(), required=False, allow_null=True
    )
    rationale = serializers.CharField(required=False, allow_blank=True)
