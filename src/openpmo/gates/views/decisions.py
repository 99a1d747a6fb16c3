"""The pipeline, the decision log, a decision and its correction, condition actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from openpmo.audit.selectors import latest_change
from openpmo.common.pages import page_of
from openpmo.common.services import ConflictError
from openpmo.gates import charts, selectors, services
from openpmo.gates.choices import Outcome
from openpmo.gates.forms import (
    CorrectionForm,
)
from openpmo.gates.models import (
    ConditionAction,
    Decision,
)
from openpmo.gates.views._common import _programme, _save_form
from openpmo.portfolio.models import Programme

PIPELINE_SECONDS = 300
"""how long the rendered pipeline is kept: its key holds the day and the latest audited write,
so a governed write (a request, a decision) shows at once in every process"""


def pipeline(request: HttpRequest) -> HttpResponse:
    """What waits at which gate, for how long and for how much."""
    programme = _programme(request)
    has_gates, body = _pipeline_body(programme)
    return render(
        request,
        "gates/pipeline.html",
        {
            "programme": programme,
            "body": mark_safe(body),  # noqa: S308 - our own template's output
            "programmes": Programme.objects.all(),
            "can_configure": request.user.has_perm("gates.change_gate", programme),
            "has_gates": has_gates,
        },
    )


def _pipeline_body(programme: Programme) -> tuple[bool, str]:
    """(whether the programme has gates, the rendered queues and chart): the same for everyone
    who may see the programme, so worked out once per day and state of the data, and kept."""
    key = f"gates:pipeline:{programme.pk}:{dt.date.today()}:{latest_change()}"
    kept = cache.get(key)
    if kept is None:
        data = selectors.pipeline(programme)
        body = ""
        if data.queues:
            context = {"programme": data.programme, "pipeline": data}
            body = render_to_string(
                "gates/_pipeline_body.html", context | {"chart": charts.pipeline_bars(data)}
            )
        kept = (bool(data.queues), body)
        cache.set(key, kept, PIPELINE_SECONDS)
    return kept


def decision_log(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    outcome = request.GET.get("outcome", "")
    if outcome not in Outcome.values:
        outcome = ""
    page, query = page_of(request, selectors.decision_log(programme=programme, outcome=outcome))
    return render(
        request,
        "gates/decision_log.html",
        {
            "programme": programme,
            "page": page,
            "outcome": outcome,
            "outcomes": Outcome.choices,
            "query": query,
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
