"""The scheduling engine on small networks a planner can check by hand, and on random ones.

Calendar: Microsoft Project's standard, Monday-Friday 08:00-12:00 and 13:00-17:00 (a day is 480
working minutes). The project starts Monday 5 January 2026 at 08:00.
"""

from __future__ import annotations

from datetime import date, datetime, time

import numpy as np
import pytest
from hypothesis import given, settings
from tests.strategies import array_networks

from openpmo.core.errors import CycleError, ScheduleError, ValidationError
from openpmo.core.schedule import (
    Calendar,
    CalendarException,
    ConstraintType,
    Link,
    LinkType,
    Network,
    Task,
    schedule,
)
from openpmo.core.schedule._engine import ArrayNetwork, run_passes

DAY = 480
CALENDAR = Calendar.standard()
MONDAY = datetime(2026, 1, 5, 8, 0)


def at(day: int, hour: int) -> datetime:
    """``day`` of January 2026 at ``hour``:00."""
    return datetime(2026, 1, day, hour, 0)


def run(tasks: list[Task], links: list[Link] = (), **options: object):  # type: ignore[assignment]
    return schedule(Network(tuple(tasks), tuple(links)), CALENDAR, MONDAY, **options).by_uid()


def test_finish_to_start_chain_runs_across_the_weekend():
    # Given A (3 days) then B (4 days),
    result = run([Task(1, "A", 3 * DAY), Task(2, "B", 4 * DAY)], [Link(1, 2)])
    # then A runs Monday-Wednesday and B Thursday to the next Tuesday, both critical.
    assert (result[1].early_start, result[1].early_finish) == (at(5, 8), at(7, 17))
    assert (result[2].early_start, result[2].early_finish) == (at(8, 8), at(13, 17))
    assert result[1].critical and result[2].critical
    assert result[1].total_slack_minutes == result[2].total_slack_minutes == 0


def test_a_parallel_short_task_has_total_and_free_slack():
    # Given A (1 day) and B (3 days) both before C,
    result = run(
        [Task(1, "A", DAY), Task(2, "B", 3 * DAY), Task(3, "C", DAY)], [Link(1, 3), Link(2, 3)]
    )
    # A can slip 2 days without moving C or the end; it is not critical.
    assert result[1].total_slack_days == 2 and result[1].free_slack_days == 2
    assert not result[1].critical
    assert result[1].late_start == at(7, 8) and result[1].late_finish == at(7, 17)
    assert result[3].early_start == at(8, 8)


def test_free_slack_is_smaller_than_total_when_a_successor_has_slack():
    # Given A (1d) -> B (1d) in parallel with a 5-day task, all ending the project,
    result = run([Task(1, "A", DAY), Task(2, "B", DAY), Task(3, "Long", 5 * DAY)], [Link(1, 2)])
    # A can slip 3 days in total, but not at all without moving B.
    assert result[1].total_slack_days == 3 and result[1].free_slack_days == 0
    assert result[2].total_slack_days == 3 and result[2].free_slack_days == 3


def test_lags_and_leads_in_working_time():
    result = run(
        [Task(1, "A", 2 * DAY), Task(2, "Lag", DAY), Task(3, "Lead", DAY)],
        [Link(1, 2, lag_minutes=DAY), Link(1, 3, lag_minutes=-DAY)],
    )
    # A ends Tuesday 17:00: a 1-day lag starts the next task Thursday, a 1-day lead Tuesday.
    assert result[2].early_start == at(8, 8)
    assert result[3].early_start == at(6, 8)


def test_start_to_start_with_a_percentage_lag():
    # Given B may start when A (4 days) is half done,
    result = run(
        [Task(1, "A", 4 * DAY), Task(2, "B", DAY)], [Link(1, 2, LinkType.SS, lag_percent=50)]
    )
    assert result[2].early_start == at(7, 8)


def test_finish_to_finish_and_start_to_finish():
    result = run(
        [Task(1, "A", 3 * DAY), Task(2, "FF", DAY), Task(3, "Pred", DAY), Task(4, "SF", DAY)],
        [Link(1, 2, LinkType.FF), Link(3, 4, LinkType.SF, lag_minutes=2 * DAY)],
    )
    # FF: B finishes with A (Wednesday 17:00), so starts Wednesday 08:00.
    assert (result[2].early_start, result[2].early_finish) == (at(7, 8), at(7, 17))
    # SF +2d: D cannot finish before Pred's start + 2 days (Tuesday 17:00).
    assert result[4].early_finish == at(6, 17)


