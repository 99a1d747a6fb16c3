from __future__ import annotations

from rest_framework import serializers

from openpmo.delivery.api.serializers import GateMovementSerializer, MovementSerializer


class BenefitImpactSerializer(serializers.Serializer):
    benefit = serializers.IntegerField()
    reference = serializers.CharField()
    work_package = serializers.IntegerField()
    profile_start = serializers.DateField()
    new_finish = serializers.DateField()
    value_at_risk = serializers.DecimalField(max_digits=16, decimal_places=2)
    unit = serializers.CharField()


class SlippageImpactSerializer(serializers.Serializer):
    work_package = serializers.IntegerField()
    weeks = serializers.IntegerField()
    slipped = MovementSerializer(allow_null=True)
    moved = MovementSerializer(many=True)
    gates = GateMovementSerializer(many=True)
    benefits = BenefitImpactSerializer(many=True, allow_null=True)
    programme_finish_before = serializers.DateTimeField(allow_null=True)
    programme_finish_after = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
