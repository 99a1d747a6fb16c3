"""Every write to the programme register. Views, the API and the demo loader all call these.

Each function checks the actor's permission, validates, saves and writes the audit record in one
transaction: a refusal (``PermissionDenied``, ``ValidationError``, ``ConflictError``) changes
nothing. Updates take ``expected_version`` (the version the editor saw) so that two people saving
the same record at once cannot silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from openpmo.audit.services import audit_change, audit_record, snapshot
from openpmo.common.audited import audited_create
from openpmo.common.authority import DecisionAuthority
from openpmo.common.services import (
    SYSTEM,
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.models import Pillar, Programme, Strand, StrategicPriority, WorkPackage

M = TypeVar("M", bound=models.Model)


def _update(
    *,
    actor: Any,
    model: type[M],
    pk: Any,
    data: dict[str, Any],
    perm: str,
    action: str,
    expected_version: int | None,
) -> M:
    instance = lock_for_update(model, pk, expected_version=expected_version)
    require(actor, perm, instance)
    return _apply_update(actor=actor, instance=instance, data=data, perm=perm, action=action)


def _apply_update(*, actor: Any, instance: M, data: dict[str, Any], perm: str, action: str) -> M:
    """Change the locked ``instance`` (its permission checked) and audit what changed."""
    before = snapshot(instance)
    many_to_many = apply_fields(instance, data)
    # Checked again after the change: nobody may move a record where they could not edit it.
    require(
        actor,
        perm,
        instance,
        message="You cannot move this to a part of the programme you do not manage.",
    )
    save_validated(instance, many_to_many=many_to_many)
    after = snapshot(instance)
    audit_change(actor=actor, action=action, obj=instance, before=before, after=after)
    return instance


@transaction.atomic
def programme_create(*, actor: Any, **data: Any) -> Programme:
    return audited_create(
        actor=actor,
        instance=Programme(),
        data=data,
        perm="portfolio.add_programme",
        perm_object=None,
        action="programme.created",
    )


@transaction.atomic
def programme_update(
    *, actor: Any, programme: Programme, expected_version: int | None = None, **data: Any
) -> Programme:
    return _update(
        actor=actor,
        model=Programme,
        pk=programme.pk,
        data=data,
        perm="portfolio.change_programme",
        action="programme.updated",
        expected_version=expected_version,
    )


@transaction.atomic
def programme_separation_of_duties_set(
    *, actor: Any, programme: Programme, enabled: bool, reason: str
) -> Programme:
    """Switch the programme's separation of duties on or off (PMO only), saying why."""
    instance = lock_for_update(Programme, programme.pk)
    require(
        actor,
        "portfolio.change_programme",
        instance,
        message="Only the PMO can change the programme's separation of duties.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why separation of duties is switched on or off."})
    if instance.separation_of_duties == enabled:
        raise ValidationError(
            {"enabled": f"Separation of duties is already {'on' if enabled else 'off'}."}
        )
    before = {"separation_of_duties": instance.separation_of_duties}
    instance.separation_of_duties = enabled
    save_validated(instance)
    audit_record(
        actor=actor,
        action="programme.separation_of_duties_changed",
        obj=instance,
        before=before,
        after={"separation_of_duties": enabled, "reason": reason},
    )
    programme.separation_of_duties, programme.version = enabled, instance.version
    return instance


def separation_of_duties_require(
    *, actor: Any, programme: Programme, submitters: Iterable[Any], doing: str
) -> None:
    """Refuse ``actor`` ``doing`` (quality-assuring, approving, deciding) what they submitted
    themselves, while ``programme`` keeps duties separate (the default). The services of the
    gates and reports call this, so the pages and the API refuse alike."""
    actor_pk = getattr(actor, "pk", None)
    if actor_pk is None or not programme.separation_of_duties:
        return
    if any(getattr(person, "pk", person) == actor_pk for person in submitters if person):
        raise PermissionDenied(
            f"You submitted this, so someone else must {doing} it: {programme} keeps the "
            "duties of submitting and deciding apart (separation of duties)."
        )


@transaction.atomic
def strategic_priority_create(
    *, actor: Any, programme: Programme, **data: Any
) -> StrategicPriority:
    return audited_create(
        actor=actor,
        instance=StrategicPriority(programme=programme),
        data=data,
        perm="portfolio.add_strategicpriority",
        perm_object=programme,
        action="strategic_priority.created",
    )


