from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from openpmo.work import selectors

# The header's count is kept a minute per person, so a page's own queries stay its own (My work
# itself always reads afresh).
COUNT_SECONDS = 60


def cache_key(user: object) -> str:
    """Per person and per sign-in (a new sign-in starts afresh)."""
    signed_in = getattr(user, "last_login", None)
    return f"openpmo:my-work-count:{user.pk}:{signed_in.timestamp() if signed_in else 0}"  # type: ignore[attr-defined]


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
