from django.db import models


class Frequency(models.TextChoices):
    """How a person wants their notifications."""

    IMMEDIATE = "immediate", "Straight away, one email each"
    DAILY = "daily", "One daily digest email"
    OFF = "off", "No email (My work still lists everything)"


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    DECIDED = "decided", "Decided"
    APPROVED = "approved", "Approved"
    REMINDER = "reminder", "Reminder"
    INVITATION = "invitation", "Invitation"


# A reminder goes this many days before something falls due, and every day after until done.
REMIND_DAYS_BEFORE = 3
# My work lists actions and reports due within this many days (and everything overdue).
HORIZON_DAYS = 14
