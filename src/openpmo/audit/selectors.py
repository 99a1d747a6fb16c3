"""Reading the audit trail."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from openpmo.audit.models import AuditRecord, AuditRecordQuerySet


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
