"""Each section shows what its module has; a module that fails it fails the report."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError

from openpmo.benefits import selectors as benefit_selectors
from openpmo.delivery import selectors as delivery_selectors
from openpmo.finance import selectors as finance_selectors
from openpmo.finance.tests.factories import ReserveFactory, TeamCostPlanFactory
from openpmo.gates import selectors as gate_selectors
from openpmo.reports import sections
from openpmo.reports.models import Report
from openpmo.reports.snapshots import KIND_SECTIONS, build_snapshot
from openpmo.reports.tests.conftest import MONTH
from openpmo.risks import selectors as risk_selectors

# Every selector of another app a section reads, and a kind of report that prints that section.
CROSS_APP_READS = [
    (benefit_selectors, "tracker", "cabinet_update"),
    (delivery_selectors, "interdependency_list", "board_pack"),
    (delivery_selectors, "programme_schedule", "board_pack"),
    (finance_selectors, "programme_money", "board_pack"),
    (finance_selectors, "reserve_ledger_view", "board_pack"),
    (finance_selectors, "team_cost_view", "twelve_month_review"),
    (gate_selectors, "decision_log", "board_pack"),
    (gate_selectors, "gate_readiness", "pillar_highlight"),
    (gate_selectors, "pipeline", "board_pack"),
    (risk_selectors, "top_items", "board_pack"),
]


@pytest.mark.parametrize(
    ("module", "name", "kind"),
    CROSS_APP_READS,
    ids=[f"{m.__name__.split('.')[1]}.{n}" for m, n, _ in CROSS_APP_READS],
)
def test_a_selector_that_fails_fails_the_report(monkeypatch, programme_tree, module, name, kind):
    # Given another app's selector that fails (its arguments changed under the section, say)
    def changed(*args, **kwargs):
        raise TypeError(f"{name}() got an unexpected keyword argument 'as_of'")

    monkeypatch.setattr(module, name, changed)
    if name == "team_cost_view":
        TeamCostPlanFactory(programme=programme_tree.strand.pillar.programme)
    if name == "reserve_ledger_view":
        ReserveFactory(programme=programme_tree.strand.pillar.programme)
    # then building the report fails with that error, not a section saying "not available"
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        build_snapshot(
            kind=kind,
            programme=programme_tree.strand.pillar.programme,
            period=MONTH,
            pillar=programme_tree.strand.pillar if kind == "pillar_highlight" else None,
        )
    assert Report.objects.count() == 0


def test_an_unreadable_module_fails_the_report(monkeypatch, programme_tree):
    # Given a module whose tables cannot be read
    def broken(*args, **kwargs):
        raise DatabaseError("no such table: finance_reserveentry")

    monkeypatch.setattr(finance_selectors, "programme_money", broken)
    with pytest.raises(DatabaseError):
        build_snapshot(
            kind="board_pack", programme=programme_tree.strand.pillar.programme, period=MONTH
        )
    assert Report.objects.count() == 0


@pytest.mark.parametrize("kind", list(KIND_SECTIONS))
def test_every_kind_of_snapshot_is_plain_json(programme_tree, kind):
    wp = programme_tree
    snapshot = build_snapshot(
        kind=kind,
        programme=wp.strand.pillar.programme,
        period=MONTH,
        pillar=wp.strand.pillar if kind == "pillar_highlight" else None,
        work_package=wp if kind == "work_package_highlight" else None,
    )
    assert json.loads(json.dumps(snapshot)) == snapshot
    for section in snapshot["sections"]:
        assert set(section) >= {"key", "title", "available", "note", "facts", "tables"}
        for table in section["tables"]:
            for row in table["rows"]:
                assert len(row) == len(table["columns"])
                for cell in row:
                    assert cell is None or isinstance(cell, str | int)  # never a float


def test_prefill_weights_the_register_by_budget(programme_tree):
    from decimal import Decimal

    from openpmo.portfolio.tests.factories import WorkPackageFactory

    # Given a small green package and a large red one
    WorkPackageFactory(
        strand=programme_tree.strand, rag_status="red", budget_envelope=Decimal("900000")
    )
    scope = sections.Scope(
        programme=programme_tree.strand.pillar.programme,
        period=MONTH,
        pillar=programme_tree.strand.pillar,
    )
    # then the pillar's pre-filled RAG leans to the money: red
    assert sections.prefill(scope)["overall_rag"] == "red"
    assert "2 work packages (1 green, 1 red)" in sections.prefill(scope)["confidence_reason"]


def test_milestones_say_due_slipped_and_achieved(programme_tree):
    import datetime as dt

    from openpmo.portfolio.tests.factories import WorkPackageFactory

    strand = programme_tree.strand
    end = dt.date(2024, 3, 20)
    WorkPackageFactory(strand=strand, reference="DUE", baseline_end=end, forecast_end=end)
    WorkPackageFactory(
        strand=strand, reference="LATE", baseline_end=end, forecast_end=dt.date(2024, 6, 30)
    )
    WorkPackageFactory(strand=strand, reference="DONE", baseline_end=end, stage="closure")
    scope = sections.Scope(programme=strand.pillar.programme, period=MONTH, pillar=strand.pillar)
    milestones = sections.SECTIONS["milestones"](scope)
    completion = next(t for t in milestones["tables"] if t["key"] == "completion")
    states = {row[0]: row[4] for row in completion["rows"]}
    assert (states["DUE"], states["LATE"], states["DONE"]) == (
        "Due this period",
        "Slipped",
        "Achieved",
    )
    facts = {f["label"]: f["value"] for f in milestones["facts"]}
    assert facts["Slipped"] >= 1 and facts["Achieved"] >= 1 and facts["Due this period"] >= 1


@pytest.mark.parametrize("kind", ["board_pack", "pillar_highlight"])
def test_a_snapshot_does_a_fixed_number_of_queries(programme_tree, kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openpmo.portfolio.tests.factories import WorkPackageFactory

    pillar = programme_tree.strand.pillar

    def snapshot() -> None:
        build_snapshot(
            kind=kind,
            programme=pillar.programme,
            period=MONTH,
            pillar=pillar if kind == "pillar_highlight" else None,
        )

    snapshot()  # warm the per-process caches (content types) before counting
    with CaptureQueriesContext(connection) as few:
        snapshot()
    WorkPackageFactory.create_batch(15, strand=programme_tree.strand, owner=programme_tree.owner)
    WorkPackageFactory.create_batch(5, strand__pillar=pillar)
    snapshot()  # the first read after the register changed stores the new programme schedule
    with CaptureQueriesContext(connection) as many:
        snapshot()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_every_section_a_report_lists_is_registered_by_the_app_that_reads_it():
    """Given the apps are ready, each key of every kind of report has a builder; planning and
    resources registered theirs (the reports app imports neither)."""
    registered = sections.SECTIONS
    assert {key for keys in KIND_SECTIONS.values() for key in keys} <= set(registered)
    assert registered["prioritisation"].__module__ == "openpmo.planning.report_sections"
    assert registered["capacity"].__module__ == "openpmo.resources.report_sections"
    assert registered["team"].__module__ == "openpmo.resources.report_sections"
