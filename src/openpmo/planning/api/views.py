"""API of portfolio planning: the same services as the pages. 400 names what is wrong, 403 when
the role may not, 409 when already committed or changed meanwhile; nothing is saved then."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from openpmo.planning import selectors, services
from openpmo.planning.api.serializers import (
    CommitSerializer,
    FundingDecisionSerializer,
    ScenarioCreateSerializer,
    ScenarioListSerializer,
    ScenarioSerializer,
)
from openpmo.planning.models import Scenario
from openpmo.portfolio.models import Programme


class ScenarioViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Portfolio scenarios: solved on save, inputs frozen; commit records the decisions."""

    lookup_value_regex = r"\d+"

    def get_serializer_class(self) -> type:
        if self.action == "list":
            return ScenarioListSerializer
        if self.action == "create":
            return ScenarioCreateSerializer
        if self.action == "commit":
            return CommitSerializer
        return ScenarioSerializer

    def get_queryset(self) -> QuerySet[Scenario]:
        return selectors.scenario_list()

    @extend_schema(request=ScenarioCreateSerializer, responses={201: ScenarioSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Solve the programme's portfolio and save it as a scenario."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        programme = Programme.objects.order_by("pk").first()
        if programme is None:
            raise NotFound("No programme yet.")
        scenario = services.scenario_create(
            actor=request.user, programme=programme, **serializer.service_data()
        )
        return Response(ScenarioSerializer(scenario).data, status=201)

    @extend_schema(request=CommitSerializer, responses=FundingDecisionSerializer(many=True))
    @action(detail=True, methods=["post"], pagination_class=None)  # a plain list, as answered
    def commit(self, request: Request, pk: str | None = None) -> Response:
        """Mark each work package funded, deferred or stopped, as the scenario decided."""
        scenario = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decisions = services.scenario_commit(
            actor=request.user,
            scenario=scenario,
            expected_version=serializer.validated_data.get("version"),
        )
        return Response(FundingDecisionSerializer(decisions, many=True).data)

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"])
    def comparison(self, request: Request, pk: str | None = None) -> Response:
        """Do nothing, fund everything asked and this scenario, side by side."""
        scenario = self.get_object()
        columns = selectors.scenario_columns(scenario)
        rows = selectors.comparison_rows(columns, list(scenario.inputs["budget"]))
        return Response(
            {
                "columns": [c["label"] for c in columns],
                "rows": [
                    {"label": r["label"], "cells": [str(cell) for cell in r["cells"]]} for r in rows
                ],
            }
        )
