"""The ETP's money as demo data: the core team of Table 1, the reserve of Table 2 (its
contributions and approved withdrawals: the core team's drawdown is drawn by the decision that
approved it, FP/527/10/22, which the gates demo records), an illustrative appraisal and some
illustrative spend. Idempotent: what exists (matched by name) is left as it is.

Table 2 stops at 2025/26. So that money can be released on whatever date the demo is loaded, the
reserve runs on to the financial year after the demo's current one (or the end of delivery, if
later), with an illustrative planned MTFS contribution of £5m a year, as Table 2's last three
years have. Those entries are marked illustrative; Table 2's own are not.

The figures come from the shipped examples (``examples/etp/team.yaml``, ``reserve.yaml``,
``appraisal.yaml``), so the pages show what ``openpmo team-cost`` and ``openpmo reserve`` print.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from openpmo.common.services import SYSTEM
from openpmo.core.finance import load_reserve_yaml, load_team_yaml
from openpmo.core.money import FinancialYear
from openpmo.finance import services
from openpmo.finance.choices import EntryKind, StatedFigureKind
from openpmo.finance.models import Appraisal, Reserve, TeamCostPlan, WorkPackageSpend
from openpmo.gates.models import FundingRelease

TEAM_PLAN = "ETP Core Programme Team"
RESERVE = "Technology and Digitisation Reserve"
APPRAISAL = "Resourcing the programme: delivery options (illustrative)"
THOUSAND = Decimal(1000)
CONTINUED_CONTRIBUTION = Decimal("5000000")


def _examples() -> Path:
    return Path(settings.BASE_DIR) / "examples" / "etp"


def load(context: Any) -> None:
    programme = context.programme
    _team_plan(context, programme)
    _reserve(context, programme)
    _appraisal(context, programme)


def last_year(timeline: Any, printed_last: FinancialYear) -> FinancialYear:
    """The reserve's last year: Table 2's, or later so it covers this year and the next."""
    return max(printed_last, timeline.next_year, FinancialYear.containing(timeline.end))


def _team_plan(context: Any, programme: Any) -> TeamCostPlan:
    plan = TeamCostPlan.objects.filter(programme=programme, name=TEAM_PLAN).first()
    if plan is not None:
        return plan
    model = load_team_yaml(_examples() / "team.yaml")
    plan = services.team_cost_plan_create(
        actor=SYSTEM,
        programme=programme,
        name=TEAM_PLAN,
        base_year=str(model.base_year),
        cap=model.cap,
        inflation={str(year): rate for year, rate in model.inflation.items()},
        description=(
            "The roles of Table 1 (§6.1.1-6.1.2) in 2022/23 prices with 5% inflation for 2023/24 "
            "and 2% after; the cap is the £2.304m requested."
        ),
        source="Roles and FTE: Table 1. Dates and costs: illustrative, chosen to reproduce Table 1.",
        is_illustrative=True,
    )
    for order, role in enumerate(model.roles, start=1):
        services.team_role_create(
            actor=SYSTEM,
            plan=plan,
            name=role.name,
            fte=role.fte,
            annual_cost=role.annual_cost,
            salary=role.salary,
            on_cost_rate=role.on_cost_rate,
            fixed_on_costs=role.fixed_on_costs,
            start=role.start,
            end=role.end,
            order=order,
            is_illustrative=True,
        )
    context.report.count("team cost plans")
    return plan


_LINE_KINDS = {
    "Planned MTFS Contributions": EntryKind.CONTRIBUTION,
    "Approved Net Withdrawals": EntryKind.WITHDRAWAL,
    "Drawdown to fund the ETP Core Team": EntryKind.DRAWDOWN,
}
_REASONS = {
    EntryKind.CONTRIBUTION: "Planned MTFS contribution (Table 2)",
    EntryKind.WITHDRAWAL: "Withdrawals approved for programmes already in progress (Table 2)",
}


def _reserve(context: Any, programme: Any) -> None:
    if Reserve.objects.filter(programme=programme, name=RESERVE).exists():
        return
    ledger = load_reserve_yaml(_examples() / "reserve.yaml")
    reserve = services.reserve_create(
        actor=SYSTEM,
        programme=programme,
        name=RESERVE,
        first_year=str(ledger.years[0]),
        last_year=str(last_year(context.timeline, ledger.years[-1])),
        opening_balance=ledger.opening_balance * THOUSAND,
        reporting_unit=THOUSAND,
        opening_label=ledger.opening_label,
        subtotal_label="Current Planned Balance to support the ETP",
        closing_label=ledger.closing_label,
        source="Table 2 of the report, as printed (£'000 there, pounds here).",
    )
    # Money in first, then what is taken out, so every check sees the year's contributions. The
    # drawdowns are left to the decision that made them (§7.1: none without one).
    for line in sorted(ledger.lines, key=lambda line: list(_LINE_KINDS).index(line.name)):
        kind = _LINE_KINDS[line.name]
        for year, amount in sorted(line.amounts.items()):
            if amount == 0 or kind == EntryKind.DRAWDOWN:
                continue
            services.reserve_entry_record(
                actor=SYSTEM,
                reserve=reserve,
                kind=kind,
                year=str(year),
                amount=abs(amount) * THOUSAND,
                reason=_REASONS[kind],
            )
            context.report.count("reserve entries")
    year = ledger.years[-1].next()
    while year in reserve.years:
        services.reserve_entry_record(
            actor=SYSTEM,
            reserve=reserve,
            kind=EntryKind.CONTRIBUTION,
            year=str(year),
            amount=CONTINUED_CONTRIBUTION,
            reason="Planned MTFS contribution after Table 2 (illustrative: as its last three years)",
            is_illustrative=True,
        )
        context.report.count("reserve entries")
        year = year.next()
    context.report.count("reserves")


def record_printed_table(context: Any, programme: Any) -> None:
    """Table 2's printed figures, kept with the decision that made the core team's drawdowns
    (FP/527/10/22): recorded once that decision's drawdowns are on the ledger, so the printed
    table is checked, as a document, against the ledger as it stood then."""
    reserve = Reserve.objects.get(programme=programme, name=RESERVE)
    if reserve.stated_figures.exists():
        return
    ledger = load_reserve_yaml(_examples() / "reserve.yaml")
    stated = ledger.stated
    figures: list[tuple[str, str, str, Decimal, str, Decimal | None]] = []
    for kind, values in (
        (StatedFigureKind.OPENING_BALANCE, stated.opening_balance),
        (StatedFigureKind.CLOSING_BALANCE, stated.closing_balance),
        *((StatedFigureKind.SUBTOTAL, v) for v in stated.subtotals.values()),
    ):
        for year, amount in values.items():
            figures.append((kind, str(year), "", amount, "Table 2", None))
    for name, amount in stated.totals.items():
        figures.append(
            (StatedFigureKind.LINE_TOTAL, "", _LINE_KINDS[name], amount, "Table 2", None)
        )
    for quote in stated.quoted:
        figures.append(
            (
                StatedFigureKind.QUOTED_TOTAL,
                "",
                _LINE_KINDS[quote.line],
                quote.amount,
                quote.source,
                quote.rounding_unit * THOUSAND,
            )
        )
    for kind, year, line, amount, source, unit in figures:
        services.reserve_stated_figure_record(
            actor=SYSTEM,
            reserve=reserve,
            figure=kind,
            year=year,
            line=line,
            amount=amount * THOUSAND,
            source=source,
            rounding_unit=unit,
        )


def _appraisal(context: Any, programme: Any) -> None:
    if Appraisal.objects.filter(programme=programme, name=APPRAISAL).exists():
        return
    document = yaml.safe_load((_examples() / "appraisal.yaml").read_text(encoding="utf-8"))
    services.appraisal_create(
        actor=SYSTEM,
        programme=programme,
        name=APPRAISAL,
        document=document,
        description="Options of §5 with made-up figures, to show the comparison.",
        is_illustrative=True,
    )
    context.report.count("appraisals")


def load_spend(context: Any) -> None:
    """Monthly spend, up to last month, on the work packages the demo released money to, within
    what was released (Finance records it from the ledger's export; illustrative)."""
    packages = context.work_packages
    if WorkPackageSpend.objects.filter(work_package__in=packages.values()).exists():
        return
    released: dict[int, Decimal] = {}
    for wp_id, amount in FundingRelease.objects.filter(
        decision__work_package__isnull=False, decision__programme=context.programme
    ).values_list("decision__work_package_id", "amount"):
        released[wp_id] = released.get(wp_id, Decimal(0)) + amount
    timeline = context.timeline
    for wp in sorted(packages.values(), key=lambda w: w.reference):
        if wp.pk not in released or wp.forecast_start is None or wp.forecast_end is None:
            continue
        first = max(wp.forecast_start.replace(day=1), timeline.start)
        months = []
        month = first
        while month <= min(timeline.last_month, wp.forecast_end):
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        if not months:
            continue
        # Spend runs at about 60% of the release spread over the months so far.
        each = (released[wp.pk] * Decimal("0.6") / len(months)).quantize(THOUSAND)
        for index, month in enumerate(months):
            amount = each * (Decimal("0.9") if index % 3 == 1 else Decimal("1.05"))
            services.spend_record(
                actor=SYSTEM,
                work_package=wp,
                month=month,
                spend_type="revenue" if index % 4 == 0 else "capital",
                amount=amount.quantize(Decimal("0.01")),
                is_illustrative=True,
            )
            context.report.count("months of spend")
        remaining = max(released[wp.pk] - each * len(months), Decimal(0))
        services.forecast_record(
            actor=SYSTEM,
            work_package=wp,
            year=str(timeline.this_year),
            spend_type="capital",
            amount=remaining.quantize(Decimal("0.01")),
            is_illustrative=True,
        )
