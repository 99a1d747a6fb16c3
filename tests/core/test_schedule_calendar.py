"""Working calendars: counting and adding working time, exceptions, MSPDI-style boundaries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpmo.core.errors import ValidationError
from openpmo.core.schedule import Calendar, CalendarException, WorkingInterval
from openpmo.core.schedule._calendar import EPOCH

SPLIT_DAY = Calendar.standard(hours=((time(9), time(13)), (time(15), time(19))), name="Estándar")


def test_standard_calendar_is_microsoft_projects_default():
    calendar = Calendar.standard()
    assert calendar.describe().splitlines()[0] == "Monday 08:00-12:00, 13:00-17:00"
    assert calendar.describe().splitlines()[5] == "Saturday not working"
    assert not calendar.is_working_day(date(2026, 1, 10))


def test_working_minutes_skip_lunch_nights_and_weekends():
    # Friday 15:00 to Monday 10:00 on the 09-13 / 15-19 calendar: 4 h Friday + 1 h Monday
    minutes = SPLIT_DAY.working_minutes_between(datetime(2026, 1, 9, 15), datetime(2026, 1, 12, 10))
    assert minutes == 5 * 60
    assert (
        SPLIT_DAY.working_minutes_between(datetime(2026, 1, 12, 10), datetime(2026, 1, 9, 15))
        == -300
    )
    # the lunch break counts nothing
    assert (
        SPLIT_DAY.working_minutes_between(datetime(2026, 1, 5, 13), datetime(2026, 1, 5, 15)) == 0
    )


def test_adding_lands_at_the_end_of_a_period_and_taking_away_at_the_start():
    # 8 hours from Thursday 09:00 ends Thursday 19:00 (not Friday 09:00), as Project shows it;
    thursday = datetime(2026, 1, 1, 9)
    assert SPLIT_DAY.add_working_minutes(thursday, 480) == datetime(2026, 1, 1, 19)
    # 5 days from 1 January ends 7 January 19:00 (the README's lag example),
    assert SPLIT_DAY.add_working_minutes(thursday, 5 * 480) == datetime(2026, 1, 7, 19)
    # going back 4 hours from Monday 09:00 starts at Friday 15:00.
    assert SPLIT_DAY.add_working_minutes(datetime(2026, 1, 12, 9), -240) == datetime(2026, 1, 9, 15)
    assert SPLIT_DAY.add_working_minutes(thursday, 0) == thursday


def test_exceptions_take_days_out_or_put_them_in():
    christmas = CalendarException(date(2025, 12, 25), date(2025, 12, 26), name="Christmas")
    saturday = CalendarException(
        date(2025, 12, 27), date(2025, 12, 27), (WorkingInterval.of(time(10), time(12)),)
    )
    calendar = Calendar.standard(exceptions=[christmas, saturday])
    assert not calendar.is_working_day(date(2025, 12, 25))
    assert calendar.intervals_on(date(2025, 12, 27)) == (WorkingInterval(600, 720),)
    # Wednesday 24th 17:00 + 1 hour: not the 25th or 26th, but the Saturday morning
    assert calendar.add_working_minutes(datetime(2025, 12, 24, 17), 60) == datetime(
        2025, 12, 27, 11
    )


def test_a_24_hour_calendar_runs_through_midnight():
    calendar = Calendar(week=((WorkingInterval.of(time(0), time(0)),),) * 7, name="24 Hours")
    start = datetime(2026, 1, 3, 20)
    assert calendar.add_working_minutes(start, 8 * 60) == datetime(2026, 1, 4, 4)
    assert calendar.working_minutes_between(start, datetime(2026, 1, 5, 20)) == 2 * 24 * 60


def test_invalid_calendars_are_refused():
    with pytest.raises(ValidationError, match="overlap"):
        Calendar.standard(hours=((time(9), time(13)), (time(12), time(17))))
    with pytest.raises(ValidationError, match="no working time on any weekday"):
        Calendar(week=((),) * 7, name="Never")
    with pytest.raises(ValidationError, match="7 weekdays"):
        Calendar(week=((),) * 5)
    with pytest.raises(ValidationError, match="within one day"):
        WorkingInterval(600, 500)
    with pytest.raises(ValidationError, match="ends before it starts"):
        CalendarException(date(2026, 1, 2), date(2026, 1, 1))


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda moment: moment.replace(second=0, microsecond=0)
)


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(1, 200_000))
def test_adding_then_counting_gives_back_the_minutes(start: datetime, minutes: int):
    finish = SPLIT_DAY.add_working_minutes(start, minutes)
    assert SPLIT_DAY.working_minutes_between(start, finish) == minutes
    back = SPLIT_DAY.add_working_minutes(finish, -minutes)
    assert SPLIT_DAY.working_minutes_between(back, finish) == minutes


@settings(max_examples=50, deadline=None)
@given(st.lists(moments, min_size=1, max_size=50))
def test_vectorised_conversion_returns_working_times_unchanged(values: list[datetime]):
    # Given times inside working hours (moved there from wherever they fell),
    timeline = SPLIT_DAY.timeline(date(2026, 1, 1))
    wall = np.array([(v - EPOCH) // timedelta(minutes=1) for v in values], np.int64)
    offsets = timeline.offsets_of(wall)
    working = timeline.wall_of(offsets, np.zeros(len(values), np.bool_) == 1)
    # converting to offsets and back gives the same minute, whichever form is asked for,
    again = timeline.offsets_of(working)
    assert (again == offsets).all()
    inside = timeline.is_working_minute(wall) & ~timeline.is_interval_end(wall)
    assert (working[inside] == wall[inside]).all()
    # and the end form agrees too, except at the first minute of a period (it names the end of
    # the period before, the same working instant).
    strictly = inside & timeline.is_working_minute(wall - 1)
    as_ends = timeline.wall_of(offsets, np.ones(len(values), np.bool_))
    assert (as_ends[strictly] == wall[strictly]).all()


def test_whole_columns_convert_both_ways():
    origin = date(2026, 1, 5)  # a Monday
    moments = np.array(
        ["2026-01-05T09:00", "2026-01-05T19:00", "2026-01-10T12:00"], "datetime64[m]"
    )
    offsets = SPLIT_DAY.offsets(origin, moments)
    # 0 at the first working minute, 480 at the end of Monday, Saturday counts as Friday's end
    assert offsets.tolist() == [0, 480, 5 * 480]
    starts = SPLIT_DAY.moments(origin, offsets)
    ends = SPLIT_DAY.moments(origin, offsets, end_of_period=True)
    assert starts.astype(str).tolist() == [
        "2026-01-05T09:00",
        "2026-01-06T09:00",
        "2026-01-12T09:00",
    ]
    assert ends.astype(str).tolist()[1:] == ["2026-01-05T19:00", "2026-01-09T19:00"]
