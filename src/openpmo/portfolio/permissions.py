"""Who may change the programme register (django-rules), checked inside ``services.py``.

| action | who |
|---|---|
| add/change programme, strategic priorities, pillars | PMO |
| change a pillar | PMO, or the sponsor of that pillar |
| add/change strands of a pillar | PMO, or the sponsor of that pillar |
| add work packages to a strand, change them | PMO, or the sponsor of the strand's pillar |
| change a work package | also its owner, when they hold the Work package manager role |
| move a work package to another pillar | PMO, or the sponsor of both pillars (checked on each) |
| change a work package's budget envelope | PMO, or the sponsor of its pillar |
| correct a work package's stage (with a reason) | PMO; otherwise stages move only by gate decisions |
| view anything | any signed-in user (Finance, Board, Decision maker, Viewer read only) |
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import (
    is_pillar_sponsor,
    is_pmo,
    is_signed_in,
    is_work_package_manager,
)


def _pillar_of(obj: object) -> object | None:
    from openpmo.portfolio.models import Pillar, Strand, WorkPackage

    if isinstance(obj, Pillar):
        return obj
    if isinstance(obj, Strand):
        return obj.pillar
    if isinstance(obj, WorkPackage):
        return obj.strand.pillar
    return None


def sponsors(user: object, pillar: object | None) -> bool:
    """The one "sponsor of this pillar" test: ``user`` is the pillar's named sponsor.

    Every app's rules ask this (after finding the pillar of their own object); the role check
    (``is_pillar_sponsor``) is separate, as someone may be named sponsor before holding the role.
    """
    user_id = getattr(user, "pk", None)
    return (
        pillar is not None
        and user_id is not None
        and getattr(pillar, "sponsor_id", None) == user_id
    )


@rules.predicate
def sponsors_this_pillar(user: object, obj: object) -> bool:
    return sponsors(user, _pillar_of(obj))


@rules.predicate
def owns_this_work_package(user: object, obj: object) -> bool:
    return getattr(obj, "owner_id", None) is not None and obj.owner_id == getattr(user, "pk", None)  # type: ignore[attr-defined]


pillar_sponsor_here = is_pillar_sponsor & sponsors_this_pillar
work_package_manager_here = is_work_package_manager & owns_this_work_package

rules.add_perm("portfolio.view_programme", is_signed_in)
rules.add_perm("portfolio.add_programme", is_pmo)
rules.add_perm("portfolio.change_programme", is_pmo)
rules.add_perm("portfolio.add_strategicpriority", is_pmo)
rules.add_perm("portfolio.change_strategicpriority", is_pmo)
rules.add_perm("portfolio.add_pillar", is_pmo)
rules.add_perm("portfolio.change_pillar", is_pmo | pillar_sponsor_here)
rules.add_perm("portfolio.add_strand", is_pmo | pillar_sponsor_here)
rules.add_perm("portfolio.change_strand", is_pmo | pillar_sponsor_here)
rules.add_perm("portfolio.add_workpackage", is_pmo | pillar_sponsor_here)
rules.add_perm(
    "portfolio.change_workpackage", is_pmo | pillar_sponsor_here | work_package_manager_here
)
# Governed fields of a work package: its manager may edit the rest, not these (issue 11).
rules.add_perm("portfolio.move_workpackage", is_pmo | pillar_sponsor_here)
rules.add_perm("portfolio.change_workpackage_envelope", is_pmo | pillar_sponsor_here)
rules.add_perm("portfolio.correct_workpackage_stage", is_pmo)
