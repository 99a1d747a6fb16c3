"""API of the gates: the same services (permissions, validation, audit) as the pages.

Refusals: 400 names what is wrong or missing, 403 when the user may not (e.g. decide that much
money), 409 when the state forbids it (already decided, the reserve cannot cover it, a busy
database). Nothing is saved in any of these cases.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openpmo.audit.selectors import latest_change
from openpmo.common.api import validated_update
from openpmo.common.api_params import id_param
from openpmo.common.kept import KeptListMixin
from openpmo.gates import selectors, services
from openpmo.gates.api.serializers import (
    BusinessCaseSerializer,
    ConditionActionSerializer,
    CorrectionSerializer,
    DecisionCreateSerializer,
    DecisionSerializer,
    EqualityAssessmentSerializer,
    GateRequestCreateSerializer,
    GateRequestSerializer,
    GateSerializer,
    OptionSerializer,
    QualityAssuranceSerializer,
)
from openpmo.gates.models import (
    BusinessCase,
    ConditionAction,
    Decision,
    EqualityImpactAssessment,
    Gate,
    GateRequest,
)
from openpmo.portfolio.models import WorkPackage


class WorkPackageGateRequestsView(APIView):
    """A work package's gate requests; POST submits one at its next gate."""

    @extend_schema(responses=GateRequestSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        work_package = get_object_or_404(WorkPackage, pk=pk)
        rows = selectors.gate_history(work_package)
        return Response(GateRequestSerializer(rows, many=True).data)

    @extend_schema(request=GateRequestCreateSerializer, responses={201: GateRequestSerializer})
    def post(self, request: Request, pk: int) -> Response:
        work_package = get_object_or_404(WorkPackage, pk=pk)
        serializer = GateRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.gate_request_submit(
            actor=request.user, work_package=work_package, **serializer.validated_data
        )
        return Response(GateRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class WorkPackageBusinessCasesView(APIView):
    """A work package's business case versions; POST starts a new version for its next gate."""

    @extend_schema(responses=BusinessCaseSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        work_package = get_object_or_404(WorkPackage, pk=pk)
        rows = selectors.business_cases_of(work_package).prefetch_related("options")
        return Response(BusinessCaseSerializer(rows, many=True).data)

    @extend_schema(request=BusinessCaseSerializer, responses={201: BusinessCaseSerializer})
    def post(self, request: Request, pk: int) -> Response:
        work_package = get_object_or_404(WorkPackage, pk=pk)
        serializer = BusinessCaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        created = services.business_case_create(
            actor=request.user, work_package=work_package, **data
        )
        return Response(BusinessCaseSerializer(created).data, status=status.HTTP_201_CREATED)


class BusinessCaseViewSet(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = BusinessCaseSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[BusinessCase]:
        return BusinessCase.objects.prefetch_related("options")

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case, serializer = validated_update(self, request, kwargs, partial=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        updated = services.business_case_update(
            actor=request.user, business_case=case, expected_version=version, **data
        )
        return Response(self.get_serializer(updated).data)

    @extend_schema(request=OptionSerializer, responses={201: OptionSerializer})
    @action(detail=True, methods=["post"])
    def options(self, request: Request, pk: int) -> Response:
        """Add an option (cost and benefit lines by year) to a draft business case."""
        case = self.get_object()
        serializer = OptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        option = services.business_case_option_save(
            actor=request.user, business_case=case, **serializer.validated_data
        )
        return Response(OptionSerializer(option).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR),
        ]
    )
)
class GateRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GateRequestSerializer

    def get_queryset(self) -> QuerySet[GateRequest]:
        return selectors.request_list(
            programme=id_param(self.request, "programme"),
            status=self.request.query_params.get("status", ""),
        )

    @extend_schema(request=DecisionCreateSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: int) -> Response:
        """Record the decision: 201; 403 beyond your delegated authority; 409 if already
        decided or the reserve cannot cover it."""
        gate_request = get_object_or_404(GateRequest, pk=pk)
        serializer = DecisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = services.decision_record(
            actor=request.user, gate_request=gate_request, **serializer.service_data()
        )
        return Response(
            DecisionSerializer(selectors.decision_get(decision.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=QualityAssuranceSerializer, responses=GateRequestSerializer)
    @action(detail=True, methods=["post"], url_path="quality-assurance")
    def quality_assurance(self, request: Request, pk: int) -> Response:
        """The PMO forwards the request for decision, or returns it with comments."""
        gate_request = get_object_or_404(GateRequest, pk=pk)
        serializer = QualityAssuranceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        updated = services.gate_request_quality_assure(
            actor=request.user,
            gate_request=gate_request,
            forward=data["action"] == "forward",
            comments=data["comments"],
            expected_version=data.get("version"),
        )
        return Response(GateRequestSerializer(updated).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.INT),
            OpenApiParameter("work_package", OpenApiTypes.INT),
            OpenApiParameter("outcome", OpenApiTypes.STR),
        ]
    )
)
class DecisionViewSet(KeptListMixin, viewsets.ReadOnlyModelViewSet):
    """The decision log: every decision, newest first; corrections name what they correct."""

    serializer_class = DecisionSerializer
    kept_version = staticmethod(latest_change)

    def get_queryset(self) -> QuerySet[Decision]:
        return selectors.decision_log(
            programme=id_param(self.request, "programme"),
            work_package=id_param(self.request, "work_package"),
            outcome=self.request.query_params.get("outcome", ""),
        )

    @extend_schema(request=CorrectionSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def correction(self, request: Request, pk: int) -> Response:
        """Correct a decision's particulars: a new decision linked to this one."""
        decision = get_object_or_404(Decision, pk=pk)
        serializer = CorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.decision_correct(
            actor=request.user, decision=decision, **serializer.validated_data
        )
        return Response(
            DecisionSerializer(selectors.decision_get(correction.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class EqualityAssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EqualityAssessmentSerializer
    queryset = EqualityImpactAssessment.objects.all()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        created = services.equality_assessment_create(
            actor=request.user, programme=programme, **data
        )
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)


class GateViewSet(viewsets.ReadOnlyModelViewSet):
    """The gates of each programme, in order, with their evidence checklists."""

    serializer_class = GateSerializer

    def get_queryset(self) -> QuerySet[Gate]:
        return Gate.objects.prefetch_related("checklist")


class ConditionActionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ConditionActionSerializer
    queryset = ConditionAction.objects.all()

    @extend_schema(request=None, responses=ConditionActionSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: int) -> Response:
        """Mark the action done (its owner or the PMO)."""
        updated = services.condition_action_complete(
            actor=request.user,
            action=get_object_or_404(ConditionAction, pk=pk),
            note=str(request.data.get("note", "")),
        )
        return Response(ConditionActionSerializer(updated).data)
