"""Reading Microsoft Project XML (MSPDI, "Save as XML"); writing is in ``_mspdi_write``.

Parsing is libxml2's, through lxml, with a parser that cannot be talked into anything: entities
are never substituted (``resolve_entities=False``), no DTD is loaded and nothing is fetched
(``load_dtd=False``, ``no_network=True``), libxml2's size and depth limits stay on
(``huge_tree=False``), and a file that declares a document type at all is refused once parsed,
before any of it is read: MSPDI never needs one. So entity expansion ("billion laughs") and
external entities (which could read local files) are stopped with nothing expanded or fetched.
Anything wrong with a file raises :class:`~openpmo.core.errors.ParseError` naming the task or
field, and nothing is returned.

Speed: a file written the plain way Project writes it is read from its bytes by
:mod:`._mspdi_scan` after libxml2 has checked all of it, with the same protections, without
building a tree; any other file (and any file in error, so that the error is the one lxml's tree
finds) is read through lxml's tree here. Both ways hand each task's fields to the same code
(:mod:`._mspdi_tasks`, :mod:`._mspdi_values`), so a file reads the same either way.
When every task is plain, the columns read are also handed to the engine as the network's
:class:`~._table.NetworkArrays` (``remember_table``), so that its first schedule does not turn
the objects back into columns, and the engine finds the network's shape and levels then
(``_engine.prepare``), so that its first schedule starts at the calendar.

Calendar ``DayType`` 1 is Sunday .. 7 Saturday; 0 marks an exception (a dated ``TimePeriod``), as
does the ``Exceptions`` element of Project 2007 and later.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from openpmo.core.errors import InputError, ParseError
from openpmo.core.schedule._calendar import Calendar, CalendarException, WorkingInterval
from openpmo.core.schedule._calendars import remember_own_calendars
from openpmo.core.schedule._engine import prepare
from openpmo.core.schedule._model import Network, Project
from openpmo.core.schedule._mspdi_scan import ROOT, scan
from openpmo.core.schedule._mspdi_tasks import (
    LINK,
    LINK_FIELDS,
    TASK_FIELDS,
    TaskReader,
    Tasks,
)
from openpmo.core.schedule._mspdi_values import NAMESPACE, Fields, flag, integer, moment, text
from openpmo.core.schedule._table import remember_table

if TYPE_CHECKING:
    from openpmo.core.schedule._result import ScheduleResult

__all__ = ["read_mspdi", "write_mspdi"]

MAX_BYTES = 256 * 1024 * 1024

Element = Any  # an lxml element (lxml ships no type information)


def write_mspdi(project: Project, *, result: ScheduleResult | None = None) -> bytes:
    """Microsoft Project XML for ``project`` (see :mod:`._mspdi_write`), loaded on first use: the
    writer's ``xml.etree`` costs every reader of a file (``openpmo schedule``) its import time."""
    from openpmo.core.schedule._mspdi_write import write_mspdi as write

    return write(project, result=result)


_PREFIX = f"{{{NAMESPACE}}}"
_CUT = len(_PREFIX)


def _tag(name: str) -> str:
    return f"{_PREFIX}{name}"


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
    if not flag(fields, "DayWorking", where):
        return ()
    found = []
    for working in _elements(day.find(_tag("WorkingTimes"))):
        times = _children(working)
        start, end = text(times, "FromTime"), text(times, "ToTime")
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
    first, last = moment(fields, "FromDate", where), moment(fields, "ToDate", where)
    if first is None or last is None:
        return None
    return first.date(), last.date()


_RawCalendar = tuple[
    str, int | None, dict[int, tuple[WorkingInterval, ...]], list[CalendarException]
]


