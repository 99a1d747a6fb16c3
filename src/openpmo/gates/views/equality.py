"""Equality impact assessments: the list, one assessment, a new one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from openpmo.gates import services
from openpmo.gates.forms import (
    EqualityAssessmentForm,
)
from openpmo.gates.models import (
    EqualityImpactAssessment,
)
from openpmo.gates.views._common import _programme, _save_form
from openpmo.gates.views.cases import _characteristic_labels


def assessment_list(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    rows = [
        (a, _characteristic_labels(a))
        for a in EqualityImpactAssessment.objects.filter(programme=programme)
    ]
    return render(
        request,
        "gates/assessment_list.html",
        {
            "programme": programme,
            "assessments": rows,
            "can_add": request.user.has_perm("gates.add_equalityimpactassessment", programme),
        },
    )


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(EqualityImpactAssessment, pk=pk)
    return render(
        request,
        "gates/assessment_detail.html",
        {
            "assessment": assessment,
            "characteristics": _characteristic_labels(assessment),
            "decisions": assessment.decisions.all(),
            "cases": assessment.business_cases.select_related("work_package"),
        },
    )


def assessment_create(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    if not request.user.has_perm("gates.add_equalityimpactassessment", programme):
        raise PermissionDenied("Your role does not record equality impact assessments.")
    form = EqualityAssessmentForm(request.POST or None)
    context = {"title": "Record an equality impact assessment"}
    if request.method != "POST":
        return render(request, "gates/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.equality_assessment_create(
            actor=request.user, programme=programme, **data
        ),
        "gates/form.html",
        context,
        "Assessment {obj} recorded",
    )
