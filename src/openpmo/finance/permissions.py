"""Who may change finance data (django-rules), checked inside ``services.py``.

| action | who |
|---|---|
| record contributions and returns of unspent funds | Finance, Decision maker |
| draw money out (drawdowns, withdrawals) | only by a decision of the Cabinet Member for Finance (§7.1), which the gates app records and passes as a ``DecisionAuthority``; the services refuse any other |
| let a drawdown take the reserve past zero (with a reason) | Decision maker |
| set up a reserve, its stated figures; a team cost plan | Finance |
| flex a team cost plan (FTE, dates) | Finance |
| create an appraisal | Finance, PMO, Pillar sponsor, Work package manager |
| record actual spend (entered or imported) | Finance |
| forecast a work package's spend | Finance, PMO, the pillar's sponsor, the work package's manager |
| view anything | any signed-in user |
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import (
    is_decision_maker,
    is_finance,
    is_pillar_sponsor,
    is_pmo,
    is_signed_in,
    is_work_package_manager,
)
from openpmo.portfolio.permissions import pillar_sponsor_here, work_package_manager_here

rules.add_perm("finance.view_finance", is_signed_in)
rules.add_perm("finance.add_reserve", is_finance)
rules.add_perm("finance.change_reserve", is_finance)
rules.add_perm("finance.add_reserveentry", is_finance | is_decision_maker)
rules.add_perm("finance.override_reserve", is_decision_maker)
rules.add_perm("finance.add_teamcostplan", is_finance)
rules.add_perm("finance.change_teamcostplan", is_finance)
rules.add_perm(
    "finance.add_appraisal", is_finance | is_pmo | is_pillar_sponsor | is_work_package_manager
)
rules.add_perm("finance.add_workpackagespend", is_finance)
rules.add_perm(
    "finance.change_workpackageforecast",
    is_finance | is_pmo | pillar_sponsor_here | work_package_manager_here,
)
