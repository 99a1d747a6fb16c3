"""The delivery part of the ETP demo: illustrative plans and interdependencies, loaded once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from openpmo.audit.models import AuditRecord
from openpmo.delivery import demo, selectors
from openpmo.delivery.models import Interdependency, ScheduleTask, WorkPackageSchedule
from openpmo.portfolio.tests.factories import ProgrammeFactory, WorkPackageFactory

DATES = {
    "ETP-CLOUD-001": ("2022-11-01", "2024-03-31"),
    "ETP-DATA-001": ("2022-12-01", "2025-03-31"),
    "ETP-GIS-001": ("2023-01-01", "2024-06-30"),
    "ETP-CONT-001": ("2022-11-01", "2023-06-30"),
    "ETP-SCP-001": ("2022-04-01", "2025-09-30"),
}


def _context():
    programme = ProgrammeFactory(start_date=dt.date(2022, 10, 1))
    packages = {
        reference: WorkPackageFactory(
            reference=reference,
            strand__pillar__programme=programme,
            is_illustrative=True,
            forecast_start=dt.date.fromisoformat(start),
            forecast_end=dt.date.fromisoformat(end),
        )
        for reference, (start, end) in DATES.items()
    }
    counts: dict[str, int] = {}
    report = SimpleNamespace(count=lambda kind: counts.__setitem__(kind, counts.get(kind, 0) + 1))
    context = SimpleNamespace(programme=programme, people={}, work_packages=packages, report=report)
    return context, counts


def _state():
    return (
        WorkPackageSchedule.objects.count(),
        ScheduleTask.objects.count(),
        Interdependency.objects.count(),
        AuditRecord.objects.count(),
    )


def test_demo_plans_and_interdependencies_load_once_and_make_a_critical_chain(db):
    context, counts = _context()
    demo.load(context)
    first = _state()
    assert counts == {"schedules": 5, "interdependencies": 3}
    demo.load(context)
    assert _state() == first
    # Invented facts are marked
    assert not ScheduleTask.objects.filter(is_illustrative=False).exists()
    assert not Interdependency.objects.filter(is_illustrative=False).exists()
    # Each plan has its three stage-gate milestones
    gates = ScheduleTask.objects.filter(schedule__work_package__reference="ETP-CLOUD-001")
    assert sorted(gates.exclude(gate_stage="").values_list("gate_stage", flat=True)) == [
        "closure",
        "delivery",
        "fbc",
    ]
    # The critical path runs from the cloud landing zone through the Data Hub to GIS
    view = selectors.programme_schedule(context.programme)
    assert not view.error
    chain = [wp.reference for wp, *_ in view.critical_tasks]
    assert chain.index("ETP-CLOUD-001") < chain.index("ETP-DATA-001") < chain.index("ETP-GIS-001")
    # and the plans end on (about) their register dates when nothing holds them back
    assert view.row_for(context.work_packages["ETP-CONT-001"].pk).finish.date() == dt.date(
        2023, 6, 30
    )
