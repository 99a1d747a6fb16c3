"""Pages of the gates. Each write goes through ``services``; errors come back to the form (with
the GOV.UK error summary, status 400) and nothing is saved. Pages a role may not use answer 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openpmo.common.services import ConflictError
from openpmo.gates import charts, core_adapters, selectors, services
from openpmo.gates.choices import Outcome, ProtectedCharacteristic, RequestStatus
from openpmo.gates.forms import (
    AuthorityForm,
    BusinessCaseForm,
    ChecklistItemForm,
    CorrectionForm,
    DecisionForm,
    EqualityAssessmentForm,
    FundingDecisionForm,
    GateForm,
    GateRequestForm,
    OptionForm,
    QualityAssuranceForm,
    funding_text,
    lines_text,
)
from openpmo.gates.models import (
    BusinessCase,
    BusinessCaseOption,
    ChecklistItem,
    ConditionAction,
    Decision,
    EqualityImpactAssessment,
    Gate,
    GateRequest,
)
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.portfolio.selectors import programme_in_scope_or_404


def _save_form(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    template: str,
    context: dict[str, Any],
    success: str,
    target: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """Run ``save`` on valid input; show the form again with every error on refusal."""
    if form.is_valid():
        try:
            obj = save(form.service_data())
        except ValidationError as error:
            _add_errors(form, error)
        except ConflictError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success.format(obj=obj))
            return redirect(target(obj) if target else obj.get_absolute_url())
    return render(request, template, {**context, "form": form}, status=400)


def _add_errors(form: Any, error: ValidationError) -> None:
    """Service errors by field onto the form; a field the form lacks goes to the summary."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message if target else f"{_label(field)}: {message}")


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize() if field != "__all__" else "Problem"


def _programme(request: HttpRequest) -> Programme:
    return programme_in_scope_or_404(request)


# --- pipeline, decision log, actions -------------------------------------------------------------


def pipeline(request: HttpRequest) -> HttpResponse:
    """What waits at which gate, for how long and for how much."""
    programme = _programme(request)
    data = selectors.pipeline(programme)
    return render(
        request,
        "gates/pipeline.html",
        {
            "programme": data.programme,
            "pipeline": data,
            "chart": charts.pipeline_bars(data),
            "programmes": Programme.objects.all(),
            "can_configure": request.user.has_perm("gates.change_gate", programme),
            "has_gates": bool(data.queues),
        },
    )


