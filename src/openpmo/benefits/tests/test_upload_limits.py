"""Evidence and workbooks over their limit (OPENPMO_MAX_EVIDENCE_MB, OPENPMO_MAX_SPREADSHEET_MB)
are refused the same way on the page and the API, naming the file and the limit; nothing saved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from openpmo.audit.models import AuditRecord
from openpmo.benefits.models import BenefitActual
from openpmo.benefits.tests.factories import BenefitFactory, give_profile

pytestmark = pytest.mark.django_db

MESSAGE = "scan.pdf is 40 KB: the largest evidence file accepted is 20 KB."


@pytest.fixture
def benefit(programme_tree):
    benefit = BenefitFactory(
        reference="BEN-L1",
        pillar=programme_tree.strand.pillar,
        owner=programme_tree.owner,
        work_packages=[programme_tree],
    )
    give_profile(benefit, {"2024-04": "100", "2024-05": "100"})
    return benefit


def _actual(scan: bytes) -> dict[str, object]:
    return {
        "month": "2024-05",
        "value": "95",
        "evidence": "Scanned invoice",
        "attachment": SimpleUploadedFile("scan.pdf", scan),
    }


def _counts():
    return BenefitActual.objects.count(), AuditRecord.objects.count()


def test_oversize_evidence_is_refused_alike_by_page_and_api(monkeypatch, client, benefit):
    monkeypatch.setenv("OPENPMO_MAX_EVIDENCE_MB", str(20 / 1024))
    scan = b"%PDF-1.4" + b"0" * (40 * 1024 - 8)
    before = _counts()
    client.force_login(benefit.owner)
    page = client.post(f"/benefits/register/{benefit.pk}/actuals/", _actual(scan))
    api = APIClient()
    api.force_authenticate(benefit.owner)
    answer = api.post(f"/api/benefits/{benefit.pk}/actuals/", _actual(scan), format="multipart")
    assert page.status_code == 400 and answer.status_code == 400
    assert page.context["form"].errors["attachment"] == [MESSAGE]
    assert answer.json()["attachment"] == [MESSAGE]
    assert _counts() == before
    # the same file within a larger limit is taken
    monkeypatch.setenv("OPENPMO_MAX_EVIDENCE_MB", "1")
    assert (
        api.post(
            f"/api/benefits/{benefit.pk}/actuals/", _actual(scan), format="multipart"
        ).status_code
        == 201
    )


def test_an_oversize_workbook_is_refused_before_it_is_opened(
    monkeypatch, client, role_user, benefit
):
    from openpmo.accounts.roles import Role

    monkeypatch.setenv("OPENPMO_MAX_SPREADSHEET_MB", str(10 / 1024))
    client.force_login(role_user(Role.PMO))
    before = _counts()
    response = client.post(
        "/benefits/import/",
        {"kind": "actuals", "workbook": SimpleUploadedFile("actuals.xlsx", b"P" * 30 * 1024)},
    )
    assert response.status_code == 400
    assert "actuals.xlsx is 30 KB: the largest spreadsheet accepted is 10 KB." in (
        response.content.decode()
    )
    assert _counts() == before
