"""The gates' settings page: default gates, authority, checklist items, gates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openpmo.common.services import ConflictError
from openpmo.gates import selectors, services
from openpmo.gates.forms import (
    AuthorityForm,
    ChecklistItemForm,
    GateForm,
)
from openpmo.gates.models import (
    ChecklistItem,
    Gate,
)
from openpmo.gates.views._common import _programme
from openpmo.portfolio.models import Programme


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
