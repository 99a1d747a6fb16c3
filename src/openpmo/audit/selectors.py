"""Reading the audit trail."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from openpmo.audit.models import AuditRecord, AuditRecordQuerySet

M = TypeVar("M", bound=models.Model)


def latest_change() -> int:
    """The id of the latest audit record (0 when there is none). Every governed write is
    audited, so a page's figures cached under this number are the figures of today's data in
    every process: a new write makes a new number. One query on the primary key."""
    return AuditRecord.objects.aggregate(latest=models.Max("id"))["latest"] or 0


def audit_history_for(obj: models.Model) -> AuditRecordQuerySet:
    """Every record about ``obj``, newest first, with the actor fetched in the same query."""
    return AuditRecord.objects.for_object(obj).select_related("actor")


def audit_list(*, action_prefix: str = "", actor_id: int | None = None) -> AuditRecordQuerySet:
    records = AuditRecord.objects.select_related("actor", "content_type")
    if action_prefix:
        records = records.filter(action__startswith=action_prefix)
    if actor_id:
        records = records.filter(actor_id=actor_id)
    return records


def audited_object(app_label: str, model: str, pk: str) -> models.Model:
    content_type = ContentType.objects.get_by_natural_key(app_label, model)
    return content_type.get_object_for_this_type(pk=pk)


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the council's time zone: what was recorded before it
    was known by the end of that day."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def changes_after(
    model: type[models.Model],
    fields: Sequence[str],
    as_at: dt.date,
    ids: Iterable[Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """For each object of ``model`` (of ``ids`` when given) changed after the end of ``as_at``,
    the stored value each of ``fields`` had then: the "before" of the first change recorded
    after it, as the audit trail holds it (text for dates and money), keyed by the object's id
    as text. Creations are not changes: they wind nothing back. One query."""
    meta = model._meta
    keys = {name: meta.get_field(name).attname for name in fields}
    records = AuditRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        at__gte=end_of_day(as_at),
        before__isnull=False,
    )
    if ids is not None:
        records = records.filter(object_id__in=[str(pk) for pk in ids])
    found: dict[str, dict[str, Any]] = {}
    # Newest first, so the earliest change after the day is applied last and wins.
    for object_id, before in records.order_by("-at", "-id").values_list("object_id", "before"):
        if not isinstance(before, dict):
            continue
        values = found.setdefault(object_id, {})
        for name, key in keys.items():
            if key in before:
                values[name] = before[key]
    return found


def values_as_at(
    objects: Iterable[M], fields: Sequence[str], as_at: dt.date
) -> dict[Any, dict[str, Any]]:
    """The value each of ``fields`` of each object had at the end of ``as_at``, by primary key.

    A field holding only its current value is wound back through the audit trail: its value at
    the end of the day is the "before" of the first change recorded after it, or the current value
    when nothing changed it since. A creation recorded later winds nothing back (data loaded or
    imported after the fact describes the past as it was given). One query for all the objects.
    """
    rows = list(objects)
    result: dict[Any, dict[str, Any]] = {
        obj.pk: {name: getattr(obj, obj._meta.get_field(name).attname) for name in fields}
        for obj in rows
    }
    if not rows:
        return result
    meta = rows[0]._meta
    changed = changes_after(type(rows[0]), fields, as_at, [obj.pk for obj in rows])
    for obj in rows:
        for name, raw in changed.get(str(obj.pk), {}).items():
            result[obj.pk][name] = meta.get_field(name).to_python(raw)
    return result


def as_at_copies(objects: Iterable[M], fields: Sequence[str], as_at: dt.date) -> list[M]:
    """``objects`` with ``fields`` as they stood at the end of ``as_at`` (see ``values_as_at``):
    a copy of each object that has changed since, the object itself otherwise (none is
    modified, so treat them as read-only)."""
    rows = list(objects)
    if not rows:
        return rows
    meta = rows[0]._meta
    changed = changes_after(type(rows[0]), fields, as_at, [obj.pk for obj in rows])
    result = []
    for obj in rows:
        then = changed.get(str(obj.pk))
        if not then:
            result.append(obj)
            continue
        twin = copy.copy(obj)
        twin._state = copy.copy(obj._state)
        twin._state.fields_cache = dict(obj._state.fields_cache)
        for name, raw in then.items():
            field = meta.get_field(name)
            value = field.to_python(raw)
            if getattr(obj, field.attname) != value:
                setattr(twin, field.attname, value)
                if field.is_relation:
                    twin._state.fields_cache.pop(name, None)
        result.append(twin)
    return result
