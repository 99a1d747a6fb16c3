"""Per-person notification settings and the record of every notification (the outbox)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openpmo.common.models import Versioned
from openpmo.work.choices import Frequency, NotificationKind


class NotificationSetting(Versioned):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )

    def __str__(self) -> str:
        return f"{self.person}: {self.get_frequency_display()}"


class Notification(models.Model):
    """One message for one person: sent at once, held for the digest, or kept unsent (off).

    A reminder is recorded once per item per person per day (the unique constraint), so the
    daily job can run twice, or on two workers, and still send one reminder.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    item_key = models.CharField(max_length=80, help_text="What it is about, e.g. report:12")
    day = models.DateField(help_text="The local date it was made")
    subject = models.CharField(max_length=250)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(
        default=False, help_text="Not emailed: the person turned mail off"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "item_key", "day"],
                condition=Q(kind=NotificationKind.REMINDER),
                name="one_reminder_per_item_per_person_per_day",
            )
        ]
        indexes = [models.Index(fields=["recipient", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
