"""A network of objects is turned into columns once and reused while it lives: scheduling it
again (another start, another calendar) gives what a network never scheduled gives, and no
other network, even one that takes its place in memory, is given its columns."""

from __future__ import annotations

import gc
from datetime import datetime

import numpy as np
import pytest

from openpmo.core.schedule import Calendar, Link, Network, Task, schedule
from openpmo.core.schedule._table import cached_table_of

START = datetime(2026, 1, 5, 9, 0)


def chain(days: list[int]) -> Network:
    tasks = tuple(
        Task(uid=i + 1, name=f"T{i + 1}", duration_minutes=d * 480) for i, d in enumerate(days)
    )
    links = tuple(Link(i, i + 1) for i in range(1, len(days)))
    return Network(tasks=tasks, links=links)


def finishes(network: Network, start: datetime = START) -> list[datetime]:
    return [t.early_finish for t in schedule(network, Calendar.standard(), start).tasks]


def test_scheduling_a_network_again_gives_what_a_fresh_copy_gives() -> None:
    network = chain([1, 2, 3])
    first = finishes(network)
    later = datetime(2026, 2, 2, 9, 0)
    again = finishes(network, later)
    fresh = finishes(Network(tasks=network.tasks, links=network.links), later)
    assert again == fresh
    assert again != first  # a later start moved every date: nothing stale was kept
    assert finishes(network) == first


def test_a_network_taking_the_place_of_one_gone_gets_its_own_columns() -> None:
    results = []
    for days in ([1, 1, 1], [5, 5, 5], [2, 9, 6]):
        network = chain(days)  # the previous network is gone: the same memory is often reused
        results.append(finishes(network)[-1])
        del network
        gc.collect()
    assert results == [finishes(chain(d))[-1] for d in ([1, 1, 1], [5, 5, 5], [2, 9, 6])]
    assert len(set(results)) == 3


def test_the_kept_columns_cannot_be_changed() -> None:
    table = cached_table_of(chain([1, 2]))
    assert isinstance(table.durations, np.ndarray)
    with pytest.raises(ValueError, match="read-only"):
        table.durations[0] = 0


def test_a_file_read_again_schedules_as_one_never_read_before(tmp_path) -> None:
    # Given the shared 2,441-task file read twice (the second read finds the shape, levels and
    # calendar layout the reader and the first schedule kept) and a copy of the first read's
    # network made anew from its objects (nothing kept for it)
    from dataclasses import replace

    from tests.shared_data import shared_file

    from openpmo.core.schedule import read_mspdi, schedule_project

    data = shared_file("schedules/MPSPLIBtoMPP_51_mp_j120_a20_nr1.mspdi.xml").read_bytes()
    first, second = read_mspdi(data), read_mspdi(data)
    fresh = replace(first, network=Network(first.network.tasks, first.network.links))
    # when each is scheduled, then each task's dates and slack are the same every way
    results = [schedule_project(project).columns for project in (first, second, fresh, first)]
    for other in results[1:]:
        for name in ("early_start", "late_finish", "total_slack_minutes", "free_slack_minutes"):
            assert (getattr(other, name) == getattr(results[0], name)).all(), name
    assert results[0].critical.sum() > 0


def test_equal_calendars_share_a_layout_and_a_different_one_does_not() -> None:
    # Given two equal calendars made apart and a third with a bank holiday on the Tuesday
    from datetime import date

    from openpmo.core.schedule import CalendarException

    one, two = Calendar.standard(), Calendar.standard()
    holiday = Calendar.standard(exceptions=[CalendarException(date(2026, 1, 6), date(2026, 1, 6))])
    # then the equal ones lay out their working time once, and the holiday still counts
    assert one.timeline(START.date()) is two.timeline(START.date())
    assert holiday.timeline(START.date()) is not one.timeline(START.date())
    network, monday = chain([2]), datetime(2026, 1, 5, 8, 0)
    assert schedule(network, one, monday).tasks[0].early_finish == datetime(2026, 1, 6, 17, 0)
    assert schedule(network, holiday, monday).tasks[0].early_finish == datetime(2026, 1, 7, 17, 0)


def test_scheduling_leaves_the_collector_as_it_was() -> None:
    network = chain([1, 2])
    for collecting in (False, True):
        (gc.enable if collecting else gc.disable)()
        try:
            schedule(network, Calendar.standard(), START)
            assert gc.isenabled() is collecting
        finally:
            gc.enable()


def test_the_kept_shape_cannot_be_changed() -> None:
    from openpmo.core.schedule._engine import _structure

    shape = _structure(cached_table_of(chain([1, 2])))
    with pytest.raises(ValueError, match="read-only"):
        shape.durations[0] = 0
