"""Demo schedules and interdependencies for the ETP (all illustrative: the report names the
work, not its plan). Idempotent: a work package that already has a schedule, and an
interdependency already in the register, are left as they are.

Each demo work package gets a plan spanning its register forecast dates: design, build and roll
out, with three stage-gate milestones (Full Business Case approval, go live, closure and benefits
review). The interdependencies are the kind §3.6 describes ("many investments are critical
dependencies for other ECC initiatives"): the Data Hub needs the cloud landing zone, the Social
Care Platform needs the integration platform, the Office 365 roadmap needs the new devices.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpmo.common.services import SYSTEM
from openpmo.core.schedule import Link, Network, Project, Task, write_mspdi
from openpmo.delivery import core_adapters, selectors, services
from openpmo.delivery.models import Interdependency, ScheduleTask, WorkPackageSchedule
from openpmo.demo.generate import PHASES as PHASES_IN_ORDER
from openpmo.portfolio.choices import Stage

# Share of a work package's working days spent in each phase.
PHASES = [("Design and procurement", 0.25), ("Build and configure", 0.45), ("Roll out", 0.30)]

# What "go live" is called in particular work packages (used by the interdependencies below).
GO_LIVE = {
    "ETP-CLOUD-001": "Landing zone live",
    "ETP-CONT-001": "Integration platform ready",
    "ETP-EUD-001": "First devices deployed",
    "ETP-NAV-002": "New network live",
    "ETP-DATA-001": "Data Hub platform live",
}

# (needed by, its task, needs, milestone, type, owner, need-by, status, description)
INTERDEPENDENCIES = [
    (
        "ETP-DATA-001",
        "Build and configure",
        "ETP-CLOUD-001",
        "Landing zone live",
        "needs_output",
        "architect",
        "2023-10-02",
        "at_risk",
        "The Data Hub platform is built in the cloud landing zone of the Future Cloud Strategy.",
    ),
    (
        "ETP-SCP-001",
        "Build and configure",
        "ETP-CONT-001",
        "Integration platform ready",
        "shared_platform",
        "analyst-2",
        "2023-06-30",
        "open",
        "The replacement social care platform exchanges data with Capita and other suppliers "
        "through the integration platform.",
    ),
    (
        "ETP-O365-001",
        "Roll out",
        "ETP-EUD-001",
        "First devices deployed",
        "needs_output",
        "wp-manager",
        "2023-09-29",
        "open",
        "Microsoft 365 adoption rolls out with the new end user devices.",
    ),
    (
        "ETP-O365-002",
        "Build and configure",
        "ETP-NAV-002",
        "New network live",
        "needs_output",
        "resource-manager",
        "2023-07-03",
        "open",
        "Teams telephony needs the refreshed network's quality of service.",
    ),
    (
        "ETP-GIS-001",
        "Build and configure",
        "ETP-DATA-001",
        "Data Hub platform live",
        "shared_platform",
        "architect",
        "2024-01-08",
        "open",
        "GIS modernisation publishes through the Data Hub platform.",
    ),
    (
        "ETP-INNOV-001",
        "Roll out",
        "ETP-CONT-001",
        "",
        "finish_to_start",
        "wp-manager",
        "2023-07-03",
        "met",
        "Robotic process automation reaches Mosaic and Capita through the integration platform.",
    ),
]


def _plan(context: Any, work_package: Any, spec: core_adapters.CalendarSpec) -> None:
    """Design, build and roll out between the register's forecast dates, with three milestones,
    brought in as a Microsoft Project XML file through the importer (one write per plan)."""
    start, end = work_package.forecast_start, work_package.forecast_end
    if start is None or end is None:
        return
    calendar = core_adapters.calendar_of(spec)
    total = calendar.working_minutes_between(spec.day_start(start), spec.day_end(end))
    per_day = spec.minutes_per_day
    days = max(total // per_day, 3)
    (design, share_design), (build, share_build), (rollout, _) = PHASES
    design_days = max(round(days * share_design), 1)
    build_days = max(round(days * share_build), 1)
    rows = [
        (design, design_days * per_day, False),
        ("Full Business Case approval", 0, True),
        (build, build_days * per_day, False),
        (GO_LIVE.get(work_package.reference, "Go live"), 0, True),
        (rollout, max(days - design_days - build_days, 1) * per_day, False),
        ("Closure and benefits review", 0, True),
    ]
    tasks = tuple(
        Task(uid=uid, name=name, duration_minutes=minutes, milestone=milestone)
        for uid, (name, minutes, milestone) in enumerate(rows, start=1)
    )
    links = tuple(Link(predecessor=uid, successor=uid + 1) for uid in range(1, len(rows)))
    project = Project(
        name=f"{work_package.reference} {work_package.name}",
        start=spec.day_start(start),
        calendar=calendar,
        network=Network(tasks=tasks, links=links),
        minutes_per_day=per_day,
    )
    services.schedule_import_mspdi(
        actor=SYSTEM,
        work_package=work_package,
        data=write_mspdi(project),
        file_name=f"{work_package.reference}.xml",
    )
    context.report.count("schedules")


def _day(timeline: Any, text: str) -> dt.date:
    """A day written on the October 2022 calendar, moved onto the demo's timeline."""
    day = dt.date.fromisoformat(text)
    return timeline.month((day.year - 2022) * 12 + day.month - 10) + dt.timedelta(days=day.day - 1)


