"""Computing and storing the programme schedule for 200 work packages, beside the engine alone.

What scheduling the programme and storing the result (``stored_schedules.refresh``, run when
its inputs change) costs for a programme the size of the ETP's full register (about 200 work packages, §1.4): each work package has 20 tasks (a chain with a
parallel branch and three milestones) and there are 150 interdependencies between them, so the
network has about 4,600 tasks. "Ours" is the whole computation (7 queries, the adapters, the
engine, the summary stored for the pages); the baseline is the engine alone on the same network,
already built, so the ratio shows how much the Django side adds. The slippage impact (two
engine runs and a comparison) is timed the same way, beside two engine runs.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
from pathlib import Path

from benchmarks._timing import best_of, report

WORK_PACKAGES = 200
TASKS_PER_PACKAGE = 20
INTERDEPENDENCIES = 150


def _setup() -> None:
    folder = Path(tempfile.mkdtemp(prefix="openpmo-bench-delivery-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["OPENPMO_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpmo.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _programme():  # type: ignore[no-untyped-def]
    from openpmo.delivery.models import (
        Interdependency,
        ScheduleLink,
        ScheduleTask,
        WorkPackageSchedule,
    )
    from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage

    rng = random.Random(20221028)  # noqa: S311 - seeded test data, not security
    programme = Programme.objects.create(name="Bench", short_name="BENCH")
    pillars = [
        Pillar.objects.create(programme=programme, name=f"Pillar {p}", objective="x", order=p)
        for p in range(6)
    ]
    strands = [Strand.objects.create(pillar=pillars[s % 6], name=f"Strand {s}") for s in range(22)]
    start = dt.date(2023, 4, 3)
    packages = WorkPackage.objects.bulk_create(
        WorkPackage(
            strand=strands[k % 22],
            reference=f"B-{k:03d}",
            name=f"Work package {k}",
            forecast_start=start + dt.timedelta(days=7 * rng.randrange(0, 52)),
        )
        for k in range(WORK_PACKAGES)
    )
    schedules = WorkPackageSchedule.objects.bulk_create(
        WorkPackageSchedule(work_package=wp, start=wp.forecast_start) for wp in packages
    )
    ScheduleTask.objects.bulk_create(
        ScheduleTask(
            schedule=schedule,
            uid=uid,
            position=uid,
            name=f"Task {uid}",
            kind="milestone" if uid % 7 == 0 else "task",
            duration_minutes=0 if uid % 7 == 0 else rng.randrange(1, 15) * 450,
        )
        for schedule in schedules
        for uid in range(1, TASKS_PER_PACKAGE + 1)
    )
    by_schedule: dict[int, list] = {}
    for task in ScheduleTask.objects.order_by("schedule_id", "uid"):
        by_schedule.setdefault(task.schedule_id, []).append(task)
    links = []
    for schedule in schedules:
        tasks = by_schedule[schedule.pk]
        for before, after in zip(tasks, tasks[1:], strict=False):
            links.append(ScheduleLink(schedule=schedule, predecessor=before, successor=after))
        links.append(ScheduleLink(schedule=schedule, predecessor=tasks[2], successor=tasks[12]))
    ScheduleLink.objects.bulk_create(links)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < INTERDEPENDENCIES:
        a, b = sorted(rng.sample(range(WORK_PACKAGES), 2))
        pairs.add((a, b))
    Interdependency.objects.bulk_create(
        Interdependency(
            from_work_package=packages[a],
            to_work_package=packages[b],
            from_milestone=by_schedule[schedules[a].pk][6],
            to_task=by_schedule[schedules[b].pk][8],
        )
        for a, b in sorted(pairs)
    )
    return programme, packages


def run() -> None:
    _setup()
    from openpmo.core.schedule import schedule
    from openpmo.delivery import core_adapters, scheduling, selectors, stored_schedules

    programme, packages = _programme()
    loaded = scheduling.load(programme)
    built = scheduling.build(loaded)
    calendar = core_adapters.calendar_of(loaded.spec)

    def engine_once() -> None:
        schedule(built.network, calendar, built.start, minutes_per_day=loaded.spec.minutes_per_day)

    stored_schedules.refresh(programme)  # the pages read the stored schedule
    view = selectors.programme_schedule(programme)
    assert not view.error and len(view.rows) == WORK_PACKAGES
    print(
        f"   {WORK_PACKAGES} work packages, {len(built.network.tasks)} tasks, "
        f"{len(built.network.links)} links; finish {view.finish:%d %b %Y}, "
        f"{len(view.critical_path)} critical work packages"
    )
    engine = best_of(engine_once, repeat=5)
    page = best_of(lambda: stored_schedules.refresh(programme), repeat=5)
    report("programme schedule (load + engine + store)", page, engine, "engine alone")
    slip = best_of(lambda: selectors.slippage_impact(programme, packages[0], 4), repeat=3)
    report("slippage impact (2 runs + diff)", slip, 2 * engine, "2 x engine")


if __name__ == "__main__":
    run()
