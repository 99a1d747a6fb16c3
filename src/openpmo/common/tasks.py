"""Background work: whether it goes to a django-tasks queue, and queueing it (one rule for every
app)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils.module_loading import import_string


def task_queue_configured() -> bool:
    """True when tasks go to a django-tasks queue that a worker takes them from (``TASKS`` set,
    the app installed, and its default backend not the one that runs tasks inline)."""
    tasks = getattr(settings, "TASKS", None) or {}
    backend = str(tasks.get("default", {}).get("BACKEND", ""))
    return (
        "django_tasks" in settings.INSTALLED_APPS
        and bool(backend)
        and not backend.endswith(("ImmediateBackend", "DummyBackend"))
    )


def queue_on_commit(task_path: str, row: Model) -> bool:
    """Queue the task at ``task_path`` (imported only now: a task module is loaded only where a
    queue is configured) for ``row.pk`` once the current transaction commits (at once when none
    is open), and record the task's id on the row's ``task_id``; False when no task queue is
    configured, and the caller does the work here and now."""
    if not task_queue_configured():
        return False
    task: Any = import_string(task_path)

    def enqueue() -> None:
        result = task.enqueue(row.pk)
        type(row)._default_manager.filter(pk=row.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return True
