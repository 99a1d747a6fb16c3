"""Importing a programme register: preview with row-level errors, all or nothing, idempotent
re-import by reference, PMO only, stage changes refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.spreadsheets import SpreadsheetError
from openpmo.exchange import services
from openpmo.exchange.tests.factories import register_csv, register_row, register_xlsx
from openpmo.portfolio.models import Pillar, Strand, WorkPackage
from openpmo.portfolio.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(role_user):
    programme = ProgrammeFactory(name="Enabling Technology Programme", short_name="ETP")
    pmo = role_user(Role.PMO, username="pmo-import")
    owner = role_user(Role.WORK_PACKAGE_MANAGER, username="owner-1", email="owner@council.gov.uk")
    sponsor = role_user(Role.PILLAR_SPONSOR, username="sponsor-1", email="sponsor@council.gov.uk")
    return programme, pmo, owner, sponsor


def _rows(errors: bool = False) -> list[list[object]]:
    common = {
        "Programme": "ETP",
        "Pillar": "Platforms for Data",
        "Pillar objective": "Make data work for residents",
        "Pillar sponsor": "sponsor@council.gov.uk",
        "Strand": "Data platform",
    }
    return [
        register_row(
            **common,
            Reference="ETP-DATA-001",
            Name="Data warehouse",
            Owner="owner@council.gov.uk",
            Stage="Outline Business Case",
            RAG="Amber",
            Delivery_confidence="Amber/Green",
            Baseline_start=dt.date(2025, 4, 1),
            Baseline_end=dt.date(2026, 3, 31),
            Budget="£250,000",
            Priorities="Data-driven council; Value for money",
        ),
        register_row(
            **common,
            Reference="ETP-DATA-002",
            Name="Master data",
            Owner="nobody@council.gov.uk" if errors else "owner-1",
            RAG="Purple" if errors else "G",
            Baseline_start="2025-06-01",
            Baseline_end="2025-05-01" if errors else "2025-12-31",
            Budget="-5" if errors else "12000.50",
        ),
    ]


def test_preview_lists_each_bad_cell_and_imports_nothing(setting):
    programme, pmo, *_ = setting
    batch, plan = services.register_import_preview(
        actor=pmo, filename="register.xlsx", data=register_xlsx(_rows(errors=True))
    )
    found = {(e.row, e.column) for e in plan.errors}
    assert found == {(3, "Owner"), (3, "RAG"), (3, "Baseline end"), (3, "Budget")}
    assert "invite them first" in next(e.message for e in plan.errors if e.column == "Owner")
    with pytest.raises(ValidationError):
        services.register_import_commit(actor=pmo, batch=batch)
    assert WorkPackage.objects.count() == 0
    assert Pillar.objects.count() == 0


def test_a_clean_register_imports_every_row_through_the_audited_services(setting):
    programme, pmo, owner, sponsor = setting
    batch, plan = services.register_import_preview(
        actor=pmo, filename="register.csv", data=register_csv(_rows())
    )
    assert plan.errors == []
    assert plan.summary()["created"] == 2

    summary = services.register_import_commit(actor=pmo, batch=batch)

    assert summary["created"] == 2
    wp = WorkPackage.objects.get(reference="ETP-DATA-001")
    assert (wp.owner, wp.stage, wp.rag_status, wp.delivery_confidence) == (
        owner,
        "obc",
        "amber",
        "amber_green",
    )
    assert wp.budget_envelope == Decimal("250000.00")
    assert wp.baseline_end == dt.date(2026, 3, 31)
    assert wp.strand.pillar.sponsor == sponsor
    assert sorted(wp.strategic_priorities.values_list("title", flat=True)) == [
        "Data-driven council",
        "Value for money",
    ]
    assert WorkPackage.objects.get(reference="ETP-DATA-002").stage == "discovery"
    assert AuditRecord.objects.filter(action="work_package.created").count() == 2
    assert AuditRecord.objects.filter(action="register.imported").count() == 1


def test_reimporting_updates_by_reference_and_the_same_file_twice_changes_nothing(setting):
    programme, pmo, *_ = setting
    batch, _ = services.register_import_preview(
        actor=pmo, filename="register.xlsx", data=register_xlsx(_rows())
    )
    services.register_import_commit(actor=pmo, batch=batch)
    versions = dict(WorkPackage.objects.values_list("reference", "version"))

    # The same file again: everything unchanged, nothing written
    again, plan = services.register_import_preview(
        actor=pmo, filename="register.xlsx", data=register_xlsx(_rows())
    )
    assert plan.summary()["unchanged"] == 2
    services.register_import_commit(actor=pmo, batch=again)
    assert dict(WorkPackage.objects.values_list("reference", "version")) == versions
    assert AuditRecord.objects.filter(action="work_package.updated").count() == 0

    # A changed name and RAG on one row: that row is updated, the other left alone
    rows = _rows()
    rows[1][6] = "Master data management"
    rows[1][10] = "Red"
    changed, plan = services.register_import_preview(
        actor=pmo, filename="register.xlsx", data=register_xlsx(rows)
    )
    assert [(r.reference, r.action, r.changes) for r in plan.rows] == [
        ("ETP-DATA-001", "unchanged", []),
        ("ETP-DATA-002", "update", ["name", "rag_status"]),
    ]
    services.register_import_commit(actor=pmo, batch=changed)
    wp = WorkPackage.objects.get(reference="ETP-DATA-002")
    assert (wp.name, wp.rag_status) == ("Master data management", "red")
    assert Strand.objects.count() == 1


def test_a_stage_change_is_refused_because_stages_move_only_at_gates(setting):
    programme, pmo, *_ = setting
    batch, _ = services.register_import_preview(
        actor=pmo, filename="register.xlsx", data=register_xlsx(_rows())
    )
    services.register_import_commit(actor=pmo, batch=batch)
    rows = _rows()
    rows[0][9] = "Delivery"
    _, plan = services.register_import_preview(
        actor=pmo, filename="register.xlsx", data=register_xlsx(rows)
    )
    [error] = plan.errors
    assert (error.row, error.column) == (2, "Stage")
    assert "gate decision" in error.message
    assert WorkPackage.objects.get(reference="ETP-DATA-001").stage == "obc"


def test_only_the_pmo_imports(setting, role_user):
    sponsor = role_user(Role.PILLAR_SPONSOR)
    with pytest.raises(PermissionDenied):
        services.register_import_preview(
            actor=sponsor, filename="register.xlsx", data=register_xlsx(_rows())
        )
    assert WorkPackage.objects.count() == 0


def test_a_zip_bomb_is_refused_before_it_is_unpacked(setting):
    _, pmo, *_ = setting
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(SpreadsheetError, match="bomb"):
        services.register_import_preview(actor=pmo, filename="big.xlsx", data=buffer.getvalue())


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_its_reason(setting):
    _, pmo, *_ = setting
    with pytest.raises(SpreadsheetError, match="not an Excel workbook"):
        services.register_import_preview(actor=pmo, filename="r.xlsx", data=b"hello")
    with pytest.raises(SpreadsheetError, match=".xlsx"):
        services.register_import_preview(actor=pmo, filename="r.pdf", data=b"%PDF")
