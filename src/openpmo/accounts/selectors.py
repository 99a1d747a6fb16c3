from __future__ import annotations

from django.db.models import QuerySet

from openpmo.accounts.models import User


def user_list() -> QuerySet[User]:
    return User.objects.prefetch_related("groups", "sponsored_pillars").order_by(
        "-is_active", "last_name", "first_name", "username"
    )
