"""The one write path, shared by every domain's ``services.py``.

A service function checks permission (``require``), locks and checks the version of the row it
changes (``lock_for_update``), validates and saves (``save_validated``) and records the change
(``openpmo.audit.services.audit_record``) inside one ``transaction.atomic`` block, so a refusal
at any step leaves the database as it was.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models

M = TypeVar("M", bound=models.Model)


class ConflictError(Exception):
    """The change clashes with the current state (someone else saved first, already decided, …)."""


class _System:
    """The actor for changes the system makes itself (loading demo data, migrations of data).

    It may do anything; audit records show it as "System". Never used for a signed-in request.
    """

    is_authenticated = False
    is_active = True
    pk = None

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return True

    def __str__(self) -> str:
        return "System"


SYSTEM = _System()


def require(actor: Any, perm: str, obj: object = None, *, message: str = "") -> None:
    """Refuse with ``PermissionDenied`` unless ``actor`` holds ``perm`` on ``obj``."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(message or "Your role does not allow this action.")


def lock_for_update(model: type[M], pk: Any, *, expected_version: int | None = None) -> M:
    """Fetch and row-lock ``model`` ``pk``; refuse if it changed since the editor loaded it."""
    instance = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and getattr(instance, "version", None) != expected_version:
        raise ConflictError(
            f"{instance} was changed by someone else while you were editing it. "
            "Reload the page to see their changes, then make yours again."
        )
    return instance


def apply_fields(instance: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """Set the plain fields of ``data`` on ``instance``; return the many-to-many values apart."""
    many_to_many = {field.name for field in instance._meta.many_to_many}
    deferred: dict[str, Any] = {}
    for name, value in data.items():
        if name in many_to_many:
            deferred[name] = value
        else:
            setattr(instance, name, value)
    return deferred


def save_validated(instance: M, *, many_to_many: dict[str, Any] | None = None) -> M:
    """Validate (model rules, constraints) and save; bump ``version`` when the model has one."""
    instance.full_clean()
    if instance.pk is not None and hasattr(instance, "version"):
        instance.version += 1  # type: ignore[attr-defined]
    instance.save()
    for name, values in (many_to_many or {}).items():
        getattr(instance, name).set(values)
    return instance
