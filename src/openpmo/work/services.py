"""Writes of the work app: notification settings, notifications, and the daily reminder job.

Notifications are made *after* the change they report has committed (the domain services call
``notify_later``, which uses ``transaction.on_commit``), so a refused or rolled-back change never
mails anyone. Each person's setting decides what happens: sent at once, held for the daily
digest, or recorded without mail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openpmo.accounts.models import User
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import lock_for_update, require, save_validated
from openpmo.work import mail, selectors
from openpmo.work.choices import REMIND_DAYS_BEFORE, Frequency, NotificationKind
from openpmo.work.models import Notification, NotificationSetting

log = logging.getLogger(__name__)


@transaction.atomic
def notification_setting_set(
    *, actor: Any, person: User, frequency: str, expected_version: int | None = None
) -> NotificationSetting:
    require(actor, "work.change_notificationsetting", person)
    setting, _ = NotificationSetting.objects.get_or_create(person=person)
    setting = lock_for_update(NotificationSetting, setting.pk, expected_version=expected_version)
    before = snapshot(setting)
    setting.frequency = frequency
    save_validated(setting)
    audit_record(
        actor=actor,
        action="notification_setting.changed",
        obj=setting,
        before=before,
        after=snapshot(setting),
    )
    return setting


def _frequencies(people: Iterable[User]) -> dict[int, str]:
    ids = [p.pk for p in people]
    return dict(
        NotificationSetting.objects.filter(person_id__in=ids).values_list("person_id", "frequency")
    )


def _deliver(notification: Notification, frequency: str) -> None:
    """Send at once (immediate), hold for the digest (daily) or mark skipped (off)."""
    if frequency == Frequency.OFF or not notification.recipient.email:
        Notification.objects.filter(pk=notification.pk).update(skipped=True)
        return
    if frequency == Frequency.DAILY:
        return
    try:
        mail.send_one(notification)
    except OSError:
        # The mail server is down: keep it unsent; the daily job retries unsent messages.
        log.exception("Could not send notification %s", notification.pk)
        return
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    item_key: str,
    subject: str,
    body: str,
    link: str = "",
    exclude: User | None = None,
) -> list[Notification]:
    """Record a notification for each active recipient (once each) and deliver it."""
    people = {
        p.pk: p
        for p in recipients
        if p is not None and p.is_active and (exclude is None or p.pk != exclude.pk)
    }
    frequencies = _frequencies(people.values())
    today = timezone.localdate()
    made = []
    for person in people.values():
        notification = Notification.objects.create(
            recipient=person,
            kind=kind,
            item_key=item_key,
            day=today,
            subject=subject[:250],
            body=body,
            link=link,
        )
        _deliver(notification, frequencies.get(person.pk, Frequency.IMMEDIATE))
        made.append(notification)
    return made


def notify_later(build: Callable[[], None]) -> None:
    """Run ``build`` (which calls ``notify``) once the current transaction has committed.

    ``robust``: a failure is logged and never breaks the request whose change has committed."""
    transaction.on_commit(build, robust=True)


def _remind(person: User, item: selectors.WorkItem, today: dt.date) -> Notification | None:
    """One reminder per item per person per day: a second run finds it recorded and stops."""
    if item.overdue:
        subject = f"Overdue since {item.due:%d %B %Y}: {item.category} {item.title}"
    else:
        subject = f"Due {item.due:%d %B %Y}: {item.category} {item.title}"
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=person,
                kind=NotificationKind.REMINDER,
                item_key=item.key,
                day=today,
                subject=subject[:250],
                body=f"{item.category}: {item.title}.\n{subject.split(':')[0]}.",
                link=item.url,
            )
    except IntegrityError:
        return None


def reminders_send(*, today: dt.date | None = None) -> int:
    """The daily job: remind each person of what falls due within a few days or is overdue,
    then send the daily digests and retry anything a mail outage held back. Returns how many
    reminders it recorded (0 on a second run the same day)."""
    today = today or timezone.localdate()
    people = list(User.objects.filter(is_active=True).exclude(email=""))
    frequencies = _frequencies(people)
    made = 0
    for person in people:
        for item in selectors.my_work(person, today=today):
            if item.due is None or (item.due - today).days > REMIND_DAYS_BEFORE:
                continue
            notification = _remind(person, item, today)
            if notification is not None:
                made += 1
                _deliver(notification, frequencies.get(person.pk, Frequency.IMMEDIATE))
    digests_send(frequencies=frequencies)
    return made


def digests_send(*, frequencies: dict[int, str] | None = None) -> int:
    """Send everything held back: one digest per daily-digest person, retries for the rest."""
    pending = list(
        Notification.objects.filter(sent_at__isnull=True, skipped=False)
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    frequencies = frequencies or _frequencies({n.recipient for n in pending})
    by_person: dict[int, list[Notification]] = {}
    for notification in pending:
        by_person.setdefault(notification.recipient_id, []).append(notification)
    sent = 0
    for person_id, notifications in by_person.items():
        frequency = frequencies.get(person_id, Frequency.IMMEDIATE)
        if frequency == Frequency.OFF:
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(skipped=True)
            continue
        try:
            if frequency == Frequency.DAILY:
                mail.send_digest(notifications[0].recipient.email, notifications)
            else:
                for notification in notifications:
                    mail.send_one(notification)
        except OSError:
            log.exception("Could not send held notifications to person %s", person_id)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            sent_at=timezone.now()
        )
        sent += 1
    return sent
