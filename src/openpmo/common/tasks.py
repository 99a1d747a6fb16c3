"""Whether background work goes to a django-tasks queue (one rule for every app)."""

from __future__ import annotations

from django.conf import settings


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
