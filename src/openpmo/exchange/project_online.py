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
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from openpmo.exchange.choices import REGISTER_COLUMNS

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


@dataclass(frozen=True)
class Mapping:
    programme: str
    reference: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)


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


def _hours(value: Any) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


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
    _demand(result, by_resource, _records(list(assignments)))
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
