"""The column engine gives exactly the dates, slack and flags the object engine it replaced gave:
on every shared Microsoft Project file, and on random networks with every feature the engine
models (link types, lags and leads, percentage and elapsed lags, constraints, manual, elapsed
and milestone tasks, nested summaries with links into and out of them, holidays, part days)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from schedule_before import engine_before
from tests.compiled_cache import cache_use_in_a_second_process
from tests.shared_data import shared_files
from tests.strategies import networks

from openpmo.core.errors import OpenPMOError
from openpmo.core.schedule import (
    Calendar,
    CalendarException,
    Link,
    LinkType,
    Network,
    Task,
    TaskSchedule,
    WorkingInterval,
    _kernel,
    read_mspdi,
    schedule,
)
from openpmo.core.schedule._levels import _CycleFound
from openpmo.core.schedule._passes import ArrayNetwork, run_passes

FILES = shared_files("schedules", "*.xml")
NAMES = [f.name for f in fields(TaskSchedule)]


def _rows(result: object) -> list[tuple[object, ...]]:
    return [tuple(getattr(task, name) for name in NAMES) for task in result.tasks]  # type: ignore[attr-defined]


def _both(network: Network, calendar: Calendar, start: datetime, **options: int) -> None:
    try:
        before = engine_before.schedule(network, calendar, start, **options)
    except OpenPMOError as error:
        with pytest.raises(type(error)) as raised:
            schedule(network, calendar, start, **options)
        assert str(raised.value) == str(error)
        return
    now = schedule(network, calendar, start, **options)
    assert now.project_start == before.project_start
    assert now.project_finish == before.project_finish
    assert _rows(now) == _rows(before)
    assert now.critical_path == before.critical_path


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_shared_file_schedules_as_before(path: Path):
    project = read_mspdi(path)
    _both(
        project.network,
        project.calendar,
        project.start,
        minutes_per_day=project.minutes_per_day,
        critical_slack_minutes=project.critical_slack_minutes,
    )


CALENDAR = Calendar(
    week=(
        (WorkingInterval(540, 780), WorkingInterval(840, 1050)),
        (WorkingInterval(540, 780), WorkingInterval(840, 1050)),
        (WorkingInterval(540, 780),),
        (WorkingInterval(540, 780), WorkingInterval(840, 1050)),
        (WorkingInterval(480, 960),),
        (),
        (),
    ),
    exceptions=(
        CalendarException(date(2026, 3, 9), date(2026, 3, 9), name="holiday"),
        CalendarException(date(2026, 3, 14), date(2026, 3, 14), (WorkingInterval(600, 720),)),
        CalendarException(date(2026, 3, 23), date(2026, 3, 27), name="closed"),
    ),
)


@settings(max_examples=150, deadline=None)
# a start in working time: outside it the new engine shows Project's own start on the tasks it
# holds (issue 11 item 12, tested in test_schedule_engine.py), which the old did not
@given(networks())
def test_random_networks_schedule_as_before(case: tuple[Network, datetime]):
    network, start = case
    _both(network, CALENDAR, start, minutes_per_day=450, critical_slack_minutes=0)


def test_refusals_are_the_same():
    # a missing task, a missing parent, a parent that is not a summary, a loop, a duplicate UID
    cases = [
        Network((Task(1),), (Link(1, 2),)),
        Network((Task(1, parent=9),)),
        Network((Task(1), Task(2, parent=1))),
        Network((Task(1, "A", 60), Task(2, "B", 60)), (Link(1, 2), Link(2, 1))),
        Network((Task(1), Task(1))),
        Network((Task(1, summary=True), Task(2, parent=1)), (Link(1, 2, LinkType.SF),)),
    ]
    for network in cases:
        _both(network, CALENDAR, datetime(2026, 3, 2, 9))


def _random_arrays(seed: int, size: int, window: int) -> ArrayNetwork:
    """``size`` tasks, each after up to three of the ``window`` before it, every link type, lags
    and leads, start and finish bounds both ways: everything the compiled kernel models."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 4, size)
    counts[0] = 0
    successors = np.repeat(np.arange(size), counts)
    predecessors = successors - np.minimum(rng.integers(1, window + 1, successors.size), successors)
    keep = predecessors < successors
    predecessors, successors = predecessors[keep], successors[keep]
    network = ArrayNetwork.simple(
        rng.choice([0, 60, 480, 2400], size),
        predecessors,
        successors,
        rng.integers(0, 4, predecessors.size),
        rng.choice([0, 0, 0, -480, 120, 960], predecessors.size),
    )
    some = rng.random(size) < 0.05
    network.start_bound = np.where(some, 2 * rng.integers(0, 5000, size) + 1, network.start_bound)
    some = rng.random(size) < 0.05
    network.finish_bound = np.where(some, 2 * rng.integers(0, 5000, size), network.finish_bound)
    some = rng.random(size) < 0.05
    late = 2 * rng.integers(2000, 9000, size)
    network.late_start_bound = np.where(some, late + 1, network.late_start_bound)
    network.late_finish_bound = np.where(rng.random(size) < 0.05, late, network.late_finish_bound)
    return network


