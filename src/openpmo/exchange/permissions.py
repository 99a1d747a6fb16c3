"""Who may move registers in and out of Excel (django-rules), checked inside ``services.py``.

| action | who |
|---|---|
| import a programme register (creates and changes pillars, strands, work packages) | PMO |
| export any register | any signed-in user (the same people who can read it) |
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import is_pmo, is_signed_in

rules.add_perm("exchange.add_importbatch", is_pmo)
rules.add_perm("exchange.export_register", is_signed_in)
