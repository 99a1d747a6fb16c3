"""Stored programme schedules: one computation, stored when its inputs change, read everywhere.

The demo's case: the Data Hub (ETP-DATA-001) builds after the cloud landing zone, so its finish
in the programme is 25 Jul 2025, not the 31 Mar 2025 its own plan gives alone; its tasks are on
the critical path, so it is one of the work packages the headline counts.
"""

from __future__ import annotations

import datetime as dt

import pytest

from openpmo.accounts.roles import Role
from openpmo.common.services import SYSTEM
from openpmo.delivery import scheduling, selectors, services, stored_schedules
from openpmo.delivery.models import StoredProgrammeSchedule
from openpmo.delivery.tests import etp_plans as demo
from openpmo.delivery.tests.etp_plans import etp_context as _context
from openpmo.delivery.tests.factories import chain
from openpmo.portfolio.tests.factories import WorkPackageFactory

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def etp(db):
    context, _counts = _context()
    demo.load(context)
    return context


@pytest.fixture
def engine_runs(monkeypatch):
    """Counts the schedule engine's runs (the programme's and any work package's own)."""
    calls: list[int] = []
    real = scheduling.schedule

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scheduling, "schedule", counting)
    return calls


def test_the_critical_path_headline_counts_the_work_packages_it_lists(etp, client, role_user):
    view = selectors.programme_schedule(etp.programme)
    listed = {wp.reference for wp, *_ in view.critical_tasks}
    assert listed == {"ETP-CLOUD-001", "ETP-DATA-001", "ETP-GIS-001"}
    assert {row.work_package.reference for row in view.critical_path} == listed
    assert view.row_for(etp.work_packages["ETP-DATA-001"].pk).critical
    client.force_login(role_user(Role.PMO))
    html = client.get(f"/delivery/?programme={etp.programme.pk}").content.decode()
    assert "3</span> work packages on the critical path" in html


def test_a_work_package_has_one_finish_on_every_page(etp, client, role_user):
    data = etp.work_packages["ETP-DATA-001"]
    programme_row = selectors.programme_schedule(etp.programme).row_for(data.pk)
    own = selectors.work_package_schedule(data)
    assert programme_row.finish.date() == own.finish.date() == dt.date(2025, 7, 25)
    client.force_login(role_user(Role.PMO))
    page = client.get(f"/delivery/work-packages/{data.pk}/").content.decode()
    assert "25 July 2025" in page and "31 March 2025" not in page.split("Register forecast")[0]
    api = client.get(f"/api/work-packages/{data.pk}/schedule/").json()
    assert api["finish"].startswith("2025-07-25")
    # local time to the minute with no zone, as its tasks' times are
    assert dt.datetime.fromisoformat(api["finish"]).tzinfo is None and len(api["finish"]) == 16
    programme_api = client.get(f"/api/programme-schedule/?programme={etp.programme.pk}").json()
    [row] = [r for r in programme_api["work_packages"] if r["work_package"] == data.pk]
    assert row["finish"].startswith("2025-07-25")


def test_an_upload_runs_the_engine_once_and_pages_then_only_read(etp, engine_runs, client):
    data = etp.work_packages["ETP-DATA-001"]
    exported = selectors.export_work_package_mspdi(data)
    engine_runs.clear()
    services.schedule_import_mspdi(actor=SYSTEM, work_package=data, data=exported)
    assert len(engine_runs) == 1
    stored = StoredProgrammeSchedule.objects.get(programme=etp.programme)
    assert stored.fingerprint == scheduling.register_of(etp.programme).fingerprint
    engine_runs.clear()
    for _ in range(2):
        view = selectors.programme_schedule(etp.programme)
        assert selectors.work_package_schedule(data).finish == view.row_for(data.pk).finish
    assert engine_runs == []


def test_an_edit_stores_the_new_dates_at_once(pmo, programme_tree):
    _s, (task,) = chain(programme_tree, 5)
    programme = programme_tree.strand.pillar.programme
    before = selectors.programme_schedule(programme).row_for(programme_tree.pk).finish
    services.schedule_task_update(actor=pmo, task=task, duration_minutes=task.duration_minutes * 2)
    stored = StoredProgrammeSchedule.objects.get(programme=programme)
    assert stored.fingerprint == scheduling.register_of(programme).fingerprint
    after = selectors.programme_schedule(programme).row_for(programme_tree.pk).finish
    assert after > before


def test_a_stale_stored_schedule_is_never_shown_as_current(
    etp, settings, monkeypatch, engine_runs, client, role_user, django_capture_on_commit_callbacks
):
    """A large programme is recalculated in the background: until then the page says so."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = QUEUE
    monkeypatch.setattr(stored_schedules, "BACKGROUND_FROM", 1)
    selectors.programme_schedule(etp.programme)  # stored
    # A register date changes outside this app (the stand-in of a package with no tasks).
    loner = WorkPackageFactory(
        strand__pillar__programme=etp.programme,
        reference="LATE-001",
        forecast_start=dt.date(2023, 1, 2),
        forecast_end=dt.date(2027, 3, 31),
    )
    engine_runs.clear()
    client.force_login(role_user(Role.PMO))
    with django_capture_on_commit_callbacks(execute=True):
        html = client.get(f"/delivery/?programme={etp.programme.pk}").content.decode()
    assert "Recalculating" in html
    assert engine_runs == []  # the page did not compute; the worker will
    assert selectors.programme_schedule(etp.programme).row_for(loner.pk) is None
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs["args"] == [etp.programme.pk]
    stored_schedules.refresh(etp.programme)  # what the worker runs
    view = selectors.programme_schedule(etp.programme)
    assert not view.recalculating
    assert view.row_for(loner.pk).finish.date() == dt.date(2027, 3, 31)
    assert (
        "Recalculating"
        not in client.get(f"/delivery/?programme={etp.programme.pk}").content.decode()
    )