@pytest.mark.skipif(not _kernel.available(), reason="numba is not installed")
@pytest.mark.parametrize(("seed", "size", "window"), [(1, 50, 5), (2, 2_000, 40), (3, 30_000, 8)])
def test_the_compiled_kernel_gives_the_dates_of_the_level_pass(seed: int, size: int, window: int):
    network = _random_arrays(seed, size, window)
    compiled = run_passes(network, kernel=True)
    levelled = run_passes(network, kernel=False)
    for ours, theirs in zip(compiled[:5], levelled[:5], strict=True):
        assert np.array_equal(ours, theirs)


@pytest.mark.skipif(not _kernel.available(), reason="numba is not installed")
def test_a_loop_found_by_the_kernel_is_named_by_the_level_pass():
    network = ArrayNetwork.simple(np.full(4, 480), np.array([0, 1, 2, 3]), np.array([1, 2, 3, 1]))
    with pytest.raises(_CycleFound) as found:
        run_passes(network, kernel=True)
    assert sorted(found.value.indices) == [1, 2, 3]


@pytest.mark.skipif(not _kernel.available(), reason="numba is not installed")
def test_compiled_wall_clock_conversion_matches_the_numpy_one(monkeypatch: pytest.MonkeyPatch):
    # Offsets every few minutes over months of a calendar with part days, holidays and a worked
    # Saturday, in both forms (the end of one period, the start of the next).
    rng = np.random.default_rng(11)
    offsets = np.concatenate([rng.integers(-20_000, 200_000, 60_000), np.arange(0, 30_000, 30)])
    end_form = rng.random(offsets.shape[0]) < 0.5
    timeline = CALENDAR.timeline(date(2026, 3, 2))
    compiled = timeline.wall_of(offsets, end_form)
    monkeypatch.setenv("OPENPMO_PURE_NUMPY", "1")
    assert not _kernel.available()
    assert np.array_equal(compiled, timeline.wall_of(offsets, end_form))


def test_a_new_process_loads_the_compiled_passes_from_numbas_cache_without_compiling() -> None:
    # Run the passes in one process (which may fill the cache), then in a second, which must
    # only load them (``run`` was a closure over ``shift`` and was compiled in every process)
    from openpmo.core.schedule import _kernel

    if not _kernel.available():
        pytest.skip("numba is not installed")
    setup = (
        "import numpy as np\n"
        "from openpmo.core.schedule import _kernel\n"
        "assert _kernel.available()\n"
        "n = 500\n"
        "after, before = np.arange(1, n), np.arange(0, n - 1)\n"
        "ones = np.ones(n - 1, bool)\n"
        "zeros = np.zeros(n, np.int64)\n"
        "_kernel.passes(np.full(n, 960), before, after, ones, ones,\n"
        "               np.zeros(n - 1, np.int64), (zeros, zeros, zeros, zeros))\n"
    )
    kernels = ("order_of", "grouped", "run")
    second = cache_use_in_a_second_process("openpmo.core.schedule._compiled", setup, kernels)
    assert second == {name: (second[name][0], 0) for name in kernels}, second
    assert all(hits > 0 for hits, _ in second.values()), second
