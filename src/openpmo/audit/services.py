"""Writing audit records. Every service that changes governed data calls ``audit_record``
inside its own transaction, so the change and its record are saved together or not at all."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from openpmo.audit.context import request_id_var
from openpmo.audit.models import AuditRecord


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The object's field values as JSON-ready data (many-to-many as sorted id lists)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = field.value_from_object(obj)
        data[field.attname if field.is_relation else field.name] = value
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if field.name not in exclude:
                data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    # A round trip through JSON gives exactly what the database will hold (dates as text,
    # Decimals as strings), so "before" and "after" compare like with like.
    return json.loads(json.dumps(data, cls=_Encoder))


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditRecord:
    """Record one change. Must be called inside the transaction that made the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    return AuditRecord.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        request_id=request_id_var.get(),
    )


# Fields a save changes by itself: an edit that changes only these changed nothing.
BOOKKEEPING = frozenset({"version", "updated_at", "created_at", "recorded_at"})


def audit_change(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> AuditRecord | None:
    """Record a change when there is one: always for something new (``before`` is None), and
    for an edit only when more than the bookkeeping fields differ (saving an unchanged form
    leaves no record)."""
    if before is not None and _substance(before) == _substance(after):
        return None
    return audit_record(actor=actor, action=action, obj=obj, before=before, after=after)


def _substance(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in BOOKKEEPING}
