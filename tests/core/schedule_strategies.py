"""Hypothesis strategies shared by the schedule engine's tests: one random programme shape."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import strategies as st

from openpmo.core.schedule import ConstraintType, Link, LinkType, Network, Task


@st.composite
def networks(
    draw: st.DrawFn,
    *,
    most: int = 14,
    start_days: int = 4,
    start_hours: tuple[int, ...] = (9, 10, 12),
) -> tuple[Network, datetime]:
    """A programme of up to ``most`` tasks under two summaries: manual tasks, every constraint,
    elapsed durations, every link type with lags, leads and percentages, links into and out of a
    summary; and a project start ``start_days`` days into the week at one of ``start_hours``."""
    n = draw(st.integers(1, most))
    tasks = [Task(0, "Programme", summary=True), Task(100, "Phase", summary=True, parent=0)]
    for uid in range(1, n + 1):
        manual = draw(st.booleans()) and uid % 4 == 0
        constraint = draw(st.sampled_from(list(ConstraintType)))
        day = datetime(2026, 3, 2, 9, 0) + timedelta(
            days=draw(st.integers(0, 20)), minutes=draw(st.sampled_from([0, 30, 240, 600]))
        )
        duration = draw(st.sampled_from([0, 60, 240, 480, 1440, 2400]))
        tasks.append(
            Task(
                uid,
                f"T{uid}",
                duration,
                milestone=duration == 0,
                parent=draw(st.sampled_from([0, 100, None])),
                manual=manual,
                start=day if manual else None,
                finish=day + timedelta(hours=4) if manual else None,
                constraint=constraint,
                constraint_date=None if constraint in (0, 1) else day,
                elapsed=draw(st.booleans()) and uid % 5 == 0,
            )
        )
    links = []
    for successor in range(2, n + 1):
        for predecessor in draw(st.sets(st.integers(1, successor - 1), max_size=3)):
            kind = draw(st.sampled_from(list(LinkType)))
            percent = draw(st.booleans()) and successor % 3 == 0
            links.append(
                Link(
                    predecessor,
                    successor,
                    kind,
                    lag_minutes=0 if percent else draw(st.sampled_from([0, -480, 120, 960])),
                    lag_percent=float(draw(st.integers(0, 100))) if percent else None,
                    lag_elapsed=draw(st.booleans()) and successor % 4 == 1,
                )
            )
    if draw(st.booleans()):
        links.append(Link(100, n, LinkType.FS))  # out of a summary
    if draw(st.booleans()):
        links.append(Link(1, 100, draw(st.sampled_from(list(LinkType)))))  # into one
    start = datetime.combine(
        date(2026, 3, 2) + timedelta(days=draw(st.integers(0, start_days))),
        time(draw(st.sampled_from(start_hours))),
    )
    return Network(tuple(tasks), tuple(links)), start
