"""API of schedules and the interdependency register: the same services (permissions,
validation, audit) and selectors (computed dates) as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openpmo.common.api import ServiceUpdateMixin
from openpmo.common.api_params import id_params
from openpmo.delivery import own_calendars, selectors, services
from openpmo.delivery.api.serializers import (
    ImportSerializer,
    InterdependencySerializer,
    MilestoneAchievedSerializer,
    ProgrammeScheduleSerializer,
    ScheduleCalendarApplySerializer,
    ScheduleCalendarSerializer,
    ScheduleLinkInputSerializer,
    ScheduleTaskInputSerializer,
    WorkPackageScheduleSerializer,
)
from openpmo.delivery.models import Interdependency, ScheduleLink, ScheduleTask
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.portfolio.selectors import programme_in_scope_or_404


def _work_package(pk: int) -> WorkPackage:
    return get_object_or_404(WorkPackage.objects.select_related("strand__pillar__programme"), pk=pk)


# A task's computed fields before its dates can be computed (the schedule has an error).
_NOT_COMPUTED: dict[str, Any] = {
    "early_start": None,
    "early_finish": None,
    "late_start": None,
    "late_finish": None,
    "total_slack_days": None,
    "free_slack_days": None,
    "critical": False,
}


def schedule_data(work_package: WorkPackage) -> dict[str, Any]:
    view = selectors.work_package_schedule(work_package)
    uid_of = {row.task.pk: row.task.uid for row in view.rows}
    tasks = []
    for row in view.rows:
        task = row.task
        entry: dict[str, Any] = {
            "id": task.pk,
            "uid": task.uid,
            "parent_uid": uid_of.get(task.parent_id) if task.parent_id else None,
            "name": task.name,
            "kind": task.kind,
            "duration_minutes": task.duration_minutes,
            "duration_days": row.duration_days,
            "manual": task.manual,
            "constraint": task.constraint,
            "constraint_date": task.constraint_date,
            "gate_stage": task.gate_stage,
            **_NOT_COMPUTED,
            "achieved_on": task.achieved_on,
            "achieved_evidence": task.achieved_evidence,
            "version": task.version,
        }
        if row.computed is not None:
            # The engine's own shape of the task, as ``openpmo schedule --json`` prints it.
            entry.update(row.computed.to_dict())
        tasks.append(entry)
    links = [
        {
            "id": link.pk,
            "predecessor_uid": uid_of[link.predecessor_id],
            "successor_uid": uid_of[link.successor_id],
            "type": link.type,
            "lag_minutes": link.lag_minutes,
            "lag_percent": link.lag_percent,
            "lag_elapsed": link.lag_elapsed,
        }
        for link in view.links
    ]
    return WorkPackageScheduleSerializer(
        {
            "work_package": work_package.pk,
            "reference": work_package.reference,
            "start": view.schedule.start if view.schedule else None,
            "finish": view.finish,
            "minutes_per_day": view.spec.minutes_per_day,
            "source": view.schedule.source if view.schedule else "",
            "version": view.schedule.version if view.schedule else None,
            "error": view.error,
            "recalculating": view.recalculating,
            "tasks": tasks,
            "links": links,
        }
    ).data


class WorkPackageScheduleView(APIView):
    """A work package's schedule: tasks, milestones and links with their computed dates."""

    @extend_schema(responses=WorkPackageScheduleSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(schedule_data(_work_package(pk)))


class ScheduleImportView(APIView):
    """Replace the schedule with a Microsoft Project XML file (all or nothing: 400 and nothing
    saved when the file is malformed, hostile or cannot be scheduled)."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=ImportSerializer, responses=WorkPackageScheduleSerializer)
    def post(self, request: Request, pk: int) -> Response:
        work_package = _work_package(pk)
        serializer = ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        services.schedule_import_mspdi(
            actor=request.user,
            work_package=work_package,
            data=upload.read(),
            file_name=upload.name,
            expected_version=serializer.validated_data.get("version"),
        )
        return Response(schedule_data(work_package))


def calendar_data(work_package: WorkPackage) -> dict[str, Any]:
    choice = own_calendars.choice_of(work_package)
    return ScheduleCalendarSerializer(
        {
            "work_package": work_package.pk,
            "has_own_calendar": choice.available,
            "uses_own_calendar": choice.uses_own,
            "calendar": choice.current_name,
            "own_calendar": choice.own.describe() if choice.own else [],
            "programme_calendar": choice.programme.name,
            "target": choice.target,
            "moves": [move.as_json() for move in choice.moves],
            "unchanged": choice.unchanged,
            "finish_now": choice.old_finish,
            "finish_after": choice.new_finish,
            "version": choice.schedule.version if choice.schedule else None,
            "error": choice.error,
        }
    ).data


class ScheduleCalendarView(APIView):
    """The calendar a work package's schedule runs on: an imported file keeps its own. GET
    previews what applying the other calendar would move (task, old and new start and finish);
    POST applies it (``use``: ``programme`` or back to the ``file``'s own), PMO or the work
    package's manager only, audited, all or nothing."""

    @extend_schema(responses=ScheduleCalendarSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(calendar_data(_work_package(pk)))

    @extend_schema(request=ScheduleCalendarApplySerializer, responses=ScheduleCalendarSerializer)
    def post(self, request: Request, pk: int) -> Response:
        work_package = _work_package(pk)
        serializer = ScheduleCalendarApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.schedule_calendar_apply(
            actor=request.user,
            work_package=work_package,
            use=serializer.validated_data["use"],
            expected_version=serializer.validated_data.get("version"),
        )
        return Response(calendar_data(work_package))


class ScheduleExportView(APIView):
    """The schedule as Microsoft Project XML (MSPDI), with computed dates."""

    @extend_schema(
        responses={(200, "application/xml"): OpenApiResponse(response=OpenApiTypes.BINARY)}
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        work_package = _work_package(pk)
        response = HttpResponse(
            selectors.export_work_package_mspdi(work_package), content_type="application/xml"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{work_package.reference}-schedule.xml"'
        )
        return response


class ScheduleTaskCreateView(APIView):
    """Add a task or milestone to a work package's schedule."""

    @extend_schema(
        request=ScheduleTaskInputSerializer, responses={201: ScheduleTaskInputSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        work_package = _work_package(pk)
        serializer = ScheduleTaskInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.schedule_task_create(
            actor=request.user, work_package=work_package, **serializer.service_data()
        )
        return Response(ScheduleTaskInputSerializer(task).data, status=status.HTTP_201_CREATED)


class ScheduleTaskViewSet(
    ServiceUpdateMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Change or remove one task of a schedule."""

    serializer_class = ScheduleTaskInputSerializer

    def get_queryset(self) -> QuerySet[ScheduleTask]:
        return ScheduleTask.objects.select_related("schedule__work_package__strand__pillar")

    def update_with(
        self, actor: Any, instance: ScheduleTask, version: int | None, data: dict[str, Any]
    ) -> ScheduleTask:
        return services.schedule_task_update(
            actor=actor, task=instance, expected_version=version, **data
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.schedule_task_delete(actor=request.user, task=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MilestoneAchievedSerializer, responses=ScheduleTaskInputSerializer)
    @action(detail=True, methods=["post"], serializer_class=MilestoneAchievedSerializer)
    def achieved(self, request: Request, pk: str | None = None) -> Response:
        """Record the day a milestone was achieved, with its evidence (or correct it)."""
        serializer = MilestoneAchievedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        task = services.milestone_achieve(
            actor=request.user,
            task=self.get_object(),
            achieved_on=data["achieved_on"],
            evidence=data["evidence"],
            expected_version=data.get("version"),
        )
        return Response(ScheduleTaskInputSerializer(task).data)


class ScheduleLinkCreateView(APIView):
    """Link two tasks of a work package's schedule (a loop is refused, naming its tasks)."""

    @extend_schema(
        request=ScheduleLinkInputSerializer, responses={201: ScheduleLinkInputSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        _work_package(pk)
        serializer = ScheduleLinkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data["predecessor"].schedule.work_package_id != int(pk):
            raise ApiValidationError({"predecessor": ["Not a task of this work package."]})
        link = services.schedule_link_create(actor=request.user, **data)
        return Response(ScheduleLinkInputSerializer(link).data, status=status.HTTP_201_CREATED)


class ScheduleLinkViewSet(
    mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Read or remove one link."""

    serializer_class = ScheduleLinkInputSerializer

    def get_queryset(self) -> QuerySet[ScheduleLink]:
        return ScheduleLink.objects.select_related("schedule__work_package__strand__pillar")

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.schedule_link_delete(actor=request.user, link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.INT, description="Only this programme"),
            OpenApiParameter(
                "work_package", OpenApiTypes.INT, description="Either side is this work package"
            ),
            OpenApiParameter("status", OpenApiTypes.STR, description="open, at_risk, met, closed"),
        ]
    )
)
class InterdependencyViewSet(ServiceUpdateMixin, viewsets.ModelViewSet):
    """The interdependency register (RAID's dependencies). Writes: PMO and pillar sponsors."""

    serializer_class = InterdependencySerializer

    def get_queryset(self) -> QuerySet[Interdependency]:
        params = self.request.query_params
        criteria: dict[str, Any] = id_params(self.request, ("programme", "work_package"))
        if params.get("status"):
            criteria["status"] = params["status"]
        return selectors.interdependency_list(**criteria)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.interdependency_create(actor=request.user, **serializer.service_data())
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    def update_with(
        self, actor: Any, instance: Interdependency, version: int | None, data: dict[str, Any]
    ) -> Interdependency:
        return services.interdependency_update(
            actor=actor, interdependency=instance, expected_version=version, **data
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.interdependency_delete(actor=request.user, interdependency=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _programme_from(request: Request) -> Programme:
    return programme_in_scope_or_404(request, remember=False)


class ProgrammeScheduleView(APIView):
    """Every work package scheduled together, interdependencies included, and the critical path."""

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.INT, description="Default: the first")
        ],
        responses=ProgrammeScheduleSerializer,
    )
    def get(self, request: Request) -> Response:
        programme = _programme_from(request)
        view = selectors.programme_schedule(programme)
        return Response(
            ProgrammeScheduleSerializer(
                {
                    "programme": programme.pk,
                    "start": view.start,
                    "finish": view.finish,
                    "error": view.error,
                    "recalculating": view.recalculating,
                    "work_packages": [
                        {
                            "work_package": row.work_package.pk,
                            "reference": row.work_package.reference,
                            "name": row.work_package.name,
                            "start": row.start,
                            "finish": row.finish,
                            "late_start": row.late_start,
                            "late_finish": row.late_finish,
                            "total_slack_days": row.total_slack_days,
                            "critical": row.critical,
                            "stand_in": row.stand_in,
                        }
                        for row in view.rows
                    ],
                    "critical_path": [row.work_package.reference for row in view.critical_path],
                }
            ).data
        )


class ProgrammeScheduleExportView(APIView):
    """The whole programme as one Microsoft Project XML file (a summary task per work package)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.INT, description="Default: the first")
        ],
        responses={(200, "application/xml"): OpenApiResponse(response=OpenApiTypes.BINARY)},
    )
    def get(self, request: Request) -> HttpResponse:
        programme = _programme_from(request)
        response = HttpResponse(
            selectors.export_programme_mspdi(programme), content_type="application/xml"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{programme.short_name}-programme-schedule.xml"'
        )
        return response
