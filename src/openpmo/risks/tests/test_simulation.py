"""Simulation runs: built from the register, stored with seed and inputs, queued or run inline,
with progress; the numbers come from the core engine and repeat from the stored seed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import SYSTEM
from openpmo.core.risk import simulate
from openpmo.portfolio.tests.factories import WorkPackageFactory
from openpmo.risks import core_adapters, services
from openpmo.risks.models import SimulationRun, TaskHit
from openpmo.risks.tests.factories import RaidItemFactory

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def package(programme_tree):
    """The work package with dates (3 April 2023 to 29 March 2024: 52 weeks, 260 working days) and a risk."""
    wp = programme_tree
    wp.forecast_start, wp.forecast_end = dt.date(2023, 4, 3), dt.date(2024, 3, 29)
    wp.save()
    risk = RaidItemFactory(
        work_package=wp,
        reference="R-001",
        chance=Decimal("0.5"),
        delay_min=Decimal(5),
        delay_likely=Decimal(10),
        delay_max=Decimal(20),
        cost_min=Decimal(1000),
        cost_likely=Decimal(2000),
        cost_max=Decimal(5000),
    )
    TaskHit.objects.create(item=risk, work_package=wp)
    return wp


def test_a_run_of_a_package_without_schedule_is_stored_with_seed_inputs_and_result(
    settings, package
):
    settings.TASKS = IMMEDIATE
    manager = package.owner
    run = services.simulation_run_start(
        actor=manager,
        programme=package.strand.pillar.programme,
        work_package=package,
        iterations=2000,
        seed=42,
    )
    assert run.status == "finished" and run.percent == 100 and run.seed == 42
    tasks = run.inputs["network"]["tasks"]
    assert tasks[0]["id"] == package.reference and tasks[0]["likely"] == 260
    assert tasks[0]["cost"]["likely"] == "100000.00"
    assert run.inputs["network"]["risks"][0]["hits"] == [package.reference]
    # The stored result is the engine's on the stored inputs: it repeats from the seed.
    again = simulate(core_adapters.network_of(run.inputs), iterations=2000, seed=42)
    assert run.result["finish_days"] == again.to_json()["finish_days"]
    assert abs(run.result["risk_occurrence"]["R-001"] - 0.5) < 0.05
    assert sum(b["count"] for b in run.result["histogram"]["cost"]) == 2000
    assert run.requested_by == manager
    actions = list(
        AuditRecord.objects.filter(object_id=str(run.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["simulation.finished", "simulation.requested"]


def test_with_a_task_queue_the_run_waits_for_the_worker(
    settings, package, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = QUEUE
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_run_start(
            actor=SYSTEM,
            programme=package.strand.pillar.programme,
            work_package=package,
            iterations=500,
            seed=1,
        )
    run.refresh_from_db()
    assert run.status == "queued" and run.result is None
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [run.pk] and str(task.id) == run.task_id
    # The worker runs it once; a retry does not run it again.
    services.simulation_run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == "finished" and run.started_at and run.finished_at
    first = run.result
    services.simulation_run_execute(run.pk)
    run.refresh_from_db()
    assert run.result == first


def test_progress_is_written_as_the_engine_reports_it_and_throttled(package, monkeypatch):
    run = services.simulation_run_create(
        actor=SYSTEM,
        programme=package.strand.pillar.programme,
        work_package=package,
        iterations=1000,
        seed=3,
    )
    clock = iter([100.0, 100.1, 101.0])
    monkeypatch.setattr(services.time, "monotonic", lambda: next(clock))
    progress = services._Progress(run)
    progress(250)
    run.refresh_from_db()
    assert run.percent == 25
    progress(500)  # a tenth of a second later: not written
    run.refresh_from_db()
    assert run.percent == 25
    progress(1000)
    run.refresh_from_db()
    assert run.percent == 99  # 100 only once the result is stored


def test_a_run_that_fails_says_why(package):
    run = services.simulation_run_create(
        actor=SYSTEM,
        programme=package.strand.pillar.programme,
        work_package=package,
        iterations=500,
        seed=3,
    )
    SimulationRun.objects.filter(pk=run.pk).update(inputs={"network": {"tasks": []}})
    run = services.simulation_run_execute(run.pk)
    assert run.status == "failed" and "no tasks" in run.error


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE, Role.BOARD_MEMBER])
def test_roles_without_rights_cannot_run_simulations(settings, role, role_user, package):
    settings.TASKS = IMMEDIATE
    for work_package in (package, None):
        with pytest.raises(PermissionDenied):
            services.simulation_run_start(
                actor=role_user(role),
                programme=package.strand.pillar.programme,
                work_package=work_package,
            )
    assert not SimulationRun.objects.exists()


def test_another_packages_manager_cannot_simulate_this_one(role_user, package):
    other = WorkPackageFactory(owner=role_user(Role.WORK_PACKAGE_MANAGER))
    with pytest.raises(PermissionDenied):
        services.simulation_run_create(
            actor=other.owner, programme=package.strand.pillar.programme, work_package=package
        )
    assert not SimulationRun.objects.exists()


def test_bad_spreads_are_refused(package):
    with pytest.raises(ValidationError):
        services.simulation_run_create(
            actor=SYSTEM,
            programme=package.strand.pillar.programme,
            work_package=package,
            spread=(1.2, 1.5),
        )
    assert not SimulationRun.objects.exists()


def test_a_package_with_a_schedule_is_simulated_task_by_task_and_risks_hit_named_tasks(
    settings, package
):
    from openpmo.delivery.tests.factories import chain

    settings.TASKS = IMMEDIATE
    _, tasks = chain(package, 10, 20, 0, names=["Design", "Build", "Go live"])
    risk = package.raid_items.get()
    TaskHit.objects.filter(item=risk).delete()
    TaskHit.objects.create(item=risk, work_package=package, task_uid=2, task_name="Build")
    run = services.simulation_run_start(
        actor=SYSTEM,
        programme=package.strand.pillar.programme,
        work_package=package,
        iterations=1000,
        seed=9,
    )
    ids = [t["id"] for t in run.inputs["network"]["tasks"]]
    assert ids == ["START", "1", "2", "3", "END"]
    assert run.inputs["network"]["risks"][0]["hits"] == ["2"]
    assert run.result["deterministic"]["finish_days"] == pytest.approx(30)
    assert run.inputs["start"] == "2024-04-08"


def test_programme_inputs_hold_each_package_to_its_start_and_link_dependencies():
    """Pure adapter: two packages, the second needing the first's milestone 2."""

    class WP:
        def __init__(self, pk, reference, start, end, strand_id):
            self.pk, self.reference, self.name = pk, reference, reference
            self.forecast_start, self.forecast_end = start, end
            self.baseline_start = self.baseline_end = None
            self.budget_envelope = Decimal(1000)
            self.strand_id = strand_id

    first = WP(1, "A", dt.date(2024, 1, 1), dt.date(2024, 1, 12), 7)  # 10 working days
    second = WP(2, "B", dt.date(2024, 1, 8), dt.date(2024, 1, 12), 7)  # 5, starting 5 days in
    inputs = core_adapters.programme_inputs(
        [first, second],
        [],
        [(1, None, 2, 2.0)],
        projects={},
        spread=(1.0, 1.0),
        cost_spread=(1.0, 1.0),
        correlation=0.5,
    )
    tasks = {t["id"]: t for t in inputs.network["tasks"]}
    assert tasks["B"]["after"] == ["START", "A"]
    assert tasks["B"]["lags"] == {"START": 5.0, "A": 2.0}
    assert inputs.network["correlation"] == {"strand-7": 0.5}
    result = simulate(core_adapters.network_of(inputs.to_json()), iterations=256, seed=1)
    assert result.deterministic_finish == 17  # A's 10 days, 2 days' lag, then B's 5
    assert inputs.start == dt.date(2024, 1, 1)


def test_the_engine_reports_progress_in_chunks_without_changing_the_answer(package):
    inputs = services.simulation_inputs(
        programme=package.strand.pillar.programme, work_package=package
    )
    network = core_adapters.network_of(inputs.to_json())
    done: list[int] = []
    chunked = core_adapters.simulate(network, iterations=5000, seed=4, progress=done.append)
    assert len(done) == 5 and done[-1] == 5000  # 1,024 iterations a chunk
    whole = simulate(network, iterations=5000, seed=4)
    assert chunked.to_json() == whole.to_json()
