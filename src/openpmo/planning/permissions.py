"""Who may do what in portfolio planning (django-rules), checked inside ``services.py``.

| action | who |
|---|---|
| edit business drivers, weights, ratings; save scenarios | PMO |
| commit a scenario (funded / deferred / stopped) | PMO or Decision maker |
| view anything | any signed-in user |
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import is_decision_maker, is_pmo, is_signed_in

rules.add_perm("planning.view_scenario", is_signed_in)
rules.add_perm("planning.change_businessdriver", is_pmo)
rules.add_perm("planning.change_driverrating", is_pmo)
rules.add_perm("planning.add_scenario", is_pmo)
rules.add_perm("planning.commit_scenario", is_pmo | is_decision_maker)
