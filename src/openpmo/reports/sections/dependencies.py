"""The dependencies-at-risk section, from delivery's interdependencies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpmo.audit.selectors import as_at_copies
from openpmo.reports.sections import _kit
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


@section("dependencies", "Dependencies at risk", ("delivery", "interdependency_list"))
def dependencies_section(scope: Scope, interdependency_list: Callable[..., Any]) -> Section:
    kwargs: dict[str, Any] = {"programme": scope.programme}
    if scope.work_package is not None:
        kwargs["work_package"] = scope.work_package
    elif scope.pillar is not None:
        kwargs["pillar"] = scope.pillar.pk
    checks: dict[int, Any] = {}
    build = _kit._selector("delivery", "programme_schedule")
    if build is not None:
        schedule = scope.memo("schedule", lambda: build(scope.programme), dated=False)
        checks = getattr(schedule, "checks", {}) or {}
    rows = []
    # Its status, need-by date and owner as they stood at the report's date (audit trail).
    dependencies = as_at_copies(
        interdependency_list(**kwargs), ["status", "need_by", "description", "owner"], scope.as_at
    )
    for dependency in dependencies:
        check = checks.get(dependency.pk)
        late = getattr(check, "late_by_days", None)
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
                day(getattr(check, "ready", None)),
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
