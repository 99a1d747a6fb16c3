"""Monte Carlo simulation runs: their inputs, creation, start and execution with progress."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.engine_errors import as_validation_error
from openpmo.common.services import (
    SYSTEM,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.common.tasks import queue_on_commit
from openpmo.core.errors import OpenPMOError
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.risks import core_adapters, delivery_link
from openpmo.risks.choices import (
    ItemKind,
    ItemStatus,
    RunStatus,
)
from openpmo.risks.models import (
    RaidItem,
    SimulationRun,
)

DEFAULT_SPREAD = (0.8, 1.5)

log = logging.getLogger("openpmo.risks.services")


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
    if not source.work_package_of:
        raise ValidationError("The programme has no scheduled work packages to simulate.")
    try:
        return core_adapters.programme_inputs(
            source, risks, spread=spread, cost_spread=cost_spread, correlation=correlation
        )
    except OpenPMOError as error:
        raise as_validation_error(error, prefix="The programme could not be simulated: ") from None


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
        raise as_validation_error(error, prefix="The register cannot be simulated: ") from None
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
    if queue_on_commit("openpmo.risks.tasks.run_simulation", run):
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
