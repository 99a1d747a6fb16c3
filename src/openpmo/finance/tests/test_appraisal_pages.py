"""Green Book appraisal pages: enter or upload options, see the comparison, save it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.finance.models import Appraisal

DOC = """base_year: 2023/24
options:
  - name: Do nothing
    costs: {run: {2023/24: 120000, 2024/25: 120000, 2025/26: 120000}}
  - name: Hybrid delivery
    optimism_bias: {capital: 0.25}
    costs: {capital: {2023/24: 400000}, run: {2024/25: 60000, 2025/26: 60000}}
    benefits: {cashable: {2024/25: 150000, 2025/26: 180000}}
"""


def test_appraise_shows_the_comparison_and_saves_nothing(finance_client, programme_tree):
    response = finance_client.post(
        "/finance/appraisals/new/", {"name": "Options", "document": DOC, "action": "preview"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Options compared" in html and "Preferred" in html and "NPSV" in html
    assert not Appraisal.objects.exists() and not AuditRecord.objects.exists()


def test_save_stores_the_appraisal_and_shows_it(finance_client, programme_tree):
    response = finance_client.post(
        "/finance/appraisals/new/", {"name": "Options", "document": DOC, "action": "save"}
    )
    appraisal = Appraisal.objects.get()
    assert response.status_code == 302 and response.url == appraisal.get_absolute_url()
    html = finance_client.get(response.url).content.decode()
    assert "Hybrid delivery" in html and "25%" in html and "Appraisal created" in html


def test_an_uploaded_yaml_file_is_appraised(finance_client, programme_tree):
    path = Path(settings.BASE_DIR) / "examples" / "etp" / "appraisal.yaml"
    upload = SimpleUploadedFile("appraisal.yaml", path.read_bytes())
    response = finance_client.post(
        "/finance/appraisals/new/", {"name": "Upload", "upload": upload, "action": "preview"}
    )
    assert response.status_code == 200 and "Third-party delivery" in response.content.decode()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("base_year: 2023/24\noptions: [", "not valid YAML"),
        ("- a list", "must be a mapping"),
        (
            "base_year: 2023/24\noptions:\n  - name: A\n    costs: {run: {2023/24: lots}}\n",
            "options[0].costs.run.2023/24",
        ),
        (
            "base_year: 2023/24\noptions:\n  - name: A\n    costs: {run: {2019/20: 5}}\n",
            "before the base year",
        ),
    ],
)
def test_bad_options_come_back_with_the_field_named(
    finance_client, programme_tree, document, message
):
    for action in ("preview", "save"):
        response = finance_client.post(
            "/finance/appraisals/new/", {"name": "Bad", "document": document, "action": action}
        )
        html = response.content.decode().replace("&#x27;", "'")
        assert response.status_code == 400 and "There is a problem" in html
        assert message in html
    assert not Appraisal.objects.exists()


def test_viewers_read_appraisals_but_cannot_create_them(client, role_user, programme_tree):
    client.force_login(role_user(Role.VIEWER))
    assert client.get("/finance/appraisals/").status_code == 200
    assert client.get("/finance/appraisals/new/").status_code == 403
    response = client.post(
        "/finance/appraisals/new/", {"name": "X", "document": DOC, "action": "save"}
    )
    assert response.status_code == 403 and not Appraisal.objects.exists()


def test_an_alias_bomb_is_refused_quickly_without_echoing_it(finance_client, programme_tree):
    # Given a 400-byte YAML whose aliases would expand to a thousand million items
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(8)
    )
    # When it is posted to the appraisal page
    response = finance_client.post(
        "/finance/appraisals/new/", {"name": "Bomb", "document": bomb, "action": "preview"}
    )
    # Then the page says what is wrong, is no bigger than the form itself, and nothing is saved
    html = response.content.decode()
    assert response.status_code == 400
    assert "anchors are not accepted (line 1)" in html
    assert len(html) < 60_000
    assert not Appraisal.objects.exists() and not AuditRecord.objects.exists()
