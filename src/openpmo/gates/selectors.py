"""Reads of the gates: next gate, authority, pipeline, decision log, gate history.

Every list does a fixed number of queries, whatever its length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from openpmo.audit.selectors import as_at_copies, end_of_day
from openpmo.gates.choices import APPROVALS, OPEN_STATUSES, RequestStatus
from openpmo.gates.models import (
    BusinessCase,
    ConditionAction,
    Decision,
    DelegatedAuthority,
    FundingRelease,
    Gate,
    GateRequest,
)
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.models import Programme, WorkPackage

STAGE_INDEX = {stage.value: index for index, stage in enumerate(Stage)}


def gates_of(programme: Programme) -> list[Gate]:
    return list(Gate.objects.filter(programme=programme).prefetch_related("checklist"))


def next_gate_for(work_package: WorkPackage) -> Gate | None:
    """The gate this work package must pass next: the first gate at or after its stage that it
    has not passed. Requests at any other gate are refused (no skipping)."""
    gates = Gate.objects.filter(programme_id=work_package.strand.pillar.programme_id).order_by(
        "order"
    )
    passed = set(
        Decision.objects.filter(
            work_package=work_package,
            gate__isnull=False,
            outcome__in=APPROVALS,
            corrects__isnull=True,
        ).values_list("gate_id", flat=True)
    )
    here = STAGE_INDEX[work_package.stage]
    for gate in gates:
        if STAGE_INDEX[gate.stage] >= here and gate.pk not in passed:
            return gate
    return None


def stage_after(gate: Gate) -> str:
    """Where passing ``gate`` takes a work package: the stage of the next gate (or stays put)."""
    following = (
        Gate.objects.filter(programme_id=gate.programme_id, order__gt=gate.order)
        .order_by("order")
        .first()
    )
    return following.stage if following is not None else gate.stage


@dataclass(frozen=True)
class Authority:
    role: str
    limit: Decimal | None  # None: no limit

    def covers(self, amount: Decimal) -> bool:
        return self.limit is None or amount <= self.limit


def authority_limit_for(user: object, programme: Programme) -> Authority | None:
    """The widest delegated authority ``user``'s roles give in ``programme`` (None: none)."""
    roles = getattr(user, "role_names", None)
    if not getattr(user, "is_authenticated", False) or not roles:
        return None
    best: Authority | None = None
    for row in DelegatedAuthority.objects.filter(programme=programme, role__in=roles):
        candidate = Authority(row.role, row.limit)
        if best is None or (
            best.limit is not None and (candidate.limit is None or candidate.limit > best.limit)
        ):
            best = candidate
    return best


def authority_table(programme: Programme) -> QuerySet[DelegatedAuthority]:
    return DelegatedAuthority.objects.filter(programme=programme)


def _request_rows() -> QuerySet[GateRequest]:
    return GateRequest.objects.select_related(
        "work_package__strand__pillar", "gate", "business_case", "submitted_by"
    )


@dataclass
class GateQueue:
    gate: Gate
    requests: list[GateRequest] = field(default_factory=list)
    now: dt.datetime | None = None

    @property
    def count(self) -> int:
        return len(self.requests)

    @property
    def requested_total(self) -> Decimal:
        return sum((r.requested_total for r in self.requests), Decimal(0))

    @property
    def awaiting_qa(self) -> int:
        return sum(1 for r in self.requests if r.status == RequestStatus.SUBMITTED)

    @property
    def awaiting_decision(self) -> int:
        return sum(1 for r in self.requests if r.status == RequestStatus.FORWARDED)

    @property
    def longest_wait_days(self) -> int:
        return max((r.waiting_days for r in self.requests), default=0)


@dataclass
class Pipeline:
    programme: Programme
    queues: list[GateQueue]

    @property
    def count(self) -> int:
        return sum(q.count for q in self.queues)

    @property
    def requested_total(self) -> Decimal:
        return sum((q.requested_total for q in self.queues), Decimal(0))

    @property
    def largest_total(self) -> Decimal:
        return max((q.requested_total for q in self.queues), default=Decimal(0))

    @property
    def requests(self) -> list[GateRequest]:
        """Every waiting request, the longest waiting first."""
        waiting = [r for q in self.queues for r in q.requests]
        return sorted(waiting, key=lambda r: (r.submitted_at, r.pk))


def open_requests(programme: Programme, *, as_at: dt.date | None = None) -> list[GateRequest]:
    """The requests waiting at a gate, oldest first; with ``as_at``, those waiting at the end of
    that day: submitted by then, their status wound back through the audit trail."""
    rows = _request_rows().filter(gate__programme=programme).order_by("submitted_at", "pk")
    if as_at is None:
        return list(rows.filter(status__in=OPEN_STATUSES))
    submitted = list(rows.filter(submitted_at__lt=end_of_day(as_at)))
    return [r for r in as_at_copies(submitted, ["status"], as_at) if r.status in OPEN_STATUSES]