def test_milestone_after_a_task_shows_the_finish_time_and_late_next_morning():
    # Given A (1 day) -> Gate (milestone) -> B (1 day),
    result = run(
        [Task(1, "A", DAY), Task(2, "Gate", 0, milestone=True), Task(3, "B", DAY)],
        [Link(1, 2), Link(2, 3)],
    )
    # the gate sits at Monday 17:00 early (where A ends) and Tuesday 08:00 late (where B
    # starts) - the same working instant, so no slack, as Microsoft Project shows it.
    gate = result[2]
    assert gate.early_start == gate.early_finish == at(5, 17)
    assert gate.late_start == gate.late_finish == at(6, 8)
    assert gate.total_slack_minutes == 0 and gate.critical


def test_start_no_earlier_than_a_saturday_starts_on_monday():
    result = run(
        [
            Task(
                1,
                "Survey",
                DAY,
                constraint=ConstraintType.START_NO_EARLIER_THAN,
                constraint_date=datetime(2026, 1, 10, 8, 0),
            )
        ]
    )
    assert result[1].early_start == at(12, 8)


def test_finish_no_later_than_an_impossible_date_gives_negative_slack():
    # Given 5 days of work that must finish by Wednesday,
    result = run(
        [
            Task(1, "Build", 5 * DAY),
            Task(
                2,
                "Handover",
                0,
                constraint=ConstraintType.FINISH_NO_LATER_THAN,
                constraint_date=at(7, 17),
            ),
        ],
        [Link(1, 2)],
    )
    # the work is 2 days late: negative slack flows back to it, and both are critical.
    assert result[1].total_slack_days == -2 and result[1].critical
    assert result[2].total_slack_days == -2


def test_must_start_on_pins_the_task_both_ways():
    result = run(
        [
            Task(1, "A", DAY),
            Task(
                2, "Launch", DAY, constraint=ConstraintType.MUST_START_ON, constraint_date=at(14, 8)
            ),
        ],
        [Link(1, 2)],
    )
    assert result[2].early_start == result[2].late_start == at(14, 8)
    assert result[1].late_finish == at(13, 17)


def test_manual_task_stays_put_even_if_its_predecessor_runs_later():
    # Given a manual task booked for Tuesday after a 3-day predecessor,
    result = run(
        [
            Task(1, "A", 3 * DAY),
            Task(2, "Booked", DAY, manual=True, start=at(6, 8), finish=at(6, 17)),
            Task(3, "After", DAY),
        ],
        [Link(1, 2), Link(2, 3)],
    )
    # it stays on Tuesday (its free slack shows the clash) and its successor follows it.
    assert (result[2].early_start, result[2].early_finish) == (at(6, 8), at(6, 17))
    assert result[3].early_start == at(7, 8)


def test_summaries_roll_up_from_the_tasks_under_them():
    tasks = [
        Task(0, "Programme", summary=True),
        Task(10, "Phase 1", summary=True, parent=0),
        Task(1, "A", 2 * DAY, parent=10),
        Task(2, "B", DAY, parent=10),
        Task(20, "Phase 2", summary=True, parent=0),
        Task(3, "C", 3 * DAY, parent=20),
    ]
    result = run(tasks, [Link(1, 3)])
    assert (result[10].early_start, result[10].early_finish) == (at(5, 8), at(6, 17))
    assert (result[20].early_start, result[20].early_finish) == (at(7, 8), at(9, 17))
    assert (result[0].early_start, result[0].early_finish) == (at(5, 8), at(9, 17))
    assert result[10].late_finish == at(9, 17)  # B can finish as late as the project
    assert result[0].critical and result[0].summary


def test_links_between_summaries_bind_every_task_under_them():
    # Given work package 1 (two tasks) must finish before work package 2 (two tasks) starts,
    tasks = [
        Task(10, "Work package 1", summary=True),
        Task(1, "Short", DAY, parent=10),
        Task(2, "Long", 3 * DAY, parent=10),
        Task(20, "Work package 2", summary=True),
        Task(3, "Build", DAY, parent=20),
        Task(4, "Test", 2 * DAY, parent=20),
    ]
    result = run(tasks, [Link(10, 20)])
    # both tasks of package 2 wait for the longer task of package 1,
    assert result[3].early_start == result[4].early_start == at(8, 8)
    assert result[20].early_start == at(8, 8)
    # the short task can slip until package 2 must start, and "Build" until the end.
    assert result[1].total_slack_days == 2 and result[3].total_slack_days == 1
    assert result[2].critical and result[4].critical


def test_bank_holiday_is_skipped():
    calendar = Calendar.standard(exceptions=[CalendarException(date(2026, 1, 6), date(2026, 1, 6))])
    result = schedule(Network((Task(1, "A", 2 * DAY),)), calendar, MONDAY).task(1)
    assert result.early_finish == at(7, 17)


