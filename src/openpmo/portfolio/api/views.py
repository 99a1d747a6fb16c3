"""API of the programme register: the same services (permissions, validation, audit) as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from openpmo.audit.selectors import latest_change
from openpmo.common.api import ServiceUpdateMixin
from openpmo.common.api_params import id_param, id_params
from openpmo.common.kept import KeptListMixin
from openpmo.portfolio import selectors, services
from openpmo.portfolio.api.serializers import (
    PillarSerializer,
    ProgrammeSerializer,
    StrandSerializer,
    WorkPackageSerializer,
)
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage


class _RegisterViewSet(
    ServiceUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update; the writes call ``create_with`` and ``update_with``."""

    def create_with(self, actor: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_with(request.user, serializer.service_data())
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


class ProgrammeViewSet(_RegisterViewSet):
    serializer_class = ProgrammeSerializer

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programme_list()

    def create_with(self, actor: Any, data: dict[str, Any]) -> Programme:
        return services.programme_create(actor=actor, **data)

    def update_with(
        self, actor: Any, instance: Programme, version: int | None, data: dict[str, Any]
    ) -> Programme:
        return services.programme_update(
            actor=actor, programme=instance, expected_version=version, **data
        )


class PillarViewSet(_RegisterViewSet):
    serializer_class = PillarSerializer

    def get_queryset(self) -> QuerySet[Pillar]:
        return Pillar.objects.select_related("programme").order_by("programme", "order", "name")

    def create_with(self, actor: Any, data: dict[str, Any]) -> Pillar:
        programme = data.pop("programme")
        return services.pillar_create(actor=actor, programme=programme, **data)

    def update_with(
        self, actor: Any, instance: Pillar, version: int | None, data: dict[str, Any]
    ) -> Pillar:
        return services.pillar_update(
            actor=actor, pillar=instance, expected_version=version, **data
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "pillar", OpenApiTypes.INT, description="Only the strands of this pillar"
            )
        ]
    )
)
class StrandViewSet(_RegisterViewSet):
    serializer_class = StrandSerializer

    def get_queryset(self) -> QuerySet[Strand]:
        strands = Strand.objects.select_related("pillar").order_by("pillar", "name")
        pillar = id_param(self.request, "pillar")
        return strands if pillar is None else strands.filter(pillar_id=pillar)

    def create_with(self, actor: Any, data: dict[str, Any]) -> Strand:
        pillar = data.pop("pillar")
        return services.strand_create(actor=actor, pillar=pillar, **data)

    def update_with(
        self, actor: Any, instance: Strand, version: int | None, data: dict[str, Any]
    ) -> Strand:
        return services.strand_update(
            actor=actor, strand=instance, expected_version=version, **data
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "pillar", OpenApiTypes.INT, description="Only the work packages of this pillar"
            ),
            OpenApiParameter(
                "strand", OpenApiTypes.INT, description="Only the work packages of this strand"
            ),
        ]
    )
)
class WorkPackageViewSet(KeptListMixin, _RegisterViewSet):
    serializer_class = WorkPackageSerializer
    kept_version = staticmethod(latest_change)

    def get_queryset(self) -> QuerySet[WorkPackage]:
        return selectors.work_package_list(**id_params(self.request, ("pillar", "strand")))

    def create_with(self, actor: Any, data: dict[str, Any]) -> WorkPackage:
        strand = data.pop("strand")
        return services.work_package_create(actor=actor, strand=strand, **data)

    def update_with(
        self, actor: Any, instance: WorkPackage, version: int | None, data: dict[str, Any]
    ) -> WorkPackage:
        return services.work_package_update(
            actor=actor, work_package=instance, expected_version=version, **data
        )
