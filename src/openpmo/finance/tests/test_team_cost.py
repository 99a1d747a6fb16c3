"""The team cost model: Table 1 reproduced, the flex previewed before it is saved, and audited."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import ConflictError
from openpmo.core.money import thousands
from openpmo.finance import selectors, services
from openpmo.finance.models import TeamRole


def _table1():
    path = Path(settings.BASE_DIR) / "examples" / "etp" / "table1.csv"
    rows = list(csv.reader(path.open()))
    return {row[0]: [Decimal(c.replace(",", "")) for c in row[2:]] for row in rows[1:]}


def _state(plan):
    plan.refresh_from_db()
    return (
        plan.version,
        sorted(TeamRole.objects.filter(plan=plan).values_list("name", "fte", "start", "end")),
        AuditRecord.objects.count(),
    )


def test_the_demo_plan_prints_table_1_to_the_thousand(etp_plan):
    plan = etp_plan
    view = selectors.team_cost_view(selectors.team_cost_plan_get(plan.pk))
    table = _table1()
    assert view.years == ["2022/23", "2023/24", "2024/25", "2025/26"]
    for row in view.rows:
        assert [thousands(c) for c in [*row.by_year, row.total]] == table[row.role.name]
    assert [thousands(c) for c in [*view.totals_by_year, view.total]] == table["Total"]
    assert view.total_fte == Decimal("9.0")
    assert Decimal(0) < view.headroom < Decimal(1000)  # just inside the £2.304m cap
    assert len(view.result.redundancy_exposure) == 6  # every post runs three years (§6.1.8)


def test_flex_preview_shows_the_new_profile_and_saves_nothing(finance_client, etp_plan):
    plan = etp_plan
    manager = plan.roles.get(name="Change and Delivery Manager")
    form = finance_client.get(f"/finance/team/{plan.pk}/flex/")
    assert form.status_code == 200
    data = _flex_data(plan, version=plan.version)
    data[f"fte_{manager.pk}"] = "4"
    data["action"] = "preview"
    before = _state(plan)
    response = finance_client.post(f"/finance/team/{plan.pk}/flex/", data)
    html = response.content.decode()
    # Then the page shows the new total (over the cap by about a third of a £1.05m line)
    assert response.status_code == 200
    assert "The new profile" in html and "over the cap" in html
    new = selectors.team_cost_view(plan, changes={manager.pk: {"fte": Decimal(4)}})
    assert f"£{new.total:,.0f}" in html
    # and nothing was saved or audited.
    assert _state(plan) == before


def _flex_data(plan, version):
    data = {"version": version}
    for role in plan.roles.all():
        data[f"fte_{role.pk}"] = str(role.fte)
        data[f"start_{role.pk}"] = role.start.isoformat()
        data[f"end_{role.pk}"] = role.end.isoformat()
    return data


def test_saving_a_flex_changes_the_roles_and_audits_each(finance_client, etp_plan):
    plan = etp_plan
    analyst = plan.roles.get(name="TS Business Analyst")
    data = _flex_data(plan, version=plan.version)
    data[f"fte_{analyst.pk}"] = "1.5"
    data[f"end_{analyst.pk}"] = "2025-03-31"
    data["action"] = "save"
    response = finance_client.post(f"/finance/team/{plan.pk}/flex/", data)
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert (analyst.fte, analyst.end) == (Decimal("1.50"), dt.date(2025, 3, 31))
    record = AuditRecord.objects.get(action="team_role.flexed")
    assert (record.before["fte"], record.after["fte"]) == ("2.00", "1.50")
    assert record.actor.username == "finance-officer"
    # and the plan's own history shows the flex with the total before and after.
    plan_record = AuditRecord.objects.get(action="team_cost_plan.flexed")
    assert Decimal(plan_record.after["total"]) < Decimal(plan_record.before["total"])
    page = finance_client.get(f"/finance/team/{plan.pk}/").content.decode()
    assert "Team cost plan flexed" in page


def test_a_stale_flex_is_refused_and_the_first_stands(role_user, etp_plan):
    plan = etp_plan
    finance = role_user(Role.FINANCE)
    role = plan.roles.first()
    seen = plan.version
    services.team_plan_flex(
        actor=finance, plan=plan, changes={role.pk: {"fte": Decimal("0.5")}}, expected_version=seen
    )
    before = _state(plan)
    with pytest.raises(ConflictError):
        services.team_plan_flex(
            actor=finance, plan=plan, changes={role.pk: {"fte": Decimal(2)}}, expected_version=seen
        )
    assert _state(plan) == before


def test_a_bad_flex_comes_back_with_errors_and_saves_nothing(finance_client, etp_plan):
    plan = etp_plan
    role = plan.roles.first()
    data = _flex_data(plan, version=plan.version)
    data[f"end_{role.pk}"] = "2021-01-01"
    data[f"fte_{role.pk}"] = "-1"
    data["action"] = "save"
    before = _state(plan)
    response = finance_client.post(f"/finance/team/{plan.pk}/flex/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and f'href="#id_fte_{role.pk}"' in html
    assert _state(plan) == before


def test_a_flex_beyond_the_inflation_assumptions_is_refused(role_user, etp_plan):
    plan = etp_plan
    role = plan.roles.first()
    before = _state(plan)
    with pytest.raises(ValidationError, match="no inflation rate for 2026/27"):
        services.team_plan_flex(
            actor=role_user(Role.FINANCE),
            plan=plan,
            changes={role.pk: {"end": dt.date(2026, 6, 30)}},
        )
    assert _state(plan) == before


@pytest.mark.parametrize("role", [Role.PMO, Role.VIEWER, Role.DECISION_MAKER, Role.BOARD_MEMBER])
def test_only_finance_flexes_the_team(client, role_user, etp_plan, role):
    plan = etp_plan
    user = role_user(role)
    client.force_login(user)
    assert client.get(f"/finance/team/{plan.pk}/flex/").status_code == 403
    data = _flex_data(plan, version=plan.version) | {"action": "save"}
    first = plan.roles.first()
    data[f"fte_{first.pk}"] = "5"
    before = _state(plan)
    assert client.post(f"/finance/team/{plan.pk}/flex/", data).status_code == 403
    with pytest.raises(PermissionDenied):
        services.team_plan_flex(actor=user, plan=plan, changes={first.pk: {"fte": Decimal(5)}})
    assert _state(plan) == before
    page = client.get(f"/finance/team/{plan.pk}/").content.decode()
    assert "Flex FTE and dates" not in page


def test_the_plan_page_shows_table_1_the_cap_and_the_exposure(finance_client, etp_plan):
    plan = etp_plan
    html = finance_client.get(f"/finance/team/{plan.pk}/").content.decode()
    assert "1,048" in html and "2,304" in html
    assert "within the cap of £2,304,000" in html
    assert "6 role(s), 9.0 FTE, are in posts longer than two years" in html
    assert "illustrative" in html