def decision_log(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    outcome = request.GET.get("outcome", "")
    if outcome not in Outcome.values:
        outcome = ""
    page = Paginator(selectors.decision_log(programme=programme, outcome=outcome), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "gates/decision_log.html",
        {
            "programme": programme,
            "page": page,
            "outcome": outcome,
            "outcomes": Outcome.choices,
            "query": query.urlencode(),
            "can_record_funding": request.user.has_perm("gates.add_decision", programme),
        },
    )


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        decision = selectors.decision_get(pk)
    except Decision.DoesNotExist:
        raise Http404("No such decision") from None
    latest = selectors.current_decision(decision)
    authority = selectors.authority_limit_for(request.user, decision.programme)
    return render(
        request,
        "gates/decision_detail.html",
        {
            "decision": decision,
            "latest": latest,
            # Correcting needs the authority the decision itself needed.
            "can_correct": latest.pk == decision.pk
            and authority is not None
            and authority.covers(decision.released_total),
        },
    )


def decision_correct(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision, pk=pk)
    if not request.user.has_perm("gates.add_decision", decision):
        raise PermissionDenied("Only someone with delegated authority can correct a decision.")
    initial = {
        name: getattr(decision, name)
        for name in services.CORRECTABLE
        if name != "equality_assessment"
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    context = {"title": f"Correct the decision: {decision.subject}", "object": decision}
    if request.method != "POST":
        return render(request, "gates/form.html", {**context, "form": form})

    def save(data: dict[str, Any]) -> Decision:
        reason = data.pop("correction_reason")
        changed = {k: v for k, v in data.items() if v != initial.get(k)}
        return services.decision_correct(
            actor=request.user, decision=decision, correction_reason=reason, **changed
        )

    return _save_form(request, form, save, "gates/form.html", context, "Correction recorded")


def actions(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    rows = selectors.open_actions(programme=programme)
    return render(
        request,
        "gates/actions.html",
        {"programme": programme, "actions": rows, "today": timezone.localdate()},
    )


@require_POST
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ConditionAction, pk=pk)
    try:
        services.condition_action_complete(
            actor=request.user, action=action, note=request.POST.get("note", "")
        )
    except (ConflictError, ValidationError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "Action marked done")
    return redirect("gates:actions")


# --- a work package's gates ---------------------------------------------------------------


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
    work_package = get_object_or_404(
        WorkPackage.objects.select_related("strand__pillar__programme", "owner"), pk=pk
    )
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


def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    work_package = get_object_or_404(
        WorkPackage.objects.select_related("strand__pillar__programme"), pk=pk
    )
    if not request.user.has_perm("gates.add_gaterequest", work_package):
        raise PermissionDenied(
            "Only the PMO, the pillar's sponsor or the work package's manager can submit."
        )
    gate = selectors.next_gate_for(work_package)
    if gate is None:
        messages.error(request, f"{work_package} has no gate left to pass.")
        return redirect("gates:work-package", pk=pk)
    form = GateRequestForm(request.POST or None, work_package=work_package, gate=gate)
    latest = form.fields["business_case"].queryset.first()  # type: ignore[attr-defined]
    if latest is not None and not request.POST:
        form.initial["requested"] = funding_text(latest.requested_funding)
    context = {
        "title": f"Request the {gate} for {work_package.reference}",
        "object": work_package,
        "gate": gate,
        "work_package": work_package,
        "no_case": latest is None,
    }
    if request.method != "POST":
        return render(request, "gates/request_form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.gate_request_submit(
            actor=request.user,
            work_package=work_package,
            gate=gate,
            business_case=data["business_case"],
            requested=data["requested"],
        ),
        "gates/request_form.html",
        context,
        "Request submitted: the PMO will quality-assure it",
    )


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        gate_request = selectors.request_get(pk)
    except GateRequest.DoesNotExist:
        raise Http404("No such request") from None
    return render(request, "gates/request_detail.html", _request_context(request, gate_request))


def _request_context(
    request: HttpRequest, gate_request: GateRequest, **extra: Any
) -> dict[str, Any]:
    answers = gate_request.checklist_answers or {}
    user = request.user
    return {
        "gate_request": gate_request,
        "checklist": [
            (item, answers.get(str(item.pk), {})) for item in gate_request.gate.checklist.all()
        ],
        "can_quality_assure": gate_request.status == RequestStatus.SUBMITTED
        and user.has_perm("gates.quality_assure_gaterequest", gate_request),
        "can_decide": gate_request.status == RequestStatus.FORWARDED
        and user.has_perm("gates.add_decision", gate_request),
        "authority": selectors.authority_limit_for(user, gate_request.gate.programme),
        "qa_form": extra.pop("qa_form", None)
        or QualityAssuranceForm(initial={"version": gate_request.version}),
        **extra,
    }


def request_quality_assure(request: HttpRequest, pk: int) -> HttpResponse:
    gate_request = get_object_or_404(GateRequest, pk=pk)
    if not request.user.has_perm("gates.quality_assure_gaterequest", gate_request):
        raise PermissionDenied("Only the PMO quality-assures gate requests.")
    if request.method != "POST":
        return redirect(gate_request)
    form = QualityAssuranceForm(request.POST)
    if form.is_valid():
        try:
            services.gate_request_quality_assure(
                actor=request.user,
                gate_request=gate_request,
                forward=form.cleaned_data["decision"] == "forward",
                comments=form.cleaned_data["comments"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        except ConflictError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Quality assurance recorded")
            return redirect(gate_request)
    context = _request_context(request, selectors.request_get(pk), qa_form=form)
    return render(request, "gates/request_detail.html", context, status=400)


def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    gate_request = get_object_or_404(
        GateRequest.objects.select_related("gate__programme", "work_package"), pk=pk
    )
    if not request.user.has_perm("gates.add_decision", gate_request):
        raise PermissionDenied("Only someone with delegated authority can decide at a gate.")
    authority = selectors.authority_limit_for(request.user, gate_request.gate.programme)
    covered = authority is not None and authority.covers(gate_request.requested_total)
    initial = {
        "decided_on": timezone.localdate(),
        # What was asked, when the decider may release it; otherwise stage progress only.
        "released": funding_text(gate_request.requested) if covered else "",
        "decision_maker_title": ", ".join(
            p for p in (request.user.get_full_name(), getattr(request.user, "job_title", "")) if p
        ),
    }
    form = DecisionForm(request.POST or None, initial=initial)
    context = {
        "title": f"Decide: {gate_request}",
        "object": gate_request,
        "gate_request": gate_request,
        "authority": authority,
    }
    if request.method != "POST":
        return render(request, "gates/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.decision_record(
            actor=request.user, gate_request=gate_request, **data
        ),
        "gates/form.html",
        context,
        "Decision recorded: {obj}",
    )


def funding_decision_new(request: HttpRequest) -> HttpResponse:
    """The Cabinet Member for Finance records a drawdown approved outside any gate (§7.1), with
    its Forward Plan reference and S151 sign-off; the decision draws the money itself."""
    programme = _programme(request)
    if not request.user.has_perm("gates.add_decision", programme):
        raise PermissionDenied(
            "Only the Cabinet Member for Finance (the Decision maker role) approves drawdowns."
        )
    form = FundingDecisionForm(request.POST or None)
    context = {"title": f"Record a funding decision for {programme}", "object": None}
    if request.method != "POST":
        return render(request, "gates/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.funding_decision_record(
            actor=request.user, programme=programme, **data
        ),
        "gates/form.html",
        context,
        "Funding decision recorded: {obj}",
    )


# --- equality impact assessments ------------------------------------------------------------


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


# --- configuration --------------------------------------------------------------------------


def settings_page(request: HttpRequest) -> HttpResponse:
    """The programme's gates, their checklists and the delegated authority table."""
    programme = _programme(request)
    can_configure = request.user.has_perm("gates.change_gate", programme)
    return render(
        request,
        "gates/settings.html",
        {
            "programme": programme,
            "gates": selectors.gates_of(programme),
            "authorities": selectors.authority_table(programme),
            "can_configure": can_configure,
            "authority_form": AuthorityForm(),
            "item_form": ChecklistItemForm(),
            "gate_form": GateForm(),
        },
    )


def _configure(request: HttpRequest) -> Programme:
    programme = _programme(request)
    if not request.user.has_perm("gates.change_gate", programme):
        raise PermissionDenied("Only the PMO configures the gates.")
    return programme


def _back(programme: Programme) -> HttpResponse:
    from django.urls import reverse

    return redirect(f"{reverse('gates:settings')}?programme={programme.pk}")


@require_POST
def gates_defaults(request: HttpRequest) -> HttpResponse:
    programme = _configure(request)
    try:
        services.gates_create_defaults(actor=request.user, programme=programme)
    except (ConflictError, ValidationError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The default gates are in place")
    return _back(programme)


@require_POST
def authority_set(request: HttpRequest) -> HttpResponse:
    programme = _configure(request)
    form = AuthorityForm(request.POST)
    if form.is_valid():
        try:
            services.delegated_authority_set(
                actor=request.user, programme=programme, **form.service_data()
            )
        except (ValidationError, ConflictError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "Delegated authority saved")
    else:
        messages.error(request, "Choose a role and a limit of £0 or more.")
    return _back(programme)


@require_POST
def checklist_item_add(request: HttpRequest, gate_pk: int) -> HttpResponse:
    gate = get_object_or_404(Gate, pk=gate_pk)
    if not request.user.has_perm("gates.change_gate", gate):
        raise PermissionDenied("Only the PMO configures the gates.")
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_item_create(actor=request.user, gate=gate, **form.service_data())
        except (ValidationError, ConflictError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"Evidence added to the {gate}")
    else:
        messages.error(request, "Say what evidence the gate asks for.")
    return _back(gate.programme)


@require_POST
def checklist_item_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ChecklistItem.objects.select_related("gate__programme"), pk=pk)
    if not request.user.has_perm("gates.change_gate", item.gate):
        raise PermissionDenied("Only the PMO configures the gates.")
    try:
        services.checklist_item_update(actor=request.user, item=item, mandatory=not item.mandatory)
    except (ValidationError, ConflictError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request, f"“{item.text}” is now {'optional' if item.mandatory else 'mandatory'}"
        )
    return _back(item.gate.programme)


@require_POST
def gate_add(request: HttpRequest) -> HttpResponse:
    programme = _configure(request)
    form = GateForm(request.POST)
    if form.is_valid():
        try:
            services.gate_create(actor=request.user, programme=programme, **form.service_data())
        except (ValidationError, ConflictError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "Gate added")
    else:
        messages.error(request, "Give the gate a name and the stage it closes.")
    return _back(programme)


@require_POST
def gate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    gate = get_object_or_404(Gate.objects.select_related("programme"), pk=pk)
    if not request.user.has_perm("gates.change_gate", gate):
        raise PermissionDenied("Only the PMO configures the gates.")
    try:
        services.gate_remove(actor=request.user, gate=gate)
    except (ConflictError, ValidationError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The {gate} was removed")
    return _back(gate.programme)


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
