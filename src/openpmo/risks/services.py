"""Every write to the RAID register, its matrix and appetite, and simulation runs.

Views, the API, the demo loader and the background task all call these. Each checks the actor's
permission, validates, saves and writes the audit record in one transaction: a refusal
(``PermissionDenied``, ``ValidationError``, ``ConflictError``) changes nothing. Updates take
``expected_version`` so that two people saving the same record at once cannot overwrite each other.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import (
    SYSTEM,
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.common.tasks import task_queue_configured
from openpmo.core.errors import OpenPMOError
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage
from openpmo.risks import core_adapters, delivery_link, scoring
from openpmo.risks.choices import (
    LEVEL_ORDER,
    REFERENCE_PREFIX,
    ItemKind,
    ItemStatus,
    Level,
    RunStatus,
    Trend,
)
from openpmo.risks.models import (
    Escalation,
    RaidAction,
    RaidItem,
    RiskAppetite,
    RiskMatrix,
    SimulationRun,
    TaskHit,
)

log = logging.getLogger(__name__)

# Fields an update may change; kind, reference, programme and level move only by their own
# services (escalation moves the level).
ITEM_FIELDS = {
    "title",
    "description",
    "category",
    "owner",
    "status",
    "raised_on",
    "proximity_date",
    "target_date",
    "closed_on",
    "inherent_probability",
    "inherent_impact",
    "residual_probability",
    "residual_impact",
    "response",
    "mitigation",
    "decision",
    "chance",
    "cost_min",
    "cost_likely",
    "cost_max",
    "delay_min",
    "delay_likely",
    "delay_max",
    "is_illustrative",
}

Hit = tuple[WorkPackage, int | None]


def _substance(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in {"version", "updated_at"}}


# -- the matrix and the appetite -------------------------------------------------------------------


@transaction.atomic
def risk_matrix_update(
    *,
    actor: Any,
    programme: Programme,
    expected_version: int | None = None,
    **data: Any,
) -> RiskMatrix:
    """Set the labels and score bands of the programme's matrix (made on first save)."""
    require(actor, "risks.change_riskmatrix", programme, message="Only the PMO sets the matrix.")
    matrix = RiskMatrix.objects.filter(programme=programme).first()
    if matrix is None:
        matrix, before = RiskMatrix(programme=programme), None
    else:
        matrix = lock_for_update(RiskMatrix, matrix.pk, expected_version=expected_version)
        before = snapshot(matrix)
    apply_fields(
        matrix,
        {k: v for k, v in data.items() if k in {"probability_labels", "impact_labels", "bands"}},
    )
    save_validated(matrix)
    after = snapshot(matrix)
    if before is None or _substance(before) != _substance(after):
        audit_record(
            actor=actor, action="risk_matrix.updated", obj=matrix, before=before, after=after
        )
    return matrix


@transaction.atomic
def risk_appetite_set(
    *,
    actor: Any,
    programme: Programme,
    category: str,
    max_score: int,
    statement: str = "",
    is_illustrative: bool = False,
    expected_version: int | None = None,
) -> RiskAppetite:
    """State the programme's appetite in one category (the highest score it will carry)."""
    require(
        actor, "risks.change_riskappetite", programme, message="Only the PMO sets risk appetite."
    )
    appetite = RiskAppetite.objects.filter(programme=programme, category=category).first()
    if appetite is None:
        appetite, before = RiskAppetite(programme=programme, category=category), None
    else:
        appetite = lock_for_update(RiskAppetite, appetite.pk, expected_version=expected_version)
        before = snapshot(appetite)
    appetite.max_score = max_score
    appetite.statement = statement
    appetite.is_illustrative = is_illustrative
    save_validated(appetite)
    after = snapshot(appetite)
    if before is None or _substance(before) != _substance(after):
        audit_record(
            actor=actor, action="risk_appetite.set", obj=appetite, before=before, after=after
        )
    return appetite


# -- items ---------------------------------------------------------------------------------------


