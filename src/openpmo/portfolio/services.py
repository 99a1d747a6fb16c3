"""Every write to the programme register. Views, the API and the demo loader all call these.

Each function checks the actor's permission, validates, saves and writes the audit record in one
transaction: a refusal (``PermissionDenied``, ``ValidationError``, ``ConflictError``) changes
nothing. Updates take ``expected_version`` (the version the editor saw) so that two people saving
the same record at once cannot silently overwrite each other.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import apply_fields, lock_for_update, require, save_validated
from openpmo.portfolio.models import Pillar, Programme, Strand, StrategicPriority, WorkPackage

M = TypeVar("M", bound=models.Model)


def _create(
    *, actor: Any, instance: M, data: dict[str, Any], perm: str, perm_object: object, action: str
) -> M:
    require(actor, perm, perm_object)
    many_to_many = apply_fields(instance, data)
    save_validated(instance, many_to_many=many_to_many)
    audit_record(actor=actor, action=action, obj=instance, before=None, after=snapshot(instance))
    return instance


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
    if _substance(before) != _substance(after):
        audit_record(actor=actor, action=action, obj=instance, before=before, after=after)
    return instance


def _substance(data: dict[str, Any]) -> dict[str, Any]:
    """What a person changed: the values without the bookkeeping fields."""
    return {k: v for k, v in data.items() if k not in {"version", "updated_at"}}


@transaction.atomic
def programme_create(*, actor: Any, **data: Any) -> Programme:
    return _create(
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
def strategic_priority_create(
    *, actor: Any, programme: Programme, **data: Any
) -> StrategicPriority:
    return _create(
        actor=actor,
        instance=StrategicPriority(programme=programme),
        data=data,
        perm="portfolio.add_strategicpriority",
        perm_object=programme,
        action="strategic_priority.created",
    )


@transaction.atomic
def pillar_create(*, actor: Any, programme: Programme, **data: Any) -> Pillar:
    return _create(
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


@transaction.atomic
def strand_create(*, actor: Any, pillar: Pillar, **data: Any) -> Strand:
    return _create(
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


@transaction.atomic
def work_package_create(*, actor: Any, strand: Strand, **data: Any) -> WorkPackage:
    return _create(
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
    return _update(
        actor=actor,
        model=WorkPackage,
        pk=work_package.pk,
        data=data,
        perm="portfolio.change_workpackage",
        action="work_package.updated",
        expected_version=expected_version,
    )
