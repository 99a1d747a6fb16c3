"""The board pack's "Prioritisation and affordability" section, read from portfolio planning.

Affordability by financial year (headroom against what is still to come out of the reserve, with
the warning when it exceeds the headroom), and the scenario committed by the end of the month:
what it funded, deferred and stopped. Planning registers it in its ``AppConfig.ready()``; the board
pack lists it by key (``reports.snapshots.KIND_SECTIONS``).
"""

from __future__ import annotations

import datetime as dt

from openpmo.planning import selectors as planning
from openpmo.planning.choices import FundingOutcome
from openpmo.reports.sections import Scope, Section, _section, column, fact, money, section, table


@section("prioritisation", "Prioritisation and affordability")
def prioritisation_section(scope: Scope) -> Section:
    checked = planning.affordability(scope.programme, as_at=scope.as_at)
    month_end = dt.datetime.combine(scope.month_end, dt.time.max, tzinfo=dt.UTC)
    committed = planning.committed_scenario(scope.programme, as_at=month_end)
    facts = [
        fact("Reserve headroom", money(checked.headroom), "money"),
        fact("Still to come out of the reserve", money(checked.committed), "money"),
        fact("Shortfall", money(checked.shortfall), "money"),
    ]
    tables = [
        table(
            "affordability",
            "Affordability by financial year",
            [
                column("Year"),
                column("Approved drawdowns", "money"),
                column("Requested in the gate pipeline", "money"),
                column("Forecast beyond released", "money"),
                column("Still to come", "money"),
            ],
            [
                [
                    row.year,
                    money(row.approved),
                    money(row.requested),
                    money(row.forecast_beyond_released),
                    money(row.further),
                ]
                for row in checked.years
            ],
        )
    ]
    text = [checked.warning] if checked.warning else []
    if committed is None:
        text.append("No prioritisation scenario has been committed yet.")
    else:
        decisions = list(
            committed.decisions.select_related("work_package").order_by("work_package__reference")
        )
        counts = {o: sum(d.outcome == o for d in decisions) for o in FundingOutcome.values}
        text.append(
            f"Scenario “{committed.name}” committed on {committed.committed_at:%d %B %Y}: "
            f"{counts['funded']} funded, {counts['deferred']} deferred, {counts['stopped']} stopped."
        )
        tables.append(
            table(
                "funding_decisions",
                "Funding decisions of the committed scenario",
                [
                    column("Work package"),
                    column("Decision"),
                    column("Starts"),
                    column("Underway"),
                    column("Why"),
                ],
                [
                    [
                        d.work_package.reference,
                        d.get_outcome_display(),
                        d.start_year,
                        d.get_underway_display() if d.underway else "",
                        d.reason,
                    ]
                    for d in decisions
                ],
            )
        )
    return _section(
        "prioritisation", "Prioritisation and affordability", facts=facts, tables=tables, text=text
    )
