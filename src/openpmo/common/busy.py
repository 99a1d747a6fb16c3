"""A busy database: another change holds the lock past the wait, or the database gave up on this
transaction to keep two of them consistent. The change was rolled back; trying again works.

One test (``is_busy``) serves the one page handler (``web.middleware.BusyDatabaseMiddleware``)
and the API's exception handler, which both answer 503 "busy, try again" with ``Retry-After``.
"""

from __future__ import annotations

from django.db import OperationalError

__all__ = ["BUSY", "RETRY_AFTER_SECONDS", "is_busy"]

BUSY = "The database is busy with another change, so nothing was saved. Try again in a moment."
RETRY_AFTER_SECONDS = 5

# PostgreSQL: lock_not_available (lock_timeout, NOWAIT), serialization_failure, deadlock_detected.
_BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01"})
# SQLite says "database is locked" / "database table is locked" / "database is busy".
_BUSY_WORDS = ("locked", "busy", "deadlock", "lock timeout", "could not serialize")


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is the database being busy (rather than broken)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(error).lower()
    return any(word in text for word in _BUSY_WORDS)
