"""Background tasks of the delivery app (django-tasks); the worker (``manage.py db_worker``)
finds them by this module path."""

from __future__ import annotations

from django_tasks import task

from openpmo.delivery.stored_schedules import refresh
from openpmo.portfolio.models import Programme


@task()
def refresh_programme_schedule(programme_id: int) -> str:
    """Schedule the programme again and store the result (a no-op if it has gone)."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return "gone"
    return refresh(programme).fingerprint