def _read_calendar(element: Element) -> tuple[int, _RawCalendar]:
    fields = _children(element)
    uid = integer(fields, "UID", "calendar")
    if uid is None:
        raise ParseError("a calendar has no UID", where="calendar")
    where = f"calendar {uid}"
    base = integer(fields, "BaseCalendarUID", where, -1)
    week: dict[int, tuple[WorkingInterval, ...]] = {}
    exceptions: list[CalendarException] = []
    for day in _elements(element.find(_tag("WeekDays"))):
        day_fields = _children(day)
        day_type = integer(day_fields, "DayType", where, -1)
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
        name = text(ex_fields, "Name") or ""
        exceptions.append(CalendarException(span[0], span[1], intervals, name))
    return uid, (text(fields, "Name") or f"Calendar {uid}", base, week, exceptions)


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


# -- the project ----------------------------------------------------------------------------------

_FIELD_TAGS = tuple(_tag(name) for name in TASK_FIELDS)
_LOCAL = {_tag(name): name for name in TASK_FIELDS}
_LINK = _tag(LINK)
_LINK_TAGS = tuple(_tag(name) for name in LINK_FIELDS)
_LINK_LOCAL = {_tag(name): name for name in LINK_FIELDS}


def _first(element: Element, tags: tuple[str, ...], local: dict[str, str]) -> Fields:
    """The text of ``element``'s first child of each of ``tags``, by local name."""
    # Reversed, so that the first of a name is the one kept; the filter is libxml2's, in C.
    found = list(element.iterchildren(tags))
    found.reverse()
    return {local[child.tag]: child.text for child in found}


def _tree_tasks(root: Element) -> Tasks:
    """Each task's fields, and each link's, as columns, with the row of each link's task."""
    rows, links, owners = [], [], []
    for row, element in enumerate(_elements(root.find(_tag("Tasks")))):
        rows.append(_first(element, _FIELD_TAGS, _LOCAL))
        for link in element.iterchildren(_LINK):
            links.append(_first(link, _LINK_TAGS, _LINK_LOCAL))
            owners.append(row)
    return (
        {name: [fields.get(name) for fields in rows] for name in TASK_FIELDS},
        {name: [fields.get(name) for fields in links] for name in LINK_FIELDS},
        owners,
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
    if len(data) > MAX_BYTES:
        raise ParseError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB", where="MSPDI")
    scanned = scan(data)
    if scanned is None:
        return _read_tree(data)
    try:
        calendars = _parse(ROOT + scanned.calendars + b"</Project>")
        return _project(scanned.header, calendars, scanned.tasks)
    except InputError:
        return _read_tree(data)  # the error as lxml's tree finds it, the same in both ways


def _read_tree(data: bytes) -> Project:
    root = _parse(data)
    return _project(_children(root), root, _tree_tasks(root))


def _project(project: Fields, calendars_root: Element, tasks: Tasks) -> Project:
    """The project from its own fields, the root holding its ``<Calendars>``, and its tasks."""
    start = moment(project, "StartDate", "project")
    if start is None:
        raise ParseError("the project has no StartDate", where="project")
    calendars = _read_calendars(calendars_root)
    calendar_uid = integer(project, "CalendarUID", "project", -1)
    if calendar_uid in calendars:
        calendar = calendars[calendar_uid]
    elif calendars:
        calendar = next(iter(calendars.values()))
    else:
        calendar = Calendar.standard()
    minutes_per_day = integer(project, "MinutesPerDay", "project", 480) or 480
    reader = TaskReader(*tasks)
    reader.read()
    reader.check()
    network = Network(tasks=tuple(reader.tasks), links=tuple(link for link, _ in reader.links))
    remember_own_calendars(network, False)  # a task's CalendarUID is not read
    arrays = reader.network_arrays()
    if arrays is not None:  # the columns read: the first schedule need not make them again
        remember_table(network, arrays)
        prepare(network)  # its shape and levels, for its first schedule
    return Project(
        name=text(project, "Title") or text(project, "Name") or "",
        start=start,
        calendar=calendar,
        network=network,
        minutes_per_day=minutes_per_day,
        minutes_per_week=integer(project, "MinutesPerWeek", "project", 2400) or 2400,
        days_per_month=integer(project, "DaysPerMonth", "project", 20) or 20,
        critical_slack_minutes=(integer(project, "CriticalSlackLimit", "project", 0) or 0)
        * minutes_per_day,
        stored=reader.stored,
    )