@transaction.atomic
def pillar_create(*, actor: Any, programme: Programme, **data: Any) -> Pillar:
    return audited_create(
        actor=actor,
        instance=Pillar(programme=programme),
        data=data,
        perm="portfolio.add_pillar",
        perm_object=programme,
        action="pillar.created",
    )


@transaction.atomic
def pillar_update(
    *, actor: Any, pillar: Pillar, expected_version: int | None = None, **data: Any
) -> Pillar:
    return _update(
        actor=actor,
        model=Pillar,
        pk=pillar.pk,
        data=data,
        perm="portfolio.change_pillar",
        action="pillar.updated",
        expected_version=expected_version,
    )


def pillar_sponsorships_set(actor: Any, user: Any, pillars: Iterable[Pillar]) -> None:
    """Make ``user`` the sponsor of exactly ``pillars`` (each change is a pillar update, audited
    and permission-checked); the people pages call this through ``accounts.sponsorship``."""
    wanted = {p.pk for p in pillars}
    for pillar in Pillar.objects.filter(sponsor=user).exclude(pk__in=wanted):
        pillar_update(actor=actor, pillar=pillar, sponsor=None)
    for pillar in Pillar.objects.filter(pk__in=wanted).exclude(sponsor=user):
        pillar_update(actor=actor, pillar=pillar, sponsor=user)


@transaction.atomic
def strand_create(*, actor: Any, pillar: Pillar, **data: Any) -> Strand:
    return audited_create(
        actor=actor,
        instance=Strand(pillar=pillar),
        data=data,
        perm="portfolio.add_strand",
        perm_object=pillar,
        action="strand.created",
    )


@transaction.atomic
def strand_update(
    *, actor: Any, strand: Strand, expected_version: int | None = None, **data: Any
) -> Strand:
    return _update(
        actor=actor,
        model=Strand,
        pk=strand.pk,
        data=data,
        perm="portfolio.change_strand",
        action="strand.updated",
        expected_version=expected_version,
    )


STAGE_BY_GATE = (
    "The stage changes only through a gate decision: submit a gate request. The PMO can correct "
    "a stage that was recorded wrongly, giving the reason."
)


@transaction.atomic
def work_package_create(
    *, actor: Any, strand: Strand, from_existing_register: bool = False, **data: Any
) -> WorkPackage:
    """A new work package starts at Discovery: later stages are reached by passing gates. Only
    the system (the demo) or the PMO bringing in a programme's existing register (its packages
    already past some gates; ``from_existing_register``, audited as such) may create one at
    another stage."""
    stage = data.get("stage") or Stage.DISCOVERY
    if stage != Stage.DISCOVERY and actor is not SYSTEM:
        if not from_existing_register:
            raise ValidationError(
                {"stage": f"A new work package starts at {Stage.DISCOVERY.label}. {STAGE_BY_GATE}"}
            )
        require(
            actor,
            "portfolio.correct_workpackage_stage",
            strand,
            message="Only the PMO brings in an existing register with its packages' stages.",
        )
    return audited_create(
        actor=actor,
        instance=WorkPackage(strand=strand),
        data=data,
        perm="portfolio.add_workpackage",
        perm_object=strand,
        action="work_package.created",
    )


@transaction.atomic
def work_package_update(
    *, actor: Any, work_package: WorkPackage, expected_version: int | None = None, **data: Any
) -> WorkPackage:
    """Change a work package. Its stage is not changed here (gate decisions and the PMO's
    ``work_package_stage_correct`` move it); moving it to another pillar and changing its budget
    envelope need the PMO or the sponsor (of both pillars), each audited under its own code."""
    instance = lock_for_update(WorkPackage, work_package.pk, expected_version=expected_version)
    require(actor, "portfolio.change_workpackage", instance)
    governed = _governed_changes(actor, instance, data)
    updated = _apply_update(
        actor=actor,
        instance=instance,
        data=data,
        perm="portfolio.change_workpackage",
        action="work_package.updated",
    )
    for action, before, after in governed:
        audit_record(actor=actor, action=action, obj=updated, before=before, after=after)
    return updated


