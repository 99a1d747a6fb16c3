"""A fixed case for the schedule tests: the first ETP demo's plans (eleven work packages dated
2022-2026, the Data Hub building after the cloud landing zone's go-live), kept as test data now
the demo lives on its load date. ``etp_context()`` makes the register rows it plans."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from openpmo.common.services import SYSTEM
from openpmo.delivery import core_adapters, selectors, services
from openpmo.delivery.models import Interdependency, ScheduleTask, WorkPackageSchedule

# The plans' phases, go-live names and interdependencies are the demo's own.
from openpmo.demo.delivery import GO_LIVE, INTERDEPENDENCIES, PHASES
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.tests.factories import ProgrammeFactory, WorkPackageFactory


def _plan(context: Any, work_package: Any, spec: core_adapters.CalendarSpec) -> None:
    start, end = work_package.forecast_start, work_package.forecast_end
    if start is None or end is None:
        return
    calendar = core_adapters.calendar_of(spec)
    total = calendar.working_minutes_between(spec.day_start(start), spec.day_end(end))
    per_day = spec.minutes_per_day
    days = max(total // per_day, 3)
    services.schedule_ensure(actor=SYSTEM, work_package=work_package, start=start)
    made: list[ScheduleTask] = []

    def add(name: str, minutes: int, kind: str = "task", gate: str = "") -> None:
        task = services.schedule_task_create(
            actor=SYSTEM,
            work_package=work_package,
            name=name,
            kind=kind,
            duration_minutes=minutes,
            gate_stage=gate,
            is_illustrative=True,
        )
        if made:
            services.schedule_link_create(actor=SYSTEM, predecessor=made[-1], successor=task)
        made.append(task)

    (design, share_design), (build, share_build), (rollout, _) = PHASES
    design_days = max(round(days * share_design), 1)
    build_days = max(round(days * share_build), 1)
    add(design, design_days * per_day)
    add("Full Business Case approval", 0, "milestone", Stage.FULL_BUSINESS_CASE)
    add(build, build_days * per_day)
    add(GO_LIVE.get(work_package.reference, "Go live"), 0, "milestone", Stage.DELIVERY)
    add(rollout, max(days - design_days - build_days, 1) * per_day)
    add("Closure and benefits review", 0, "milestone", Stage.CLOSURE)
    context.report.count("schedules")


def load(context: Any) -> None:
    programme = context.programme
    services.calendar_ensure(actor=SYSTEM, programme=programme)
    spec = selectors.calendar_spec_for(programme)
    planned = set(
        WorkPackageSchedule.objects.filter(
            work_package__strand__pillar__programme=programme
        ).values_list("work_package_id", flat=True)
    )
    for reference in sorted(context.work_packages):
        work_package = context.work_packages[reference]
        if work_package.pk not in planned and work_package.is_illustrative:
            _plan(context, work_package, spec)

    packages = context.work_packages
    for (
        to_ref,
        to_task,
        from_ref,
        milestone,
        kind,
        owner,
        need_by,
        status,
        text,
    ) in INTERDEPENDENCIES:
        if to_ref not in packages or from_ref not in packages:
            continue
        to_wp, from_wp = packages[to_ref], packages[from_ref]
        if Interdependency.objects.filter(
            from_work_package=from_wp, to_work_package=to_wp
        ).exists():
            continue
        services.interdependency_create(
            actor=SYSTEM,
            type=kind,
            from_work_package=from_wp,
            from_milestone=ScheduleTask.objects.filter(
                schedule__work_package=from_wp, name=milestone, kind="milestone"
            ).first()
            if milestone
            else None,
            to_work_package=to_wp,
            to_task=ScheduleTask.objects.filter(schedule__work_package=to_wp, name=to_task).first(),
            owner=context.people.get(owner),
            need_by=dt.date.fromisoformat(need_by),
            status=status,
            description=text,
            is_illustrative=True,
        )
        context.report.count("interdependencies")


DATES = {
    "ETP-CLOUD-001": ("2022-11-01", "2024-03-31"),
    "ETP-DATA-001": ("2022-12-01", "2025-03-31"),
    "ETP-GIS-001": ("2023-01-01", "2024-06-30"),
    "ETP-CONT-001": ("2022-11-01", "2023-06-30"),
    "ETP-SCP-001": ("2022-04-01", "2025-09-30"),
}


def etp_context():
    programme = ProgrammeFactory(start_date=dt.date(2022, 10, 1))
    packages = {
        reference: WorkPackageFactory(
            reference=reference,
            strand__pillar__programme=programme,
            is_illustrative=True,
            forecast_start=dt.date.fromisoformat(start),
            forecast_end=dt.date.fromisoformat(end),
        )
        for reference, (start, end) in DATES.items()
    }
    counts: dict[str, int] = {}
    report = SimpleNamespace(count=lambda kind: counts.__setitem__(kind, counts.get(kind, 0) + 1))
    context = SimpleNamespace(programme=programme, people={}, work_packages=packages, report=report)
    return context, counts
