"""Who may do what at the gates (django-rules), checked inside ``services.py``.

| action | who |
|---|---|
| draft and edit a business case, submit a gate request | PMO, the sponsor of the work package's pillar, the work package's manager (the Business Analyst) |
| record an equality impact assessment | PMO, any Pillar sponsor or Work package manager |
| quality-assure a request (return with comments, forward) | PMO, not who submitted the request or wrote its case (separation of duties, per programme, on by default) |
| record a decision, correct one | a holder of a role in the programme's delegated authority table, within its limit (checked by the service against the amount); any money needs the Decision maker (§7.1); not who submitted the request or wrote its case |
| configure gates, checklists and delegated authority | PMO |
| complete a condition's action | PMO, or the action's owner |
| view anything | any signed-in user |
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import (
    is_pillar_sponsor,
    is_pmo,
    is_signed_in,
    is_work_package_manager,
)
from openpmo.portfolio.permissions import pillar_sponsor_here, work_package_manager_here


def _work_package_of(obj: object) -> object | None:
    from openpmo.gates.models import BusinessCase, GateRequest
    from openpmo.portfolio.models import WorkPackage

    if isinstance(obj, WorkPackage):
        return obj
    if isinstance(obj, BusinessCase | GateRequest):
        return obj.work_package
    return None


@rules.predicate
def sponsor_or_manager_of_its_work_package(user: object, obj: object) -> bool:
    work_package = _work_package_of(obj)
    return work_package is not None and bool(
        pillar_sponsor_here.test(user, work_package)
        or work_package_manager_here.test(user, work_package)
    )


@rules.predicate
def holds_delegated_authority(user: object, obj: object) -> bool:
    """The user holds a role that the programme's delegated authority table lists."""
    from openpmo.gates.selectors import authority_limit_for
    from openpmo.portfolio.models import Programme

    if isinstance(obj, Programme):
        programme = obj
    elif getattr(obj, "programme_id", None) is not None:
        programme = obj.programme  # type: ignore[attr-defined]
    elif getattr(obj, "gate_id", None) is not None:
        programme = obj.gate.programme  # type: ignore[attr-defined]
    else:
        return False
    return authority_limit_for(user, programme) is not None


@rules.predicate
def owns_this_action(user: object, obj: object) -> bool:
    return getattr(obj, "owner_id", None) is not None and obj.owner_id == getattr(user, "pk", None)  # type: ignore[attr-defined]


drafter_here = is_pmo | sponsor_or_manager_of_its_work_package

rules.add_perm("gates.view_gate", is_signed_in)
rules.add_perm("gates.add_businesscase", drafter_here)
rules.add_perm("gates.change_businesscase", drafter_here)
rules.add_perm("gates.add_gaterequest", drafter_here)
rules.add_perm("gates.quality_assure_gaterequest", is_pmo)
rules.add_perm("gates.add_decision", holds_delegated_authority)
rules.add_perm(
    "gates.add_equalityimpactassessment", is_pmo | is_pillar_sponsor | is_work_package_manager
)
rules.add_perm("gates.change_gate", is_pmo)
rules.add_perm("gates.change_delegatedauthority", is_pmo)
rules.add_perm("gates.change_conditionaction", is_pmo | owns_this_action)
