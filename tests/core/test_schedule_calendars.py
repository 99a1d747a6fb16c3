"""Tasks on their own calendars (``Task.calendar``): durations count on the task's calendar, a
link's lag on the successor's, and with one calendar the multi-calendar pass gives the column
engine's dates exactly (so it can be trusted where it is the only engine that applies)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from tests.strategies import networks

from openpmo.core.errors import OpenPMOError
from openpmo.core.schedule import (
    Calendar,
    CalendarException,
    Link,
    Network,
    Task,
    TaskSchedule,
    WorkingInterval,
    schedule,
)
from openpmo.core.schedule._calendars import schedule_on_calendars, several

NAMES = [f.name for f in fields(TaskSchedule)]

# The council's week: 09:00-13:00 and 14:00-17:30, bank holiday on Thursday 1 January 2026.
COUNCIL = Calendar.standard(
    hours=((time(9), time(13)), (time(14), time(17, 30))),
    exceptions=[CalendarException(date(2026, 1, 1), date(2026, 1, 1), name="New Year's Day")],
    name="Council",
)
# A supplier's file: 09:00-13:00 and 15:00-19:00, no exceptions (works on 1 January).
SUPPLIER = Calendar.standard(hours=((time(9), time(13)), (time(15), time(19))), name="Supplier")
# Seven days a week, 08:00-16:00 (a contractor on site at weekends).
SEVEN_DAY = Calendar.standard(hours=((time(8), time(16)),), working_days=range(7), name="Seven day")
DAY = 480


def _rows(result: object) -> list[tuple[object, ...]]:
    return [tuple(getattr(task, name) for name in NAMES) for task in result.tasks]  # type: ignore[attr-defined]


def test_one_calendar_uses_the_column_engine_and_several_use_the_multi_calendar_pass():
    same = Network((Task(1, "A", DAY, calendar=COUNCIL), Task(2, "B", DAY)), (Link(1, 2),))
    assert not several(same, COUNCIL)
    other = Network((Task(1, "A", DAY, calendar=SUPPLIER), Task(2, "B", DAY)), (Link(1, 2),))
    assert several(other, COUNCIL)


def test_a_task_on_its_own_calendar_works_the_bank_holiday_the_council_takes_off():
    start = datetime(2026, 1, 1, 9)
    network = Network(
        (
            Task(1, "Supplier build", 2 * DAY, calendar=SUPPLIER),
            Task(2, "Council sign-off", 450),
        ),
        (Link(1, 2),),
    )
    result = schedule(network, COUNCIL, start)
    build, sign_off = result.task(1), result.task(2)
    # the supplier works Thursday 1 and Friday 2 January
    assert build.early_start == datetime(2026, 1, 1, 9)
    assert build.early_finish == datetime(2026, 1, 2, 19)
    # the council's task starts at its next working minute after Friday 19:00: Monday 09:00
    assert sign_off.early_start == datetime(2026, 1, 5, 9)
    assert sign_off.early_finish == datetime(2026, 1, 5, 17, 30)
    assert result.project_finish == datetime(2026, 1, 5, 17, 30)
    assert result.critical_path == (1, 2)
    # on the council's calendar alone the build works from Friday 2 January (bank holiday off)
    alone = schedule(Network((Task(1, "Supplier build", 2 * DAY),)), COUNCIL, start)
    assert alone.task(1).early_finish == datetime(2026, 1, 6, 10)


def test_a_lag_counts_on_the_successors_calendar():
    start = datetime(2026, 1, 2, 8)  # a Friday
    network = Network(
        (
            Task(1, "Pour", DAY, calendar=SEVEN_DAY),
            Task(2, "Strike formwork", DAY, calendar=SEVEN_DAY),
            Task(3, "Inspect", 450),
        ),
        (Link(1, 2, lag_minutes=2 * DAY), Link(1, 3, lag_minutes=450)),
    )
    result = schedule(network, COUNCIL, start)
    assert result.task(1).early_finish == datetime(2026, 1, 2, 16)
    # two seven-day-calendar days of lag: Saturday and Sunday count
    assert result.task(2).early_start == datetime(2026, 1, 5, 8)
    # one council day of lag (450 minutes) from Friday 16:00: Monday 16:00
    assert result.task(3).early_start == datetime(2026, 1, 5, 16)


def test_the_backward_pass_converts_back_through_each_calendar():
    start = datetime(2026, 1, 5, 9)  # a Monday
    network = Network(
        (
            Task(1, "Short supplier task", DAY, calendar=SUPPLIER),
            Task(2, "Long council task", 3 * 450),
            Task(3, "Finish", 0, milestone=True),
        ),
        (Link(1, 3), Link(2, 3)),
    )
    result = schedule(network, COUNCIL, start)
    short = result.task(1)
    assert result.task(2).early_finish == datetime(2026, 1, 7, 17, 30)
    assert result.task(2).critical
    # late finish of the supplier task is the council's Wednesday 17:30 on its own calendar
    assert short.late_finish == datetime(2026, 1, 7, 17, 30)
    assert short.late_start == datetime(2026, 1, 6, 17, 30) or short.late_start == datetime(
        2026, 1, 7, 9, 30
    )
    assert short.total_slack_minutes > 0
    assert not short.critical


def test_a_task_calendars_exception_is_its_own():
    closed = Calendar.standard(
        exceptions=[CalendarException(date(2026, 3, 3), date(2026, 3, 4), name="Shutdown")],
        name="Plant",
    )
    start = datetime(2026, 3, 2, 8)
    network = Network(
        (Task(1, "Plant work", 2 * DAY, calendar=closed), Task(2, "Office work", 2 * DAY)),
    )
    result = schedule(network, Calendar.standard(), start)
    assert result.task(1).early_finish == datetime(2026, 3, 5, 17)
    assert result.task(2).early_finish == datetime(2026, 3, 3, 17)


# -- with one calendar, the multi-calendar pass is the column engine -------------------------------

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
    ),
)


@settings(max_examples=150, deadline=None)
@given(networks(most=12, start_days=6, start_hours=(7, 9, 10, 12)))
def test_on_one_calendar_the_multi_calendar_pass_gives_the_column_engines_dates(
    case: tuple[Network, datetime],
):
    network, start = case
    try:
        expected = schedule(network, CALENDAR, start, minutes_per_day=450)
    except OpenPMOError as error:
        with pytest.raises(type(error)) as raised:
            schedule_on_calendars(network, CALENDAR, start, minutes_per_day=450)
        assert str(raised.value) == str(error)
        return
    found = schedule_on_calendars(network, CALENDAR, start, minutes_per_day=450)
    assert found.project_finish == expected.project_finish
    assert _rows(found) == _rows(expected)
    assert found.critical_path == expected.critical_path


@settings(max_examples=60, deadline=None)
@given(networks(most=12, start_days=6, start_hours=(7, 9, 10, 12)))
def test_tasks_naming_the_schedules_own_calendar_change_nothing(case: tuple[Network, datetime]):
    network, start = case
    named = Network(
        tuple(
            Task(**{f.name: getattr(t, f.name) for f in fields(Task)} | {"calendar": CALENDAR})
            for t in network.tasks
        ),
        network.links,
    )
    assert not several(named, CALENDAR)
    try:
        expected = schedule(network, CALENDAR, start)
    except OpenPMOError as error:
        with pytest.raises(type(error)):
            schedule(named, CALENDAR, start)
        return
    assert _rows(schedule(named, CALENDAR, start)) == _rows(expected)
