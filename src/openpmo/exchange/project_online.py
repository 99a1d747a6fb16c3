"""Bringing a PMO's Project Online / Project Server export into OpenPMO.

What a PMO holds after Project Online: the OData feeds of ``ProjectData`` saved from Excel or
Power BI (``Projects``, ``Tasks``, ``Assignments``, ``Resources`` as .csv or .xlsx, one row a
record, the OData property names as headings) and one Microsoft Project XML (MSPDI) file per
project. ``translate`` turns the Projects rows into rows of the programme register (the same
rows the register importer reads, so the same checks and the same all-or-nothing import apply),
through a mapping file that says which enterprise custom field is which OpenPMO field. It reports
every column and value it could not map, the schedules it will load, and each project's
resource demand (from Assignments and Resources).

The mapping file (YAML)::

    programme: ETP                      # the OpenPMO programme the projects join
    reference: Project Code             # the column holding each project's reference
                                        # (omitted: PO- and the first 8 characters of ProjectId)
    fields:                             # enterprise custom field (column) -> OpenPMO field
      Pillar: pillar
      Workstream: strand
      Project Status: rag_status
      Approved Budget: budget_envelope
      Phase: stage
    values:                             # the custom field's lookup values -> OpenPMO values
      rag_status: {On track: Green, At risk: Amber, Off track: Red}
      stage: {Initiate: Discovery, Plan: Outline Business Case, Execute: Delivery}
    defaults:                           # for projects that leave a field empty
      strand: Imported from Project Online
    resources:                          # resource demand (optional)
      hours_per_day: 8                  # working hours in a full-time day (default 8)
      names: {Dev Team: Developer}      # ResourceName -> OpenPMO role
      type_column: Role                 # a Resources column naming the resource's type...
      types: {Business Analyst: Business analyst}   # ...and its values -> OpenPMO role

Demand: each assignment's work (hours) is spread evenly over the working days (Monday to
Friday) from its start to its finish; the hours a role gets in a month, over that month's working
days x ``hours_per_day``, are its FTE for the month. A project with no rows in the Assignments
export takes its demand from the assignments in its MSPDI file instead (never both, which would
count the same work twice). A resource the mapping does not name is reported, never guessed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from openpmo.exchange.choices import REGISTER_COLUMNS
from openpmo.resources.selectors import month_add, month_end, weekdays

# The Projects properties OpenPMO reads itself (standard OData fields of ProjectData).
STANDARD = {
    "ProjectId": None,
    "ProjectName": "name",
    "ProjectDescription": "description",
    "ProjectOwnerName": "owner",
    "ProjectStartDate": "forecast_start",
    "ProjectFinishDate": "forecast_end",
    "ProjectBaseline0StartDate": "baseline_start",
    "ProjectBaseline0FinishDate": "baseline_end",
    "ProjectBaselineStartDate": "baseline_start",
    "ProjectBaselineFinishDate": "baseline_end",
}
# Standard Projects properties that have no place in OpenPMO and are left without comment.
IGNORED = {
    "ProjectCost",
    "ProjectActualCost",
    "ProjectWork",
    "ProjectActualWork",
    "ProjectPercentCompleted",
    "ProjectModifiedDate",
    "ProjectCreatedDate",
    "ProjectLastPublishedDate",
    "ProjectType",
    "EnterpriseProjectTypeName",
    "ProjectOwnerId",
}
MAPPABLE = {name for _, name in REGISTER_COLUMNS} - {"programme", "reference", "owner"}
HEADINGS = [heading for heading, _ in REGISTER_COLUMNS]
FIELD_INDEX = {name: i for i, (_, name) in enumerate(REGISTER_COLUMNS)}


class MappingError(ValueError):
    """The mapping file is not usable (the message names the line's key)."""


HOURS_PER_DAY = Decimal(8)
FTE_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ResourceMapping:
    """Which OpenPMO role each Project Online resource is, by its name or by its type."""

    names: dict[str, str] = field(default_factory=dict)  # ResourceName -> role
    type_column: str = ""  # a Resources column holding the resource's type
    types: dict[str, str] = field(default_factory=dict)  # that column's value -> role
    hours_per_day: Decimal = HOURS_PER_DAY

    def role_of(self, name: str, record: dict[str, Any]) -> str | None:
        names = {k.casefold(): v for k, v in self.names.items()}
        if name.strip().casefold() in names:
            return names[name.strip().casefold()]
        if self.type_column:
            kind = str(record.get(self.type_column) or "").strip().casefold()
            types = {k.casefold(): v for k, v in self.types.items()}
            if kind in types:
                return types[kind]
        return None


@dataclass(frozen=True)
class Mapping:
    programme: str
    reference: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    resources: ResourceMapping = field(default_factory=ResourceMapping)


def _resource_mapping(data: Any) -> ResourceMapping:
    if data in (None, ""):
        return ResourceMapping()
    if not isinstance(data, dict):
        raise MappingError("resources: give names:, type_column:, types: and hours_per_day:.")
    unknown = sorted(set(map(str, data)) - {"names", "type_column", "types", "hours_per_day"})
    if unknown:
        raise MappingError(
            f"resources: {', '.join(unknown)} not understood; "
            "use names, type_column, types and hours_per_day."
        )
    for key in ("names", "types"):
        if not isinstance(data.get(key) or {}, dict):
            raise MappingError(f"resources: {key} must map names to OpenPMO roles.")
    raw = data.get("hours_per_day", HOURS_PER_DAY)
    try:
        hours_per_day = Decimal(str(raw))
    except InvalidOperation:
        hours_per_day = Decimal(-1)
    if not hours_per_day.is_finite() or not 0 < hours_per_day <= 24:
        raise MappingError(
            f"resources: hours_per_day must be a number of hours above 0 and at most 24, "
            f"not “{raw}”."
        )
    if data.get("types") and not data.get("type_column"):
        raise MappingError("resources: types needs type_column (the Resources column to read).")
    return ResourceMapping(
        names={str(k).strip(): str(v).strip() for k, v in (data.get("names") or {}).items()},
        type_column=str(data.get("type_column") or "").strip(),
        types={str(k).strip(): str(v).strip() for k, v in (data.get("types") or {}).items()},
        hours_per_day=hours_per_day,
    )


def read_mapping(text: str) -> Mapping:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise MappingError(f"The mapping file is not YAML: {error}") from error
    if not isinstance(data, dict) or not data.get("programme"):
        raise MappingError("The mapping file must name the programme (programme: ETP).")
    fields = {str(k): str(v) for k, v in (data.get("fields") or {}).items()}
    wrong = sorted(v for v in fields.values() if v not in MAPPABLE)
    if wrong:
        raise MappingError(
            f"fields: {', '.join(wrong)} are not OpenPMO fields; use {', '.join(sorted(MAPPABLE))}."
        )
    values = {
        str(k): {str(a): str(b) for a, b in (v or {}).items()}
        for k, v in (data.get("values") or {}).items()
    }
    defaults = {str(k): str(v) for k, v in (data.get("defaults") or {}).items()}
    return Mapping(
        programme=str(data["programme"]),
        reference=str(data.get("reference") or ""),
        fields=fields,
        values=values,
        defaults=defaults,
        resources=_resource_mapping(data.get("resources")),
    )


@dataclass(frozen=True)
class Demand:
    reference: str
    resource: str
    email: str
    hours: Decimal
    start: dt.date | None
    finish: dt.date | None


@dataclass
class Translation:
    rows: list[list[Any]] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)  # ProjectId -> reference
    unmapped_columns: list[str] = field(default_factory=list)
    unmapped_values: list[str] = field(default_factory=list)
    demand: list[Demand] = field(default_factory=list)
    tasks_without_schedule: dict[str, int] = field(default_factory=dict)
    # Bad rows of the Assignments export (each names its row and column): nothing is imported.
    problems: list[str] = field(default_factory=list)
    # Resources the mapping gives no role: reported, their work left out.
    unmapped_resources: list[str] = field(default_factory=list)
    # Hours of work by work package reference, then by (role, month).
    work: dict[str, dict[tuple[str, dt.date], Decimal]] = field(default_factory=dict)
    hours_per_day: Decimal = HOURS_PER_DAY
    # References whose demand came from the Assignments export (their MSPDI work is not added).
    assigned: set[str] = field(default_factory=set)

    def fte(self, reference: str) -> dict[tuple[str, dt.date], Decimal]:
        """FTE by (role, month) for the package: the month's hours over its working time."""
        found = {}
        for (role, month), hours in sorted(self.work.get(reference, {}).items()):
            available = weekdays(month, month_end(month)) * self.hours_per_day
            fte = (hours / available).quantize(FTE_PLACES)
            if fte > 0:
                found[(role, month)] = fte
        return found

    def add_work(
        self,
        mapping: ResourceMapping,
        reference: str,
        by_resource: dict[str, dict[dt.date, Decimal]],
        records: dict[str, dict[str, Any]] | None = None,
        where: str = "",
    ) -> None:
        """Add hours by resource name and month to the package's roles (unmapped: reported)."""
        records = records or {}
        for name, months in sorted(by_resource.items()):
            role = mapping.role_of(name, records.get(name, {}))
            if role is None:
                total = sum(months.values(), Decimal(0)).normalize()
                self.unmapped_resources.append(
                    f"{name} ({reference}{where}: {total:f} h): no role in the mapping's "
                    "resources, so this work is left out"
                )
                continue
            package = self.work.setdefault(reference, {})
            for month, hours in months.items():
                package[(role, month)] = package.get((role, month), Decimal(0)) + hours

    def register(self) -> list[list[Any]]:
        return [HEADINGS, *self.rows]


