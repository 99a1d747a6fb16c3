from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from openpmo.audit.selectors import latest_change
from openpmo.work import selectors

# The header's count is kept per person under the state of the data (the latest audit record:
# every governed write is audited) and the day (what is overdue changes at midnight), so a
# decision or a submission shows in everyone's count at once; My work itself reads afresh.
COUNT_SECONDS = 300


def cache_key(user: object) -> str:
    """Per person, per sign-in (a new sign-in starts afresh), per day and per state of the data."""
    signed_in = getattr(user, "last_login", None)
    stamp = signed_in.timestamp() if signed_in else 0
    day = timezone.localdate()
    return f"openpmo:my-work-count:{user.pk}:{stamp}:{day:%Y%m%d}:{latest_change()}"  # type: ignore[attr-defined]


def _count(user: object) -> int:
    key = cache_key(user)
    count = cache.get(key)
    if count is None:
        count = len(selectors.my_work(user))  # type: ignore[arg-type]
        cache.set(key, count, COUNT_SECONDS)
    return count


def my_work_count(request: HttpRequest) -> dict[str, object]:
    """The number in the header's "My work" link, worked out only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_work_count": SimpleLazyObject(lambda: _count(user))}
