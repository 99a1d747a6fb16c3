"""The gates' configuration: gates, checklist items and delegated authority."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openpmo.accounts.roles import Role
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import (
    ConflictError,
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.gates import selectors
from openpmo.gates.models import (
    ChecklistItem,
    DelegatedAuthority,
    Gate,
)
from openpmo.portfolio.models import Programme


def _check_sequence(programme: Programme) -> None:
    """Gates in order must close stages in order, so no gate can be reached out of turn."""
    stages = [
        selectors.STAGE_INDEX[stage]
        for stage in Gate.objects.filter(programme=programme)
        .order_by("order")
        .values_list("stage", flat=True)
    ]
    if stages != sorted(stages):
        raise ValidationError(
            {"order": "Gates must follow the stages in order: Discovery first, Closure last."}
        )


@transaction.atomic
def gate_create(
    *,
    actor: Any,
    programme: Programme,
    stage: str,
    name: str,
    order: int | None = None,
    purpose: str = "",
    requires_equality_assessment: bool = True,
) -> Gate:
    """Add a gate at the end of ``stage`` (e.g. put back a gate a programme left out)."""
    require(actor, "gates.change_gate", programme)
    Programme.objects.select_for_update().get(pk=programme.pk)
    if order is None:
        order = (
            Gate.objects.filter(programme=programme)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
            or 0
        ) + 1
    gate = save_validated(
        Gate(
            programme=programme,
            stage=stage,
            name=name,
            order=order,
            purpose=purpose,
            requires_equality_assessment=requires_equality_assessment,
        )
    )
    _check_sequence(programme)
    audit_record(actor=actor, action="gate.created", obj=gate, before=None, after=snapshot(gate))
    return gate


@transaction.atomic
def gate_remove(*, actor: Any, gate: Gate) -> None:
    """Take a gate out of the programme's sequence; refused once any request has used it."""
    instance = lock_for_update(Gate, gate.pk)
    require(actor, "gates.change_gate", instance)
    if instance.requests.exists() or instance.business_cases.exists():
        raise ConflictError(
            f"The {instance} has business cases or requests, so it stays in the record."
        )
    before = snapshot(instance)
    audit_record(actor=actor, action="gate.removed", obj=instance, before=before, after=None)
    instance.checklist.all().delete()
    instance.delete()


@transaction.atomic
def gate_update(
    *, actor: Any, gate: Gate, expected_version: int | None = None, **data: Any
) -> Gate:
    instance = lock_for_update(Gate, gate.pk, expected_version=expected_version)
    require(actor, "gates.change_gate", instance)
    unknown = set(data) - {"name", "purpose", "requires_equality_assessment"}
    if unknown:
        raise ValidationError(
            {"__all__": f"These cannot be changed here: {', '.join(sorted(unknown))}."}
        )
    before = snapshot(instance)
    apply_fields(instance, data)
    save_validated(instance)
    audit_record(
        actor=actor, action="gate.updated", obj=instance, before=before, after=snapshot(instance)
    )
    return instance


@transaction.atomic
def checklist_item_create(
    *, actor: Any, gate: Gate, text: str, mandatory: bool = True, order: int | None = None
) -> ChecklistItem:
    require(actor, "gates.change_gate", gate)
    if order is None:
        order = ChecklistItem.objects.filter(gate=gate).count() + 1
    item = save_validated(ChecklistItem(gate=gate, text=text, mandatory=mandatory, order=order))
    audit_record(
        actor=actor,
        action="gate.checklist_item_created",
        obj=item,
        before=None,
        after=snapshot(item),
    )
    return item


@transaction.atomic
def checklist_item_update(
    *, actor: Any, item: ChecklistItem, expected_version: int | None = None, **data: Any
) -> ChecklistItem:
    instance = lock_for_update(ChecklistItem, item.pk, expected_version=expected_version)
    require(actor, "gates.change_gate", instance.gate)
    before = snapshot(instance)
    apply_fields(instance, {k: v for k, v in data.items() if k in {"text", "mandatory", "order"}})
    save_validated(instance)
    audit_record(
        actor=actor,
        action="gate.checklist_item_updated",
        obj=instance,
        before=before,
        after=snapshot(instance),
    )
    return instance


@transaction.atomic
def delegated_authority_set(
    *, actor: Any, programme: Programme, role: str, limit: Decimal | None, note: str = ""
) -> DelegatedAuthority:
    """Create or change the row for ``role``: holders may release up to ``limit`` (None: no limit)."""
    require(actor, "gates.change_delegatedauthority", programme)

    if role not in {r.value for r in Role}:
        raise ValidationError({"role": f"{role!r} is not a role."})
    row = (
        DelegatedAuthority.objects.select_for_update()
        .filter(programme=programme, role=role)
        .first()
    )
    before = snapshot(row) if row is not None else None
    if row is None:
        row = DelegatedAuthority(programme=programme, role=role)
    row.limit = limit
    row.note = note
    save_validated(row)
    audit_record(
        actor=actor, action="delegated_authority.set", obj=row, before=before, after=snapshot(row)
    )
    return row


@transaction.atomic
def delegated_authority_remove(*, actor: Any, authority: DelegatedAuthority) -> None:
    row = lock_for_update(DelegatedAuthority, authority.pk)
    require(actor, "gates.change_delegatedauthority", row.programme)
    before = snapshot(row)
    audit_record(
        actor=actor, action="delegated_authority.removed", obj=row, before=before, after=None
    )
    row.delete()