def pipeline(
    programme: Programme, *, now: dt.datetime | None = None, as_at: dt.date | None = None
) -> Pipeline:
    """What waits at which gate, since when, for how much (at the end of ``as_at`` when given,
    waiting times counted to then): a fixed number of queries."""
    now = now or (end_of_day(as_at) if as_at is not None else timezone.now())
    queues = {gate.pk: GateQueue(gate=gate) for gate in Gate.objects.filter(programme=programme)}
    for request in open_requests(programme, as_at=as_at):
        request.waiting_days = (now - request.submitted_at).days
        queues[request.gate_id].requests.append(request)
    return Pipeline(programme=programme, queues=list(queues.values()))


def decision_log(
    *, programme: Programme | int | None = None, outcome: str = "", work_package: int | None = None
) -> QuerySet[Decision]:
    decisions = Decision.objects.select_related(
        "work_package",
        "gate",
        "decided_by",
        "equality_assessment",
        "corrects",
        "corrected_by",
        "programme",
    ).prefetch_related("releases", "actions")
    if programme:
        decisions = decisions.filter(programme=programme)
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    if work_package:
        decisions = decisions.filter(work_package_id=work_package)
    return decisions


def decision_get(pk: int) -> Decision:
    return (
        Decision.objects.select_related(
            "work_package__strand__pillar",
            "gate",
            "decided_by",
            "recorded_by",
            "equality_assessment",
            "gate_request__business_case",
            "corrects",
            "programme",
        )
        .prefetch_related(
            Prefetch("releases", queryset=FundingRelease.objects.select_related("reserve_entry")),
            Prefetch("actions", queryset=ConditionAction.objects.select_related("owner")),
        )
        .get(pk=pk)
    )


def current_decision(decision: Decision) -> Decision:
    """The last correction of ``decision`` (or itself)."""
    while hasattr(decision, "corrected_by"):
        try:
            decision = decision.corrected_by
        except Decision.DoesNotExist:
            break
    return decision


def request_get(pk: int) -> GateRequest:
    return (
        _request_rows()
        .select_related("quality_assured_by", "business_case__equality_assessment")
        .prefetch_related(
            "gate__checklist",
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("decided_by").prefetch_related("releases"),
            ),
        )
        .get(pk=pk)
    )


def _decision_rows() -> QuerySet[Decision]:
    return Decision.objects.select_related("decided_by", "corrected_by").prefetch_related(
        "releases", "actions"
    )


def request_list(*, programme: Programme | int | None = None, status: str = "") -> QuerySet:
    requests = _request_rows().prefetch_related(Prefetch("decisions", queryset=_decision_rows()))
    if programme:
        requests = requests.filter(gate__programme=programme)
    if status:
        requests = requests.filter(status=status)
    return requests


def gate_history(work_package: WorkPackage) -> list[GateRequest]:
    """Every request of the work package, oldest first, with its decisions and their money."""
    return list(
        _request_rows()
        .filter(work_package=work_package)
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("decided_by").prefetch_related("releases"),
            )
        )
        .order_by("submitted_at", "id")
    )


def business_cases_of(work_package: WorkPackage) -> QuerySet[BusinessCase]:
    return BusinessCase.objects.filter(work_package=work_package).select_related(
        "gate", "equality_assessment", "created_by"
    )


def business_case_get(pk: int) -> BusinessCase:
    return (
        BusinessCase.objects.select_related(
            "work_package__strand__pillar__programme", "gate", "equality_assessment", "created_by"
        )
        .prefetch_related("options", "gate__checklist")
        .get(pk=pk)
    )


def open_actions(*, programme: Programme | int | None = None) -> QuerySet[ConditionAction]:
    actions = ConditionAction.objects.select_related(
        "owner", "decision__work_package", "completed_by"
    )
    if programme:
        actions = actions.filter(decision__programme=programme)
    return actions


@dataclass
class GateReadiness:
    work_package: WorkPackage
    next_gate: Gate | None
    open_request: GateRequest | None


def gate_readiness(programme: Programme, *, as_at: dt.date | None = None) -> list[GateReadiness]:
    """Every work package of the programme with its next gate and any waiting request (at the
    end of ``as_at`` when given: stages wound back, decisions made by then), in a fixed number of
    queries (the next gate worked out here, as ``next_gate_for`` does for one)."""
    gates = list(Gate.objects.filter(programme=programme).order_by("order"))
    packages = list(
        WorkPackage.objects.filter(strand__pillar__programme=programme).select_related(
            "strand__pillar", "owner"
        )
    )
    decisions = Decision.objects.filter(
        programme=programme, gate__isnull=False, outcome__in=APPROVALS, corrects__isnull=True
    )
    if as_at is not None:
        packages = as_at_copies(packages, ["stage"], as_at)
        decisions = decisions.filter(decided_on__lte=as_at)
    passed: dict[int, set[int]] = {}
    for wp_id, gate_id in decisions.values_list("work_package_id", "gate_id"):
        passed.setdefault(wp_id, set()).add(gate_id)
    waiting = {r.work_package_id: r for r in open_requests(programme, as_at=as_at)}
    rows = []
    for wp in packages:
        here = STAGE_INDEX[wp.stage]
        done = passed.get(wp.pk, set())
        following = next(
            (g for g in gates if STAGE_INDEX[g.stage] >= here and g.pk not in done), None
        )
        rows.append(GateReadiness(wp, following, waiting.get(wp.pk)))
    return rows
