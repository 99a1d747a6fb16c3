"""Reading Microsoft Project XML (MSPDI, "Save as XML"); writing is in ``_mspdi_write``.

Parsing is libxml2's, through lxml, with a parser that cannot be talked into anything: entities
are never substituted (``resolve_entities=False``), no DTD is loaded and nothing is fetched
(``load_dtd=False``, ``no_network=True``), libxml2's size and depth limits stay on
(``huge_tree=False``), and a file that declares a document type at all is refused once parsed,
before any of it is read: MSPDI never needs one. So entity expansion ("billion laughs") and
external entities (which could read local files) are stopped with nothing expanded or fetched.
Anything wrong with a file raises :class:`~openpmo.core.errors.ParseError` naming the task or
field, and nothing is returned.

Speed: a task's fields are picked out of its children in one pass filtered by libxml2 (only the
elements the engine uses become Python objects), which with lxml's parser reads the 2,441-task
shared file several times faster than a pure-Python parser (``make bench``).

Units in MSPDI: durations are ISO 8601 (``PT64H0M0S``, working time); ``LinkLag``, ``TotalSlack``
and ``FreeSlack`` are tenths of a minute (4800 = one 8-hour day); an absent slack is zero.
Link types are 0 FF, 1 FS, 2 SF, 3 SS. Calendar ``DayType`` 1 is Sunday .. 7 Saturday; 0 marks an
exception (a dated ``TimePeriod``), as does the ``Exceptions`` element of Project 2007 and later.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from lxml import etree

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

if TYPE_CHECKING:
    from openpmo.core.schedule._result import ScheduleResult

__all__ = ["read_mspdi", "write_mspdi"]

NAMESPACE = "http://schemas.microsoft.com/project"
MAX_BYTES = 256 * 1024 * 1024
_ELAPSED_FORMATS = {4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52}
_PERCENT_FORMATS = {19, 20, 51, 52}
_DURATION = re.compile(
    r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
_PLAIN_HOURS = re.compile(r"PT(\d+)H(\d+)M0S")  # how Project writes almost every duration

Element = Any  # an lxml element (lxml ships no type information)
Fields = dict[str, str | None]


def write_mspdi(project: Project, *, result: ScheduleResult | None = None) -> bytes:
    """Microsoft Project XML for ``project`` (see :mod:`._mspdi_write`), loaded on first use: the
    writer's ``xml.etree`` costs every reader of a file (``openpmo schedule``) its import time."""
    from openpmo.core.schedule._mspdi_write import write_mspdi as write

    return write(project, result=result)


_PREFIX = f"{{{NAMESPACE}}}"
_CUT = len(_PREFIX)


def _tag(name: str) -> str:
    return f"{_PREFIX}{name}"


_TASK_FIELDS = (
    "UID",
    "Name",
    "IsNull",
    "OutlineLevel",
    "Summary",
    "Manual",
    "DurationFormat",
    "ConstraintType",
    "ConstraintDate",
    "Start",
    "Finish",
    "Duration",
    "Milestone",
    "EarlyStart",
    "EarlyFinish",
    "LateStart",
    "LateFinish",
    "TotalSlack",
    "FreeSlack",
    "Critical",
)
_LINK = _tag("PredecessorLink")
_FIELD_TAGS = tuple(_tag(name) for name in _TASK_FIELDS)
_LOCAL = {_tag(name): name for name in _TASK_FIELDS}


# -- values, with errors that say where ----------------------------------------------------------


def _text(fields: Fields, name: str) -> str | None:
    found = fields.get(name)
    return None if found is None else found.strip()


def _integer(fields: Fields, name: str, where: str, default: int | None = None) -> int | None:
    raw = _text(fields, name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw) if raw.isdigit() else int(float(raw))
    except (ValueError, OverflowError):
        raise ParseError(f"{name} is not a number: {raw[:40]!r}", where=where) from None
    return _bounded(value, name, raw, where)


# No count, lag or duration in a schedule comes near 10**15 (tenths of a minute: 190 million
# years); a larger one is a damaged or hostile file and would overflow the engine's int64 columns.
_LARGEST = 10**15