def test_a_cycle_is_refused_naming_its_tasks_in_link_order():
    tasks = [Task(1, "Design"), Task(2, "Build"), Task(3, "Test"), Task(4, "Outside")]
    links = [Link(4, 1), Link(1, 2), Link(2, 3), Link(3, 1)]
    with pytest.raises(CycleError) as caught:
        run(tasks, links)
    names = caught.value.tasks
    assert sorted(names) == ["1 Design", "2 Build", "3 Test"]
    # each named task links to the next, and the last back to the first
    order = [int(name.split()[0]) for name in names]
    pairs = {(link.predecessor, link.successor) for link in links}
    assert all((order[k], order[(k + 1) % 3]) in pairs for k in range(3))
    assert "Outside" not in str(caught.value)


def test_a_task_linked_to_itself_is_a_cycle():
    with pytest.raises(CycleError, match="7 Loop -> 7 Loop"):
        run([Task(7, "Loop", DAY)], [Link(7, 7)])


def test_bad_networks_are_refused_with_the_place_named():
    with pytest.raises(ValidationError, match="task 2: link 9 -> 2 names task 9"):
        run([Task(2, "B")], [Link(9, 2)])
    with pytest.raises(ValidationError, match="task 1: two tasks share this UID"):
        run([Task(1, "A"), Task(1, "B")])
    with pytest.raises(ScheduleError, match="SS link from summary task 0 is not supported"):
        run(
            [Task(0, "Phase", summary=True), Task(1, "A", DAY, parent=0), Task(2, "B", DAY)],
            [Link(0, 2, LinkType.SS)],
        )
    with pytest.raises(ValidationError, match="task 5: duration cannot be negative"):
        Task(5, "Bad", -1)
    with pytest.raises(ValidationError, match="needs a constraint date"):
        Task(5, "Bad", constraint=ConstraintType.MUST_START_ON)


# -- the vectorised passes against a plain per-task critical path method --------------------------


def reference(durations, links, project_start=0):
    """Textbook CPM in working minutes, one task at a time (no calendar forms)."""
    n = len(durations)
    preds = {k: [] for k in range(n)}
    succs = {k: [] for k in range(n)}
    for p, s, t, lag in links:
        preds[s].append((p, t, lag))
        succs[p].append((s, t, lag))
    order, seen = [], set()

    def visit(k):
        if k in seen:
            return
        seen.add(k)
        for p, _, _ in preds[k]:
            visit(p)
        order.append(k)

    for k in range(n):
        visit(k)
    es, ef = {}, {}
    for k in order:
        d = durations[k]
        start = project_start
        for p, t, lag in preds[k]:
            if t == LinkType.FS:
                start = max(start, ef[p] + lag)
            elif t == LinkType.SS:
                start = max(start, es[p] + lag)
            elif t == LinkType.FF:
                start = max(start, ef[p] + lag - d)
            else:
                start = max(start, es[p] + lag - d)
        es[k], ef[k] = start, start + d
    finish = max(ef.values())
    ls, lf = {}, {}
    for k in reversed(order):
        d = durations[k]
        end = finish
        for s, t, lag in succs[k]:
            if t == LinkType.FS:
                end = min(end, ls[s] - lag)
            elif t == LinkType.FF:
                end = min(end, lf[s] - lag)
            elif t == LinkType.SS:
                end = min(end, ls[s] - lag + d)
            else:
                end = min(end, lf[s] - lag + d)
        lf[k], ls[k] = end, end - d
    return [(es[k], ef[k], ls[k], lf[k]) for k in range(n)]


@settings(max_examples=150, deadline=None)
@given(array_networks())
def test_vectorised_passes_match_a_per_task_reference(case):
    durations, links, permutation = case
    where = {old: new for new, old in enumerate(permutation)}
    shuffled = [0] * len(durations)
    for old, d in enumerate(durations):
        shuffled[where[old]] = d
    moved = [(where[p], where[s], t, lag) for p, s, t, lag in links]
    network = ArrayNetwork.simple(
        np.array(shuffled, np.int64),
        np.array([m[0] for m in moved], np.int64),
        np.array([m[1] for m in moved], np.int64),
        np.array([int(m[2]) for m in moved], np.int64),
        np.array([m[3] for m in moved], np.int64),
    )
    # project start at offset 0 (the engine's start bound encodes a start of day as 2*0+1)
    passes = run_passes(network)
    ours = (
        np.stack([passes.early_start, passes.early_finish, passes.late_start, passes.late_finish]).T
        >> 1
    )
    expected = np.array(reference(shuffled, moved), np.int64)
    assert (ours == expected).all()


