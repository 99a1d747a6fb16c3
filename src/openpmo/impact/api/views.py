"""API of the slippage impact: what moves if a work package slips, and the benefits at risk;
the same read (``openpmo.impact.selectors``) as the page."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openpmo.common.api_params import id_param
from openpmo.delivery.selectors import Movement
from openpmo.impact import selectors
from openpmo.impact.api.serializers import SlippageImpactSerializer
from openpmo.portfolio.models import WorkPackage


def _work_package(pk: int) -> WorkPackage:
    return get_object_or_404(WorkPackage.objects.select_related("strand__pillar__programme"), pk=pk)


def _movement(m: Movement | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "work_package": m.work_package.pk,
        "reference": m.work_package.reference,
        "old_start": m.old_start,
        "new_start": m.new_start,
        "old_finish": m.old_finish,
        "new_finish": m.new_finish,
        "working_days": m.working_days,
        "calendar_days": m.calendar_days,
    }


class SlippageImpactView(APIView):
    """If a work package finishes N weeks later: which others move, by how much, which gate dates
    and benefit profiles are affected. Computed by rescheduling the programme and comparing."""

    @extend_schema(
        parameters=[
            OpenApiParameter("work_package", OpenApiTypes.INT, required=True),
            OpenApiParameter("weeks", OpenApiTypes.INT, required=True, description="1 to 260"),
        ],
        responses=SlippageImpactSerializer,
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        errors = {}
        try:
            work_package_id = id_param(
                request, "work_package", required=True, message="Give the id of a work package."
            )
        except ApiValidationError as error:
            errors.update(error.detail)  # type: ignore[arg-type]
        weeks_text = params.get("weeks", "")
        if not weeks_text.isdecimal() or not 1 <= int(weeks_text) <= 260:
            errors["weeks"] = ["Give a whole number of weeks from 1 to 260."]
        if errors:
            raise ApiValidationError(errors)
        work_package = _work_package(work_package_id)  # type: ignore[arg-type]
        impact = selectors.slippage_impact(
            work_package.strand.pillar.programme, work_package, int(weeks_text)
        )
        return Response(SlippageImpactSerializer(_answer(work_package, impact)).data)


def _answer(work_package: WorkPackage, impact: selectors.SlipImpact) -> dict[str, Any]:
    schedule = impact.schedule
    return {
        "work_package": work_package.pk,
        "weeks": schedule.weeks,
        "slipped": _movement(schedule.slipped),
        "moved": [_movement(m) for m in schedule.moved],
        "gates": [
            {
                "work_package": g.work_package.pk,
                "milestone": g.milestone.name,
                "gate": g.stage_label,
                "old_date": g.old_date,
                "new_date": g.new_date,
                "working_days": g.working_days,
            }
            for g in schedule.gates
        ],
        "benefits": None
        if impact.benefits is None
        else [
            {
                "benefit": b.benefit.pk,
                "reference": b.benefit.reference,
                "work_package": b.work_package.pk,
                "profile_start": b.profile_start,
                "new_finish": b.new_finish,
                "value_at_risk": b.value_at_risk,
                "unit": b.benefit.unit,
            }
            for b in impact.benefits
        ],
        "programme_finish_before": schedule.old_finish,
        "programme_finish_after": schedule.new_finish,
        "error": schedule.error,
    }
