"""Who may change delivery data (django-rules), checked inside ``services.py``.

| action | who |
|---|---|
| change the programme calendar | PMO |
| change a work package's schedule (tasks, milestones, links, MS Project import) | PMO, the sponsor of its pillar, its owner when they hold the Work package manager role |
| record that a milestone was achieved (date and evidence) | the same as a schedule change |
| apply the programme calendar to an imported schedule, or go back to the file's own | PMO, the work package's owner when they hold the Work package manager role |
| add, change or close an interdependency | PMO, or the sponsor of the pillar of either work package |
| view schedules, the Gantt chart, slippage impact, the register, exports | any signed-in user |
"""

from __future__ import annotations

import rules

from openpmo.accounts.permissions import (
    is_pillar_sponsor,
    is_pmo,
    is_signed_in,
    is_work_package_manager,
)
from openpmo.portfolio.permissions import owns_this_work_package, sponsors_this_pillar


def _work_package_of(obj: object) -> object | None:
    from openpmo.delivery.models import ScheduleLink, ScheduleTask, WorkPackageSchedule
    from openpmo.portfolio.models import WorkPackage

    if isinstance(obj, WorkPackage):
        return obj
    if isinstance(obj, WorkPackageSchedule):
        return obj.work_package
    if isinstance(obj, ScheduleTask | ScheduleLink):
        return obj.schedule.work_package
    return None


@rules.predicate
def sponsors_pillar_of_schedule(user: object, obj: object) -> bool:
    work_package = _work_package_of(obj)
    return work_package is not None and sponsors_this_pillar(user, work_package)


@rules.predicate
def owns_work_package_of_schedule(user: object, obj: object) -> bool:
    work_package = _work_package_of(obj)
    return work_package is not None and owns_this_work_package(user, work_package)


@rules.predicate
def sponsors_either_side(user: object, obj: object) -> bool:
    """The user sponsors the pillar of the providing or the dependent work package."""
    sides = [getattr(obj, "from_work_package", None), getattr(obj, "to_work_package", None)]
    return any(side is not None and sponsors_this_pillar(user, side) for side in sides)


schedule_editor = (
    is_pmo
    | (is_pillar_sponsor & sponsors_pillar_of_schedule)
    | (is_work_package_manager & owns_work_package_of_schedule)
)

rules.add_perm("delivery.view_schedule", is_signed_in)
rules.add_perm("delivery.change_calendar", is_pmo)
rules.add_perm("delivery.change_schedule", schedule_editor)
rules.add_perm("delivery.record_milestone", schedule_editor)
rules.add_perm(
    "delivery.change_schedule_calendar",
    is_pmo | (is_work_package_manager & owns_work_package_of_schedule),
)
rules.add_perm("delivery.view_interdependency", is_signed_in)
rules.add_perm("delivery.add_interdependency", is_pmo | is_pillar_sponsor)
rules.add_perm(
    "delivery.change_interdependency", is_pmo | (is_pillar_sponsor & sponsors_either_side)
)
