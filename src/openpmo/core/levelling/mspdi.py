"""Resources and assignments in Microsoft Project XML (MSPDI), in and out.

Reading: tasks and links come from :func:`openpmo.core.schedule.read_mspdi` (hardened parsing);
``<Resources>`` (work resources, ``MaxUnits``) and ``<Assignments>`` (``Units``, ``Work``) are read
here with defusedxml, document type declarations refused, so a hostile file is stopped before any
entity is expanded. :func:`problem_from_mspdi` turns the lot into a levelling problem counted in
working days: units in hundredths (100 = one full-time person), every link type rewritten as
finish-to-start with a lag (durations are fixed, so SS/FF/SF are exactly FS with another lag),
links to summary tasks applied to the tasks under them.

Writing: :func:`add_resources` adds ``<Resources>`` and ``<Assignments>`` to the XML that
:func:`openpmo.core.schedule.write_mspdi` produces.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as StdET  # noqa: S405 - builds output; parsing is defusedxml's
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element  # noqa: S405 - type only

import defusedxml
import defusedxml.ElementTree as SafeET

from openpmo.core.errors import ParseError
from openpmo.core.levelling._model import Activity, Precedence, Problem, Resource
from openpmo.core.schedule import LinkType, Project, read_mspdi

__all__ = [
    "MspdiAssignment",
    "MspdiResource",
    "add_resources",
    "problem_from_mspdi",
    "read_resources",
]

NAMESPACE = "http://schemas.microsoft.com/project"
UNASSIGNED = -65535
MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class MspdiResource:
    uid: int
    name: str
    max_units: float = 1.0


@dataclass(frozen=True)
class MspdiAssignment:
    uid: int
    task_uid: int
    resource_uid: int
    units: float
    work_minutes: int = 0


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _root(data: bytes) -> Element:
    if len(data) > MAX_BYTES:
        raise ParseError("file is larger than 256 MB", where="MSPDI")
    try:
        root: Element = SafeET.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as error:
        raise ParseError(f"refused: unsafe XML ({type(error).__name__})", where="MSPDI") from None
    except StdET.ParseError as error:
        raise ParseError(f"not well-formed XML: {error}", where="MSPDI") from None
    if root.tag != _tag("Project"):
        raise ParseError("the root element is not an MSPDI <Project>", where="MSPDI")
    return root


def _text(element: Element, name: str) -> str | None:
    child = element.find(_tag(name))
    return None if child is None or child.text is None else child.text.strip()


def _number(element: Element, name: str, where: str, default: float | None = None) -> float:
    raw = _text(element, name)
    if raw is None or raw == "":
        if default is None:
            raise ParseError(f"has no {name}", where=where)
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ParseError(f"{name} is not a number: {raw!r}", where=where) from None
    if value < 0 and name != "ResourceUID":
        raise ParseError(f"{name} is negative ({raw})", where=where)
    return value


def _work_minutes(raw: str | None) -> int:
    if not raw or not raw.startswith("PT"):
        return 0
    hours, _, rest = raw[2:].partition("H")
    minutes = rest.partition("M")[0]
    try:
        return round(float(hours or 0) * 60 + float(minutes or 0))
    except ValueError:
        return 0


def read_resources(data: bytes) -> tuple[list[MspdiResource], list[MspdiAssignment]]:
    """The work resources and the assignments (on real resources) of an MSPDI file."""
    root = _root(data)
    resources = []
    for element in root.iterfind(f"{_tag('Resources')}/{_tag('Resource')}"):
        uid = int(_number(element, "UID", "a resource"))
        where = f"resource {uid}"
        if _text(element, "Type") not in (None, "1") or _text(element, "IsNull") == "1":
            continue
        name = _text(element, "Name")
        if not name:
            continue  # Project's blank resource 0
        resources.append(MspdiResource(uid, name, _number(element, "MaxUnits", where, 1.0)))
    known = {resource.uid for resource in resources}
    assignments = []
    for element in root.iterfind(f"{_tag('Assignments')}/{_tag('Assignment')}"):
        uid = int(_number(element, "UID", "an assignment"))
        where = f"assignment {uid}"
        resource_uid = int(_number(element, "ResourceUID", where))
        if resource_uid == UNASSIGNED:
            continue
        if resource_uid not in known:
            raise ParseError(f"names unknown resource {resource_uid}", where=where)
        assignments.append(
            MspdiAssignment(
                uid=uid,
                task_uid=int(_number(element, "TaskUID", where)),
                resource_uid=resource_uid,
                units=_number(element, "Units", where, 1.0),
                work_minutes=_work_minutes(_text(element, "Work")),
            )
        )
    return resources, assignments


def _leaves(project: Project) -> dict[int, list[int]]:
    """Every task's leaf tasks (itself when it is not a summary)."""
    children: dict[int, list[int]] = {}
    for task in project.network.tasks:
        if task.parent is not None:
            children.setdefault(task.parent, []).append(task.uid)
    found: dict[int, list[int]] = {}

    def collect(uid: int) -> list[int]:
        if uid not in found:
            below = children.get(uid)
            found[uid] = [leaf for child in below for leaf in collect(child)] if below else [uid]
        return found[uid]

    for task in project.network.tasks:
        collect(task.uid)
    return found