def _records(rows: list[list[Any]]) -> list[dict[str, Any]]:
    if not rows:
        return []
    headings = [str(h or "").strip() for h in rows[0]]
    return [
        dict(zip(headings, row, strict=False))
        for row in rows[1:]
        if any(cell not in (None, "") for cell in row)
    ]


def _date(value: Any) -> Any:
    """OData dates come as 2025-04-01T08:00:00 (or Excel dates): keep the day."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str) and "T" in value:
        return value.split("T", 1)[0]
    return value


def _numbered(rows: list[list[Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Like ``_records`` with each record's row number in the file (the headings are row 1)."""
    if not rows:
        return []
    headings = [str(h or "").strip() for h in rows[0]]
    return [
        (number, dict(zip(headings, row, strict=False)))
        for number, row in enumerate(rows[1:], start=2)
        if any(cell not in (None, "") for cell in row)
    ]


def _hours(value: Any) -> Decimal:
    """Hours of work; ``ValueError`` (the message for the user) if not a number of hours."""
    if value in (None, ""):
        return Decimal(0)
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"“{value}” is not a number of hours") from None
    if not hours.is_finite() or hours < 0 or hours > 10**7:
        raise ValueError(f"“{value}” is not a number of hours (0 or more)")
    return hours


def _day(value: Any) -> dt.date | None:
    """A date of the export; ``ValueError`` if it is not one."""
    value = _date(value)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"“{value}” is not a date (YYYY-MM-DD)") from None


