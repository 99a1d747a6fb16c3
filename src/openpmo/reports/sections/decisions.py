"""The gates and decisions section: decisions this period and each package's next gate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpmo.gates import selectors as gate_selectors
from openpmo.reports.sections._kit import (
    ZERO,
    Scope,
    Section,
    _section,
    column,
    day,
    fact,
    money,
    section,
    table,
)


def _pipeline_rows(scope: Scope, queue: Any) -> tuple[list[list[Any]], list[list[Any]]]:
    """Per gate (requests, money, awaiting QA, awaiting decision), and each request waiting."""
    by_gate = []
    waiting = []
    for gate_queue in queue.queues:
        requests = [
            r
            for r in gate_queue.requests
            if scope.in_scope(r.work_package_id, r.work_package.strand.pillar_id)
        ]
        by_gate.append(
            [
                gate_queue.gate.name,
                len(requests),
                money(sum((r.requested_total for r in requests), ZERO)),
                sum(1 for r in requests if r.status == "submitted"),
                sum(1 for r in requests if r.status == "forwarded"),
            ]
        )
        for r in requests:
            waiting.append(
                [
                    r.work_package.reference,
                    gate_queue.gate.name,
                    r.get_status_display(),
                    day(r.submitted_at),
                    money(r.requested_total),
                ]
            )
    return by_gate, waiting


def _decision_rows(scope: Scope) -> list[list[Any]]:
    """The decisions recorded in the report's month, in scope."""
    decided = [
        d
        for d in gate_selectors.decision_log(programme=scope.programme).filter(
            decided_on__gte=scope.period, decided_on__lte=scope.month_end
        )
        if scope.pillar_id is None or scope.in_scope(d.work_package_id, None)
    ]
    return [
        [
            day(d.decided_on),
            d.work_package.reference if d.work_package_id else "",
            d.gate.name if d.gate_id else "",
            d.subject,
            d.get_outcome_display(),
            d.decision_maker_title or (str(d.decided_by) if d.decided_by_id else ""),
            money(d.released_total),
        ]
        for d in decided
    ]


def _readiness_rows(scope: Scope) -> list[list[Any]]:
    """Each work package's next gate (a pillar's or a work package's report only)."""
    rows: list[list[Any]] = []
    if scope.pillar_id is None:
        return rows
    for ready in gate_selectors.gate_readiness(scope.programme, as_at=scope.as_at):
        wp = ready.work_package
        if not scope.in_scope(wp.pk, wp.strand.pillar_id):
            continue
        rows.append(
            [
                wp.reference,
                wp.name,
                wp.get_stage_display(),
                ready.next_gate.name if ready.next_gate else "All gates passed",
                ready.open_request.get_status_display() if ready.open_request else "",
            ]
        )
    return rows


def _pipeline_table(by_gate: list[list[Any]]) -> dict[str, Any]:
    return table(
        "pipeline",
        "Gate pipeline: requests waiting at each gate",
        [
            column("Gate"),
            column("Requests", "int"),
            column("Requested", "money"),
            column("Awaiting PMO quality assurance", "int"),
            column("Awaiting decision", "int"),
        ],
        by_gate,
    )


def _waiting_table(waiting: list[list[Any]]) -> dict[str, Any]:
    return table(
        "decisions_needed",
        "Decisions needed: requests waiting",
        [
            column("Work package"),
            column("Gate"),
            column("Status"),
            column("Submitted", "date"),
            column("Requested", "money"),
        ],
        waiting,
    )


def _decisions_table(decision_rows: list[list[Any]]) -> dict[str, Any]:
    return table(
        "decisions",
        "Decisions recorded this period",
        [
            column("Decided", "date"),
            column("Work package"),
            column("Gate"),
            column("Subject"),
            column("Outcome"),
            column("Decision maker"),
            column("Released", "money"),
        ],
        decision_rows,
    )


def _next_gates_table(readiness_rows: list[list[Any]]) -> dict[str, Any]:
    return table(
        "next_gates",
        "Each work package's next gate and any request waiting at it",
        [
            column("Reference"),
            column("Work package"),
            column("Stage"),
            column("Next gate"),
            column("Request"),
        ],
        readiness_rows,
    )


@section("decisions", "Gate pipeline and decisions")
def decisions_section(scope: Scope) -> Section:
    queue = gate_selectors.pipeline(scope.programme, as_at=scope.as_at)
    by_gate, waiting = _pipeline_rows(scope, queue)
    decision_rows = _decision_rows(scope)
    readiness_rows = _readiness_rows(scope)
    return _section(
        "decisions",
        "Gate pipeline and decisions",
        facts=[
            fact("Requests waiting for a decision", len(waiting), "int"),
            fact("Money requested", money(sum((Decimal(r[4]) for r in waiting), ZERO)), "money"),
            fact("Decisions this period", len(decision_rows), "int"),
        ],
        tables=[
            _pipeline_table(by_gate),
            _waiting_table(waiting),
            _decisions_table(decision_rows),
            *([_next_gates_table(readiness_rows)] if readiness_rows else []),
        ],
    )