def _fs_lag(kind: LinkType, lag: int, before: int, after: int) -> int:
    """The finish-to-start lag equivalent to a link of ``kind`` between fixed durations."""
    if kind is LinkType.SS:
        return lag - before
    if kind is LinkType.FF:
        return lag - after
    if kind is LinkType.SF:
        return lag - before - after
    return lag


def problem_from_mspdi(data: bytes) -> Problem:
    """A levelling problem in working days from a Microsoft Project XML file with resources."""
    project = read_mspdi(data)
    resources, assignments = read_resources(data)
    day = project.minutes_per_day
    tasks = {task.uid: task for task in project.network.tasks if not task.summary}
    days = {uid: math.ceil(task.duration_minutes / day) for uid, task in tasks.items()}
    names = {resource.uid: resource.name for resource in resources}
    demand: dict[int, dict[str, int]] = {uid: {} for uid in tasks}
    for assignment in assignments:
        if assignment.task_uid in demand:
            name = names[assignment.resource_uid]
            units = round(assignment.units * 100)
            demand[assignment.task_uid][name] = demand[assignment.task_uid].get(name, 0) + units
    leaves = _leaves(project)
    links = set()
    for link in project.network.links:
        lag_minutes = link.lag_minutes
        for before in leaves.get(link.predecessor, []):
            for after in leaves.get(link.successor, []):
                if before not in tasks or after not in tasks:
                    continue
                lag = round(lag_minutes / day)
                if link.lag_percent is not None:
                    lag = round(days[before] * link.lag_percent / 100)
                fs = _fs_lag(link.type, lag, days[before], days[after])
                links.add(Precedence(str(before), str(after), fs))
    return Problem(
        activities=tuple(
            Activity(id=str(uid), duration=days[uid], demand=demand[uid]) for uid in tasks
        ),
        precedences=tuple(sorted(links, key=lambda p: (int(p.before), int(p.after), p.lag))),
        resources=tuple(
            Resource(id=resource.name, capacity=round(resource.max_units * 100))
            for resource in resources
        ),
    )


def _add(parent: Element, name: str, value: object) -> None:
    StdET.SubElement(parent, _tag(name)).text = str(value)


def add_resources(
    data: bytes,
    resources: Sequence[MspdiResource],
    assignments: Sequence[MspdiAssignment],
) -> bytes:
    """``data`` (MSPDI) with its resources and assignments replaced by the ones given."""
    root = _root(data)
    for name in ("Resources", "Assignments"):
        for old in root.findall(_tag(name)):
            root.remove(old)
    holder = StdET.SubElement(root, _tag("Resources"))
    for resource in resources:
        element = StdET.SubElement(holder, _tag("Resource"))
        _add(element, "UID", resource.uid)
        _add(element, "ID", resource.uid)
        _add(element, "Name", resource.name)
        _add(element, "Type", 1)
        _add(element, "MaxUnits", f"{resource.max_units:g}")
    holder = StdET.SubElement(root, _tag("Assignments"))
    for assignment in assignments:
        element = StdET.SubElement(holder, _tag("Assignment"))
        _add(element, "UID", assignment.uid)
        _add(element, "TaskUID", assignment.task_uid)
        _add(element, "ResourceUID", assignment.resource_uid)
        _add(element, "Units", f"{assignment.units:g}")
        hours, minutes = divmod(assignment.work_minutes, 60)
        _add(element, "Work", f"PT{hours}H{minutes}M0S")
    StdET.register_namespace("", NAMESPACE)
    body: bytes = StdET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body
