"""1e300 (and Infinity) typed or imported where an amount goes: a 400 naming the field or row,
nothing saved, never an overflow deep in the database or Decimal arithmetic (a 500)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("budget", ["1e300", "Infinity", "99999999999999"])
def test_a_register_budget_of_1e300_is_a_row_error(client, role_user, budget):
    from openpmo.exchange.tests.factories import register_csv, register_row
    from openpmo.portfolio.models import WorkPackage
    from openpmo.portfolio.tests.factories import ProgrammeFactory

    ProgrammeFactory(name="Enabling Technology Programme", short_name="ETP")
    client.force_login(role_user(Role.PMO))
    row = register_row(
        Programme="ETP",
        Pillar="Data",
        Strand="Platform",
        Reference="ETP-DATA-001",
        Name="Warehouse",
        Budget=budget,
    )
    upload = SimpleUploadedFile("register.csv", register_csv([row]))
    response = client.post("/exchange/import/", {"file": upload}, follow=True)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Budget" in html and ("check the figure" in html or "not an amount" in html)
    assert not WorkPackage.objects.exists()


def test_spend_of_1e300_is_a_row_error(client, role_user, programme_tree):
    from openpmo.finance.models import WorkPackageSpend

    client.force_login(role_user(Role.FINANCE))
    body = f"work package,month,type,amount\n{programme_tree.reference},2023-06,capital,1e300\n"
    response = client.post(
        "/finance/spend/import/", {"upload": SimpleUploadedFile("export.csv", body.encode())}
    )
    assert response.status_code == 400 and "Row 2:" in response.content.decode()
    assert not WorkPackageSpend.objects.exists() and not AuditRecord.objects.exists()


def test_an_appraisal_of_1e300_is_a_400_naming_the_year(client, role_user, programme_tree):
    from openpmo.finance.models import Appraisal

    client.force_login(role_user(Role.FINANCE))
    document = "base_year: 2023/24\noptions:\n  - name: A\n    costs: {capital: {2023/24: 1e300}}\n"
    response = client.post(
        "/finance/appraisals/new/", {"name": "Huge", "document": document, "action": "save"}
    )
    assert response.status_code == 400
    assert "2023/24" in response.content.decode()
    assert not Appraisal.objects.exists() and not AuditRecord.objects.exists()


def test_a_benefit_actual_of_1e300_in_a_workbook_is_a_cell_error(client, role_user, programme_tree):
    from openpmo.benefits.models import BenefitActual
    from openpmo.benefits.tests.factories import BenefitFactory, give_profile

    benefit = BenefitFactory(
        reference="BEN-H1", pillar=programme_tree.strand.pillar, owner=programme_tree.owner
    )
    give_profile(benefit, {"2024-04": "100"})
    book = Workbook()
    book.active.title = "Actuals"
    book.active.append(["Reference", "Month", "Value", "Evidence"])
    book.active.append(["BEN-H1", "2024-04", "1e300", "Invoice"])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(role_user(Role.PMO))
    response = client.post(
        "/benefits/import/",
        {"kind": "actuals", "workbook": SimpleUploadedFile("a.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 400 and "check the figure" in response.content.decode()
    assert not BenefitActual.objects.exists()


def test_a_benefit_profile_of_1e300_through_the_api_is_a_400(role_user, programme_tree):
    from rest_framework.test import APIClient

    from openpmo.benefits.models import BenefitProfile
    from openpmo.benefits.tests.factories import BenefitFactory

    benefit = BenefitFactory(
        reference="BEN-H2", pillar=programme_tree.strand.pillar, owner=programme_tree.owner
    )
    api = APIClient()
    api.force_authenticate(role_user(Role.PMO))
    response = api.post(
        f"/api/benefits/{benefit.pk}/profile/", {"months": {"2024-04": "1e300"}}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "months" in response.json()
    assert not BenefitProfile.objects.exists()


def _truncated_workbook(header: list[str], row: list[object]) -> bytes:
    """A valid zip whose sheet XML stops half way (a download cut short, then re-zipped)."""
    import zipfile

    book = Workbook()
    book.active.title = "Actuals"
    book.active.append(header)
    for _ in range(200):
        book.active.append(row)
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for part in source.infolist():
            body = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                body = body[: len(body) // 2]
            target.writestr(part.filename, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.parametrize(
    ("role", "path", "field"),
    [
        (Role.FINANCE, "/finance/reconcile/", "upload"),
        (Role.PMO, "/benefits/import/", "workbook"),
        (Role.PMO, "/exchange/import/", "file"),
    ],
)
def test_a_truncated_sheet_inside_a_valid_zip_is_a_400(
    client, role_user, programme_tree, role, path, field
):
    from openpmo.benefits.models import BenefitActual
    from openpmo.exchange.models import ImportBatch

    client.force_login(role_user(role))
    data = _truncated_workbook(
        ["Reference", "Month", "Value", "Evidence"], ["X", "2024-04", 1, "e"]
    )
    response = client.post(
        path, {field: SimpleUploadedFile("cut.xlsx", data), "kind": "actuals"}, follow=True
    )
    assert response.status_code == 400
    assert "damaged" in response.content.decode()
    assert not BenefitActual.objects.exists() and not AuditRecord.objects.exists()
    assert not ImportBatch.objects.exists()
