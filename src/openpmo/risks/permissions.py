"""Who may change the RAID register and run simulations (django-rules), checked in ``services.py``.

| action | who |
|---|---|
| add an item at a work package, strand or pillar; change it, escalate it, raise an issue from it | PMO, or the sponsor of that pillar |
| add or change a programme-level item | PMO |
| add or update an item's actions | as above, and the item's owner and the action's owner |
| escalate an item | as for changing it, and the item's owner |
| the matrix and the risk appetite | PMO |
| run a simulation of a work package | PMO, the pillar's sponsor, the work package's manager |
| run a simulation of the programme | PMO, any pillar sponsor |
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
from openpmo.portfolio.permissions import sponsors


def _pillar_of(obj: object) -> object | None:
    """The pillar an item, an action, a level row or a run sits under (``None``: programme)."""
    from openpmo.portfolio.models import Pillar, Strand, WorkPackage
    from openpmo.risks.models import RaidAction, RaidItem, SimulationRun

    if isinstance(obj, RaidAction):
        obj = obj.item
    if isinstance(obj, RaidItem):
        # A programme-level item (escalated or raised there) is the PMO's alone.
        return None if obj.level == "programme" else obj.pillar
    if isinstance(obj, SimulationRun):
        obj = obj.work_package
    if isinstance(obj, Pillar):
        return obj
    if isinstance(obj, Strand):
        return obj.pillar
    if isinstance(obj, WorkPackage):
        return obj.strand.pillar
    return None


def _pk(user: object) -> object:
    return getattr(user, "pk", None)


@rules.predicate
def sponsors_its_pillar(user: object, obj: object) -> bool:
    return sponsors(user, _pillar_of(obj))


@rules.predicate
def owns_the_item(user: object, obj: object) -> bool:
    from openpmo.risks.models import RaidAction

    item = obj.item if isinstance(obj, RaidAction) else obj
    return getattr(item, "owner_id", None) is not None and item.owner_id == _pk(user)  # type: ignore[union-attr]


@rules.predicate
def owns_the_action(user: object, obj: object) -> bool:
    from openpmo.risks.models import RaidAction

    return isinstance(obj, RaidAction) and obj.owner_id is not None and obj.owner_id == _pk(user)


@rules.predicate
def manages_the_work_package(user: object, obj: object) -> bool:
    from openpmo.portfolio.models import WorkPackage

    return isinstance(obj, WorkPackage) and obj.owner_id is not None and obj.owner_id == _pk(user)


sponsor_here = is_pillar_sponsor & sponsors_its_pillar
manages = is_pmo | sponsor_here

rules.add_perm("risks.view_raiditem", is_signed_in)
rules.add_perm("risks.add_raiditem", manages)
rules.add_perm("risks.change_raiditem", manages)
rules.add_perm("risks.escalate_raiditem", manages | (is_signed_in & owns_the_item))
rules.add_perm("risks.add_raidaction", manages | (is_signed_in & owns_the_item))
rules.add_perm(
    "risks.change_raidaction",
    manages | (is_signed_in & owns_the_item) | (is_signed_in & owns_the_action),
)
rules.add_perm("risks.change_riskmatrix", is_pmo)
rules.add_perm("risks.change_riskappetite", is_pmo)
rules.add_perm(
    "risks.run_simulation",
    is_pmo | sponsor_here | (is_work_package_manager & manages_the_work_package),
)
rules.add_perm("risks.run_programme_simulation", is_pmo | is_pillar_sponsor)
