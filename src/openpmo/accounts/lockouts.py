"""Record each sign-in lockout in the audit trail.

django-axes tells of a lockout only through its ``user_locked_out`` signal, so this receiver is
the one place that writes it down: who was locked out (the account, when it exists), from which
address, and when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from openpmo.audit.models import AuditRecord
from openpmo.audit.services import audit_record


def record_lockout(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username or "").first()
    if user is None:
        return  # no account by that name: nothing to lock, and nothing to attach a record to
    cooloff_began = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    already = AuditRecord.objects.for_object(user).filter(
        action="account.locked_out", at__gte=cooloff_began
    )
    if already.exists():
        return  # one record per lockout, not one per refused attempt during it
    with transaction.atomic():
        audit_record(
            actor=None,
            action="account.locked_out",
            obj=user,
            before=None,
            after={"username": (username or "")[:150], "ip_address": ip_address or ""},
        )
