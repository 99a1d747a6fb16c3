"""The interdependency register: create, update and delete."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openpmo.audit.services import audit_change, audit_record, snapshot
from openpmo.common.services import apply_fields, lock_for_update, require, save_validated
from openpmo.delivery import stored_schedules
from openpmo.delivery.models import (
    Interdependency,
)
from openpmo.delivery.services._common import (
    _check_programme_schedules,
)
from openpmo.portfolio.models import Programme


def _programme_of_dependency(dependency: Interdependency) -> Programme:
    return dependency.from_work_package.strand.pillar.programme


@transaction.atomic
def interdependency_create(*, actor: Any, **data: Any) -> Interdependency:
    """Record that one work package needs another. It feeds the programme schedule at once; one
    that would make the programme loop is refused, naming the loop."""
    dependency = Interdependency()
    apply_fields(dependency, data)
    require(
        actor,
        "delivery.change_interdependency",
        dependency,
        message="Only the PMO or the sponsor of either work package's pillar can record this.",
    )
    save_validated(dependency)
    _check_programme_schedules(_programme_of_dependency(dependency))
    audit_record(
        actor=actor,
        action="interdependency.created",
        obj=dependency,
        before=None,
        after=snapshot(dependency),
    )
    return dependency


@transaction.atomic
def interdependency_update(
    *,
    actor: Any,
    interdependency: Interdependency,
    expected_version: int | None = None,
    **data: Any,
) -> Interdependency:
    dependency = lock_for_update(
        Interdependency, interdependency.pk, expected_version=expected_version
    )
    require(actor, "delivery.change_interdependency", dependency)
    before = snapshot(dependency)
    apply_fields(dependency, data)
    require(
        actor,
        "delivery.change_interdependency",
        dependency,
        message="You cannot move this to work packages whose pillars you do not sponsor.",
    )
    save_validated(dependency)
    _check_programme_schedules(_programme_of_dependency(dependency))
    after = snapshot(dependency)
    audit_change(
        actor=actor,
        action="interdependency.updated",
        obj=dependency,
        before=before,
        after=after,
    )
    return dependency


@transaction.atomic
def interdependency_delete(
    *, actor: Any, interdependency: Interdependency, expected_version: int | None = None
) -> None:
    """Remove a record entered in error (to end one that no longer applies, close it)."""
    dependency = lock_for_update(
        Interdependency, interdependency.pk, expected_version=expected_version
    )
    require(actor, "delivery.change_interdependency", dependency)
    audit_record(
        actor=actor,
        action="interdependency.deleted",
        obj=dependency,
        before=snapshot(dependency),
        after=None,
    )
    programme = _programme_of_dependency(dependency)
    dependency.delete()
    stored_schedules.refresh_later(programme)
