from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from openpmo.work import selectors


def my_work_count(request: HttpRequest) -> dict[str, object]:
    """The number in the header's "My work" link, worked out only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_work_count": SimpleLazyObject(lambda: len(selectors.my_work(user)))}