def spread(hours: Decimal, start: dt.date, finish: dt.date) -> dict[dt.date, Decimal]:
    """``hours`` spread evenly over the working days from ``start`` to ``finish``, by month."""
    days = weekdays(start, finish)
    if days == 0:  # a task on a weekend: all of it in its month
        return {start.replace(day=1): hours}
    found = {}
    month = start.replace(day=1)
    while month <= finish:
        inside = weekdays(max(start, month), min(finish, month_end(month)))
        if inside:
            found[month] = hours * inside / days
        month = month_add(month, 1)
    return found


def _owner(name: Any, resources: dict[str, dict[str, Any]]) -> str:
    """Project Online names the owner; the Resources export gives their email address."""
    text = str(name or "").strip()
    for resource in resources.values():
        if str(resource.get("ResourceName") or "").strip().lower() == text.lower():
            return str(resource.get("ResourceEmailAddress") or text)
    return text


def translate(
    mapping: Mapping,
    projects: list[list[Any]],
    resources: list[list[Any]] = (),  # type: ignore[assignment]
    assignments: list[list[Any]] = (),  # type: ignore[assignment]
    tasks: list[list[Any]] = (),  # type: ignore[assignment]
    scheduled: set[str] = frozenset(),  # type: ignore[assignment]
) -> Translation:
    """The register rows for ``projects``, and what could not be mapped.

    ``scheduled`` holds the ProjectIds and ProjectNames that have an MSPDI file."""
    result = Translation()
    records = _records(list(projects))
    by_resource = {str(r.get("ResourceId")): r for r in _records(list(resources))}
    columns = list(records[0]) if records else []
    known = set(STANDARD) | IGNORED | set(mapping.fields) | {mapping.reference}
    result.unmapped_columns = [c for c in columns if c and c not in known]
    for record in records:
        project_id = str(record.get("ProjectId") or "")
        reference = (
            str(record.get(mapping.reference) or "").strip()
            if mapping.reference
            else f"PO-{project_id[:8].upper()}"
        )
        row: list[Any] = [""] * len(HEADINGS)
        row[FIELD_INDEX["programme"]] = mapping.programme
        row[FIELD_INDEX["reference"]] = reference
        for column, name in STANDARD.items():
            if name and record.get(column) not in (None, ""):
                row[FIELD_INDEX[name]] = _date(record[column])
        row[FIELD_INDEX["owner"]] = _owner(record.get("ProjectOwnerName"), by_resource)
        for column, name in mapping.fields.items():
            value = record.get(column)
            text = "" if value is None else str(value).strip()
            lookup = mapping.values.get(name)
            if lookup is not None and text:
                if text not in lookup:
                    result.unmapped_values.append(
                        f"{record.get('ProjectName')}: {column} “{text}” has no OpenPMO value"
                    )
                    text = ""
                else:
                    text = lookup[text]
            row[FIELD_INDEX[name]] = text or mapping.defaults.get(name, "")
        for name, value in mapping.defaults.items():
            if name in FIELD_INDEX and row[FIELD_INDEX[name]] in ("", None):
                row[FIELD_INDEX[name]] = value
        result.rows.append(row)
        result.references[project_id] = reference
        result.references.setdefault(str(record.get("ProjectName") or ""), reference)
    result.hours_per_day = mapping.resources.hours_per_day
    _demand(result, by_resource, _records(list(assignments)))
    _work(result, mapping.resources, by_resource, _numbered(list(assignments)))
    counts: dict[str, int] = defaultdict(int)
    for task in _records(list(tasks)):
        project = str(task.get("ProjectId") or "")
        if project not in scheduled and str(task.get("ProjectName") or "") not in scheduled:
            counts[result.references.get(project, project)] += 1
    result.tasks_without_schedule = dict(counts)
    return result


