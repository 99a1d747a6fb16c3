"""The finance API: the same services, permissions and audit as the pages; clear 4xx refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.finance.models import Appraisal, ReserveEntry, TeamRole, WorkPackageSpend


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def _state(reserve):
    reserve.refresh_from_db()
    return reserve.balance, ReserveEntry.objects.count(), AuditRecord.objects.count()


@pytest.mark.parametrize(
    "url",
    [
        "/api/reserve/ledger/",
        "/api/reserves/",
        "/api/team-cost-plans/",
        "/api/spend/",
        "/api/forecasts/",
        "/api/appraisals/",
        "/api/finance/money/",
    ],
)
def test_the_finance_api_needs_a_signed_in_user(api, db, url):
    assert api.get(url).status_code == 401


def test_the_ledger_by_year_with_drawdowns_and_discrepancies(api, role_user, etp):
    plan, reserve = etp
    body = _as(api, role_user(Role.VIEWER)).get("/api/reserve/ledger/").json()
    assert [y["year"] for y in body["years"]] == [
        "2021/22",
        "2022/23",
        "2023/24",
        "2024/25",
        "2025/26",
    ]
    first, second = body["years"][:2]
    assert first["opening"] == "-8749000.00" and first["drawdowns"] == []
    assert second["opening"] == first["closing"] == "-10640000.00"
    assert second["lines"]["Drawdowns"] == "369000.00"
    (drawdown,) = second["drawdowns"]
    assert drawdown["authority_role"] == "Decision maker"
    assert "FP/527/10/22" in drawdown["authority"] and drawdown["authorised_by"] is not None
    assert body["years"][-1]["closing_printed"] == "(13,031)"
    errors = [d for d in body["discrepancies"] if d["kind"] == "error"]
    assert {(d["year"], d["difference"]) for d in errors} == {
        ("2021/22", "-1000000.00"),
        ("Total", "-25000.00"),
    }


def test_recording_an_entry_through_the_api_is_audited(api, role_user, etp, programme_tree):
    _, reserve = etp
    finance = role_user(Role.FINANCE)
    response = _as(api, finance).post(
        f"/api/reserves/{reserve.pk}/entries/",
        {"kind": "contribution", "year": "2024/25", "amount": "250000.00", "reason": "MTFS"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    entry = ReserveEntry.objects.get(pk=response.json()["id"])
    assert entry.recorded_by == finance and entry.authorised_by is None
    assert AuditRecord.objects.for_object(entry).get().action == "reserve.contribution"
    listed = _as(api, finance).get(f"/api/reserves/{reserve.pk}/entries/").json()
    assert listed[-1]["id"] == entry.pk or entry.pk in [e["id"] for e in listed]


def test_api_refusals_are_403_409_400_and_change_nothing(api, role_user, etp):
    _, reserve = etp
    url = f"/api/reserves/{reserve.pk}/entries/"
    before = _state(reserve)
    viewer = _as(APIClient(), role_user(Role.VIEWER))
    ok = {"kind": "contribution", "year": "2024/25", "amount": "10.00", "reason": "x"}
    assert viewer.post(url, ok, format="json").status_code == 403
    finance = _as(api, role_user(Role.FINANCE))
    # money out without a decision (§7.1): refused, whichever kind names it
    for kind in ("drawdown", "withdrawal"):
        drawn = finance.post(url, ok | {"kind": kind, "amount": "500000.00"}, format="json")
        assert drawn.status_code == 400 and "Cabinet Member for Finance" in drawn.json()["kind"][0]
    bad = finance.post(url, {"kind": "gift", "year": "2099/00", "amount": "-1"}, format="json")
    assert bad.status_code == 400 and {"kind", "amount", "reason"} <= set(bad.json())
    outside = finance.post(url, ok | {"year": "2030/31"}, format="json")
    assert outside.status_code == 400 and "year" in outside.json()
    assert _state(reserve) == before


def test_a_contribution_the_balance_column_cannot_hold_is_a_400_naming_the_amount(
    api, role_user, etp
):
    _, reserve = etp
    url = f"/api/reserves/{reserve.pk}/entries/"
    finance = _as(api, role_user(Role.FINANCE))
    huge = {"kind": "contribution", "year": "2024/25", "reason": "typo"}
    assert reserve.balance != 0
    before = _state(reserve)
    # The entry alone fits its column; added to the balance it would not.
    refused = finance.post(url, huge | {"amount": "999999999999.99"}, format="json")
    assert refused.status_code == 400
    assert "the most it can hold" in refused.json()["amount"][0]
    assert _state(reserve) == before


def test_team_cost_plan_profile_and_flex(api, role_user, etp_plan):
    plan = etp_plan
    viewer = _as(APIClient(), role_user(Role.VIEWER))
    body = viewer.get(f"/api/team-cost-plans/{plan.pk}/").json()
    assert body["inflation"] == {"2023/24": "0.0500", "2024/25": "0.0200", "2025/26": "0.0200"}
    assert body["profile"]["totals"]["total"] == "2303646.05"
    assert body["profile"]["headroom"] == "353.95"
    role = TeamRole.objects.get(plan=plan, name="PMO Manager")
    change = {"roles": [{"id": role.pk, "fte": "0.5"}], "version": plan.version}
    assert (
        viewer.post(f"/api/team-cost-plans/{plan.pk}/flex/", change, format="json").status_code
        == 403
    )
    finance = _as(api, role_user(Role.FINANCE))
    preview = finance.post(
        f"/api/team-cost-plans/{plan.pk}/flex/", change | {"preview": True}, format="json"
    ).json()
    assert Decimal(preview["profile"]["totals"]["total"]) < Decimal("2303646.05")
    role.refresh_from_db()
    assert role.fte == 1 and not AuditRecord.objects.filter(action="team_role.flexed").exists()
    saved = finance.post(f"/api/team-cost-plans/{plan.pk}/flex/", change, format="json")
    assert saved.status_code == 200 and saved.json()["version"] == plan.version + 1
    stale = finance.post(f"/api/team-cost-plans/{plan.pk}/flex/", change, format="json")
    assert stale.status_code == 409
    role.refresh_from_db()
    assert role.fte == Decimal("0.50")


APPRAISAL = {
    "base_year": "2023/24",
    "options": [
        {"name": "Do nothing", "costs": {"run": {"2023/24": 120000, "2024/25": 120000}}},
        {
            "name": "Hybrid delivery",
            "optimism_bias": {"capital": 0.25},
            "costs": {"capital": {"2023/24": 400000}, "run": {"2024/25": 60000}},
            "benefits": {"cashable": {"2024/25": 150000, "2025/26": 180000}},
        },
    ],
}


def test_appraisal_run_pins_the_green_book_discounting(api, role_user, db):
    client = _as(api, role_user(Role.VIEWER))
    one_pound = {
        "base_year": "2023/24",
        "options": [{"name": "A", "costs": {"x": {"2024/25": 1000, "2033/34": 1000}}}],
    }
    body = client.post("/api/appraisals/run/", {"document": one_pound}, format="json").json()
    # £1,000 in year 1 is £966 today and in year 10 £709
    assert Decimal(body["options"][0]["pv_costs"]).quantize(Decimal(1)) == 966 + 709
    assert not Appraisal.objects.exists()
    bad = client.post("/api/appraisals/run/", {"document": {"base_year": "2023/24"}}, format="json")
    assert bad.status_code == 400 and "options" in str(bad.json())


def test_appraisal_create_stores_and_compares(api, role_user, programme_tree):
    programme = programme_tree.strand.pillar.programme
    data = {"name": "Options", "programme": programme.pk, "document": APPRAISAL}
    assert (
        _as(APIClient(), role_user(Role.VIEWER))
        .post("/api/appraisals/", data, format="json")
        .status_code
        == 403
    )
    analyst = role_user(Role.WORK_PACKAGE_MANAGER)
    response = _as(api, analyst).post("/api/appraisals/", data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["result"]["preferred"] in {"Do nothing", "Hybrid delivery"}
    appraisal = Appraisal.objects.get()
    assert AuditRecord.objects.for_object(appraisal).get().actor == analyst
    again = api.get(f"/api/appraisals/{appraisal.pk}/").json()
    assert again["result"] == body["result"]


def test_spend_and_forecast_through_the_api(api, role_user, programme_tree):
    finance = _as(api, role_user(Role.FINANCE))
    response = finance.post(
        "/api/spend/",
        {
            "work_package": programme_tree.pk,
            "month": "2023-05",
            "spend_type": "capital",
            "amount": "1250.50",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["month"] == "2023-05"
    forecast = finance.post(
        "/api/forecasts/",
        {
            "work_package": programme_tree.pk,
            "year": "2024/25",
            "spend_type": "revenue",
            "amount": "5000",
        },
        format="json",
    )
    assert forecast.status_code == 201, forecast.json()
    rollup = finance.get("/api/finance/money/").json()
    assert rollup["actual"] == "1250.50"
    assert rollup["pillars"][0]["strands"][0]["work_packages"][0]["id"] == programme_tree.pk
    assert rollup["by_year"][0] == {
        "year": "2023/24",
        "capital_actual": "1250.50",
        "capital_forecast": "0.00",
        "capital_total": "1250.50",
        "revenue_actual": "0.00",
        "revenue_forecast": "0.00",
        "revenue_total": "0.00",
        "total": "1250.50",
    }
    money = finance.get(f"/api/finance/work-packages/{programme_tree.pk}/money/").json()
    assert money["actual"] == "1250.50" and money["forecast"] == "5000.00"
    assert money["variance"] == "93749.50"  # £100,000 budget less £6,250.50 at completion
    bad = finance.post(
        "/api/spend/",
        {"work_package": programme_tree.pk, "month": "May", "spend_type": "capital", "amount": "1"},
        format="json",
    )
    assert bad.status_code == 400 and "month" in bad.json()
    viewer = _as(APIClient(), role_user(Role.VIEWER))
    refused = viewer.post(
        "/api/spend/",
        {
            "work_package": programme_tree.pk,
            "month": "2023-06",
            "spend_type": "capital",
            "amount": "1",
        },
        format="json",
    )
    assert refused.status_code == 403
    assert WorkPackageSpend.objects.count() == 1


def test_schema_documents_the_finance_api(tmp_path, capsys):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--file", str(target))
    warnings = [line for line in capsys.readouterr().err.splitlines() if "finance" in line.lower()]
    assert warnings == []  # other apps' warnings are theirs to fix
    text = target.read_text()
    for path in (
        "/api/reserve/ledger/",
        "/api/reserves/{id}/entries/",
        "/api/team-cost-plans/{id}/flex/",
        "/api/appraisals/run/",
    ):
        assert path in text


def test_team_cost_profile_is_the_shape_the_cli_prints(api, role_user, etp_plan, capsys):
    # Given Table 1 as the demo loads it and as examples/etp/team.yaml writes it,
    import json
    from pathlib import Path

    from openpmo.cli import main

    team_yaml = Path(__file__).resolve().parents[4] / "examples" / "etp" / "team.yaml"
    assert main(["team-cost", str(team_yaml), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    # when the API returns the plan's profile,
    viewer = _as(api, role_user(Role.VIEWER))
    profile = viewer.get(f"/api/team-cost-plans/{etp_plan.pk}/").json()["profile"]
    # then it is what ``openpmo team-cost --json`` prints, each role with its id besides.
    ids = [role.pop("id") for role in profile["roles"]]
    assert ids == list(etp_plan.roles.order_by("pk").values_list("pk", flat=True))
    # (FTE is kept to the places it was written: 1.00 in the database, 1.0 in the file.)
    for document in (profile, printed):
        for item in [*document["roles"], *document["redundancy_exposure"], document["totals"]]:
            item["fte"] = Decimal(item["fte"])
    assert profile == printed


def test_the_ledger_holds_every_field_openpmo_reserve_json_prints(api, role_user, etp):
    # Given the ETP reserve and the core result ``openpmo reserve --json`` prints for a ledger,
    from openpmo.finance import selectors

    _plan, reserve = etp
    core = selectors.reserve_ledger_view(reserve, with_entries=False).result.to_dict()
    # when the API returns the ledger,
    body = _as(api, role_user(Role.VIEWER)).get("/api/reserve/ledger/").json()
    # then each year carries the CLI's fields with the same values, and the API's besides,
    assert len(body["years"]) == len(core["years"]) == 5
    for served, printed in zip(body["years"], core["years"], strict=True):
        assert {key: served[key] for key in printed} == printed
        assert {"balance_before_drawdowns", "drawdowns", "closing_printed"} <= served.keys()
    assert body["line_totals"] == core["line_totals"]
    assert set(printed) == {"year", "opening", "lines", "subtotals", "movement", "closing"}
