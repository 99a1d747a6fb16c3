"""Slippage impact: if one work package slips N weeks, what else moves (work packages, stage
gates)? Computed by scheduling the programme twice, as it stands and with the slip. The benefits
at risk from it are read above the domains, in ``openpmo.impact``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from openpmo.core.errors import OpenPMOError
from openpmo.delivery.core_adapters import Slip
from openpmo.delivery.models import ScheduleTask
from openpmo.delivery.scheduling import gate_of, load, run, working_days_between
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.models import Programme, WorkPackage


@dataclass
class Movement:
    work_package: WorkPackage
    old_start: dt.datetime
    new_start: dt.datetime
    old_finish: dt.datetime
    new_finish: dt.datetime
    working_days: Decimal
    calendar_days: int


@dataclass
class GateMovement:
    work_package: WorkPackage
    milestone: ScheduleTask
    stage_label: str
    old_date: dt.date
    new_date: dt.date
    working_days: Decimal


@dataclass
class SlippageImpact:
    work_package: WorkPackage
    weeks: int
    slipped: Movement | None
    moved: list[Movement] = field(default_factory=list)
    gates: list[GateMovement] = field(default_factory=list)
    old_finish: dt.datetime | None = None
    new_finish: dt.datetime | None = None
    programme_days: Decimal = Decimal(0)
    error: str = ""


def slippage_impact(programme: Programme, work_package: WorkPackage, weeks: int) -> SlippageImpact:
    """If ``work_package`` slips ``weeks`` calendar weeks, what else moves?

    Computed, not entered: the programme is scheduled twice, as it stands and with
    ``work_package`` starting N weeks later than it otherwise could (so all its tasks and
    milestones move, bank holidays permitting), and the two results are compared. Every other
    work package whose start or finish changes is listed (by working days and calendar days), with
    its stage-gate milestones that move.
    """
    impact = SlippageImpact(work_package=work_package, weeks=weeks, slipped=None)
    loaded = load(programme)
    try:
        before_built, before = run(loaded)
        after_built, after = run(loaded, Slip(work_package_id=work_package.pk, weeks=weeks))
    except OpenPMOError as error:
        impact.error = str(error)
        return impact
    if work_package.pk not in before_built.summary_uid:
        impact.error = (
            f"{work_package.reference} has no schedule and no start and finish dates, so it "
            "cannot slip. Add tasks, or forecast dates in the register."
        )
        return impact
    spec = loaded.spec
    old, new = before.by_uid(), after.by_uid()
    impact.old_finish, impact.new_finish = before.project_finish, after.project_finish
    impact.programme_days = working_days_between(spec, before.project_finish, after.project_finish)
    for wp_id, uid in before_built.summary_uid.items():
        a, b = old[uid], new[after_built.summary_uid[wp_id]]
        if (a.early_start, a.early_finish) == (b.early_start, b.early_finish):
            continue
        movement = Movement(
            work_package=loaded.work_packages[wp_id],
            old_start=a.early_start,
            new_start=b.early_start,
            old_finish=a.early_finish,
            new_finish=b.early_finish,
            working_days=working_days_between(spec, a.early_finish, b.early_finish),
            calendar_days=(b.early_finish.date() - a.early_finish.date()).days,
        )
        if wp_id == work_package.pk:
            impact.slipped = movement
        else:
            impact.moved.append(movement)
    impact.moved.sort(key=lambda m: (-m.working_days, m.work_package.reference))
    moved_ids = {m.work_package.pk for m in impact.moved}
    if impact.slipped is not None:
        moved_ids.add(work_package.pk)
    for task_pk, uid in before_built.task_uid.items():
        task = loaded.tasks[task_pk]
        stage = gate_of(task)
        if not stage:
            continue
        a, b = old[uid], new[after_built.task_uid[task_pk]]
        if a.early_finish == b.early_finish:
            continue
        owner = next(
            plan.work_package
            for plan in loaded.plans
            if plan.tasks and plan.tasks[0].schedule_id == task.schedule_id
        )
        impact.gates.append(
            GateMovement(
                work_package=owner,
                milestone=task,
                stage_label=Stage(stage).label,
                old_date=a.early_finish.date(),
                new_date=b.early_finish.date(),
                working_days=working_days_between(spec, a.early_finish, b.early_finish),
            )
        )
    impact.gates.sort(key=lambda g: (g.new_date, g.work_package.reference))
    return impact
