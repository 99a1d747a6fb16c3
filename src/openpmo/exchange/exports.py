"""Every register as a table (headings and rows) for .xlsx and .csv downloads from the pages.

The work package register is written in the columns the importer reads, so an export can be
edited in Excel and imported back. Every file goes through ``openpmo.common.spreadsheets``, which
stores user text that looks like a formula as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from openpmo.benefits.selectors import benefit_list
from openpmo.common import spreadsheets
from openpmo.finance.models import ReserveEntry
from openpmo.gates.selectors import decision_log, request_list
from openpmo.portfolio.selectors import work_package_list
from openpmo.risks.selectors import raid_item_list

Column = tuple[str, Callable[[Any], Any]]


def _person(user: Any) -> str:
    return "" if user is None else (user.email or user.username)


def _display(name: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, f"get_{name}_display")()


WORK_PACKAGE_COLUMNS: list[Column] = [
    ("Programme", lambda wp: wp.strand.pillar.programme.short_name),
    ("Pillar", lambda wp: wp.strand.pillar.name),
    ("Pillar objective", lambda wp: wp.strand.pillar.objective),
    ("Pillar sponsor", lambda wp: _person(wp.strand.pillar.sponsor)),
    ("Strand", lambda wp: wp.strand.name),
    ("Reference", lambda wp: wp.reference),
    ("Name", lambda wp: wp.name),
    ("Description", lambda wp: wp.description),
    ("Owner", lambda wp: _person(wp.owner)),
    ("Stage", _display("stage")),
    ("RAG", _display("rag_status")),
    ("Delivery confidence", _display("delivery_confidence")),
    ("Baseline start", lambda wp: wp.baseline_start),
    ("Baseline end", lambda wp: wp.baseline_end),
    ("Forecast start", lambda wp: wp.forecast_start),
    ("Forecast end", lambda wp: wp.forecast_end),
    ("Budget", lambda wp: wp.budget_envelope),
    ("Priorities", lambda wp: "; ".join(p.title for p in wp.strategic_priorities.all())),
]

RAID_COLUMNS: list[Column] = [
    ("Reference", lambda i: i.reference),
    ("Kind", _display("kind")),
    ("Title", lambda i: i.title),
    ("Description", lambda i: i.description),
    ("Category", _display("category")),
    ("Level", _display("level")),
    ("Pillar", lambda i: i.pillar.name if i.pillar else ""),
    ("Work package", lambda i: i.work_package.reference if i.work_package else ""),
    ("Owner", lambda i: _person(i.owner)),
    ("Status", _display("status")),
    ("Raised on", lambda i: i.raised_on),
    ("Target date", lambda i: i.target_date),
    ("Inherent probability", lambda i: i.inherent_probability),
    ("Inherent impact", lambda i: i.inherent_impact),
    ("Residual probability", lambda i: i.residual_probability),
    ("Residual impact", lambda i: i.residual_impact),
    ("Response plan", lambda i: i.mitigation),
]

DECISION_COLUMNS: list[Column] = [
    ("Decided on", lambda d: d.decided_on),
    ("Subject", lambda d: d.subject),
    ("Work package", lambda d: d.work_package.reference if d.work_package else ""),
    ("Gate", lambda d: str(d.gate) if d.gate else ""),
    ("Outcome", _display("outcome")),
    ("Decided by", lambda d: str(d.decided_by) if d.decided_by else ""),
    ("Decision maker", lambda d: d.decision_maker_title),
    ("Released", lambda d: d.released_total),
    ("Forward plan reference", lambda d: d.forward_plan_reference),
    ("Rationale", lambda d: d.rationale),
    ("Corrects", lambda d: d.corrects_id or ""),
]

BENEFIT_COLUMNS: list[Column] = [
    ("Reference", lambda b: b.reference),
    ("Title", lambda b: b.title),
    ("Category", _display("category")),
    ("Measure", lambda b: b.measure),
    ("Unit", _display("unit")),
    ("Baseline value", lambda b: b.baseline_value),
    ("Target value", lambda b: b.target_value),
    ("Target date", lambda b: b.target_date),
    ("Owner", lambda b: _person(b.owner)),
    ("Pillar", lambda b: b.pillar.name),
]

LEDGER_COLUMNS: list[Column] = [
    ("Reserve", lambda e: str(e.reserve)),
    ("Financial year", lambda e: e.year),
    ("Kind", _display("kind")),
    ("Amount", lambda e: e.amount),
    ("Ledger amount", lambda e: e.ledger_amount),
    ("Work package", lambda e: e.work_package.reference if e.work_package else ""),
    ("Reason", lambda e: e.reason),
    ("Recorded at", lambda e: e.recorded_at.replace(tzinfo=None)),
]

PIPELINE_COLUMNS: list[Column] = [
    ("Work package", lambda r: r.work_package.reference),
    ("Name", lambda r: r.work_package.name),
    ("Gate", lambda r: str(r.gate)),
    ("Status", _display("status")),
    ("Requested", lambda r: r.requested_total),
    ("Submitted by", lambda r: str(r.submitted_by) if r.submitted_by else ""),
    ("Submitted at", lambda r: r.submitted_at.replace(tzinfo=None)),
    ("Quality comments", lambda r: r.quality_comments),
]


@dataclass(frozen=True)
class Register:
    slug: str
    title: str
    columns: list[Column]
    rows: Callable[[], Iterable[Any]]


def _ledger() -> QuerySet[ReserveEntry]:
    return ReserveEntry.objects.select_related("reserve", "work_package").order_by(
        "reserve", "year", "recorded_at", "pk"
    )


REGISTERS = {
    r.slug: r
    for r in [
        Register("work-packages", "Work packages", WORK_PACKAGE_COLUMNS, work_package_list),
        Register(
            "risks-and-issues",
            "Risks and issues",
            RAID_COLUMNS,
            lambda: raid_item_list().order_by("reference"),
        ),
        Register("decisions", "Decisions", DECISION_COLUMNS, lambda: decision_log()),
        Register("benefits", "Benefits", BENEFIT_COLUMNS, lambda: benefit_list()),
        Register("ledger", "Reserve ledger", LEDGER_COLUMNS, _ledger),
        Register(
            "gate-pipeline",
            "Gate pipeline",
            PIPELINE_COLUMNS,
            lambda: request_list().order_by("submitted_at"),
        ),
    ]
}


def table(register: Register) -> tuple[list[str], list[list[Any]]]:
    headings = [heading for heading, _ in register.columns]
    rows = [[read(obj) for _, read in register.columns] for obj in register.rows()]
    return headings, rows


def export_bytes(register: Register, fmt: str) -> bytes:
    headings, rows = table(register)
    if fmt == "csv":
        return spreadsheets.csv_bytes(headings, rows)
    return spreadsheets.table_workbook(register.title, headings, rows)
