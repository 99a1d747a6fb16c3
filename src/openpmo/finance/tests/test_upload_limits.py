"""Spreadsheets and YAML documents over their limit (OPENPMO_MAX_SPREADSHEET_MB,
OPENPMO_MAX_DOCUMENT_MB) are refused alike on the page and the command line, naming the file
and the limit; nothing is saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from openpmo.audit.models import AuditRecord
from openpmo.cli import main
from openpmo.finance.models import Appraisal

pytestmark = pytest.mark.django_db

EXAMPLES = Path(settings.BASE_DIR) / "examples" / "etp"


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err.strip().removeprefix("openpmo: error: ")


def _padded(path: Path, size: int) -> bytes:
    data = path.read_bytes()
    return data + b"\n" * (size - len(data))


def test_an_oversize_appraisal_is_refused_alike_by_page_and_cli(
    monkeypatch, finance_client, programme_tree, tmp_path, capsys
):
    monkeypatch.setenv("OPENPMO_MAX_DOCUMENT_MB", str(4 / 1024))
    data = _padded(EXAMPLES / "appraisal.yaml", 6 * 1024)
    (tmp_path / "options.yaml").write_bytes(data)
    message = "options.yaml is 6 KB: the largest document accepted is 4 KB."
    page = finance_client.post(
        "/finance/appraisals/new/",
        {"name": "Big", "upload": SimpleUploadedFile("options.yaml", data), "action": "save"},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["upload"] == [message]
    assert _cli(capsys, "appraise", str(tmp_path / "options.yaml")) == (2, message)
    assert not Appraisal.objects.exists() and not AuditRecord.objects.exists()
    monkeypatch.setenv("OPENPMO_MAX_DOCUMENT_MB", "1")
    assert _cli(capsys, "appraise", str(tmp_path / "options.yaml"))[0] == 0


def test_an_oversize_table_is_refused_alike_by_page_and_cli(
    monkeypatch, finance_client, tmp_path, capsys
):
    monkeypatch.setenv("OPENPMO_MAX_SPREADSHEET_MB", str(2 / 1024))
    data = _padded(EXAMPLES / "table1.csv", 3 * 1024)
    (tmp_path / "table1.csv").write_bytes(data)
    message = "table1.csv is 3 KB: the largest spreadsheet accepted is 2 KB."
    page = finance_client.post(
        "/finance/reconcile/", {"upload": SimpleUploadedFile("table1.csv", data)}
    )
    assert page.status_code == 400
    assert page.context["form"].errors["upload"] == [message]
    assert _cli(capsys, "reconcile", str(tmp_path / "table1.csv")) == (2, message)