def _place(
    item: RaidItem,
    level: str,
    *,
    work_package: WorkPackage | None,
    strand: Strand | None,
    pillar: Pillar | None,
) -> Any:
    """Set the item's level rows (a lower row fills in those above it); return the level's row."""
    if work_package is not None:
        strand = work_package.strand
    if strand is not None:
        pillar = strand.pillar
    item.level = level
    item.work_package = work_package
    item.strand = strand
    item.pillar = pillar
    return {
        Level.WORK_PACKAGE: work_package,
        Level.STRAND: strand,
        Level.PILLAR: pillar,
        Level.PROGRAMME: item.programme,
    }.get(level)


def _in_programme(item: RaidItem) -> None:
    pillar = item.pillar
    if pillar is not None and pillar.programme_id != item.programme_id:
        raise ValidationError({"pillar": "That part of the programme is in another programme."})


def _next_reference(programme: Programme, kind: str) -> str:
    prefix = REFERENCE_PREFIX[ItemKind(kind)]
    numbers = [
        int(ref.rsplit("-", 1)[1])
        for ref in RaidItem.objects.filter(programme=programme, kind=kind).values_list(
            "reference", flat=True
        )
        if ref.rsplit("-", 1)[-1].isdigit()
    ]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def _set_hits(item: RaidItem, hits: Iterable[Hit] | None) -> list[str]:
    """Replace the item's task hits; return them in words for the audit record."""
    TaskHit.objects.filter(item=item).delete()
    names = dict()
    written = []
    for work_package, uid in hits or ():
        if work_package.strand.pillar.programme_id != item.programme_id:
            raise ValidationError({"hits": "A risk can only hit work packages of its programme."})
        if uid is not None:
            if work_package.pk not in names:
                names[work_package.pk] = dict(delivery_link.schedule_tasks_of(work_package))
            if uid not in names[work_package.pk]:
                raise ValidationError(
                    {"hits": f"{work_package.reference} has no task with UID {uid}."}
                )
        hit = TaskHit(
            item=item,
            work_package=work_package,
            task_uid=uid,
            task_name=names.get(work_package.pk, {}).get(uid, "") if uid is not None else "",
        )
        hit.full_clean(exclude=["item"])
        hit.save()
        written.append(str(hit))
    return sorted(written)


def _item_snapshot(item: RaidItem) -> dict[str, Any]:
    data = snapshot(item)
    data["hits"] = sorted(str(hit) for hit in item.hits.select_related("work_package"))
    return data


@transaction.atomic
def raid_item_create(
    *,
    actor: Any,
    programme: Programme,
    kind: str,
    level: str,
    work_package: WorkPackage | None = None,
    strand: Strand | None = None,
    pillar: Pillar | None = None,
    hits: Iterable[Hit] | None = None,
    raised_from: RaidItem | None = None,
    **data: Any,
) -> RaidItem:
    """Add a risk, assumption or issue at a level of the programme; its reference is the next
    free one of its kind (R-001, A-001, I-001)."""
    programme = lock_for_update(Programme, programme.pk)  # one reference at a time
    item = RaidItem(programme=programme, kind=kind)
    target = _place(item, level, work_package=work_package, strand=strand, pillar=pillar)
    require(
        actor,
        "risks.add_raiditem",
        target or programme,
        message="Only the PMO, or the sponsor of this pillar, can add items here.",
    )
    if kind not in ItemKind.values:
        raise ValidationError({"kind": "Choose risk, assumption or issue."})
    apply_fields(item, {k: v for k, v in data.items() if k in ITEM_FIELDS})
    if kind == ItemKind.ISSUE:
        item.inherent_probability = 5  # it has happened
    item.reference = _next_reference(programme, kind)
    item.trend = Trend.NEW
    item.raised_from = raised_from
    _in_programme(item)
    save_validated(item)
    hits = list(hits or ())
    if not hits and item.has_impacts and item.work_package is not None:
        hits = [(item.work_package, None)]
    _set_hits(item, hits)
    audit_record(
        actor=actor, action="raid_item.created", obj=item, before=None, after=_item_snapshot(item)
    )
    return item


