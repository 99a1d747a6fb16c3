"""Who may change benefits data (django-rules), checked inside ``services.py``.

| action | who |
|---|---|
| add a benefit to a pillar, change it, edit its profile | PMO, or the sponsor of that pillar |
| record an actual, explain a shortfall | the benefit's owner or steady-state owner, or PMO |
| change the tracker's RAG thresholds | PMO |
| set the programme's MTFS savings line | PMO, or Finance |
| import from Excel | PMO or a pillar sponsor (each row is then checked as above) |
| view anything | any signed-in user |

The owner needs no particular role: owning the benefit is what lets them record its actuals
(a service manager who owns a benefit in "steady state" may hold only the Viewer role).
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import is_finance, is_pillar_sponsor, is_pmo, is_signed_in
from openpmo.portfolio.permissions import sponsors


def _pillar_of(obj: object) -> object | None:
    from openpmo.benefits.models import Benefit
    from openpmo.portfolio.models import Pillar

    if isinstance(obj, Pillar):
        return obj
    if isinstance(obj, Benefit):
        return obj.pillar
    return None


@rules.predicate
def sponsors_this_pillar(user: object, obj: object) -> bool:
    return sponsors(user, _pillar_of(obj))


@rules.predicate
def owns_this_benefit(user: object, obj: object) -> bool:
    user_id = getattr(user, "pk", None)
    if user_id is None or not getattr(user, "is_authenticated", False):
        return False
    return user_id in (getattr(obj, "owner_id", None), getattr(obj, "steady_state_owner_id", None))


pillar_sponsor_here = is_pillar_sponsor & sponsors_this_pillar

rules.add_perm("benefits.view_benefit", is_signed_in)
rules.add_perm("benefits.add_benefit", is_pmo | pillar_sponsor_here)
rules.add_perm("benefits.change_benefit", is_pmo | pillar_sponsor_here)
rules.add_perm("benefits.change_benefitprofile", is_pmo | pillar_sponsor_here)
rules.add_perm("benefits.record_actual", is_pmo | owns_this_benefit)
rules.add_perm("benefits.explain_shortfall", is_pmo | owns_this_benefit)
rules.add_perm("benefits.change_trackersettings", is_pmo)
rules.add_perm("benefits.change_savingsline", is_pmo | is_finance)
rules.add_perm("benefits.import_workbook", is_pmo | is_pillar_sponsor)
