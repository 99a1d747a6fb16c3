"""Excel: exports hold real numbers with number formats; imports report every wrong row by
sheet, row and field, and save nothing unless every row is right."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.benefits import excel, selectors
from openpmo.benefits.models import Benefit, BenefitActual
from openpmo.benefits.tests.factories import BenefitFactory, give_actuals, give_profile
from openpmo.core.benefits import Month


@pytest.fixture
def benefit(programme_tree):
    benefit = BenefitFactory(
        reference="BEN-X1",
        pillar=programme_tree.strand.pillar,
        owner=programme_tree.owner,
        work_packages=[programme_tree],
        target_value=Decimal("300.00"),
        baseline_date=dt.date(2024, 4, 1),
    )
    give_profile(benefit, {"2024-04": "100", "2024-05": "100.50", "2024-06": "99.50"})
    give_actuals(benefit, {"2024-04": "90", "2024-06": "120"})
    return benefit


def _workbook(sheet_name, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("upload.xlsx", buffer.getvalue())


def _open(content):
    return load_workbook(io.BytesIO(content))


def test_the_register_export_holds_numbers_and_dates_with_formats(benefit):
    sheet = _open(excel.register_workbook(benefit.pillar.programme))["Benefits"]
    headings = [c.value for c in sheet[1]]
    row = dict(zip(headings, [c for c in sheet[2]], strict=True))
    assert row["Reference"].value == "BEN-X1"
    assert row["Target"].value == 300 and row["Target"].number_format.startswith("£#,##0.00")
    assert row["Baseline date"].value == dt.datetime(2024, 4, 1)
    assert row["Baseline date"].number_format == "yyyy-mm-dd"
    assert row["Work packages"].value == benefit.work_packages.get().reference


def test_the_profiles_export_has_one_row_per_version_months_across(benefit):
    sheet = _open(excel.profiles_workbook(benefit.pillar.programme))["Profiles"]
    headings = [c.value for c in sheet[1]]
    assert headings[8:] == [
        dt.datetime(2024, 4, 1),
        dt.datetime(2024, 5, 1),
        dt.datetime(2024, 6, 1),
    ]
    values = [c.value for c in sheet[2]]
    assert values[0] == "BEN-X1" and values[7] == 300
    assert values[8:] == [100, 100.5, 99.5]


def test_the_tracker_export_leaves_a_missing_actual_blank_and_says_so(benefit):
    view = selectors.tracker(benefit.pillar.programme, as_of=Month(2024, 5))
    book = _open(excel.tracker_workbook(view))
    assert book.sheetnames == [
        "Benefits",
        "Work packages",
        "Pillars",
        "Programme",
        "Chart data",
        "MTFS savings",
        "About",
    ]
    sheet = book["Benefits"]
    headings = [c.value for c in sheet[1]]
    row = dict(zip(headings, [c.value for c in sheet[2]], strict=True))
    assert row["Actual in month"] is None and row["In-month actual"] == "missing"
    assert row["Planned cumulative"] == 200.5 and row["Actual cumulative"] == 90
    assert row["Variance %"] == pytest.approx(-0.551)
    assert sheet.cell(2, headings.index("Variance %") + 1).number_format == "0.0%"
    programme = book["Programme"]
    assert [c.value for c in programme[2]][4:6] == [200.5, 90]


def test_an_exported_register_imports_back_without_changing_anything(benefit, role_user):
    content = excel.register_workbook(benefit.pillar.programme)
    audits = AuditRecord.objects.count()
    result = excel.import_benefits(
        actor=role_user(Role.PMO),
        programme=benefit.pillar.programme,
        workbook=SimpleUploadedFile("register.xlsx", content),
    )
    assert result.ok and result.saved == 1
    assert AuditRecord.objects.count() == audits


HEADINGS = [
    "Reference",
    "Title",
    "Category",
    "Measure",
    "Unit",
    "Owner",
    "Pillar",
    "Work packages",
    "Target",
]


def test_importing_benefits_with_a_bad_row_saves_nothing_and_names_every_error(
    benefit, role_user, programme_tree
):
    pillar = benefit.pillar.name
    owner = benefit.owner.username
    upload = _workbook(
        "Benefits",
        [
            HEADINGS,
            [
                "BEN-N1",
                "Good one",
                "Cashable",
                "Spend",
                "£",
                owner,
                pillar,
                programme_tree.reference,
                1000,
            ],
            ["BEN-N2", "Bad one", "Windfall", "Spend", "£", "nobody", pillar, "", "lots"],
            ["BEN-N3", "", "cashable", "Spend", "£", owner, "No such pillar", "", 5],
        ],
    )
    result = excel.import_benefits(
        actor=role_user(Role.PMO), programme=benefit.pillar.programme, workbook=upload
    )
    assert not result.ok and result.saved == 0
    found = {(e.sheet, e.row, e.field) for e in result.errors}
    assert {
        ("Benefits", 3, "Category"),
        ("Benefits", 3, "Owner"),
        ("Benefits", 3, "Target"),
        ("Benefits", 4, "Pillar"),
    } <= found
    assert set(Benefit.objects.values_list("reference", flat=True)) == {"BEN-X1"}
    assert not AuditRecord.objects.exists()


def test_importing_good_benefits_saves_them_all(benefit, role_user, programme_tree):
    upload = _workbook(
        "Benefits",
        [
            HEADINGS,
            [
                "BEN-N1",
                "One",
                "Cashable",
                "Spend",
                "£",
                benefit.owner.username,
                benefit.pillar.name,
                programme_tree.reference,
                1000,
            ],
            [
                "BEN-N2",
                "Two",
                "dis-benefit",
                "Harm",
                "hours",
                benefit.owner.username,
                benefit.pillar.name,
                "",
                None,
            ],
        ],
    )
    pmo = role_user(Role.PMO)
    result = excel.import_benefits(actor=pmo, programme=benefit.pillar.programme, workbook=upload)
    assert result.ok and result.saved == 2
    two = Benefit.objects.get(reference="BEN-N2")
    assert (two.category, two.unit) == ("dis-benefit", "hours")
    assert AuditRecord.objects.filter(action="benefit.created", actor=pmo).count() == 2


def test_importing_actuals_is_all_or_nothing(benefit, role_user):
    pmo = role_user(Role.PMO)
    bad = _workbook(
        "Actuals",
        [
            ["Reference", "Month", "Value", "Evidence"],
            ["BEN-X1", "2024-05", 100, "Invoice"],
            ["BEN-X1", dt.datetime(2024, 5, 1), 101, "Twice"],
            ["BEN-NONE", "2024-05", -3, ""],
        ],
    )
    result = excel.import_actuals(actor=pmo, programme=benefit.pillar.programme, workbook=bad)
    assert not result.ok
    found = {(e.sheet, e.row, e.field) for e in result.errors}
    assert {("Actuals", 3, "Month"), ("Actuals", 4, "Reference"), ("Actuals", 4, "Value")} <= found
    assert BenefitActual.objects.count() == 2 and not AuditRecord.objects.exists()
    good = _workbook(
        "Actuals",
        [["Reference", "Month", "Value", "Evidence"], ["BEN-X1", "May 2024", 100.25, "Invoice"]],
    )
    result = excel.import_actuals(actor=pmo, programme=benefit.pillar.programme, workbook=good)
    assert result.ok and result.saved == 1
    assert BenefitActual.objects.get(month=dt.date(2024, 5, 1)).value == Decimal("100.25")


def test_an_owner_importing_actuals_for_someone_elses_benefit_is_refused(benefit, role_user):
    other = BenefitFactory(pillar=benefit.pillar, reference="BEN-OTHER")
    upload = _workbook(
        "Actuals",
        [
            ["Reference", "Month", "Value", "Evidence"],
            ["BEN-X1", "2024-05", 1, "mine"],
            [other.reference, "2024-05", 1, "not mine"],
        ],
    )
    result = excel.import_actuals(
        actor=benefit.owner, programme=benefit.pillar.programme, workbook=upload
    )
    assert [(e.row, e.field) for e in result.errors] == [(3, "(row)")]
    assert BenefitActual.objects.count() == 2


def test_the_import_page_lists_row_errors(client, role_user, benefit):
    client.force_login(role_user(Role.PMO))
    upload = _workbook(
        "Actuals", [["Reference", "Month", "Value", "Evidence"], ["BEN-X1", "soon", 1, "x"]]
    )
    response = client.post("/benefits/import/", {"kind": "actuals", "workbook": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in html and "Month" in html and "soon" in html
    junk = SimpleUploadedFile("junk.xlsx", b"not a workbook")
    response = client.post("/benefits/import/", {"kind": "benefits", "workbook": junk})
    assert (
        response.status_code == 400
        and "The file is not an .xlsx workbook" in response.content.decode()
    )


def test_export_pages_download_workbooks(client, role_user, benefit):
    client.force_login(role_user(Role.VIEWER))
    for url in (
        "/benefits/export/register.xlsx",
        "/benefits/export/profiles.xlsx",
        "/benefits/export/tracker.xlsx?as_of=2024-06",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert _open(response.content).sheetnames


def test_a_zip_bomb_import_is_refused_and_saves_nothing(benefit, role_user, client, xlsx_bomb):
    client.force_login(role_user(Role.PMO))
    before = Benefit.objects.count()
    response = client.post(
        "/benefits/import/",
        {"kind": "benefits", "workbook": SimpleUploadedFile("b.xlsx", xlsx_bomb)},
    )
    assert "packed" in response.content.decode()
    assert Benefit.objects.count() == before