@transaction.atomic
def raid_item_update(
    *,
    actor: Any,
    item: RaidItem,
    expected_version: int | None = None,
    hits: Iterable[Hit] | None = None,
    **data: Any,
) -> RaidItem:
    """Change an item's text, owner, scores, dates, status or quantification.

    The trend follows the residual score: lower is improving, higher worsening. Closing sets the
    closed date (today unless given); reopening clears it. ``hits``, when given, replace the
    tasks a quantified risk hits.
    """
    item = lock_for_update(RaidItem, item.pk, expected_version=expected_version)
    require(
        actor,
        "risks.change_raiditem",
        item,
        message="Only the PMO, or the sponsor of this item's pillar, can change it.",
    )
    unknown = set(data) - ITEM_FIELDS
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in sorted(unknown)})
    before = _item_snapshot(item)
    before_score = item.residual_score
    apply_fields(item, data)
    if item.kind == ItemKind.ISSUE:
        item.inherent_probability = 5
    item.trend = scoring.trend_of(before_score, item.residual_score, item.trend)
    if item.status == ItemStatus.CLOSED and item.closed_on is None:
        item.closed_on = timezone.localdate()
    if item.status == ItemStatus.OPEN:
        item.closed_on = None
    save_validated(item)
    if hits is not None:
        _set_hits(item, hits)
    after = _item_snapshot(item)
    if _substance(before) != _substance(after):
        audit_record(actor=actor, action="raid_item.updated", obj=item, before=before, after=after)
    return item


