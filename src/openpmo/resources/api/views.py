"""The resources API: the pool, suppliers, demand (set through the service), capacity against
demand by role and month, and the levelled plan. Writes go through ``services``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openpmo.common.api_params import id_param
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.resources import msproject, planning, selectors, services
from openpmo.resources.api.serializers import (
    DemandSerializer,
    DemandSetSerializer,
    PersonSerializer,
    ResourceRoleSerializer,
    SupplierSerializer,
)
from openpmo.resources.models import Demand, Person, ResourceRole, Supplier

MSPDI = "application/xml"


class ResourceRoleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResourceRoleSerializer

    def get_queryset(self) -> QuerySet[ResourceRole]:
        return ResourceRole.objects.order_by("programme", "name")


class PersonViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer

    def get_queryset(self) -> QuerySet[Person]:
        return Person.objects.select_related("role").order_by("programme", "name")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        person = services.person_create(actor=request.user, programme=programme, **data)
        return Response(self.get_serializer(person).data, status=status.HTTP_201_CREATED)


class SupplierViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SupplierSerializer

    def get_queryset(self) -> QuerySet[Supplier]:
        return Supplier.objects.order_by("programme", "name")


class DemandView(APIView):
    """A work package's demand: GET lists it, POST sets rows (all or nothing)."""

    @extend_schema(responses={200: DemandSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        rows = Demand.objects.filter(work_package_id=pk).order_by("month", "role")
        return Response(DemandSerializer(rows, many=True).data)

    @extend_schema(request=DemandSetSerializer, responses={200: DemandSerializer(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        work_package = get_object_or_404(WorkPackage, pk=pk)
        serializer = DemandSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        roles = {r.pk: r for r in ResourceRole.objects.all()}
        rows = []
        for number, row in enumerate(serializer.validated_data["rows"], start=1):
            if row["role"] not in roles:
                raise ValidationError(f"Row {number}: there is no role {row['role']}.")
            rows.append((roles[row["role"]], row["month"], row["fte"]))
        services.demand_set(
            actor=request.user,
            work_package=work_package,
            rows=rows,
            replace=serializer.validated_data["replace"],
        )
        return self.get(request, pk)


class DemandMspdiView(APIView):
    """A work package's demand as Microsoft Project XML (MSPDI): a resource per role and a task
    per role and month with its assignment; anyone who may read the demand may download it."""

    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        work_package = get_object_or_404(WorkPackage, pk=pk)
        if not request.user.has_perm("resources.view"):
            raise PermissionDenied
        response = HttpResponse(msproject.demand_to_mspdi(work_package), content_type=MSPDI)
        name = f"{work_package.reference}-demand.xml".replace('"', "")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _programme(request: Request) -> Programme:
    chosen = id_param(request, "programme")
    if chosen is not None:
        return get_object_or_404(Programme, pk=chosen)
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        raise ValidationError("No programme has been set up yet.")
    return programme


PROGRAMME = OpenApiParameter(
    "programme", OpenApiTypes.INT, description="Which programme (the first one if omitted)"
)


class CapacityView(APIView):
    """Capacity against in-house demand by role and month (``?programme=``, ``?pillar=``)."""

    @extend_schema(
        parameters=[
            PROGRAMME,
            OpenApiParameter("pillar", OpenApiTypes.INT, description="Only this pillar"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        programme = _programme(request)
        pillar = None
        pillar_id = id_param(request, "pillar")
        if pillar_id is not None:
            pillar = get_object_or_404(programme.pillars, pk=pillar_id)
        grid = selectors.capacity_grid(programme, pillar=pillar)
        return Response(
            {
                "programme": programme.pk,
                "months": [month.isoformat() for month in grid.months],
                "roles": [
                    {
                        "role": role.name,
                        "cells": [
                            {
                                "capacity": str(cell.capacity.quantize(selectors.PENCE)),
                                "demand": str(cell.demand.quantize(selectors.PENCE)),
                                "over": cell.over,
                                "packages": [wp.reference for wp, _ in cell.packages],
                            }
                            for cell in grid.row(role)
                        ],
                    }
                    for role in grid.roles
                ],
                "cost_by_year": {year: str(amount) for year, amount in grid.cost_by_year.items()},
            }
        )


class LevellingView(APIView):
    """The programme's plan levelled by month, with what moved and why."""

    @extend_schema(parameters=[PROGRAMME], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        plan = planning.levelled_plan(_programme(request))
        if plan.error:
            raise ValidationError(plan.error)
        return Response(
            {
                "makespan_months": plan.makespan_months,
                "total_delay_months": plan.total_delay_months,
                "packages": [
                    {
                        "work_package": row.work_package.reference,
                        "unlevelled_start": row.unlevelled_start.isoformat(),
                        "levelled_start": row.levelled_start.isoformat(),
                        "shift_months": row.shift,
                        "reason": row.reason,
                    }
                    for row in plan.packages
                ],
            }
        )
