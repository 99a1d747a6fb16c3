"""Correcting a recorded decision, and completing the actions its conditions set."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from openpmo.accounts.models import User
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import (
    ConflictError,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.gates.choices import (
    ActionStatus,
)
from openpmo.gates.models import (
    ConditionAction,
    Decision,
)
from openpmo.gates.services.decisions import _authority, _check_dates

CORRECTABLE = {
    "subject",
    "decided_on",
    "forward_plan_reference",
    "decision_maker_title",
    "s151_officer",
    "s151_consulted_on",
    "monitoring_officer",
    "monitoring_officer_consulted_on",
    "equality_assessment",
    "rationale",
}


def decision_correct(
    *, actor: Any, decision: Decision, correction_reason: str, **changes: Any
) -> Decision:
    """Correct a recorded decision's particulars with a new decision that names it.

    The original is never changed. The outcome and the money cannot be corrected: they moved a
    work package and the reserve, so changing them is a new request and a new decision.
    """
    try:
        with transaction.atomic():
            return _decision_correct(
                actor=actor, decision=decision, correction_reason=correction_reason, changes=changes
            )
    except IntegrityError as error:
        if Decision.objects.filter(corrects_id=decision.pk).exists():
            raise ConflictError("This decision has just been corrected by someone else.") from error
        raise


def _decision_correct(
    *, actor: Any, decision: Decision, correction_reason: str, changes: dict[str, Any]
) -> Decision:
    original = Decision.objects.select_for_update().get(pk=decision.pk)
    fixed = {"outcome", "released", "released_total", "gate_request", "work_package", "gate"}
    if set(changes) & fixed:
        raise ValidationError(
            {
                "__all__": "The outcome and the money released cannot be corrected: they moved the "
                "work package and the reserve. Submit a new gate request for a new decision."
            }
        )
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise ValidationError({"__all__": f"Unknown fields: {', '.join(sorted(unknown))}."})
    if Decision.objects.filter(corrects=original).exists():
        raise ConflictError(
            "This decision has already been corrected: correct the latest correction."
        )
    if not (correction_reason or "").strip():
        raise ValidationError({"correction_reason": "Say what was wrong and why it is corrected."})
    if not isinstance(actor, User):
        raise PermissionDenied("Sign in to correct a decision.")
    authority = _authority(actor, original.programme, original.released_total)
    values = {name: getattr(original, name) for name in CORRECTABLE}
    values.update({k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()})
    if values == {name: getattr(original, name) for name in CORRECTABLE}:
        raise ValidationError({"__all__": "Nothing was changed, so there is nothing to correct."})
    _check_dates(
        values["decided_on"],
        {
            "s151_consulted_on": values["s151_consulted_on"],
            "monitoring_officer_consulted_on": values["monitoring_officer_consulted_on"],
        },
        timezone.localdate(),
    )
    correction = Decision(
        programme=original.programme,
        gate_request=original.gate_request,
        work_package=original.work_package,
        gate=original.gate,
        outcome=original.outcome,
        decided_by=original.decided_by,
        authority_role=original.authority_role,
        released_total=original.released_total,
        stage_before=original.stage_before,
        stage_after=original.stage_after,
        corrects=original,
        correction_reason=correction_reason.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
        is_illustrative=original.is_illustrative,
        **values,
    )
    correction.full_clean(validate_constraints=False)
    correction.save()
    audit_record(
        actor=actor,
        action="gate.decision_corrected",
        obj=correction,
        before=snapshot(original),
        after={**snapshot(correction), "corrected_with_authority_of": authority.role},
    )
    return correction


@transaction.atomic
def condition_action_complete(
    *, actor: Any, action: ConditionAction, note: str = "", expected_version: int | None = None
) -> ConditionAction:
    instance = lock_for_update(ConditionAction, action.pk, expected_version=expected_version)
    require(actor, "gates.change_conditionaction", instance)
    if instance.status == ActionStatus.DONE:
        raise ConflictError("This action is already done.")
    before = snapshot(instance)
    instance.status = ActionStatus.DONE
    instance.completed_at = timezone.now()
    instance.completed_by = actor if isinstance(actor, User) else None
    instance.completion_note = (note or "").strip()
    save_validated(instance)
    audit_record(
        actor=actor,
        action="gate.condition_action_completed",
        obj=instance,
        before=before,
        after=snapshot(instance),
    )
    return instance