@transaction.atomic
def raid_item_escalate(
    *, actor: Any, item: RaidItem, reason: str, expected_version: int | None = None
) -> Escalation:
    """Move an item one level up (work package -> strand -> pillar -> programme) with a reason.

    The escalation is kept (who, when, from, to, why) and audited; the item keeps the rows
    below its new level as where it came from.
    """
    item = lock_for_update(RaidItem, item.pk, expected_version=expected_version)
    require(
        actor,
        "risks.escalate_raiditem",
        item,
        message="Only the PMO, the pillar's sponsor or the item's owner can escalate it.",
    )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the item is escalated."})
    if item.status != ItemStatus.OPEN:
        raise ValidationError({"reason": "Only an open item can be escalated."})
    position = LEVEL_ORDER.index(Level(item.level))
    if position == len(LEVEL_ORDER) - 1:
        raise ValidationError({"reason": "The item is already at programme level."})
    before = _item_snapshot(item)
    from_level, from_name = item.level, str(item.level_object)
    item.level = LEVEL_ORDER[position + 1]
    save_validated(item)
    escalation = Escalation.objects.create(
        item=item,
        from_level=from_level,
        from_name=from_name[:300],
        to_level=item.level,
        to_name=str(item.level_object)[:300],
        reason=reason.strip(),
        escalated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    after = _item_snapshot(item)
    after["escalation_reason"] = escalation.reason
    audit_record(actor=actor, action="raid_item.escalated", obj=item, before=before, after=after)
    return escalation


@transaction.atomic
def issue_raise_from_risk(
    *,
    actor: Any,
    risk: RaidItem,
    expected_version: int | None = None,
    **data: Any,
) -> RaidItem:
    """The risk has happened: raise an issue that keeps the link, and mark the risk as occurred.

    The issue takes the risk's level, category and owner unless ``data`` says otherwise, and its
    impact from the risk's current impact.
    """
    risk = lock_for_update(RaidItem, risk.pk, expected_version=expected_version)
    require(
        actor,
        "risks.change_raiditem",
        risk,
        message="Only the PMO, or the sponsor of this item's pillar, can raise an issue from it.",
    )
    if risk.kind != ItemKind.RISK:
        raise ValidationError({"raised_from": "Only a risk can turn into an issue."})
    if risk.status != ItemStatus.OPEN:
        raise ValidationError({"raised_from": "This risk is not open."})
    before = _item_snapshot(risk)
    issue_data = {
        "title": risk.title,
        "description": f"Raised from {risk.reference} when it happened.",
        "category": risk.category,
        "owner": risk.owner,
        "inherent_impact": risk.residual_impact or risk.inherent_impact,
        "is_illustrative": risk.is_illustrative,
        **data,
    }
    issue = raid_item_create(
        actor=actor,
        programme=risk.programme,
        kind=ItemKind.ISSUE,
        level=risk.level,
        work_package=risk.work_package,
        strand=risk.strand if risk.work_package is None else None,
        pillar=risk.pillar if risk.strand is None else None,
        raised_from=risk,
        **issue_data,
    )
    risk.status = ItemStatus.OCCURRED
    risk.closed_on = timezone.localdate()
    save_validated(risk)
    after = _item_snapshot(risk)
    after["issue_raised"] = issue.reference
    audit_record(actor=actor, action="risk.occurred", obj=risk, before=before, after=after)
    return issue


# -- actions ---------------------------------------------------------------------------------------


@transaction.atomic
def raid_action_create(*, actor: Any, item: RaidItem, **data: Any) -> RaidAction:
    require(
        actor,
        "risks.add_raidaction",
        item,
        message="Only the PMO, the pillar's sponsor or the item's owner can add actions.",
    )
    action = RaidAction(item=item)
    apply_fields(
        action,
        {
            k: v
            for k, v in data.items()
            if k in {"description", "owner", "due_on", "status", "progress_note", "is_illustrative"}
        },
    )
    save_validated(action)
    audit_record(
        actor=actor, action="raid_action.created", obj=action, before=None, after=snapshot(action)
    )
    return action


@transaction.atomic
def raid_action_update(
    *, actor: Any, action: RaidAction, expected_version: int | None = None, **data: Any
) -> RaidAction:
    """Update an action: its owner and the item's owner may, as well as those who manage it."""
    action = lock_for_update(RaidAction, action.pk, expected_version=expected_version)
    require(
        actor,
        "risks.change_raidaction",
        action,
        message="Only the action's owner, the item's owner, the pillar's sponsor or the PMO can update it.",
    )
    before = snapshot(action)
    apply_fields(
        action,
        {
            k: v
            for k, v in data.items()
            if k in {"description", "owner", "due_on", "status", "progress_note"}
        },
    )
    save_validated(action)
    after = snapshot(action)
    if _substance(before) != _substance(after):
        audit_record(
            actor=actor, action="raid_action.updated", obj=action, before=before, after=after
        )
    return action


# -- simulation runs -------------------------------------------------------------------------------

DEFAULT_SPREAD = (0.8, 1.5)
DEFAULT_COST_SPREAD = (0.9, 1.3)
DEFAULT_CORRELATION = 0.3
PROGRESS_SECONDS = 0.5


def _quantified(programme: Programme, work_package: WorkPackage | None) -> list[RaidItem]:
    items = RaidItem.objects.filter(
        programme=programme, kind=ItemKind.RISK, status=ItemStatus.OPEN, chance__isnull=False
    ).prefetch_related("hits")
    if work_package is not None:
        items = items.filter(Q(hits__work_package=work_package) | Q(work_package=work_package))
    return list(items.distinct().order_by("reference"))


def simulation_inputs(
    *,
    programme: Programme,
    work_package: WorkPackage | None,
    spread: tuple[float, float] = DEFAULT_SPREAD,
    cost_spread: tuple[float, float] = DEFAULT_COST_SPREAD,
    correlation: float = DEFAULT_CORRELATION,
) -> core_adapters.SimulationInputs:
    """What a run of the work package (or the whole programme) would simulate, from the register."""
    risks = _quantified(programme, work_package)
    if work_package is not None:
        return core_adapters.work_package_inputs(
            work_package,
            risks,
            spread=spread,
            cost_spread=cost_spread,
            project=delivery_link.work_package_project(work_package),
        )
    source = delivery_link.programme_network(programme)
    if source is None or not source.work_package_of:
        raise ValidationError("The programme has no scheduled work packages to simulate.")
    try:
        return core_adapters.programme_inputs(
            source, risks, spread=spread, cost_spread=cost_spread, correlation=correlation
        )
    except OpenPMOError as error:
        raise ValidationError(f"The programme could not be simulated: {error}") from None


@transaction.atomic
def simulation_run_create(
    *,
    actor: Any,
    programme: Programme,
    work_package: WorkPackage | None = None,
    iterations: int = 10_000,
    seed: int | None = None,
    spread: tuple[float, float] = DEFAULT_SPREAD,
    cost_spread: tuple[float, float] = DEFAULT_COST_SPREAD,
    correlation: float = DEFAULT_CORRELATION,
    is_illustrative: bool = False,
) -> SimulationRun:
    """Record a queued run with its inputs taken from the register now, and its seed."""
    if work_package is None:
        require(
            actor,
            "risks.run_programme_simulation",
            programme,
            message="Only the PMO or a pillar sponsor can simulate the programme.",
        )
    else:
        require(
            actor,
            "risks.run_simulation",
            work_package,
            message="Only the PMO, the pillar's sponsor or the work package's manager can simulate it.",
        )
        if work_package.strand.pillar.programme_id != programme.pk:
            raise ValidationError({"work_package": "That work package is in another programme."})
    for name, (low, high) in (("spread", spread), ("cost_spread", cost_spread)):
        if not 0 <= low <= 1 <= high:
            raise ValidationError(
                {name: "Give a minimum factor of 1 or less and a maximum of 1 or more."}
            )
    if not 0 <= correlation <= 1:
        raise ValidationError({"correlation": "Correlation must be between 0 and 1."})
    inputs = simulation_inputs(
        programme=programme,
        work_package=work_package,
        spread=spread,
        cost_spread=cost_spread,
        correlation=correlation,
    )
    try:
        core_adapters.network_of(inputs.to_json())
    except OpenPMOError as error:
        raise ValidationError(f"The register cannot be simulated: {error}") from None
    run = SimulationRun(
        programme=programme,
        work_package=work_package,
        iterations=iterations,
        seed=secrets.randbelow(2**31) if seed is None else seed,
        inputs={
            **inputs.to_json(),
            "spread": list(spread),
            "cost_spread": list(cost_spread),
            "correlation": correlation,
        },
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_illustrative=is_illustrative,
    )
    save_validated(run)
    audit_record(
        actor=actor,
        action="simulation.requested",
        obj=run,
        before=None,
        after=snapshot(run, exclude=("inputs",)),
    )
    return run


def simulation_run_start(*, actor: Any, **options: Any) -> SimulationRun:
    """Record a run and start it: queued as a background task when a task queue is configured
    (its page then shows its progress; ``manage.py db_worker`` runs it), otherwise run here and
    now. Takes the options of ``simulation_run_create``."""
    run = simulation_run_create(actor=actor, **options)
    if task_queue_configured():
        from openpmo.risks.tasks import run_simulation

        def enqueue() -> None:
            result = run_simulation.enqueue(run.pk)
            SimulationRun.objects.filter(pk=run.pk).update(task_id=str(result.id))

        transaction.on_commit(enqueue)  # at once when no transaction is open
        return run
    simulation_run_execute(run.pk)
    run.refresh_from_db()
    return run


class _Progress:
    """The engine's progress callback: writes the percentage at most every half second."""

    def __init__(self, run: SimulationRun) -> None:
        self.run_id = run.pk
        self.total = run.iterations
        self.last = 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS and done < self.total:
            return
        self.last = now
        percent = min(99, int(100 * done / self.total))
        SimulationRun.objects.filter(pk=self.run_id).update(percent=percent)


def simulation_run_execute(run_id: int) -> SimulationRun:
    """Run a queued simulation (the body of the background task). The engine's result, or the
    reason it failed, is saved with the run and audited; progress is written as it goes."""
    claimed = SimulationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), percent=0
    )
    run = SimulationRun.objects.get(pk=run_id)
    if not claimed:
        return run  # already run (a retried task does not run it twice)
    try:
        network = core_adapters.network_of(run.inputs)
        result = core_adapters.simulate(
            network, iterations=run.iterations, seed=run.seed, progress=_Progress(run)
        )
        names = {task.id: task.name for task in network.tasks if task.name}
        data = core_adapters.result_json(result, names)
    except Exception as error:  # noqa: BLE001 - any failure is shown on the run's page
        log.exception("simulation %s failed", run_id)
        with transaction.atomic():
            run = lock_for_update(SimulationRun, run_id)
            run.status, run.error, run.finished_at = (
                RunStatus.FAILED,
                str(error)[:2000],
                timezone.now(),
            )
            run.save()
            audit_record(
                actor=SYSTEM,
                action="simulation.failed",
                obj=run,
                before=None,
                after={"error": run.error},
            )
        return run
    with transaction.atomic():
        run = lock_for_update(SimulationRun, run_id)
        run.result = data
        run.status, run.percent, run.finished_at = RunStatus.FINISHED, 100, timezone.now()
        run.save()
        audit_record(
            actor=SYSTEM,
            action="simulation.finished",
            obj=run,
            before=None,
            after={"finish_days": data["finish_days"], "cost": data["cost"], "seed": run.seed},
        )
    return run
