"""Slippage impact: if one work package slips N weeks, what else moves (work packages, stage
gates, benefits)? Computed by scheduling the programme twice, as it stands and with the slip."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Prefetch

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
class BenefitImpact:
    benefit: Any
    work_package: WorkPackage
    profile_start: dt.date
    new_finish: dt.date
    value_at_risk: Decimal
    """planned value in the months from the old finish to the new one"""


@dataclass
class SlippageImpact:
    work_package: WorkPackage
    weeks: int
    slipped: Movement | None
    moved: list[Movement] = field(default_factory=list)
    gates: list[GateMovement] = field(default_factory=list)
    benefits: list[BenefitImpact] | None = None
    """None when the benefits app is not installed"""
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
    its stage-gate milestones that move, and the benefits of the moved work packages whose
    current profiles plan value before their new finish.
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
    movements = ([impact.slipped] if impact.slipped else []) + impact.moved
    impact.benefits = benefits_affected(
        {m.work_package.pk: (m.old_finish.date(), m.new_finish.date()) for m in movements},
        loaded.work_packages,
    )
    return impact


def benefits_affected(
    moves: dict[int, tuple[dt.date, dt.date]], work_packages: dict[int, WorkPackage]
) -> list[BenefitImpact] | None:
    """Benefits of work packages that move whose current profile plans value before the work
    package's new finish, with the value planned between its old and new finish.

    Reads the benefits app's register if it is installed (``None`` otherwise); two queries.
    """
    try:
        benefit_model = apps.get_model("benefits", "Benefit")
        month_model = apps.get_model("benefits", "ProfileMonth")
    except LookupError:
        return None
    if not moves:
        return []
    benefits = list(
        benefit_model.objects.filter(work_packages__in=list(moves))
        .distinct()
        .prefetch_related(
            Prefetch(
                "work_packages",
                queryset=WorkPackage.objects.filter(pk__in=list(moves)).only("pk"),
                to_attr="moved_work_packages",
            )
        )
    )
    months: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for benefit_id, month, value in month_model.objects.filter(
        profile__benefit__in=benefits, profile__is_current=True, value__gt=0
    ).values_list("profile__benefit_id", "month", "value"):
        months.setdefault(benefit_id, []).append((month, value))
    found = []
    for benefit in benefits:
        planned = sorted(months.get(benefit.pk, []))
        if not planned:
            continue
        for wp in benefit.moved_work_packages:
            old_finish, new_finish = moves[wp.pk]
            if planned[0][0] > new_finish:
                continue
            at_risk = sum(
                (value for month, value in planned if old_finish < month <= new_finish),
                Decimal(0),
            )
            found.append(
                BenefitImpact(
                    benefit=benefit,
                    work_package=work_packages[wp.pk],
                    profile_start=planned[0][0],
                    new_finish=new_finish,
                    value_at_risk=at_risk,
                )
            )
    found.sort(key=lambda b: (b.profile_start, b.benefit.reference))
    return found
