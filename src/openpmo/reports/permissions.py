"""Who may write and decide reports (django-rules), checked inside ``services.py``.

| report | who drafts, edits, refreshes and submits | who approves or returns |
|---|---|---|
| pillar highlight | PMO, the pillar's sponsor | PMO, the pillar's sponsor |
| work package highlight | PMO, the pillar's sponsor, the work package's manager | PMO, the pillar's sponsor |
| board pack | PMO | PMO, a Board member (the board's chair approves its pack) |
| Cabinet Member update, 12-month and halfway reviews | PMO | PMO |
| read any report, any format | any signed-in user | |

Nobody approves a report they submitted themselves while the programme keeps duties separate (the
default; the PMO may switch it off, audited): checked in the service, with its reason.
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import (
    is_board_member,
    is_pillar_sponsor,
    is_pmo,
    is_signed_in,
    is_work_package_manager,
)
from openpmo.portfolio.permissions import sponsors


def _scope(obj: object) -> tuple[object | None, object | None]:
    """(pillar, work package) that ``obj`` is about: a report, a pillar or a work package."""
    from openpmo.portfolio.models import Pillar, WorkPackage
    from openpmo.reports.models import Report

    if isinstance(obj, Report):
        if obj.work_package_id:
            return obj.work_package.strand.pillar, obj.work_package
        return obj.pillar, None
    if isinstance(obj, WorkPackage):
        return obj.strand.pillar, obj
    if isinstance(obj, Pillar):
        return obj, None
    return None, None


@rules.predicate
def sponsors_the_reported_pillar(user: object, obj: object) -> bool:
    pillar, _ = _scope(obj)
    return sponsors(user, pillar)


@rules.predicate
def manages_the_reported_work_package(user: object, obj: object) -> bool:
    _, work_package = _scope(obj)
    return (
        work_package is not None
        and getattr(user, "pk", None) is not None
        and work_package.owner_id == user.pk  # type: ignore[attr-defined]
    )


sponsor_here = is_pillar_sponsor & sponsors_the_reported_pillar
manager_here = is_work_package_manager & manages_the_reported_work_package

rules.add_perm("reports.view_report", is_signed_in)
# ``obj`` is the scope (a pillar, a work package, or None for a programme report) or the report.
rules.add_perm("reports.add_report", is_pmo | sponsor_here | manager_here)
rules.add_perm("reports.change_report", is_pmo | sponsor_here | manager_here)


@rules.predicate
def is_a_board_pack(user: object, obj: object) -> bool:
    from openpmo.reports.choices import ReportKind
    from openpmo.reports.models import Report

    return isinstance(obj, Report) and obj.kind == ReportKind.BOARD_PACK


rules.add_perm(
    "reports.approve_report", is_pmo | sponsor_here | (is_board_member & is_a_board_pack)
)
