"""Simulation runs: built from the register, stored with seed and inputs, queued or run inline,
with progress; the numbers come from the core engine and repeat from the stored seed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import SYSTEM
from openpmo.core.risk import simulate
from openpmo.portfolio.tests.factories import WorkPackageFactory
from openpmo.risks import core_adapters, selectors, services
from openpmo.risks.models import SimulationRun, TaskHit
from openpmo.risks.tests.factories import dated_with_a_risk

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def package(programme_tree):
    """The work package with dates (3 April 2023 to 29 March 2024: 52 weeks, 260 working days) and a risk."""
    return dated_with_a_risk(programme_tree)


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
    assert run.result["finish_days"] == again.to_dict()["finish_days"]
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
    monkeypatch.setattr(services.simulation.time, "monotonic", lambda: next(clock))
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


def _plan_dates(programme, **options):
    """Every percentile's date and the plan's date of a programme run with no spread."""
    settings_free = {"spread": (1.0, 1.0), "cost_spread": (1.0, 1.0), **options}
    run = services.simulation_run_start(
        actor=SYSTEM, programme=programme, iterations=1000, seed=3, **settings_free
    )
    report = selectors.simulation_report(run)
    assert report is not None, run.error
    return {name: day for name, _days, day, _cost in report.percentiles} | {
        "Plan": report.deterministic[1]
    }


def test_with_no_spread_and_no_risks_the_simulation_finishes_when_the_schedule_does(settings):
    """The ETP demo: the Data Hub's build waits for the landing zone's go-live (a task of the
    cloud package, not the package as a whole); the schedule finishes on 23 Dec 2025."""
    from openpmo.delivery import selectors as delivery
    from openpmo.delivery.tests import etp_plans as demo
    from openpmo.delivery.tests.etp_plans import etp_context as _context

    settings.TASKS = IMMEDIATE
    context, _counts = _context()
    demo.load(context)
    finish = delivery.programme_schedule(context.programme).finish.date()
    assert finish == dt.date(2025, 12, 23)
    dates = _plan_dates(context.programme)
    assert set(dates.values()) == {finish}, dates


def test_links_of_every_kind_constraints_and_bank_holidays_simulate_as_scheduled(
    settings, programme_tree
):
    """Start-to-start, finish-to-finish and start-to-finish links with lags and leads, a
    start-no-earlier-than constraint, a manually scheduled task, a work package known only by its
    register dates, and an interdependency into one named task, across the Easter and May bank
    holidays of 2024: the plan and every percentile fall on the schedule's finish."""
    from openpmo.delivery import selectors as delivery
    from openpmo.delivery import services as delivery_services
    from openpmo.delivery.core_adapters import calendar_of
    from openpmo.delivery.tests.factories import DAY, LinkFactory, TaskFactory, chain

    settings.TASKS = IMMEDIATE
    programme = programme_tree.strand.pillar.programme
    first = programme_tree
    second = WorkPackageFactory(strand__pillar__programme=programme, reference="SECOND")
    third = WorkPackageFactory(
        strand__pillar__programme=programme,
        reference="THIRD",
        forecast_start=dt.date(2024, 3, 25),
        forecast_end=dt.date(2024, 4, 19),
    )
    # 25 Mar 2024 is a Monday; Good Friday and Easter Monday are bank holidays.
    _s, (a, b, c, d, h) = chain(first, 4, 6, 3, 2, 3, start=dt.date(2024, 3, 25))
    for task in (b, c, d, h):
        task.predecessor_links.all().delete()
    LinkFactory(predecessor=a, successor=b, type="SS", lag_minutes=2 * DAY)  # b: 27 Mar - 5 Apr
    LinkFactory(predecessor=b, successor=c, type="FF", lag_minutes=-DAY)  # c ends 4 Apr
    LinkFactory(predecessor=a, successor=d, type="SF", lag_minutes=12 * DAY)  # d ends 11 Apr
    h.constraint, h.constraint_date = "snet", dt.date(2024, 4, 15)  # h: 15 - 17 Apr
    h.save()
    plan, (e, f) = chain(second, 5, 7, start=dt.date(2024, 4, 3))
    f.manual, f.start, f.finish = True, dt.date(2024, 5, 1), dt.date(2024, 5, 9)
    f.save()
    g = TaskFactory(schedule=plan, duration_minutes=3 * DAY + DAY // 2)  # part days
    TaskFactory(schedule=plan, duration_minutes=DAY)  # held only by its schedule's start
    delivery_services.interdependency_create(
        actor=SYSTEM, from_work_package=first, to_work_package=third
    )  # into the whole of a package known by its register dates
    delivery_services.interdependency_create(
        actor=SYSTEM, from_work_package=first, to_work_package=second, to_task=e
    )
    delivery_services.interdependency_create(
        actor=SYSTEM, from_work_package=third, to_work_package=second, to_task=g, lag_days=2
    )
    view = delivery.programme_schedule(programme)
    assert not view.error
    dates = _plan_dates(programme)
    assert set(dates.values()) == {view.finish.date()}
    # and task by task: each task's most likely finish is its finish in the schedule (in
    # working minutes from the start: 17:30 one day and 09:00 the next are the same moment)
    run = SimulationRun.objects.get()
    finish = _most_likely_finishes(run.inputs["network"]["tasks"])
    calendar = calendar_of(delivery.calendar_spec_for(programme))
    start = dt.datetime.fromisoformat(run.inputs["calendar"]["start"])
    for wp in (first, second):
        for row in delivery.work_package_schedule(wp).rows:
            minutes = calendar.working_minutes_between(start, row.computed.early_finish)
            assert round(finish[f"{wp.reference}:{row.task.uid}"] * DAY) == minutes, row.task
    minutes = calendar.working_minutes_between(start, view.row_for(third.pk).finish)
    assert round(finish["THIRD:end"] * DAY) == minutes


def _most_likely_finishes(tasks):
    """Each task's finish in working days with most likely durations (a plain forward pass)."""
    by_id = {task["id"]: task for task in tasks}
    found: dict[str, float] = {}

    def finish(task_id):
        if task_id not in found:
            task = by_id[task_id]
            lags = task.get("lags", {})
            start = max((finish(p) + lags.get(p, 0) for p in task.get("after", [])), default=0)
            found[task_id] = start + task.get("likely", task.get("duration", 0))
        return found[task_id]

    return {task_id: finish(task_id) for task_id in by_id}


def test_the_engine_reports_progress_in_chunks_without_changing_the_answer(package):
    inputs = services.simulation_inputs(
        programme=package.strand.pillar.programme, work_package=package
    )
    network = core_adapters.network_of(inputs.to_json())
    done: list[int] = []
    chunked = core_adapters.simulate(network, iterations=5000, seed=4, progress=done.append)
    assert len(done) == 5 and done[-1] == 5000  # 1,024 iterations a chunk
    whole = simulate(network, iterations=5000, seed=4)
    assert chunked.to_dict() == whole.to_dict()
