"""Writing Microsoft Project XML (MSPDI, "Save as XML"); reading is in ``_mspdi``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as StdET  # noqa: S405 - builds output only; nothing is parsed here
from collections.abc import Iterator
from datetime import datetime, time
from xml.etree.ElementTree import Element  # noqa: S405 - type only

from openpmo.core.schedule._calendar import Calendar, WorkingInterval
from openpmo.core.schedule._engine import ScheduleResult, TaskSchedule, schedule
from openpmo.core.schedule._model import Link, Project, Task

__all__ = ["write_mspdi"]

NAMESPACE = "http://schemas.microsoft.com/project"


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


# -- writing ---------------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat(timespec="seconds")


def _duration(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}PT{minutes // 60}H{minutes % 60}M0S"


def _clock(minute: int) -> str:
    minute %= 1440
    return f"{minute // 60:02d}:{minute % 60:02d}:00"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _add(parent: Element, name: str, value: object) -> Element:
    child = StdET.SubElement(parent, _tag(name))
    if isinstance(value, bool):
        child.text = "1" if value else "0"
    elif isinstance(value, datetime):
        child.text = _iso(value)
    else:
        child.text = _NOT_XML.sub("", str(value))  # characters XML 1.0 cannot carry
    return child


def _write_day(parent: Element, day_type: int, intervals: tuple[WorkingInterval, ...]) -> Element:
    day = StdET.SubElement(parent, _tag("WeekDay"))
    _add(day, "DayType", day_type)
    _add(day, "DayWorking", bool(intervals))
    return day


def _write_times(day: Element, intervals: tuple[WorkingInterval, ...]) -> None:
    if not intervals:
        return
    times = StdET.SubElement(day, _tag("WorkingTimes"))
    for interval in intervals:
        working = StdET.SubElement(times, _tag("WorkingTime"))
        _add(working, "FromTime", _clock(interval.start))
        _add(working, "ToTime", _clock(interval.end))


def _outline(project: Project) -> Iterator[tuple[Task, int, str]]:
    """Tasks in outline order with their level and outline number."""
    tasks = project.network.tasks
    children: dict[int | None, list[Task]] = {}
    for task in tasks:
        children.setdefault(task.parent, []).append(task)

    def walk(parent: int | None, level: int, prefix: str) -> Iterator[tuple[Task, int, str]]:
        for number, task in enumerate(children.get(parent, []), start=1):
            is_root = parent is None and task.summary and task.uid == 0
            outline = "0" if is_root else f"{prefix}{number}"
            yield task, (0 if is_root else level), outline
            below = "" if is_root else f"{outline}."
            yield from walk(task.uid, 1 if is_root else level + 1, below)

    yield from walk(None, 1, "")


def write_mspdi(project: Project, *, result: ScheduleResult | None = None) -> bytes:
    """Microsoft Project XML for ``project``, with the dates of ``result`` (scheduled if absent).

    Elements follow the order of Microsoft's MSPDI schema so Project and MPXJ open the file.
    """
    if result is None:
        result = schedule(
            project.network,
            project.calendar,
            project.start,
            minutes_per_day=project.minutes_per_day,
            critical_slack_minutes=project.critical_slack_minutes,
        )
    dates = result.by_uid()
    StdET.register_namespace("", NAMESPACE)
    root = StdET.Element(_tag("Project"))
    _add(root, "SaveVersion", 14)
    file_name = project.name or "project"
    _add(root, "Name", file_name if file_name.endswith(".xml") else f"{file_name}.xml")
    _add(root, "Title", project.name)
    _add(root, "ScheduleFromStart", True)
    _add(root, "StartDate", project.start)
    _add(root, "FinishDate", result.project_finish)
    _add(root, "CriticalSlackLimit", project.critical_slack_minutes // project.minutes_per_day)
    _add(root, "CalendarUID", 1)
    working = [day for day in project.calendar.week if day]
    _add(root, "DefaultStartTime", _clock(working[0][0].start))
    _add(root, "DefaultFinishTime", _clock(working[0][-1].end))
    _add(root, "MinutesPerDay", project.minutes_per_day)
    _add(root, "MinutesPerWeek", project.minutes_per_week)
    _add(root, "DaysPerMonth", project.days_per_month)

    _write_calendar(StdET.SubElement(root, _tag("Calendars")), project.calendar)
    predecessors: dict[int, list[Link]] = {}
    for link in project.network.links:
        predecessors.setdefault(link.successor, []).append(link)
    holder = StdET.SubElement(root, _tag("Tasks"))
    for position, (task, level, outline) in enumerate(_outline(project)):
        element = StdET.SubElement(holder, _tag("Task"))
        _write_task(element, task, (position, level, outline), dates[task.uid])
        for link in predecessors.get(task.uid, []):
            _write_link(StdET.SubElement(element, _tag("PredecessorLink")), link)
    StdET.indent(root)
    body: bytes = StdET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + b"\n"


def _write_calendar(calendars: Element, project_calendar: Calendar) -> None:
    """The project calendar, as calendar UID 1: its week and its exceptions."""
    calendar = StdET.SubElement(calendars, _tag("Calendar"))
    _add(calendar, "UID", 1)
    _add(calendar, "Name", project_calendar.name)
    _add(calendar, "IsBaseCalendar", True)
    _add(calendar, "BaseCalendarUID", -1)
    week = StdET.SubElement(calendar, _tag("WeekDays"))
    for day_type in range(1, 8):
        intervals = project_calendar.week[(day_type + 5) % 7]
        _write_times(_write_day(week, day_type, intervals), intervals)
    for exception in project_calendar.exceptions:
        day = _write_day(week, 0, exception.intervals)
        period = StdET.SubElement(day, _tag("TimePeriod"))
        _add(period, "FromDate", datetime.combine(exception.first, time()))
        _add(period, "ToDate", datetime.combine(exception.last, time(23, 59)))
        _write_times(day, exception.intervals)


def _write_task(
    element: Element, task: Task, place: tuple[int, int, str], computed: TaskSchedule
) -> None:
    """One task's fields, in the schema's order, with its computed dates and slack."""
    position, level, outline = place
    _add(element, "UID", task.uid)
    _add(element, "ID", position)
    _add(element, "Name", task.name)
    _add(element, "Active", True)
    _add(element, "Manual", task.manual)
    _add(element, "IsNull", False)
    _add(element, "WBS", outline)
    _add(element, "OutlineNumber", outline)
    _add(element, "OutlineLevel", level)
    _add(element, "Start", task.start if task.manual and task.start else computed.start)
    _add(element, "Finish", task.finish if task.manual and task.finish else computed.finish)
    _add(element, "Duration", _duration(task.duration_minutes))
    if task.manual:
        _add(element, "ManualStart", task.start or computed.start)
        _add(element, "ManualFinish", task.finish or computed.finish)
        _add(element, "ManualDuration", _duration(task.duration_minutes))
    _add(element, "DurationFormat", 8 if task.elapsed else 7)
    _add(element, "Milestone", task.milestone)
    _add(element, "Summary", task.summary)
    _add(element, "Critical", computed.critical)
    _add(element, "EarlyStart", computed.early_start)
    _add(element, "EarlyFinish", computed.early_finish)
    _add(element, "LateStart", computed.late_start)
    _add(element, "LateFinish", computed.late_finish)
    _add(element, "FreeSlack", computed.free_slack_minutes * 10)
    _add(element, "TotalSlack", computed.total_slack_minutes * 10)
    _add(element, "ConstraintType", int(task.constraint))
    _add(element, "CalendarUID", -1)
    if task.constraint_date is not None:
        _add(element, "ConstraintDate", task.constraint_date)


def _write_link(entry: Element, link: Link) -> None:
    _add(entry, "PredecessorUID", link.predecessor)
    _add(entry, "Type", int(link.type))
    _add(entry, "CrossProject", False)
    if link.lag_percent is not None:
        _add(entry, "LinkLag", round(link.lag_percent * 10))
        _add(entry, "LagFormat", 19)
    else:
        _add(entry, "LinkLag", link.lag_minutes * 10)
        _add(entry, "LagFormat", 8 if link.lag_elapsed else 7)
