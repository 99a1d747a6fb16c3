"""Something happened that waits for someone: the domain raises it, the work app tells people.

A domain service calls ``notice_raise(Notice.GATE_REQUEST_SUBMITTED, request)`` right after its
change. The work app, a layer above the domains, registers in its ``AppConfig.ready()`` what each
notice tells whom (``work/notifications.py``), so gates and reports never import work. Every
notice has its listener once the apps are ready; ``notice_raise`` refuses one nobody listens to, so
a notice that lost its listener fails a test instead of quietly mailing nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Notice(StrEnum):
    GATE_REQUEST_SUBMITTED = "gate_request.submitted"
    GATE_REQUEST_QUALITY_ASSURED = "gate_request.quality_assured"
    DECISION_RECORDED = "decision.recorded"
    REPORT_SUBMITTED = "report.submitted"
    REPORT_APPROVED = "report.approved"
    REPORT_RETURNED = "report.returned"


Listener = Callable[[Any], None]

_listeners: dict[Notice, Listener] = {}


def notice_listen(notice: Notice, listener: Listener) -> None:
    """``listener(subject)`` is called for each ``notice`` raised (one listener per notice)."""
    _listeners[notice] = listener


def notice_raise(notice: Notice, subject: Any) -> None:
    """Tell the listener of ``notice`` about ``subject`` (the request, decision or report)."""
    listener = _listeners.get(notice)
    if listener is None:
        raise ImproperlyConfigured(f"Nothing listens to the notice “{notice}” (work does).")
    listener(subject)
