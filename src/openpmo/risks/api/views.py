"""API of the RAID register and simulations: the same services (permissions, validation,
audit) as the pages. Decisions are the gates app's log (``/api/decisions/`` there)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from openpmo.common.api import ServiceUpdateMixin, validated_update
from openpmo.common.api_params import id_params
from openpmo.portfolio.models import Programme
from openpmo.risks import selectors, services
from openpmo.risks.api.serializers import (
    EscalateSerializer,
    RaidActionSerializer,
    RaidItemSerializer,
    RaiseIssueSerializer,
    SimulationRunSerializer,
    SimulationRunSummarySerializer,
)
from openpmo.risks.choices import ItemKind
from openpmo.risks.models import RaidAction, RaidItem, SimulationRun

_FILTERS = [
    OpenApiParameter("programme", OpenApiTypes.INT, description="Only this programme's items"),
    OpenApiParameter("pillar", OpenApiTypes.INT, description="Only items under this pillar"),
    OpenApiParameter("work_package", OpenApiTypes.INT, description="Raised at or hitting it"),
    OpenApiParameter("status", OpenApiTypes.STR, description="open, closed or occurred"),
    OpenApiParameter("category", OpenApiTypes.STR, description="financial, delivery, …"),
]


@extend_schema_view(list=extend_schema(parameters=_FILTERS))
class _ItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RaidItemSerializer
    kind: str = ""

    def get_queryset(self) -> QuerySet[RaidItem]:
        params = self.request.query_params
        criteria: dict[str, Any] = id_params(self.request, ("programme", "pillar", "work_package"))
        for name in ("status", "category"):
            if params.get(name):
                criteria[name] = params[name]
        return selectors.raid_item_list(kind=self.kind, **criteria).prefetch_related(
            "hits", Prefetch("actions", queryset=RaidAction.objects.order_by("due_on", "id"))
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.service_data()
        hits = serializer.hits_data()
        data.pop("hits", None)
        level = data.pop("level", "")
        place = {k: data.pop(k, None) for k in ("work_package", "strand", "pillar")}
        programme = data.pop("programme", None)
        row = place.get("work_package") or place.get("strand") or place.get("pillar")
        if row is not None:
            programme = _programme_of(row)
        if programme is None:
            raise ValidationError({"programme": "Give the programme of a programme-level item."})
        item = services.raid_item_create(
            actor=request.user,
            programme=programme,
            kind=self.kind,
            level=level,
            hits=hits,
            **{k: v for k, v in place.items() if k == level},
            **data,
        )
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance, serializer = validated_update(self, request, kwargs)
        data = serializer.service_data()
        hits = serializer.hits_data()
        data.pop("hits", None)
        for fixed in ("programme", "level", "work_package", "strand", "pillar"):
            if fixed in data and data[fixed] != getattr(instance, fixed):
                raise ValidationError({fixed: "Escalate the item to move it up a level."})
            data.pop(fixed, None)
        item = services.raid_item_update(
            actor=request.user,
            item=instance,
            expected_version=serializer.validated_data.get("version"),
            hits=hits,
            **data,
        )
        return Response(self.get_serializer(selectors.raid_item_get(item.pk)).data)

    @extend_schema(request=EscalateSerializer, responses=RaidItemSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str | None = None) -> Response:
        """Move the item one level up, with a reason (kept as its escalation history)."""
        item = self.get_object()
        body = EscalateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.raid_item_escalate(
            actor=request.user,
            item=item,
            reason=body.validated_data["reason"],
            expected_version=body.validated_data.get("version"),
        )
        return Response(self.get_serializer(selectors.raid_item_get(item.pk)).data)

    @extend_schema(request=RaidActionSerializer, responses=RaidActionSerializer)
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request: Request, pk: str | None = None) -> Response:
        """Add an action (description, owner, due date) to the item."""
        item = self.get_object()
        body = RaidActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = services.raid_action_create(actor=request.user, item=item, **body.service_data())
        return Response(RaidActionSerializer(created).data, status=status.HTTP_201_CREATED)


def _programme_of(row: Any) -> Programme:
    if hasattr(row, "strand"):
        return row.strand.pillar.programme
    if hasattr(row, "pillar"):
        return row.pillar.programme
    return row.programme


class RiskViewSet(_ItemViewSet):
    kind = ItemKind.RISK

    @extend_schema(request=RaiseIssueSerializer, responses=RaidItemSerializer)
    @action(detail=True, methods=["post"], url_path="raise-issue")
    def raise_issue(self, request: Request, pk: str | None = None) -> Response:
        """The risk has happened: raise an issue linked to it; the risk becomes "occurred"."""
        risk = self.get_object()
        body = RaiseIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        issue = services.issue_raise_from_risk(
            actor=request.user, risk=risk, expected_version=version, **data
        )
        return Response(
            RaidItemSerializer(
                selectors.raid_item_get(issue.pk), context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )


class IssueViewSet(_ItemViewSet):
    kind = ItemKind.ISSUE


class AssumptionViewSet(_ItemViewSet):
    kind = ItemKind.ASSUMPTION


class RaidActionViewSet(
    ServiceUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Actions on RAID items. Add one with ``POST /api/risks/{id}/actions/`` (or issues, …)."""

    serializer_class = RaidActionSerializer

    def get_queryset(self) -> QuerySet[RaidAction]:
        return RaidAction.objects.select_related("item__pillar", "owner").order_by(
            "item", "due_on", "id"
        )

    def update_with(
        self, actor: Any, instance: RaidAction, version: int | None, data: dict[str, Any]
    ) -> RaidAction:
        return services.raid_action_update(
            actor=actor, action=instance, expected_version=version, **data
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.INT),
            OpenApiParameter("work_package", OpenApiTypes.INT),
        ],
        responses=SimulationRunSummarySerializer(many=True),
    )
)
class SimulationRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Monte Carlo runs. ``POST`` starts one (in the background when a task worker is set up);
    poll the run for ``status`` and ``percent``; ``result`` holds the engine's summary."""

    def get_serializer_class(self) -> type:
        return SimulationRunSummarySerializer if self.action == "list" else SimulationRunSerializer

    def get_queryset(self) -> QuerySet[SimulationRun]:
        if self.action == "list":
            criteria = id_params(self.request, ("programme", "work_package"))
            return selectors.simulation_run_list(**criteria)
        return SimulationRun.objects.select_related("work_package", "programme")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        work_package = data.pop("work_package", None)
        programme = data.pop("programme", None)
        if work_package is not None:
            programme = work_package.strand.pillar.programme
        if programme is None:
            raise ValidationError({"programme": "Give the programme or a work package."})
        for name in ("spread", "cost_spread"):
            if name in data:
                data[name] = tuple(data[name])
        run = services.simulation_run_start(
            actor=request.user, programme=programme, work_package=work_package, **data
        )
        return Response(SimulationRunSerializer(run).data, status=status.HTTP_201_CREATED)
