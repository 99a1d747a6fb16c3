"""Sending one notification, or a digest of several, through Django's email framework."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage

from openpmo.work.models import Notification

SIGNATURE = (
    "\n\n--\nOpenPMO. Change how often you get these emails under My work, then "
    "Notification settings: {base}/my-work/settings/\n"
)


def absolute(link: str) -> str:
    return f"{settings.OPENPMO_BASE_URL}{link}" if link.startswith("/") else link


def _text(notification: Notification) -> str:
    link = f"\n\n{absolute(notification.link)}" if notification.link else ""
    return f"{notification.body}{link}"


def send_one(notification: Notification) -> None:
    EmailMessage(
        subject=f"[OpenPMO] {notification.subject}",
        body=_text(notification) + SIGNATURE.format(base=settings.OPENPMO_BASE_URL),
        to=[notification.recipient.email],
    ).send()


def send_digest(recipient_email: str, notifications: Sequence[Notification]) -> None:
    parts = [f"{i}. {n.subject}\n{_text(n)}" for i, n in enumerate(notifications, start=1)]
    EmailMessage(
        subject=f"[OpenPMO] Your daily digest: {len(notifications)} items",
        body="\n\n".join(parts) + SIGNATURE.format(base=settings.OPENPMO_BASE_URL),
        to=[recipient_email],
    ).send()
