"""Audited create and update: the plain write every app's services make when a record needs no
more than its permission, its fields, validation and an audit record (one transaction is the
caller's ``@transaction.atomic``)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import apply_fields, lock_for_update, require, save_validated

M = TypeVar("M", bound=models.Model)


def audited_create(
    *, actor: Any, instance: M, data: dict[str, Any], perm: str, perm_object: object, action: str
) -> M:
    """Check ``perm`` on ``perm_object``, fill ``instance`` from ``data``, validate, save and
    audit it as new."""
    require(actor, perm, perm_object)
    many_to_many = apply_fields(instance, data)
    save_validated(instance, many_to_many=many_to_many)
    audit_record(actor=actor, action=action, obj=instance, before=None, after=snapshot(instance))
    return instance


def audited_update(
    *,
    actor: Any,
    model: type[M],
    pk: Any,
    data: dict[str, Any],
    perm: str,
    action: str,
    expected_version: int | None,
) -> M:
    """Lock the row (refusing a stale ``expected_version``), check ``perm`` on it, change it from
    ``data``, validate, save and audit the before and after."""
    instance = lock_for_update(model, pk, expected_version=expected_version)
    require(actor, perm, instance)
    before = snapshot(instance)
    many_to_many = apply_fields(instance, data)
    save_validated(instance, many_to_many=many_to_many)
    audit_record(actor=actor, action=action, obj=instance, before=before, after=snapshot(instance))
    return instance
