"""Audit records in words, for history pages: "Owner changed from Hannah Lewis to Aisha Khan",
not ``owner_id 10 → 12``. Field names become their labels, choices their display text, and the
ids of related records (people, strands, gates) their names, fetched in one query per model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from openpmo.audit.models import AuditRecord

# Bookkeeping fields nobody reads in a history.
HIDDEN = {"id", "version", "created_at", "updated_at", "snapshot", "snapshot_sha256"}


@dataclass
class Change:
    label: str
    before: str | None  # None: the field had no value before (or the record was created)
    after: str | None


@dataclass
class Entry:
    record: AuditRecord
    title: str
    who: str
    changes: list[Change] = field(default_factory=list)


def _title(action: str) -> str:
    """``work_package.updated`` -> "Work package updated"; ``gate.approved`` -> "Gate approved"."""
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _field_of(model: type[models.Model] | None, key: str) -> models.Field | None:
    """The model field a recorded key names; a key that is not a field but names a person
    (``decided_by``, as some records add) is read as one."""
    if model is not None:
        for candidate in model._meta.get_fields():
            if getattr(candidate, "attname", None) == key or candidate.name == key:
                return candidate if isinstance(candidate, models.Field) else None
    if key.endswith("_by"):
        return models.ForeignKey(
            get_user_model(),
            on_delete=models.PROTECT,
            name=key,
            verbose_name=key.replace("_", " "),
        )
    return None


def _plain(value: Any, model_field: models.Field | None) -> str | None:
    if value in (None, "", []):
        return None
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def describe(records: Iterable[AuditRecord]) -> list[Entry]:
    """Each record as a titled entry with its changes in words."""
    records = list(records)
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for record in records:
        model = ContentType.objects.get_for_id(record.content_type_id).model_class()
        for key, old, new in record.changes:
            target = _field_of(model, key)
            if target is not None and target.is_relation and target.related_model is not None:
                related = target.related_model
                for value in (old, new):
                    for item in value if isinstance(value, list) else [value]:
                        # Some records keep names, not ids (a person's groups): shown as written.
                        if item not in (None, "") and str(item).isdigit():
                            wanted[related].add(item)  # type: ignore[index]
    names = {
        related: {str(obj.pk): str(obj) for obj in related._default_manager.filter(pk__in=ids)}
        for related, ids in wanted.items()
    }
    entries = []
    for record in records:
        model = ContentType.objects.get_for_id(record.content_type_id).model_class()
        entry = Entry(
            record=record,
            title=_title(record.action),
            who=(record.actor.get_full_name() or record.actor.username)
            if record.actor
            else "The system (demo data or a background job)",
        )
        for key, old, new in record.changes:
            if key in HIDDEN:
                continue
            target = _field_of(model, key)
            label = str(getattr(target, "verbose_name", "") or key.removesuffix("_id"))
            label = label[:1].upper() + label[1:].replace("_", " ")
            if target is not None and target.is_relation and target.related_model is not None:
                known = names.get(target.related_model, {})  # type: ignore[arg-type]

                def name(value: Any, known: dict[str, str] = known) -> str | None:
                    if value in (None, "", []):
                        return None
                    if isinstance(value, list):
                        return ", ".join(known.get(str(v), f"#{v}") for v in value)
                    return known.get(str(value), f"#{value} (since removed)")

                entry.changes.append(Change(label, name(old), name(new)))
            else:
                entry.changes.append(Change(label, _plain(old, target), _plain(new, target)))
        entries.append(entry)
    return entries