def _governed_changes(
    actor: Any, instance: WorkPackage, data: dict[str, Any]
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Refuse a change of stage, and a move or new envelope the actor may not make; return the
    audit records (action, before, after) of the governed changes allowed."""
    if "stage" in data and data["stage"] != instance.stage:
        raise ValidationError({"stage": STAGE_BY_GATE})
    changes = []
    strand = data.get("strand")
    old_pillar = instance.strand.pillar
    if isinstance(strand, Strand) and strand.pillar_id != old_pillar.pk:
        message = (
            "Only the PMO, or the sponsor of both pillars, can move a work package to another "
            "pillar."
        )
        require(actor, "portfolio.move_workpackage", old_pillar, message=message)
        require(actor, "portfolio.move_workpackage", strand.pillar, message=message)
        changes.append(
            (
                "work_package.moved",
                {"pillar": old_pillar.pk, "strand": instance.strand_id},
                {"pillar": strand.pillar_id, "strand": strand.pk},
            )
        )
    if "budget_envelope" in data and data["budget_envelope"] != instance.budget_envelope:
        require(
            actor,
            "portfolio.change_workpackage_envelope",
            instance,
            message="Only the PMO or the pillar's sponsor can change a work package's budget "
            "envelope.",
        )
        changes.append(
            (
                "work_package.envelope_changed",
                {"budget_envelope": _text(instance.budget_envelope)},
                {"budget_envelope": _text(data["budget_envelope"])},
            )
        )
    return changes


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def work_package_stage_correct(
    *,
    actor: Any,
    work_package: WorkPackage,
    stage: str,
    reason: str,
    expected_version: int | None = None,
) -> WorkPackage:
    """The PMO puts right a stage recorded wrongly, saying why (audited as a correction)."""
    instance = lock_for_update(WorkPackage, work_package.pk, expected_version=expected_version)
    require(
        actor,
        "portfolio.correct_workpackage_stage",
        instance,
        message="Only the PMO can correct a work package's stage; otherwise it moves through "
        "gate decisions.",
    )
    reason = (reason or "").strip()
    errors = {}
    if stage not in Stage.values:
        errors["stage"] = f"Choose one of: {', '.join(Stage.labels)}."
    elif stage == instance.stage:
        errors["stage"] = f"{instance.reference} is already at {instance.get_stage_display()}."
    if not reason:
        errors["reason"] = "Say why the stage is corrected (what was recorded wrongly)."
    if errors:
        raise ValidationError(errors)
    return _move_stage(
        actor=actor,
        instance=instance,
        stage=stage,
        action="work_package.stage_corrected",
        why={"reason": reason},
    )


@transaction.atomic
def work_package_stage_move(
    *, actor: Any, work_package: WorkPackage, stage: str, authority: DecisionAuthority
) -> WorkPackage:
    """Move a work package to ``stage`` by a gate decision (the gates app calls this once it has
    recorded the decision). The decider must hold delegated authority at the programme's gates,
    and a person can move a stage by their own decision only."""
    instance = lock_for_update(WorkPackage, work_package.pk)
    programme = instance.strand.pillar.programme
    decider = authority.decided_by
    if not getattr(decider, "is_active", False) or not decider.has_perm(
        "gates.add_decision", programme
    ):
        raise PermissionDenied(f"{decider} holds no delegated authority at {programme}'s gates.")
    if actor is not SYSTEM and getattr(actor, "pk", None) != decider.pk:
        raise PermissionDenied("A stage moves by the decider's own decision only.")
    if stage not in Stage.values:
        raise ValidationError({"stage": f"Choose one of: {', '.join(Stage.labels)}."})
    return _move_stage(
        actor=actor,
        instance=instance,
        stage=stage,
        action="work_package.stage_moved",
        why={
            "decision": authority.decision_id,
            "decided_by": decider.pk,
            "role": authority.role,
        },
    )


def _move_stage(
    *, actor: Any, instance: WorkPackage, stage: str, action: str, why: dict[str, Any]
) -> WorkPackage:
    before = {"stage": instance.stage}
    instance.stage = stage
    save_validated(instance)
    audit_record(
        actor=actor, action=action, obj=instance, before=before, after={"stage": stage, **why}
    )
    return instance
