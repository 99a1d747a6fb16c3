"""The dashboard's headline figures: one read of each module, for the programme as it stands today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from openpmo.benefits import selectors as benefits
from openpmo.core.benefits import Month
from openpmo.core.money import FinancialYear
from openpmo.finance import core_adapters as finance_engine
from openpmo.finance import selectors as finance
from openpmo.gates import selectors as gates
from openpmo.gates.models import GateRequest
from openpmo.portfolio.models import Programme
from openpmo.risks import selectors as risks


@dataclass(frozen=True)
class ReserveHeadline:
    name: str
    year: str
    held_at_year_end: Decimal
    headroom: Decimal  # the most that can be drawn this year without any year going past zero


@dataclass
class Headline:
    programme: Programme
    today: dt.date
    reserve: ReserveHeadline | None
    released: Decimal
    spent: Decimal
    benefits_unit: str
    benefits_planned: Decimal | None
    benefits_realised: Decimal | None
    benefits_as_of: Month | None
    risks_open: int
    risks_outside_appetite: int
    awaiting_quality_assurance: int
    awaiting_decision: int
    next_gates: list[GateRequest] = field(default_factory=list)


def _reserve(programme: Programme, today: dt.date) -> ReserveHeadline | None:
    reserve = finance.reserve_default()
    if reserve is None or reserve.programme_id != programme.pk:
        return None
    year = FinancialYear.containing(today)
    result = finance_engine.reserve_result(reserve, reconcile=False)
    # Balances are held as negatives (money in the reserve), as Table 2 prints them.
    held = {entry.year: -entry.closing for entry in result.years}
    if year not in held:
        return None
    later = [amount for y, amount in held.items() if y >= year]
    return ReserveHeadline(
        name=reserve.name,
        year=str(year),
        held_at_year_end=held[year],
        headroom=max(min(later), Decimal(0)),
    )


def headline(programme: Programme, *, today: dt.date | None = None) -> Headline:
    """Reserve balance and headroom this year, released, spent, benefits planned against
    realised to date (in pounds), risks outside appetite and what waits at the gates."""
    today = today or timezone.localdate()
    money = finance.programme_money(programme).total
    tracker = benefits.tracker(programme)
    pounds = next((g.roll_up for g in tracker.programme_totals if g.roll_up.unit == "£"), None)
    items = risks.raid_item_list(programme=programme, status="open").exclude(kind="assumption")
    assessed = risks.assess(items, risks.matrix_get(programme), risks.appetites_of(programme))
    pipeline = gates.pipeline(programme)
    return Headline(
        programme=programme,
        today=today,
        reserve=_reserve(programme, today),
        released=money.released,
        spent=money.actual,
        benefits_unit="£",
        benefits_planned=pounds.planned_cumulative if pounds else None,
        benefits_realised=pounds.actual_cumulative if pounds else None,
        benefits_as_of=tracker.as_of if pounds else None,
        risks_open=len(assessed),
        risks_outside_appetite=sum(1 for a in assessed if a.outside_appetite),
        awaiting_quality_assurance=sum(q.awaiting_qa for q in pipeline.queues),
        awaiting_decision=sum(q.awaiting_decision for q in pipeline.queues),
        next_gates=pipeline.requests[:5],
    )
