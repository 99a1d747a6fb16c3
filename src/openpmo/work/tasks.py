"""The daily notification job, run by the background worker (``manage.py db_worker``).

Each run sends the day's reminders and digests, then queues the next run for 07:00 tomorrow, so
one ``manage.py schedule_notifications`` (``make run`` does it) keeps it going. Running it twice
in a day sends nothing twice: reminders are recorded once per item per person per day.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from openpmo.work import services

RUN_AT = dt.time(7, 0)


def next_run(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    day = local.date() if local.time() < RUN_AT else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, RUN_AT))


@task()
def daily_notifications(reschedule: bool = True) -> int:
    made = services.reminders_send()
    if reschedule and daily_notifications.get_backend().supports_defer:
        daily_notifications.using(run_after=next_run(timezone.now())).enqueue()
    return made