def _demand(
    result: Translation, resources: dict[str, dict[str, Any]], assignments: list[dict[str, Any]]
) -> None:
    """Hours of work asked of each resource on each project, with when."""
    totals: dict[tuple[str, str], list[Any]] = {}
    for assignment in assignments:
        reference = result.references.get(str(assignment.get("ProjectId") or ""))
        if reference is None:
            continue
        resource_id = str(assignment.get("ResourceId") or "")
        start = _date(assignment.get("AssignmentStartDate"))
        finish = _date(assignment.get("AssignmentFinishDate"))
        entry = totals.setdefault((reference, resource_id), [Decimal(0), start, finish])
        with contextlib.suppress(ValueError):  # an unreadable figure is a problem (``_work``)
            entry[0] += _hours(assignment.get("AssignmentWork"))
        entry[1] = min(filter(None, [entry[1], start]), default=None)
        entry[2] = max(filter(None, [entry[2], finish]), default=None)
    for (reference, resource_id), (hours, start, finish) in sorted(totals.items()):
        resource = resources.get(resource_id, {})
        result.demand.append(
            Demand(
                reference=reference,
                resource=str(resource.get("ResourceName") or resource_id),
                email=str(resource.get("ResourceEmailAddress") or ""),
                hours=hours,
                start=dt.date.fromisoformat(str(start)) if start else None,
                finish=dt.date.fromisoformat(str(finish)) if finish else None,
            )
        )


def _work(
    result: Translation,
    mapping: ResourceMapping,
    resources: dict[str, dict[str, Any]],
    assignments: list[tuple[int, dict[str, Any]]],
) -> None:
    """Hours by package, resource and month from the Assignments rows; bad rows are problems."""
    by_package: dict[str, dict[str, dict[dt.date, Decimal]]] = {}
    records: dict[str, dict[str, Any]] = {}
    for number, assignment in assignments:
        reference = result.references.get(str(assignment.get("ProjectId") or ""))
        if reference is None:
            continue
        where = f"Assignments row {number}"
        try:
            hours = _hours(assignment.get("AssignmentWork"))
        except ValueError as error:
            result.problems.append(f"{where}, AssignmentWork: {error}")
            continue
        try:
            start = _day(assignment.get("AssignmentStartDate"))
        except ValueError as error:
            result.problems.append(f"{where}, AssignmentStartDate: {error}")
            continue
        try:
            finish = _day(assignment.get("AssignmentFinishDate")) or start
        except ValueError as error:
            result.problems.append(f"{where}, AssignmentFinishDate: {error}")
            continue
        if not hours:
            continue
        if start is None or finish is None:
            result.problems.append(
                f"{where}, AssignmentStartDate: {hours.normalize():f} h of work with no dates "
                "(they cannot be placed in months)"
            )
            continue
        if finish < start:
            result.problems.append(
                f"{where}, AssignmentFinishDate: {finish} is before the start {start}"
            )
            continue
        resource_id = str(assignment.get("ResourceId") or "")
        record = resources.get(resource_id, {})
        name = str(
            record.get("ResourceName") or assignment.get("ResourceName") or resource_id
        ).strip()
        records[name] = record
        months = by_package.setdefault(reference, {}).setdefault(name, {})
        for month, part in spread(hours, start, finish).items():
            months[month] = months.get(month, Decimal(0)) + part
    for reference, by_resource in sorted(by_package.items()):
        result.add_work(mapping, reference, by_resource, records)
    result.assigned = set(by_package)
