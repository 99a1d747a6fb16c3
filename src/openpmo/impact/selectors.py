"""If a work package slips N weeks: what moves (delivery's slippage impact) and which benefits are
at risk, by how much (the moved work packages' benefits, from the benefits register).

Neither domain imports the other; this read joins them. A failing read of either fails the
page or the API answer: nothing here turns an error into "no benefits"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from openpmo.benefits import selectors as benefit_selectors
from openpmo.benefits.models import Benefit
from openpmo.delivery import selectors as delivery_selectors
from openpmo.portfolio.models import Programme, WorkPackage


@dataclass
class BenefitImpact:
    benefit: Benefit
    work_package: WorkPackage
    profile_start: dt.date
    new_finish: dt.date
    value_at_risk: Decimal
    """planned value in the months from the old finish to the new one"""


@dataclass
class SlipImpact:
    schedule: delivery_selectors.SlippageImpact
    """what moves: the slipped work package, the others, their gate dates, the programme finish"""
    benefits: list[BenefitImpact] | None
    """None when the slip could not be computed (``schedule.error`` says why)"""


def slippage_impact(programme: Programme, work_package: WorkPackage, weeks: int) -> SlipImpact:
    """If ``work_package`` slips ``weeks`` calendar weeks: what moves (computed by rescheduling
    the programme, ``delivery.selectors.slippage_impact``) and the benefits of the moved work
    packages whose current profiles plan value before their new finish."""
    schedule = delivery_selectors.slippage_impact(programme, work_package, weeks)
    if schedule.error:
        return SlipImpact(schedule=schedule, benefits=None)
    movements = ([schedule.slipped] if schedule.slipped else []) + schedule.moved
    return SlipImpact(schedule=schedule, benefits=benefits_affected(movements))


def benefits_affected(movements: list[delivery_selectors.Movement]) -> list[BenefitImpact]:
    """Benefits of the work packages that move whose current profile plans value before the work
    package's new finish, with the value planned between its old and new finish; by the month
    their profile starts, then reference."""
    moves = {m.work_package.pk: m for m in movements}
    found = []
    for linked in benefit_selectors.benefits_of_work_packages(list(moves)):
        if not linked.planned:
            continue
        profile_start = linked.planned[0][0]
        for wp_id in linked.work_package_ids:
            movement = moves[wp_id]
            old_finish, new_finish = movement.old_finish.date(), movement.new_finish.date()
            if profile_start > new_finish:
                continue
            at_risk = sum(
                (value for month, value in linked.planned if old_finish < month <= new_finish),
                Decimal(0),
            )
            found.append(
                BenefitImpact(
                    benefit=linked.benefit,
                    work_package=movement.work_package,
                    profile_start=profile_start,
                    new_finish=new_finish,
                    value_at_risk=at_risk,
                )
            )
    found.sort(key=lambda b: (b.profile_start, b.benefit.reference))
    return found