@settings(max_examples=60, deadline=None)
@given(array_networks())
def test_slack_is_consistent_on_any_network(case):
    durations, links, _ = case
    tasks = [Task(k, f"T{k}", d) for k, d in enumerate(durations)]
    net = [Link(p, s, t, lag) for p, s, t, lag in links]
    result = run(tasks, net)
    finish = max(entry.early_finish for entry in result.values())
    for entry in result.values():
        # without constraints nothing is late, free slack never exceeds total slack,
        assert entry.total_slack_minutes >= 0
        assert 0 <= entry.free_slack_minutes <= entry.total_slack_minutes
        # early never after late, and nothing ends after the project does.
        assert entry.early_start <= entry.late_start or entry.total_slack_minutes == 0
        assert entry.late_finish <= finish or entry.early_finish == finish
    # something is always critical: the task that finishes last.
    assert any(entry.critical for entry in result.values())


def test_start_no_later_than_and_finish_no_earlier_than():
    result = run(
        [
            Task(1, "A", 5 * DAY),
            Task(
                2, "B", DAY, constraint=ConstraintType.START_NO_LATER_THAN, constraint_date=at(6, 8)
            ),
            Task(
                3,
                "C",
                DAY,
                constraint=ConstraintType.FINISH_NO_EARLIER_THAN,
                constraint_date=at(8, 17),
            ),
        ],
    )
    # B may start no later than Tuesday although the project runs to Friday: 1 day of slack;
    assert result[2].late_start == at(6, 8) and result[2].total_slack_days == 1
    # C cannot finish before Thursday 17:00, so it starts Thursday.
    assert result[3].early_start == at(8, 8) and result[3].early_finish == at(8, 17)


def test_a_duration_beyond_the_calendar_is_refused():
    with pytest.raises(ValidationError, match="outside the years 1 to 9999"):
        run([Task(1, "Forever", 10**12)])


def test_the_public_surface_is_pinned():
    import openpmo.core.schedule as package

    assert sorted(package.__all__) == [
        "Calendar",
        "CalendarException",
        "ConstraintType",
        "Link",
        "LinkType",
        "Network",
        "NetworkArrays",
        "Project",
        "ScheduleColumns",
        "ScheduleResult",
        "StoredDates",
        "Task",
        "TaskSchedule",
        "WorkingInterval",
        "read_mspdi",
        "schedule",
        "schedule_project",
        "write_mspdi",
    ]
    assert all(hasattr(package, name) for name in package.__all__)


# -- a project start outside working time (issue 11, item 12) -----------------------------------


def _start_outside_working_time(start: datetime) -> dict[int, object]:
    calendar = Calendar.standard(hours=((time(9), time(13)), (time(14), time(18))))
    network = Network(
        (
            Task(0, "Project", summary=True),
            Task(1, "Survey", 480, parent=0),
            Task(2, "Kick-off", 0, milestone=True, parent=0),
            Task(3, "Build", 960, parent=0),
        ),
        (Link(1, 3),),
    )
    return schedule(network, calendar, start).by_uid()  # type: ignore[return-value]


@pytest.mark.parametrize(
    "start",
    [datetime(2026, 3, 1, 10, 0), datetime(2026, 3, 2, 8, 0)],
    ids=["a Sunday", "08:00 when the day starts at 09:00"],
)
def test_tasks_without_predecessors_keep_a_project_start_outside_working_time(start: datetime):
    # Given a project that starts outside working time (as Microsoft Project keeps it),
    tasks = _start_outside_working_time(start)
    # the tasks with no predecessors, the milestone and the summary start at the project start,
    assert tasks[1].early_start == start
    assert tasks[2].early_start == tasks[2].early_finish == start
    assert tasks[0].early_start == start
    # but work is counted from the next working minute: Survey ends 18:00 on Monday 2 March,
    # Build follows from Tuesday 09:00, and slack is unchanged.
    assert tasks[1].early_finish == datetime(2026, 3, 2, 18, 0)
    assert tasks[3].early_start == datetime(2026, 3, 3, 9, 0)
    assert tasks[3].early_finish == datetime(2026, 3, 4, 18, 0)
    assert tasks[1].total_slack_minutes == 0
    assert tasks[2].total_slack_minutes == 2 * 8 * 60 + 8 * 60


def test_a_project_start_in_working_time_is_where_tasks_start():
    tasks = _start_outside_working_time(datetime(2026, 3, 2, 9, 0))
    assert tasks[1].early_start == tasks[2].early_start == datetime(2026, 3, 2, 9, 0)