def _bounded(value: int, name: str, raw: str, where: str) -> int:
    if -_LARGEST < value < _LARGEST:
        return value
    raise ParseError(f"{name} is out of range: {raw[:40]!r}", where=where)


def _flag(fields: Fields, name: str, where: str) -> bool:
    return _integer(fields, name, where, 0) == 1


def _moment(fields: Fields, name: str, where: str) -> datetime | None:
    raw = _text(fields, name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=None)
    except ValueError:
        raise ParseError(f"{name} is not a date and time: {raw!r}", where=where) from None


def _duration_minutes(fields: Fields, name: str, where: str) -> int | None:
    raw = _text(fields, name)
    if not raw:
        return None
    plain = _PLAIN_HOURS.fullmatch(raw)
    if plain is not None:
        return int(plain[1]) * 60 + int(plain[2])
    match = _DURATION.match(raw)
    if match is None:
        raise ParseError(f"{name} is not an ISO 8601 duration: {raw!r}", where=where)
    sign, days, hours, minutes, seconds = match.groups()
    total = (
        float(days or 0) * 1440
        + float(hours or 0) * 60
        + float(minutes or 0)
        + float(seconds or 0) / 60
    )
    return -round(total) if sign else round(total)


def _children(element: Element) -> Fields:
    """Every child element's text by local name (the first of a name wins)."""
    found: Fields = {}
    for child in element.iterchildren(tag=etree.Element):
        tag = child.tag
        if tag.startswith(_PREFIX):
            found.setdefault(tag[_CUT:], child.text)
    return found


def _elements(element: Element | None) -> Iterator[Element]:
    """The child elements (not comments or processing instructions) of ``element``, if any."""
    if element is not None:
        yield from element.iterchildren(tag=etree.Element)


# -- the document ---------------------------------------------------------------------------------


