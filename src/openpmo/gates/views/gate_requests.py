"""Gate requests: submitting, quality assurance, the decision, a funding decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from openpmo.common.services import ConflictError
from openpmo.gates import selectors, services
from openpmo.gates.choices import RequestStatus
from openpmo.gates.forms import (
    DecisionForm,
    FundingDecisionForm,
    GateRequestForm,
    QualityAssuranceForm,
    funding_text,
)
from openpmo.gates.models import (
    GateRequest,
)
from openpmo.gates.views._common import _add_errors, _programme, _save_form
from openpmo.portfolio.models import WorkPackage


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
