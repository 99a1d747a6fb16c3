"""A work package's gates: its business cases and their options."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openpmo.common.services import ConflictError
from openpmo.gates import core_adapters, selectors, services
from openpmo.gates.choices import ProtectedCharacteristic
from openpmo.gates.forms import (
    BusinessCaseForm,
    OptionForm,
    lines_text,
)
from openpmo.gates.models import (
    BusinessCase,
    BusinessCaseOption,
    EqualityImpactAssessment,
    Gate,
)
from openpmo.gates.views._common import _programme, _save_form
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.selectors import work_package_or_404


def work_package_list(request: HttpRequest) -> HttpResponse:
    """Every work package with its stage, its next gate and any request waiting."""
    programme = _programme(request)
    return render(
        request,
        "gates/work_package_list.html",
        {"programme": programme, "rows": selectors.gate_readiness(programme)},
    )


def work_package_gates(request: HttpRequest, pk: int) -> HttpResponse:
    """A work package's gate history: the sequence, its requests and decisions, its cases."""
    work_package = work_package_or_404(pk)
    programme = work_package.strand.pillar.programme
    history = selectors.gate_history(work_package)
    next_gate = selectors.next_gate_for(work_package)
    passed = {
        r.gate_id
        for r in history
        for d in r.decisions.all()
        if d.corrects_id is None and d.is_approval
    }
    sequence = [
        {
            "gate": gate,
            "passed": gate.pk in passed,
            "next": next_gate is not None and gate.pk == next_gate.pk,
        }
        for gate in Gate.objects.filter(programme=programme)
    ]
    may_draft = request.user.has_perm("gates.add_businesscase", work_package)
    open_request = next((r for r in history if r.is_open), None)
    return render(
        request,
        "gates/work_package_gates.html",
        {
            "work_package": work_package,
            "history": history,
            "sequence": sequence,
            "next_gate": next_gate,
            "cases": selectors.business_cases_of(work_package),
            "may_draft": may_draft and next_gate is not None,
            "may_submit": may_draft and next_gate is not None and open_request is None,
            "open_request": open_request,
        },
    )


@require_POST
def business_case_create(request: HttpRequest, pk: int) -> HttpResponse:
    work_package = get_object_or_404(WorkPackage, pk=pk)
    try:
        case = services.business_case_create(actor=request.user, work_package=work_package)
    except (ConflictError, ValidationError) as error:
        messages.error(request, str(error))
        return redirect("gates:work-package", pk=pk)
    messages.success(request, f"Version {case.number} started as a draft")
    return redirect("gates:business-case-edit", pk=case.pk)


def _case_or_404(pk: int) -> BusinessCase:
    try:
        return selectors.business_case_get(pk)
    except BusinessCase.DoesNotExist:
        raise Http404("No such business case") from None


def business_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(pk)
    appraisal, appraisal_error = case.appraisal, ""
    if appraisal is None:
        try:
            appraisal = core_adapters.appraisal_of(case.base_year, case.options.all())
        except ValidationError as error:
            appraisal_error = "; ".join(error.messages)
    answers = case.checklist_answers or {}
    checklist = [(item, answers.get(str(item.pk), {})) for item in case.gate.checklist.all()]
    return render(
        request,
        "gates/business_case_detail.html",
        {
            "case": case,
            "appraisal": appraisal,
            "appraisal_error": appraisal_error,
            "checklist": checklist,
            "can_edit": case.is_draft and request.user.has_perm("gates.change_businesscase", case),
            "characteristics": _characteristic_labels(case.equality_assessment),
        },
    )


def _characteristic_labels(assessment: EqualityImpactAssessment | None) -> list[str]:
    if assessment is None:
        return []
    labels = dict(ProtectedCharacteristic.choices)
    return [str(labels.get(c, c)) for c in assessment.characteristics]


def business_case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(pk)
    if not request.user.has_perm("gates.change_businesscase", case):
        raise PermissionDenied(
            "Only the PMO, the pillar's sponsor or the work package's manager can edit it."
        )
    form = BusinessCaseForm(request.POST or None, case=case)
    context = {"title": f"Edit {case}", "object": case, "case": case}
    if request.method != "POST":
        return render(request, "gates/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.business_case_update(
            actor=request.user,
            business_case=case,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        "gates/form.html",
        context,
        "Business case {obj} saved",
    )


def option_edit(request: HttpRequest, pk: int, option_pk: int | None = None) -> HttpResponse:
    case = _case_or_404(pk)
    if not request.user.has_perm("gates.change_businesscase", case):
        raise PermissionDenied(
            "Only the PMO, the pillar's sponsor or the work package's manager can edit it."
        )
    option = (
        get_object_or_404(BusinessCaseOption, pk=option_pk, business_case=case)
        if option_pk
        else None
    )
    initial = {}
    if option is not None:
        initial = {
            "name": option.name,
            "description": option.description,
            "is_recommended": option.is_recommended,
            "costs": lines_text(option.costs),
            "benefits": lines_text(option.benefits),
            "optimism_bias": "\n".join(f"{k} | {v}" for k, v in option.optimism_bias.items()),
        }
    form = OptionForm(request.POST or None, initial=initial)
    title = f"Edit option {option}" if option else f"Add an option to {case}"
    context = {"title": title, "object": case}
    if request.method != "POST":
        return render(request, "gates/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.business_case_option_save(
            actor=request.user, business_case=case, option=option, **data
        ),
        "gates/form.html",
        context,
        "Option {obj} saved",
        target=lambda _obj: case.get_absolute_url(),
    )


@require_POST
def option_remove(request: HttpRequest, pk: int, option_pk: int) -> HttpResponse:
    case = _case_or_404(pk)
    option = get_object_or_404(BusinessCaseOption, pk=option_pk, business_case=case)
    try:
        services.business_case_option_remove(actor=request.user, option=option)
    except (ConflictError, ValidationError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"Option {option.name} removed")
    return redirect(case)
