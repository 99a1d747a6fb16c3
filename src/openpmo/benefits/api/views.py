"""API of the benefits register and tracker: the same services (permissions, validation, audit)
as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from openpmo.benefits import selectors, services
from openpmo.benefits.api.serializers import (
    ActualInputSerializer,
    ActualSerializer,
    BenefitSerializer,
    ProfileInputSerializer,
    ProfileSerializer,
    TrackerSerializer,
)
from openpmo.benefits.models import Benefit, BenefitActual, BenefitProfile
from openpmo.common.api import validated_update
from openpmo.common.api_params import id_param
from openpmo.common.engine_errors import as_api_error
from openpmo.core.benefits import Month
from openpmo.core.errors import ValidationError as CoreValidationError
from openpmo.portfolio.models import Pillar
from openpmo.portfolio.selectors import programme_in_scope_or_404


def _month(text: str, field: str) -> Month:
    try:
        return Month.parse(text)
    except CoreValidationError as error:
        raise as_api_error(error, field, with_where=False) from None


def tracker_data(view: selectors.Tracker) -> dict[str, Any]:
    """The tracker as plain data: per benefit, per pillar and for the programme."""

    def roll_up(group: selectors.GroupLine, key: str) -> dict[str, Any]:
        r = group.roll_up
        return {
            "key": key,
            "name": group.label,
            "unit": r.unit,
            "planned_in_month": r.planned_in_month,
            "actual_in_month": r.actual_in_month,
            "planned_cumulative": r.planned_cumulative,
            "actual_cumulative": r.actual_cumulative,
            "variance": r.variance,
            "variance_percent": r.variance_percent,
            "rag": r.rag.value if r.rag else None,
            "missing": r.missing,
            "late": r.late,
        }

    return {
        "programme": view.programme.pk,
        "as_of": str(view.as_of),
        "green_threshold": view.thresholds.green,
        "amber_threshold": view.thresholds.amber,
        "benefits": [
            {
                "id": line.benefit.pk,
                "reference": line.benefit.reference,
                "title": line.benefit.title,
                "category": line.benefit.category,
                "unit": line.position.unit,
                "pillar": line.benefit.pillar_id,
                "work_packages": line.work_packages,
                "planned_in_month": line.position.planned_in_month,
                "actual_in_month": line.position.actual_in_month,
                "in_month_actual": line.in_month_state,
                "planned_cumulative": line.position.planned_cumulative,
                "actual_cumulative": line.position.actual_cumulative,
                "variance": line.position.variance,
                "variance_percent": line.position.variance_percent,
                "rag": line.position.rag.value if line.position.rag else None,
                "missing_months": [str(m) for m in line.position.missing_months],
                "late_months": [str(m) for m in line.position.late_months],
                "shortfall_explanation": line.explanation.explanation if line.explanation else None,
            }
            for line in view.benefits
        ],
        "pillars": [roll_up(g, g.roll_up.key) for g in view.by_pillar],
        "programme_totals": [roll_up(g, g.roll_up.key) for g in view.programme_totals],
        "cashable_realised": view.cashable_realised,
        "money_drawn": view.drawn,
        "roi": view.roi,
    }


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("pillar", OpenApiTypes.INT, description="Only this pillar's benefits"),
            OpenApiParameter("category", OpenApiTypes.STR, description="Only this category"),
        ]
    )
)
class BenefitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The benefits register, each benefit with its profile (current and every version) and
    its actuals."""

    serializer_class = BenefitSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> QuerySet[Benefit]:
        params = self.request.query_params
        benefits = Benefit.objects.select_related("pillar").prefetch_related(
            "work_packages",
            Prefetch(
                "profiles",
                queryset=BenefitProfile.objects.select_related("created_by")
                .prefetch_related("months")
                .order_by("number"),
            ),
            Prefetch(
                "profiles",
                queryset=BenefitProfile.objects.filter(is_current=True)
                .select_related("created_by")
                .prefetch_related("months"),
                to_attr="current_profiles",
            ),
            Prefetch(
                "actuals",
                queryset=BenefitActual.objects.select_related("recorded_by").order_by("month"),
            ),
        )
        pillar = id_param(self.request, "pillar")
        if pillar is not None:
            benefits = benefits.filter(pillar_id=pillar)
        if params.get("category"):
            benefits = benefits.filter(category=params["category"])
        return benefits.order_by("reference")

    def _reload(self, pk: int) -> Benefit:
        return self.get_queryset().get(pk=pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.service_data()
        benefit = services.benefit_create(actor=request.user, pillar=data.pop("pillar"), **data)
        return Response(
            self.get_serializer(self._reload(benefit.pk)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance, serializer = validated_update(self, request, kwargs)
        services.benefit_update(
            actor=request.user,
            benefit=instance,
            expected_version=serializer.validated_data.get("version"),
            **serializer.service_data(),
        )
        return Response(self.get_serializer(self._reload(instance.pk)).data)

    @extend_schema(
        request={
            "application/json": ActualInputSerializer,
            "multipart/form-data": ActualInputSerializer,
        },
        responses={201: ActualSerializer},
        summary="Record a month's actual with evidence; correct a recorded one with a reason",
    )
    @action(detail=True, methods=["post"], url_path="actuals")
    def actuals(self, request: Request, pk: str | None = None) -> Response:
        benefit = self.get_object()
        serializer = ActualInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actual = services.actual_record(
            actor=request.user,
            benefit=benefit,
            month=_month(data["month"], "month"),
            value=data["value"],
            evidence=data["evidence"],
            attachment=data.get("attachment"),
            expected_version=data.get("version"),
            correction_reason=data.get("correction_reason", ""),
        )
        return Response(
            ActualSerializer(actual, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=ProfileInputSerializer,
        responses={201: ProfileSerializer},
        summary="Set or re-baseline the profile (months given, or generated)",
    )
    @action(detail=True, methods=["post"], url_path="profile")
    def profile(self, request: Request, pk: str | None = None) -> Response:
        benefit = self.get_object()
        serializer = ProfileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "months" in data:
            months = {_month(k, "months"): v for k, v in data["months"].items()}
            profile = services.profile_set(
                actor=request.user,
                benefit=benefit,
                months=months,
                method="entered",
                reason=data["reason"],
            )
        else:
            profile = services.profile_generate(
                actor=request.user,
                benefit=benefit,
                shape=data["shape"],
                total=data["total"],
                first=_month(data["first"], "first"),
                last=_month(data["last"], "last"),
                reason=data["reason"],
            )
        return Response(ProfileSerializer(profile).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of", OpenApiTypes.STR, description="YYYY-MM (default: latest month reported)"
            ),
            OpenApiParameter(
                "pillar", OpenApiTypes.INT, description="Only this pillar's benefits and total"
            ),
            OpenApiParameter(
                "programme", OpenApiTypes.INT, description="Default: the first programme"
            ),
        ],
        responses={200: TrackerSerializer},
        summary="Planned, actual, variance and RAG per benefit; totals per pillar and programme",
    )
    @action(detail=False, methods=["get"], url_path="tracker")
    def tracker(self, request: Request) -> Response:
        params = request.query_params
        programme = programme_in_scope_or_404(request, remember=False)
        as_of = _month(params["as_of"], "as_of") if params.get("as_of") else None
        pillar = None
        pillar_id = id_param(request, "pillar", message="Give the pillar's id.")
        if pillar_id is not None:
            pillar = Pillar.objects.filter(pk=pillar_id, programme=programme).first()
            if pillar is None:
                raise Http404("No such pillar in this programme")
        view = selectors.tracker(programme, as_of=as_of, pillar=pillar)
        return Response(TrackerSerializer(tracker_data(view)).data)
