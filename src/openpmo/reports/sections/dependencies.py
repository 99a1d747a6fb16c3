"""The dependencies-at-risk section, from delivery's interdependencies."""

from __future__ import annotations

from typing import Any

from openpmo.audit.selectors import as_at_copies
from openpmo.delivery import selectors as delivery_selectors
from openpmo.reports.sections._kit import (
    Scope,
    Section,
    _section,
    column,
    day,
    fact,
    number,
    section,
    table,
)


@section("dependencies", "Dependencies at risk")
def dependencies_section(scope: Scope) -> Section:
    kwargs: dict[str, Any] = {"programme": scope.programme}
    if scope.work_package is not None:
        kwargs["work_package"] = scope.work_package
    elif scope.pillar is not None:
        kwargs["pillar"] = scope.pillar.pk
    schedule = scope.memo(
        "schedule", lambda: delivery_selectors.programme_schedule(scope.programme), dated=False
    )
    checks = schedule.checks
    rows = []
    # Its status, need-by date and owner as they stood at the report's date (audit trail).
    dependencies = as_at_copies(
        delivery_selectors.interdependency_list(**kwargs),
        ["status", "need_by", "description", "owner"],
        scope.as_at,
    )
    for dependency in dependencies:
        check = checks.get(dependency.pk)
        late = check.late_by_days if check is not None else None
        at_risk = (
            dependency.status == "at_risk"
            or (late is not None and late > 0)
            or (
                dependency.status == "open"
                and dependency.need_by is not None
                and dependency.need_by < scope.period
            )
        )
        if not at_risk:
            continue
        rows.append(
            [
                dependency.from_work_package.reference,
                dependency.to_work_package.reference,
                dependency.get_type_display(),
                dependency.description,
                day(dependency.need_by),
                day(check.ready if check is not None else None),
                number(late),
                dependency.get_status_display(),
                str(dependency.owner) if dependency.owner_id else "",
            ]
        )
    return _section(
        "dependencies",
        "Dependencies at risk",
        note="" if rows else "No interdependency is at risk.",
        facts=[fact("Dependencies at risk", len(rows), "int")],
        tables=[
            table(
                "dependencies",
                "Interdependencies at risk (late against the need-by date, or flagged)",
                [
                    column("Provider"),
                    column("Dependant"),
                    column("Type"),
                    column("What is needed"),
                    column("Needed by", "date"),
                    column("Forecast ready", "date"),
                    column("Late by (working days)", "number"),
                    column("Status"),
                    column("Owner"),
                ],
                rows,
            )
        ],
    )