def _parse(data: bytes) -> Element:
    if len(data) > MAX_BYTES:
        raise ParseError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB", where="MSPDI")
    parser = etree.XMLParser(  # one per call: lxml parsers are not to be shared between threads
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,  # the indentation between elements: nothing read, less to parse
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(f"not well-formed XML: {error}", where="MSPDI") from None
    if root is None:
        raise ParseError("not well-formed XML: the document is empty", where="MSPDI")
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise ParseError(
            "refused: the file declares a document type (DTD), which Microsoft Project XML "
            "never needs and which can expand entities or read other files",
            where="MSPDI",
        )
    if root.tag != _tag("Project"):
        found = str(root.tag).split("}")[-1]
        problem = (
            f"the root element <Project> is not in the MSPDI namespace {NAMESPACE}"
            if found == "Project"
            else f"the root element is <{found}>, expected <Project>"
        )
        raise ParseError(f"not Microsoft Project XML: {problem}", where="MSPDI")
    return root


def _read_intervals(day: Element, fields: Fields, where: str) -> tuple[WorkingInterval, ...]:
    if not _flag(fields, "DayWorking", where):
        return ()
    found = []
    for working in _elements(day.find(_tag("WorkingTimes"))):
        times = _children(working)
        start, end = _text(times, "FromTime"), _text(times, "ToTime")
        if not start or not end:
            continue
        try:
            found.append(WorkingInterval.of(time.fromisoformat(start), time.fromisoformat(end)))
        except ValueError:
            raise ParseError(f"bad working time {start}-{end}", where=where) from None
    return tuple(found)


def _period(element: Element, where: str) -> tuple[date, date] | None:
    period = element.find(_tag("TimePeriod"))
    if period is None:
        return None
    fields = _children(period)
    first, last = _moment(fields, "FromDate", where), _moment(fields, "ToDate", where)
    if first is None or last is None:
        return None
    return first.date(), last.date()


_RawCalendar = tuple[
    str, int | None, dict[int, tuple[WorkingInterval, ...]], list[CalendarException]
]


def _read_calendar(element: Element) -> tuple[int, _RawCalendar]:
    fields = _children(element)
    uid = _integer(fields, "UID", "calendar")
    if uid is None:
        raise ParseError("a calendar has no UID", where="calendar")
    where = f"calendar {uid}"
    base = _integer(fields, "BaseCalendarUID", where, -1)
    week: dict[int, tuple[WorkingInterval, ...]] = {}
    exceptions: list[CalendarException] = []
    for day in _elements(element.find(_tag("WeekDays"))):
        day_fields = _children(day)
        day_type = _integer(day_fields, "DayType", where, -1)
        intervals = _read_intervals(day, day_fields, where)
        if day_type == 0:
            span = _period(day, where)
            if span is not None:
                exceptions.append(CalendarException(span[0], span[1], intervals))
        elif day_type is not None and 1 <= day_type <= 7:
            week[(day_type + 5) % 7] = intervals  # 1 Sunday -> 6, 2 Monday -> 0
    for exception in _elements(element.find(_tag("Exceptions"))):
        span = _period(exception, where)
        if span is None:
            continue
        ex_fields = _children(exception)
        intervals = _read_intervals(exception, ex_fields, where)
        name = _text(ex_fields, "Name") or ""
        exceptions.append(CalendarException(span[0], span[1], intervals, name))
    return uid, (_text(fields, "Name") or f"Calendar {uid}", base, week, exceptions)


def _read_calendars(root: Element) -> dict[int, Calendar]:
    raw = dict(_read_calendar(element) for element in _elements(root.find(_tag("Calendars"))))
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


_LINK_TYPES = {int(kind): kind for kind in LinkType}
_LINK_LOCAL = {_tag(name): name for name in ("PredecessorUID", "Type", "LinkLag", "LagFormat")}
_LINK_FIELDS = tuple(_LINK_LOCAL)


def _read_link(element: Element, successor: int) -> tuple[Link, str]:
    found = list(element.iterchildren(_LINK_FIELDS))
    found.reverse()  # the first of a name is the one kept
    fields: Fields = {_LINK_LOCAL[child.tag]: child.text for child in found}
    predecessor, kind = fields.get("PredecessorUID"), _PLAIN_TYPES.get(fields.get("Type") or "")
    if (
        kind is not None
        and predecessor is not None
        and predecessor.isdigit()
        and len(predecessor) < 16
        and fields.get("LinkLag") in _NO_LAG
        and fields.get("LagFormat") in _WORKING_LAG
    ):  # how Project writes almost every link: a plain UID and type, no lag
        return Link(int(predecessor), successor, kind), ""
    return _read_any_link(fields, successor)


_PLAIN_TYPES = {str(int(kind)): kind for kind in LinkType}
_NO_LAG = {None, "0"}
_WORKING_LAG = {None, "7"}


def _read_any_link(fields: Fields, successor: int) -> tuple[Link, str]:
    where = f"task {successor} predecessor link"
    predecessor = _quick_integer(fields, "PredecessorUID", where, None)
    if predecessor is None:
        raise ParseError("a predecessor link has no PredecessorUID", where=where)
    type_code = _quick_integer(fields, "Type", where, 1) or 0
    link_type = _LINK_TYPES.get(type_code)
    if link_type is None:
        raise ParseError(f"unknown link Type {type_code}", where=where)
    lag_tenths = _quick_integer(fields, "LinkLag", where, 0) or 0
    lag_format = _quick_integer(fields, "LagFormat", where, 7) or 7
    percent = lag_format in _PERCENT_FORMATS
    link = Link(
        predecessor=predecessor,
        successor=successor,
        type=link_type,
        lag_minutes=0 if percent else round(lag_tenths / 10),
        lag_percent=lag_tenths / 10 if percent else None,
        lag_elapsed=lag_format in _ELAPSED_FORMATS,
    )
    return link, where


def _constraint(fields: Fields, where: str) -> tuple[ConstraintType, datetime | None]:
    code = _integer(fields, "ConstraintType", where, 0) or 0
    try:
        constraint = ConstraintType(code)
    except ValueError:
        raise ParseError(f"unknown ConstraintType {code}", where=where) from None
    moment = _moment(fields, "ConstraintDate", where)
    if moment is None and constraint not in (
        ConstraintType.AS_SOON_AS_POSSIBLE,
        ConstraintType.AS_LATE_AS_POSSIBLE,
    ):
        constraint = ConstraintType.AS_SOON_AS_POSSIBLE
    return constraint, moment


_STORED_DATES = ("EarlyStart", "EarlyFinish", "LateStart", "LateFinish")
_STORED_SLACK = ("TotalSlack", "FreeSlack")
_STORED_NAMES = (*_STORED_DATES, *_STORED_SLACK, "Start", "Finish", "Critical")
_BINARY = {"0": False, "1": True, None: False}


class _StoredColumns(Mapping[int, StoredDates]):
    """The dates and slack each task carried, as the file wrote them: checked when read, made
    into :class:`StoredDates` only when asked for (the engine never needs them)."""

    def __init__(self) -> None:
        self.raw: dict[int, Fields] = {}  # each task's fields as read (never changed after)
        self.made: dict[int, StoredDates] = {}

    def add(self, uid: int, fields: Fields) -> None:
        self.raw[uid] = fields

    def check(self) -> None:
        """Every stored value reads, or a ParseError names the first that does not."""
        if not self.raw:
            return
        rows = list(self.raw.values())
        columns = [[row.get(name) for row in rows] for name in _STORED_NAMES]
        uids = list(self.raw)
        for names, kind in (
            ((*_STORED_DATES,), "datetime64[s]"),
            ((*_STORED_SLACK,), "int64"),
            (("Start", "Finish"), "datetime64[s]"),
        ):
            offset = {"EarlyStart": 0, "TotalSlack": 4, "Start": 6}[names[0]]
            for k, name in enumerate(names):
                values = [v.strip() if v else "NaT" for v in columns[offset + k]]
                if kind == "int64":
                    values = [v if v != "NaT" else "0" for v in values]
                try:
                    np.array(values, dtype=kind)
                except ValueError:
                    for uid, raw in zip(uids, columns[offset + k], strict=True):
                        one = {name: raw}
                        where = f"task {uid}"
                        if kind == "int64":
                            _integer(one, name, where, 0)
                        else:
                            _moment(one, name, where)
        for uid, raw in zip(uids, columns[8], strict=True):
            if raw not in _BINARY:
                _integer({"Critical": raw}, "Critical", f"task {uid}", 0)

    def __getitem__(self, uid: int) -> StoredDates:
        found = self.made.get(uid)
        if found is None:
            found = self.made[uid] = self._make(uid)
        return found

    def _make(self, uid: int) -> StoredDates:
        fields = self.raw[uid]
        where = f"task {uid}"
        return StoredDates(
            start=_moment(fields, "Start", where),
            finish=_moment(fields, "Finish", where),
            early_start=_moment(fields, "EarlyStart", where),
            early_finish=_moment(fields, "EarlyFinish", where),
            late_start=_moment(fields, "LateStart", where),
            late_finish=_moment(fields, "LateFinish", where),
            total_slack_minutes=round((_integer(fields, "TotalSlack", where, 0) or 0) / 10),
            free_slack_minutes=round((_integer(fields, "FreeSlack", where, 0) or 0) / 10),
            critical=_flag(fields, "Critical", where),
        )

    def __iter__(self) -> Iterator[int]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


def _quick_flag(fields: Fields, name: str, where: str) -> bool:
    raw = fields.get(name)
    if raw in _BINARY:
        return _BINARY[raw]
    return _flag(fields, name, where)


def _quick_integer(fields: Fields, name: str, where: str, default: int | None) -> int | None:
    raw = fields.get(name)
    if raw is not None and raw.isdigit() and len(raw) < 16:
        return int(raw)
    return _integer(fields, name, where, default)


class _TaskReader:
    """Tasks in file order, the outline path that gives each its parent, links and stored dates."""

    def __init__(self) -> None:
        self.tasks: list[Task] = []
        self.stored = _StoredColumns()
        self.links: list[tuple[Link, str]] = []
        self.parents: list[tuple[int, int]] = []  # (outline level, uid) of the open outline path

    def read(self, element: Element, position: int) -> None:
        # Reversed, so that the first of a name is the one kept; links are found in a second
        # walk over the children, done in C, rather than by comparing every tag here.
        local = _LOCAL
        found = list(element.iterchildren(_FIELD_TAGS))
        found.reverse()
        fields: Fields = {local[child.tag]: child.text for child in found}
        link_elements = list(element.iterchildren(_LINK))
        uid = _quick_integer(fields, "UID", f"task #{position}", None)
        if uid is None:
            label = f" ({_text(fields, 'Name')!r})" if _text(fields, "Name") else ""
            raise ParseError(f"task{label} has no UID", where=f"task #{position}")
        where = f"task {uid}"
        if _quick_flag(fields, "IsNull", where):
            return
        level = _quick_integer(fields, "OutlineLevel", where, 1) or 0
        parents = self.parents
        while parents and parents[-1][0] >= level:
            parents.pop()
        parent = parents[-1][1] if parents else None
        summary = _quick_flag(fields, "Summary", where)
        if summary:
            parents.append((level, uid))
        manual = _quick_flag(fields, "Manual", where) and not summary
        duration_format = _quick_integer(fields, "DurationFormat", where, 7) or 7
        if fields.get("ConstraintType") in (None, "0") and not fields.get("ConstraintDate"):
            constraint, constraint_date = ConstraintType.AS_SOON_AS_POSSIBLE, None
        else:
            constraint, constraint_date = _constraint(fields, where)
        start = finish = None
        if manual:
            start, finish = _moment(fields, "Start", where), _moment(fields, "Finish", where)
        keeps_dates = manual and start is not None and finish is not None
        raw_name = fields.get("Name")
        try:
            self.tasks.append(
                Task(
                    uid=uid,
                    name=raw_name.strip() if raw_name else "",
                    duration_minutes=max(_duration_minutes(fields, "Duration", where) or 0, 0),
                    milestone=_quick_flag(fields, "Milestone", where),
                    summary=summary,
                    parent=parent,
                    manual=keeps_dates,
                    start=start if keeps_dates else None,
                    finish=finish if keeps_dates else None,
                    constraint=constraint,
                    constraint_date=constraint_date,
                    elapsed=duration_format in _ELAPSED_FORMATS,
                )
            )
        except ValueError as error:
            raise ParseError(str(error), where=where) from None
        self.stored.add(uid, fields)
        for link in link_elements:
            self.links.append(_read_link(link, uid))

    def check(self) -> None:
        self.stored.check()
        known: set[int] = set()
        for task in self.tasks:
            if task.uid in known:
                raise ParseError("two tasks share this UID", where=f"task {task.uid}")
            known.add(task.uid)
        for link, where in self.links:
            if link.predecessor not in known:
                where = where or f"task {link.successor} predecessor link"
                raise ParseError(
                    f"links to predecessor UID {link.predecessor}, which is not a task in this "
                    "file",
                    where=where,
                )


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
    # Tens of thousands of short-lived objects, none in a cycle: the cyclic collector's passes
    # over them (and over everything else alive) are held until the file is read.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(data)
    finally:
        if collecting:
            gc.enable()


def _read(data: bytes) -> Project:
    root = _parse(data)
    project = _children(root)
    start = _moment(project, "StartDate", "project")
    if start is None:
        raise ParseError("the project has no StartDate", where="project")
    calendars = _read_calendars(root)
    calendar_uid = _integer(project, "CalendarUID", "project", -1)
    if calendar_uid in calendars:
        calendar = calendars[calendar_uid]
    elif calendars:
        calendar = next(iter(calendars.values()))
    else:
        calendar = Calendar.standard()
    minutes_per_day = _integer(project, "MinutesPerDay", "project", 480) or 480
    reader = _TaskReader()
    for position, element in enumerate(_elements(root.find(_tag("Tasks"))), start=1):
        reader.read(element, position)
    reader.check()
    return Project(
        name=_text(project, "Title") or _text(project, "Name") or "",
        start=start,
        calendar=calendar,
        network=Network(tasks=tuple(reader.tasks), links=tuple(link for link, _ in reader.links)),
        minutes_per_day=minutes_per_day,
        minutes_per_week=_integer(project, "MinutesPerWeek", "project", 2400) or 2400,
        days_per_month=_integer(project, "DaysPerMonth", "project", 20) or 20,
        critical_slack_minutes=(_integer(project, "CriticalSlackLimit", "project", 0) or 0)
        * minutes_per_day,
        stored=reader.stored,
    )
