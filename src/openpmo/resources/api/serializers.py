from __future__ import annotations

from rest_framework import serializers

from openpmo.resources.models import Demand, Person, ResourceRole, Supplier


class ResourceRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResourceRole
        fields = ["id", "programme", "name", "partner_day_rate"]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "programme",
            "name",
            "role",
            "employment",
            "fte",
            "available_from",
            "available_to",
            "team_role",
            "day_rate",
            "supplier",
            "skills",
            "version",
        ]
        read_only_fields = ["version"]


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "programme", "name", "kind", "contact", "notes"]


class DemandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Demand
        fields = ["id", "work_package", "role", "month", "fte", "source"]


class DemandRowSerializer(serializers.Serializer):
    role = serializers.IntegerField()
    month = serializers.DateField()
    fte = serializers.DecimalField(max_digits=6, decimal_places=2)


class DemandSetSerializer(serializers.Serializer):
    rows = DemandRowSerializer(many=True)
    replace = serializers.BooleanField(default=False)
