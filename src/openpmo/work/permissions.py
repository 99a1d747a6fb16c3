"""Who may do what with notifications (django-rules), checked inside ``services.py``.

| action | who |
|---|---|
| change their own notification settings | the person themselves |
| read the development mailbox | PMO |
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import is_pmo, is_signed_in


@rules.predicate
def is_this_person(user: object, obj: object) -> bool:
    return obj is not None and getattr(obj, "pk", None) == getattr(user, "pk", None)


rules.add_perm("work.change_notificationsetting", is_signed_in & is_this_person)
rules.add_perm("work.view_mailbox", is_pmo)
