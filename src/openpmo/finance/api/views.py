"""API of the programme's money: the same services (permissions, validation, audit) as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openpmo.common.api_params import id_param
from openpmo.common.engine_errors import as_validation_error
from openpmo.core.errors import InputError
from openpmo.finance import core_adapters, selectors, services
from openpmo.finance.api.serializers import (
    AppraisalCreateSerializer,
    AppraisalRunSerializer,
    AppraisalSerializer,
    ForecastSerializer,
    ReserveEntrySerializer,
    ReserveSerializer,
    SpendSerializer,
    TeamCostPlanSerializer,
    TeamFlexSerializer,
)
from openpmo.finance.choices import EntryKind
from openpmo.finance.models import (
    Appraisal,
    Reserve,
    TeamCostPlan,
    WorkPackageForecast,
    WorkPackageSpend,
)
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.selectors import programme_in_scope


def _pence(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount.quantize(Decimal("0.01")))


def team_profile_json(view: selectors.TeamCostView) -> dict[str, Any]:
    """The shape ``openpmo team-cost --json`` prints (the core result's own ``to_dict()``), each
    role with its ``id`` in the plan."""
    profile = view.result.to_dict()
    profile["roles"] = [
        {"id": row.role.pk, **role} for role, row in zip(profile["roles"], view.rows, strict=True)
    ]
    return profile


class ReserveLedgerView(APIView):
    """The reserve ledger by financial year: opening, lines, drawdowns (with what released them),
    closing; balances held as negatives. Also the printed figures that do not add up."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "reserve", OpenApiTypes.INT, description="Which reserve (the first one if omitted)"
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        reserve_id = id_param(request, "reserve", message="Give a reserve id.")
        if reserve_id is not None:
            reserve = get_object_or_404(Reserve, pk=reserve_id)
        else:
            reserve = selectors.reserve_default()
            if reserve is None:
                return Response({"detail": "There is no reserve yet."}, status=404)
        view = selectors.reserve_ledger_view(reserve, entry_kinds=[EntryKind.DRAWDOWN])
        return Response(selectors.ledger_as_json(view))


class ReserveViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReserveSerializer

    def get_queryset(self) -> QuerySet[Reserve]:
        return selectors.reserve_list().order_by("pk")

    @extend_schema(
        request=ReserveEntrySerializer,
        responses={201: ReserveEntrySerializer, 409: OpenApiResponse(description="Past zero")},
    )
    @action(detail=True, methods=["get", "post"], serializer_class=ReserveEntrySerializer)
    def entries(self, request: Request, pk: str | None = None) -> Response:
        """List the reserve's entries, or record one (Finance and Decision makers only).

        Contributions and returns of unspent funds are Finance's to record. A drawdown or
        withdrawal is refused (400): money leaves the reserve only by a decision of the Cabinet
        Member for Finance (§7.1), recorded at the gates, which draws it itself.
        """
        reserve = self.get_object()
        if request.method == "GET":
            entries = reserve.entries.order_by("year", "id")
            return Response(ReserveEntrySerializer(entries, many=True).data)
        serializer = ReserveEntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.reserve_entry_record(
            actor=request.user,
            reserve=reserve,
            kind=data["kind"],
            year=data["year"],
            amount=data["amount"],
            reason=data["reason"],
            work_package=data.get("work_package"),
            override_reason=data.get("override_reason", ""),
        )
        return Response(ReserveEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class TeamCostPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Team cost plans with their roles; a plan's ``profile`` is the roles x years table."""

    serializer_class = TeamCostPlanSerializer

    def get_queryset(self) -> QuerySet[TeamCostPlan]:
        return selectors.team_cost_plan_list().order_by("pk")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        data = dict(self.get_serializer(plan).data)
        data["profile"] = team_profile_json(selectors.team_cost_view(plan))
        return Response(data)

    @extend_schema(request=TeamFlexSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], serializer_class=TeamFlexSerializer)
    def flex(self, request: Request, pk: str | None = None) -> Response:
        """Change roles' FTE and dates: with ``preview`` see the new profile (nothing saved);
        without, save it (Finance only, audited; a stale ``version`` is refused with 409)."""
        plan = self.get_object()
        serializer = TeamFlexSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        roles = {role.pk: role for role in plan.roles.all()}
        changes: dict[int, dict[str, Any]] = {}
        for item in data["roles"]:
            if item["id"] not in roles:
                raise ValidationError({"roles": f"Role {item['id']} is not in this plan."})
            changes[item["id"]] = {k: v for k, v in item.items() if k != "id"}
        if data["preview"]:
            if not request.user.has_perm("finance.change_teamcostplan", plan):
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied("Only Finance can flex the team cost plan.")
            try:
                view = selectors.team_cost_view(plan, changes=changes)
            except InputError as error:
                raise as_validation_error(error) from None
            return Response({"preview": True, "profile": team_profile_json(view)})
        services.team_plan_flex(
            actor=request.user, plan=plan, changes=changes, expected_version=data.get("version")
        )
        plan = selectors.team_cost_plan_get(plan.pk)
        body = dict(TeamCostPlanSerializer(plan).data)
        body["profile"] = team_profile_json(selectors.team_cost_view(plan))
        return Response(body)


class SpendViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Actual spend by work package and month; posting a month replaces its figure (Finance)."""

    serializer_class = SpendSerializer

    @extend_schema(
        parameters=[OpenApiParameter("work_package", OpenApiTypes.INT, description="Filter")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[WorkPackageSpend]:
        rows = WorkPackageSpend.objects.order_by("work_package", "month", "spend_type")
        return rows.filter(**_work_package_filter(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.spend_record(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


def _work_package_filter(request: Request) -> dict[str, int]:
    wp = id_param(request, "work_package")
    return {} if wp is None else {"work_package_id": wp}


class ForecastViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Spend still expected by work package and financial year; posting replaces the figure."""

    serializer_class = ForecastSerializer

    def get_queryset(self) -> QuerySet[WorkPackageForecast]:
        rows = WorkPackageForecast.objects.order_by("work_package", "year", "spend_type")
        return rows.filter(**_work_package_filter(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.forecast_record(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


def money_json(money: selectors.Money) -> dict[str, Any]:
    return {
        "budget": _pence(money.budget),
        "released": _pence(money.released),
        "actual": _pence(money.actual),
        "forecast": _pence(money.forecast) if money.has_forecast else None,
        "forecast_at_completion": None
        if money.forecast_at_completion is None
        else _pence(money.forecast_at_completion),
        "variance": None if money.variance is None else _pence(money.variance),
        "work_packages_without_forecast": money.unforecast,
        "spent_beyond_released": _pence(money.beyond_released),
    }


def year_split_json(split: selectors.YearSplit) -> list[dict[str, Any]]:
    return [
        {key: value if key == "year" else _pence(value) for key, value in row.items()}
        for row in split.rows()
    ]


class WorkPackageMoneyView(APIView):
    """A work package's budget, money released, actual, forecast and variance, and by
    financial year with capital and revenue apart."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        work_package = get_object_or_404(WorkPackage, pk=pk)
        view = selectors.work_package_money(work_package)
        return Response(
            {
                "work_package": work_package.pk,
                "reference": work_package.reference,
                **money_json(view.money),
                "by_year": year_split_json(view.by_year),
            }
        )


class ProgrammeMoneyView(APIView):
    """The programme's money rolled up: by pillar, strand and work package (budget, released,
    actual, forecast, at completion, variance), and by financial year with capital and revenue
    apart, for the programme and each pillar."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "programme", OpenApiTypes.INT, description="Which programme (the first if omitted)"
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:

        programme = programme_in_scope(request, remember=False)
        if programme is None:
            return Response({"detail": "There is no programme yet."}, status=404)
        view = selectors.programme_money(programme)

        def node(item: selectors.RollupNode, kind: str) -> dict[str, Any]:
            body: dict[str, Any] = {"id": item.obj.pk, "name": item.name, **money_json(item.money)}
            if kind == "pillar":
                body["by_year"] = year_split_json(
                    view.pillar_years.get(item.obj.pk, selectors.YearSplit())
                )
                body["strands"] = [node(child, "strand") for child in item.children]
            elif kind == "strand":
                body["work_packages"] = [node(child, "work_package") for child in item.children]
            return body

        return Response(
            {
                "programme": programme.pk,
                **money_json(view.total),
                "by_year": year_split_json(view.by_year),
                "pillars": [node(pillar, "pillar") for pillar in view.pillars],
            }
        )


class AppraisalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Green Book appraisals. ``retrieve`` includes the comparison of the options."""

    serializer_class = AppraisalSerializer

    def get_queryset(self) -> QuerySet[Appraisal]:
        return selectors.appraisal_list().order_by("pk")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        appraisal = selectors.appraisal_get(self.get_object().pk)
        data = dict(self.get_serializer(appraisal).data)
        data["result"] = selectors.appraisal_result_json(core_adapters.appraisal_result(appraisal))
        return Response(data)

    @extend_schema(request=AppraisalCreateSerializer, responses={201: OpenApiTypes.OBJECT})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AppraisalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        appraisal = services.appraisal_create(
            actor=request.user,
            programme=data["programme"],
            name=data["name"],
            document=data["document"],
            description=data.get("description", ""),
            work_package=data.get("work_package"),
        )
        appraisal = selectors.appraisal_get(appraisal.pk)
        body = dict(AppraisalSerializer(appraisal).data)
        body["result"] = selectors.appraisal_result_json(core_adapters.appraisal_result(appraisal))
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppraisalRunSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], serializer_class=AppraisalRunSerializer)
    def run(self, request: Request) -> Response:
        """Appraise the options given, saving nothing (the shape of ``openpmo appraise --json``)."""
        from openpmo.core.finance import appraisal_from_mapping, appraise

        serializer = AppraisalRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = serializer.validated_data["document"]
        if not isinstance(document, dict):
            raise ValidationError({"document": "Give a mapping: base_year and options."})
        try:
            result = appraise(appraisal_from_mapping(document))
        except InputError as error:
            raise as_validation_error(error, "document") from None
        return Response(selectors.appraisal_result_json(result))
