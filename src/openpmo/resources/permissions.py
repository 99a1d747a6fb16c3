"""Who may change resources (django-rules), checked inside ``services.py``.

| action | who |
|---|---|
| roles, people, absences, suppliers, contracts | PMO |
| a work package's demand and sourcing | PMO, the sponsor of its pillar, or its manager |
| view anything, run what-ifs (nothing is saved) | any signed-in user |
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import is_pmo, is_signed_in
from openpmo.portfolio.permissions import pillar_sponsor_here, work_package_manager_here

rules.add_perm("resources.view", is_signed_in)
rules.add_perm("resources.manage_pool", is_pmo)
rules.add_perm("resources.manage_suppliers", is_pmo)
rules.add_perm("resources.change_demand", is_pmo | pillar_sponsor_here | work_package_manager_here)
