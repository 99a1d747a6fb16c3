"""Task calendars: the multi-calendar pass beside the column engine on the 2,441-task file.

The multi-calendar pass (``core/schedule/_calendars``) runs only when some task works to another
calendar; it goes task by task, converting dates through wall-clock time where a link joins two
calendars. Measured on the largest shared Microsoft Project file: the column engine (one
calendar, the baseline), the multi-calendar pass forced on the same single calendar (the same
dates, checked equal first), and the file with every other task on a second calendar (as a
programme with an imported plan on its own calendar has). Wall and CPU time, best of several.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import time as clock_time

from tests.shared_data import DATA

from benchmarks._timing import best_of, report
from openpmo.core.schedule import Calendar, CalendarException, Network, read_mspdi, schedule
from openpmo.core.schedule._calendars import schedule_on_calendars

LARGEST = DATA / "schedules" / "MPSPLIBtoMPP_51_mp_j120_a20_nr1.mspdi.xml"


def _cpu(function: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        function()  # type: ignore[operator]
        best = min(best, time.process_time() - started)
    return best


def run() -> None:
    project = read_mspdi(LARGEST)
    calendar, start, network = project.calendar, project.start, project.network
    options = {"minutes_per_day": project.minutes_per_day}
    column = schedule(network, calendar, start, **options)
    forced = schedule_on_calendars(network, calendar, start, **options)
    assert forced == column, "the multi-calendar pass must give the column engine's dates"
    council = Calendar.standard(
        hours=((clock_time(9), clock_time(13)), (clock_time(14), clock_time(17, 30))),
        exceptions=[CalendarException(start.date(), start.date(), name="bank holiday")],
        name="Council",
    )
    mixed = Network(
        tuple(
            replace(task, calendar=council) if k % 2 else task
            for k, task in enumerate(network.tasks)
        ),
        network.links,
    )
    tasks = len(network.tasks)
    print(f"   {LARGEST.name}: {tasks} tasks, {len(network.links)} links")
    baseline = best_of(lambda: schedule(network, calendar, start, **options), repeat=5)
    one = best_of(lambda: schedule_on_calendars(network, calendar, start, **options), repeat=3)
    two = best_of(lambda: schedule(mixed, calendar, start, **options), repeat=3)
    report("multi-calendar pass, one calendar", one, baseline, "column engine")
    report("every other task on a 2nd calendar", two, baseline, "column engine")
    cpu_base = _cpu(lambda: schedule(network, calendar, start, **options))
    cpu_two = _cpu(lambda: schedule(mixed, calendar, start, **options))
    print(
        f"   CPU time: column engine {cpu_base * 1000:.1f} ms, two calendars "
        f"{cpu_two * 1000:.1f} ms ({cpu_two / cpu_base:.1f}x), "
        f"{cpu_two / tasks * 1e6:.0f} us a task"
    )