# Stages whose work packages have a plan to show (the rest are still shaping their case).
PLANNED_STAGES = {Stage.FULL_BUSINESS_CASE, Stage.DELIVERY}
MAX_CHAINS = 12


def load(context: Any) -> None:
    programme = context.programme
    services.calendar_ensure(actor=SYSTEM, programme=programme)
    spec = selectors.calendar_spec_for(programme)
    planned = set(
        WorkPackageSchedule.objects.filter(
            work_package__strand__pillar__programme=programme
        ).values_list("work_package_id", flat=True)
    )
    named = {to for to, *_ in INTERDEPENDENCIES} | {frm for _t, _k, frm, *_ in INTERDEPENDENCIES}
    for reference in sorted(context.work_packages):
        work_package = context.work_packages[reference]
        wanted = work_package.stage in PLANNED_STAGES or reference in named
        if wanted and work_package.pk not in planned and work_package.is_illustrative:
            _plan(context, work_package, spec)
    _named_interdependencies(context)
    _chains(context)


def _chains(context: Any) -> None:
    """Within a strand, a rollout waits for its pilot, a second wave for the first: finish to
    start links between consecutive phases of the same topic (illustrative)."""
    by_topic: dict[tuple[int, str], list[Any]] = {}
    for wp in context.work_packages.values():
        if ": " in wp.name:
            topic = wp.name.split(": ")[0]
            by_topic.setdefault((wp.strand_id, topic), []).append(wp)
    existing = set(
        Interdependency.objects.filter(
            from_work_package__in=context.work_packages.values()
        ).values_list("from_work_package_id", "to_work_package_id")
    )
    as_of = context.timeline.as_of
    made = 0
    for _key, packages in sorted(by_topic.items(), key=lambda item: str(item[0])):
        if made >= MAX_CHAINS:
            break
        packages.sort(key=lambda wp: (PHASES_IN_ORDER.index(wp.name.split(": ")[1]), wp.reference))
        for before, after in zip(packages, packages[1:], strict=False):
            if (before.pk, after.pk) in existing:
                made += 1
                continue
            if made >= MAX_CHAINS or before.forecast_start > after.forecast_start:
                continue
            need_by = after.forecast_start
            late = before.forecast_end is not None and before.forecast_end > need_by
            status = "met" if need_by < as_of and not late else ("at_risk" if late else "open")
            services.interdependency_create(
                actor=SYSTEM,
                type="finish_to_start",
                from_work_package=before,
                from_milestone=None,
                to_work_package=after,
                to_task=None,
                owner=after.owner,
                need_by=need_by,
                status=status,
                description=f"{after.name} starts when {before.name.lower()} is finished.",
                is_illustrative=True,
            )
            made += 1
            context.report.count("interdependencies")


def _named_interdependencies(context: Any) -> None:

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
            need_by=_day(context.timeline, need_by),
            status=status,
            description=text,
            is_illustrative=True,
        )
        context.report.count("interdependencies")
