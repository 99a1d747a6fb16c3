"""The MSPDI reader as it was before the lxml reader (defusedxml): kept to compare against.

Microsoft Project XML (MSPDI, "Save as XML") in.

Reading goes through defusedxml with document type declarations refused outright: MSPDI never
needs one, so entity expansion ("billion laughs") and external entities (which could read local
files) are stopped before any entity is expanded. Anything wrong with a file raises
:class:`~openpmo.core.errors.ParseError` naming the task or field, and nothing is returned.

Units in MSPDI: durations are ISO 8601 (``PT64H0M0S``, working time); ``LinkLag``, ``TotalSlack``
and ``FreeSlack`` are tenths of a minute (4800 = one 8-hour day); an absent slack is zero.
Link types are 0 FF, 1 FS, 2 SF, 3 SS. Calendar ``DayType`` 1 is Sunday .. 7 Saturday; 0 marks an
exception (a dated ``TimePeriod``), as does the ``Exceptions`` element of Project 2007 and later.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as StdET  # noqa: S405 - used to build output and for its error type
from datetime import date, datetime, time
from pathlib import Path
from xml.etree.ElementTree import Element  # noqa: S405 - type only; parsing is defusedxml's

import defusedxml
import defusedxml.ElementTree as SafeET

from openpmo.core.errors import ParseError
from openpmo.core.schedule._calendar import Calendar, CalendarException, WorkingInterval
from openpmo.core.schedule._model import (
    ConstraintType,
    Link,
    LinkType,
    Network,
    Project,
    StoredDates,
    Task,
)

__all__ = ["read_mspdi"]

NAMESPACE = "http://schemas.microsoft.com/project"
MAX_BYTES = 256 * 1024 * 1024
_ELAPSED_FORMATS = {4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52}
_PERCENT_FORMATS = {19, 20, 51, 52}
_DURATION = re.compile(
    r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


class _Reader:
    """Typed access to child elements, with errors that say where."""

    def __init__(self, element: Element, where: str) -> None:
        self.element = element
        self.where = where
        self._texts: dict[str, str | None] | None = None

    def text(self, name: str) -> str | None:
        if self._texts is None:
            self._texts = {}
            for child in self.element:
                self._texts.setdefault(child.tag, child.text)
        found = self._texts.get(_tag(name))
        return None if found is None else found.strip()

    def integer(self, name: str, default: int | None = None) -> int | None:
        raw = self.text(name)
        if raw is None or raw == "":
            return default
        try:
            return int(float(raw))
        except ValueError:
            raise ParseError(f"{name} is not a number: {raw!r}", where=self.where) from None

    def flag(self, name: str) -> bool:
        return self.integer(name, 0) == 1

    def moment(self, name: str) -> datetime | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return datetime.fromisoformat(raw).replace(tzinfo=None)
        except ValueError:
            raise ParseError(f"{name} is not a date and time: {raw!r}", where=self.where) from None

    def duration_minutes(self, name: str) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        match = _DURATION.match(raw)
        if match is None:
            raise ParseError(f"{name} is not an ISO 8601 duration: {raw!r}", where=self.where)
        sign, days, hours, minutes, seconds = match.groups()
        total = (
            float(days or 0) * 1440
            + float(hours or 0) * 60
            + float(minutes or 0)
            + float(seconds or 0) / 60
        )
        return -round(total) if sign else round(total)


def _parse(data: bytes) -> Element:
    if len(data) > MAX_BYTES:
        raise ParseError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB", where="MSPDI")
    try:
        root: Element = SafeET.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DTDForbidden:
        raise ParseError(
            "refused: the file declares a document type (DTD), which Microsoft Project XML "
            "never needs and which can expand entities or read other files",
            where="MSPDI",
        ) from None
    except defusedxml.DefusedXmlException as error:
        raise ParseError(f"refused: unsafe XML ({type(error).__name__})", where="MSPDI") from None
    except StdET.ParseError as error:
        raise ParseError(f"not well-formed XML: {error}", where="MSPDI") from None
    if root.tag != _tag("Project"):
        found = root.tag.split("}")[-1]
        problem = (
            f"the root element <Project> is not in the MSPDI namespace {NAMESPACE}"
            if found == "Project"
            else f"the root element is <{found}>, expected <Project>"
        )
        raise ParseError(f"not Microsoft Project XML: {problem}", where="MSPDI")
    return root


def _read_intervals(day: _Reader) -> tuple[WorkingInterval, ...]:
    found = []
    holder = day.element.find(_tag("WorkingTimes"))
    for working in holder if holder is not None else []:
        reader = _Reader(working, day.where)
        start, end = reader.text("FromTime"), reader.text("ToTime")
        if not start or not end:
            continue
        try:
            found.append(WorkingInterval.of(time.fromisoformat(start), time.fromisoformat(end)))
        except ValueError:
            raise ParseError(f"bad working time {start}-{end}", where=day.where) from None
    return tuple(found)


def _period(reader: _Reader) -> tuple[date, date] | None:
    period = reader.element.find(_tag("TimePeriod"))
    if period is None:
        return None
    holder = _Reader(period, reader.where)
    first, last = holder.moment("FromDate"), holder.moment("ToDate")
    if first is None or last is None:
        return None
    return first.date(), last.date()


def _read_calendars(root: Element) -> dict[int, Calendar]:
    raw: dict[
        int, tuple[str, int | None, dict[int, tuple[WorkingInterval, ...]], list[CalendarException]]
    ] = {}
    holder = root.find(_tag("Calendars"))
    for element in holder if holder is not None else []:
        reader = _Reader(element, "calendar")
        uid = reader.integer("UID")
        if uid is None:
            raise ParseError("a calendar has no UID", where="calendar")
        reader.where = f"calendar {uid}"
        base = reader.integer("BaseCalendarUID", -1)
        week: dict[int, tuple[WorkingInterval, ...]] = {}
        exceptions: list[CalendarException] = []
        days = element.find(_tag("WeekDays"))
        for day in days if days is not None else []:
            day_reader = _Reader(day, reader.where)
            day_type = day_reader.integer("DayType", -1)
            intervals = _read_intervals(day_reader) if day_reader.flag("DayWorking") else ()
            if day_type == 0:
                span = _period(day_reader)
                if span is not None:
                    exceptions.append(CalendarException(span[0], span[1], intervals))
            elif day_type is not None and 1 <= day_type <= 7:
                week[(day_type + 5) % 7] = intervals  # 1 Sunday -> 6, 2 Monday -> 0
        listed = element.find(_tag("Exceptions"))
        for exception in listed if listed is not None else []:
            ex_reader = _Reader(exception, reader.where)
            span = _period(ex_reader)
            if span is None:
                continue
            intervals = _read_intervals(ex_reader) if ex_reader.flag("DayWorking") else ()
            exceptions.append(
                CalendarException(span[0], span[1], intervals, ex_reader.text("Name") or "")
            )
        raw[uid] = (reader.text("Name") or f"Calendar {uid}", base, week, exceptions)

    calendars: dict[int, Calendar] = {}

    def build(uid: int, seen: frozenset[int]) -> Calendar:
        if uid in calendars:
            return calendars[uid]
        name, base, week, exceptions = raw[uid]
        if base is not None and base in raw and base not in seen:
            parent = build(base, seen | {uid})
            full_week = tuple(week.get(d, parent.week[d]) for d in range(7))
            all_exceptions = (*parent.exceptions, *exceptions)
        else:
            standard = Calendar.standard()
            full_week = tuple(week.get(d, standard.week[d]) for d in range(7))
            all_exceptions = tuple(exceptions)
        try:
            calendars[uid] = Calendar(week=full_week, exceptions=all_exceptions, name=name)
        except ValueError as error:
            raise ParseError(str(error), where=f"calendar {uid}") from None
        return calendars[uid]

    for uid in raw:
        build(uid, frozenset())
    return calendars


def read_mspdi(source: bytes | str | os.PathLike[str]) -> Project:
    """Read a Microsoft Project XML file (the bytes, or a path to them) into a :class:`Project`.

    Raises :class:`~openpmo.core.errors.ParseError` for malformed or hostile XML, a root that is
    not ``<Project>``, tasks without a UID, duplicate UIDs and links to tasks that do not exist.
    """
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        if path.exists() and not path.is_file():
            raise ParseError("not a file", where=str(path))
        data = path.read_bytes()
    root = _parse(data)
    project = _Reader(root, "project")
    start = project.moment("StartDate")
    if start is None:
        raise ParseError("the project has no StartDate", where="project")
    calendars = _read_calendars(root)
    calendar_uid = project.integer("CalendarUID", -1)
    if calendar_uid in calendars:
        calendar = calendars[calendar_uid]
    elif calendars:
        calendar = next(iter(calendars.values()))
    else:
        calendar = Calendar.standard()
    minutes_per_day = project.integer("MinutesPerDay", 480) or 480

    tasks: list[Task] = []
    stored: dict[int, StoredDates] = {}
    pending_links: list[tuple[Link, str]] = []
    parents: list[tuple[int, int]] = []  # (outline level, uid) of the open outline path
    holder = root.find(_tag("Tasks"))
    for position, element in enumerate(holder if holder is not None else [], start=1):
        reader = _Reader(element, f"task #{position}")
        uid = reader.integer("UID")
        name = reader.text("Name") or ""
        if uid is None:
            label = f" ({name!r})" if name else ""
            raise ParseError(f"task{label} has no UID", where=f"task #{position}")
        reader.where = f"task {uid}"
        if reader.flag("IsNull"):
            continue
        level = reader.integer("OutlineLevel", 1) or 0
        while parents and parents[-1][0] >= level:
            parents.pop()
        parent = parents[-1][1] if parents else None
        summary = reader.flag("Summary")
        if summary:
            parents.append((level, uid))
        manual = reader.flag("Manual") and not summary
        duration_format = reader.integer("DurationFormat", 7) or 7
        constraint_code = reader.integer("ConstraintType", 0) or 0
        try:
            constraint = ConstraintType(constraint_code)
        except ValueError:
            raise ParseError(
                f"unknown ConstraintType {constraint_code}", where=reader.where
            ) from None
        constraint_date = reader.moment("ConstraintDate")
        if (
            constraint
            not in (
                ConstraintType.AS_SOON_AS_POSSIBLE,
                ConstraintType.AS_LATE_AS_POSSIBLE,
            )
            and constraint_date is None
        ):
            constraint = ConstraintType.AS_SOON_AS_POSSIBLE
        task_start, task_finish = reader.moment("Start"), reader.moment("Finish")
        keeps_dates = manual and task_start is not None and task_finish is not None
        try:
            tasks.append(
                Task(
                    uid=uid,
                    name=name,
                    duration_minutes=max(reader.duration_minutes("Duration") or 0, 0),
                    milestone=reader.flag("Milestone"),
                    summary=summary,
                    parent=parent,
                    manual=keeps_dates,
                    start=task_start if keeps_dates else None,
                    finish=task_finish if keeps_dates else None,
                    constraint=constraint,
                    constraint_date=constraint_date,
                    elapsed=duration_format in _ELAPSED_FORMATS,
                )
            )
        except ValueError as error:
            raise ParseError(str(error), where=reader.where) from None
        stored[uid] = StoredDates(
            start=task_start,
            finish=task_finish,
            early_start=reader.moment("EarlyStart"),
            early_finish=reader.moment("EarlyFinish"),
            late_start=reader.moment("LateStart"),
            late_finish=reader.moment("LateFinish"),
            total_slack_minutes=round((reader.integer("TotalSlack", 0) or 0) / 10),
            free_slack_minutes=round((reader.integer("FreeSlack", 0) or 0) / 10),
            critical=reader.flag("Critical"),
        )
        for link_element in element.findall(_tag("PredecessorLink")):
            link = _Reader(link_element, f"task {uid} predecessor link")
            predecessor = link.integer("PredecessorUID")
            if predecessor is None:
                raise ParseError("a predecessor link has no PredecessorUID", where=link.where)
            type_code = link.integer("Type", 1) or 0
            try:
                link_type = LinkType(type_code)
            except ValueError:
                raise ParseError(f"unknown link Type {type_code}", where=link.where) from None
            lag_tenths = link.integer("LinkLag", 0) or 0
            lag_format = link.integer("LagFormat", 7) or 7
            percent = lag_format in _PERCENT_FORMATS
            pending_links.append(
                (
                    Link(
                        predecessor=predecessor,
                        successor=uid,
                        type=link_type,
                        lag_minutes=0 if percent else round(lag_tenths / 10),
                        lag_percent=lag_tenths / 10 if percent else None,
                        lag_elapsed=lag_format in _ELAPSED_FORMATS,
                    ),
                    link.where,
                )
            )
    known: set[int] = set()
    for task in tasks:
        if task.uid in known:
            raise ParseError("two tasks share this UID", where=f"task {task.uid}")
        known.add(task.uid)
    for pending, where in pending_links:
        if pending.predecessor not in known:
            raise ParseError(
                f"links to predecessor UID {pending.predecessor}, which is not a task in this file",
                where=where,
            )
    return Project(
        name=project.text("Title") or project.text("Name") or "",
        start=start,
        calendar=calendar,
        network=Network(tasks=tuple(tasks), links=tuple(found for found, _ in pending_links)),
        minutes_per_day=minutes_per_day,
        minutes_per_week=project.integer("MinutesPerWeek", 2400) or 2400,
        days_per_month=project.integer("DaysPerMonth", 20) or 20,
        critical_slack_minutes=(project.integer("CriticalSlackLimit", 0) or 0) * minutes_per_day,
        stored=stored,
    )
