"""Queue the daily notification job unless a run is already waiting (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from openpmo.work.tasks import daily_notifications, next_run


class Command(BaseCommand):
    help = "Queue the daily reminders and digests for the background worker (once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", action="store_true", help="Run the job now, inline")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            made = daily_notifications.call(reschedule=False)
            self.stdout.write(f"{made} reminders recorded")
            return
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            task_path=daily_notifications.module_path, status="READY"
        ).exists()
        if waiting:
            self.stdout.write("The daily notification job is already queued")
            return
        daily_notifications.using(run_after=next_run(timezone.now())).enqueue()
        self.stdout.write("The daily notification job is queued")
