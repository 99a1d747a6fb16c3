"""The team cost model: proration by days, inflation, the cap, redundancy exposure, loaders.

The ETP example must reproduce Table 1 of the seed report (typed in below from the report) to
within the tolerances of issue 3: every cell ±£1k, every row and column total ±£2k, grand ±£3k.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpmo.core.errors import ValidationError
from openpmo.core.finance import (
    RedundancyExposure,
    Role,
    RoleCost,
    TeamCostModel,
    TeamCostResult,
    compute_team_cost,
    days_by_financial_year,
    load_team_xlsx,
    load_team_yaml,
    post_exceeds_two_years,
)
from openpmo.core.money import FinancialYear, pounds, thousands

REPO_ROOT = Path(__file__).resolve().parents[2]
TEAM_YAML = REPO_ROOT / "examples" / "etp" / "team.yaml"
FY = FinancialYear.parse
D = Decimal

# Seed Table 1, as printed (£'000): role -> (FTE, 2022/23, 2023/24, 2024/25, 2025/26, Total).
TABLE_1 = {
    "Project Support Officer": (D("1.0"), 20, 41, 42, 21, 124),
    "TS Business Analyst": (D("2.0"), 63, 129, 131, 67, 391),
    "PMO Manager": (D("1.0"), 43, 87, 89, 45, 264),
    "Enterprise Architect": (D("1.0"), 48, 98, 100, 51, 296),
    "Change and Delivery Manager": (D("3.0"), 165, 348, 354, 181, 1048),
    "Resource Manager": (D("1.0"), 29, 60, 61, 31, 182),
}
TABLE_1_TOTALS = (D("9.0"), 369, 762, 777, 396, 2304)
TABLE_1_YEARS = [FY("2022/23"), FY("2023/24"), FY("2024/25"), FY("2025/26")]
INFLATION = {FY("2023/24"): D("0.05"), FY("2024/25"): D("0.02"), FY("2025/26"): D("0.02")}


def one_role_model(role: Role, **inflation: str) -> TeamCostModel:
    rates = {FY(year.replace("_", "/")): D(rate) for year, rate in inflation.items()}
    return TeamCostModel(base_year=FY("2022/23"), inflation=rates or INFLATION, roles=(role,))


def test_the_etp_example_reproduces_table_1_within_the_stated_tolerances():
    # Given the ETP core team shipped with OpenPMO, when it is costed,
    result = compute_team_cost(load_team_yaml(TEAM_YAML))
    # then it covers the report's years and roles,
    assert list(result.financial_years) == TABLE_1_YEARS
    assert [cost.role.name for cost in result.roles] == list(TABLE_1)
    # every cell is within £1k of the table and every row total within £2k,
    for cost in result.roles:
        fte, *cells, total = TABLE_1[cost.role.name]
        assert cost.role.fte == fte
        for year, printed in zip(TABLE_1_YEARS, cells, strict=True):
            assert abs(cost.by_year[year] - printed * 1000) <= 1000, (cost.role.name, year)
        assert abs(cost.total - total * 1000) <= 2000, cost.role.name
    # every column total within £2k and the grand total within £3k,
    fte, *column_totals, grand = TABLE_1_TOTALS
    assert result.total_fte == fte
    for year, printed in zip(TABLE_1_YEARS, column_totals, strict=True):
        assert abs(result.totals_by_year[year] - printed * 1000) <= 2000, year
    assert abs(result.total - grand * 1000) <= 3000
    # and the whole team fits inside the £2.304m requested.
    assert result.cap == D(2304000)
    assert result.headroom is not None and result.headroom >= 0


def test_the_etp_example_prints_exactly_as_table_1_when_rounded_to_thousands():
    # The inputs were chosen so that even the report's own rounding shows through: each
    # computed figure rounds to the printed one (the printed totals are rounded true totals,
    # not sums of rounded cells, which is why Table 1 does not add up exactly).
    result = compute_team_cost(load_team_yaml(TEAM_YAML))
    for cost in result.roles:
        _, *cells, total = TABLE_1[cost.role.name]
        assert [thousands(cost.by_year[year]) for year in TABLE_1_YEARS] == cells
        assert thousands(cost.total) == total
    _, *column_totals, grand = TABLE_1_TOTALS
    assert [thousands(result.totals_by_year[year]) for year in TABLE_1_YEARS] == column_totals
    assert thousands(result.total) == grand


def test_every_etp_post_runs_past_two_years_so_all_nine_fte_carry_redundancy_exposure():
    result = compute_team_cost(load_team_yaml(TEAM_YAML))
    assert [item.role for item in result.redundancy_exposure] == list(TABLE_1)
    assert sum(item.fte for item in result.redundancy_exposure) == D(9)


def test_a_full_year_costs_the_annual_cost_uplifted_by_compounded_inflation():
    # Given a post costing £40,000 a year in 2022/23 prices, in post for all of 2024/25,
    role = Role("Analyst", D(1), dt.date(2024, 4, 1), dt.date(2025, 3, 31), annual_cost=D(40000))
    result = compute_team_cost(one_role_model(role))
    # then 2024/25 costs 40,000 x 1.05 x 1.02, and the years before cost nothing.
    assert result.roles[0].by_year[FY("2024/25")] == D("42840.000")
    assert result.roles[0].by_year[FY("2022/23")] == 0
    assert result.total == D("42840.000")


def test_part_years_are_prorated_by_the_days_in_that_financial_year_including_leap_years():
    # 2023/24 holds 29 February 2024, so it has 366 days: half a year in post is 183 of them.
    role = Role("Analyst", D(2), dt.date(2023, 10, 1), dt.date(2024, 3, 31), annual_cost=D(36600))
    result = compute_team_cost(one_role_model(role))
    cost = result.roles[0]
    assert cost.days == {FY("2023/24"): 183}
    assert cost.by_year[FY("2023/24")] == D(2) * D(36600) * D("1.05") * 183 / 366
    assert pounds(cost.total) == D("38430.00")


def test_salary_and_on_costs_build_the_annual_cost_per_fte():
    # £45,000 salary + 30% on-costs + £1,500 IT and licences = £60,000 per FTE, x 2 FTE.
    role = Role(
        "TS Business Analyst",
        D(2),
        dt.date(2022, 4, 1),
        dt.date(2023, 3, 31),
        salary=D(45000),
        on_cost_rate=D("0.30"),
        fixed_on_costs=D(1500),
    )
    assert role.cost_per_fte == D(60000)
    assert compute_team_cost(one_role_model(role)).total == D(120000)


def test_the_result_shows_headroom_under_the_cap_and_excess_over_it():
    role = Role("PM", D(1), dt.date(2022, 4, 1), dt.date(2023, 3, 31), annual_cost=D(50000))
    under = TeamCostModel(FY("2022/23"), INFLATION, (role,), cap=D(60000))
    over = TeamCostModel(FY("2022/23"), INFLATION, (role,), cap=D(45000))
    assert compute_team_cost(under).headroom == D(10000)
    assert compute_team_cost(under).within_cap is True
    assert compute_team_cost(over).headroom == D(-5000)
    assert compute_team_cost(over).within_cap is False


def test_flexing_a_role_is_recomputing_a_changed_copy():
    # Given the ETP team, when the Change and Delivery Managers drop to 2 FTE,
    model = load_team_yaml(TEAM_YAML)
    flexed = model.with_role("Change and Delivery Manager", fte=D(2))
    before = compute_team_cost(model)
    after = compute_team_cost(flexed)
    # then the total falls by a third of that role's cost and the original model is unchanged.
    cdm_before = before.roles[4].total
    assert pounds(after.total) == pounds(before.total - cdm_before / 3)
    assert after.headroom is not None and after.headroom > D(340000)
    assert model.roles[4].fte == D("3.0")
    with pytest.raises(ValidationError, match="no role called"):
        model.with_role("Chief Executive", fte=D(1))


def test_a_post_of_exactly_two_years_is_not_exposed_but_one_day_more_is():
    start = dt.date(2022, 10, 1)
    assert not post_exceeds_two_years(start, dt.date(2024, 9, 30))
    assert post_exceeds_two_years(start, dt.date(2024, 10, 1))
    assert post_exceeds_two_years(dt.date(2024, 2, 29), dt.date(2026, 3, 1))
    assert not post_exceeds_two_years(dt.date(2024, 2, 29), dt.date(2026, 2, 28))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fte": D(-1)}, "fte"),
        ({"end": dt.date(2022, 1, 1)}, "end"),
        ({"annual_cost": None}, "annual_cost or salary"),
    ],
)
def test_a_role_refuses_impossible_values(changes, field):
    fields = {
        "name": "PM",
        "fte": D(1),
        "start": dt.date(2022, 4, 1),
        "end": dt.date(2023, 3, 31),
        "annual_cost": D(1),
    }
    with pytest.raises(ValidationError, match=field):
        Role(**{**fields, **changes})


def test_the_model_refuses_a_role_that_runs_past_the_last_inflation_rate():
    role = Role("PM", D(1), dt.date(2022, 4, 1), dt.date(2027, 3, 31), annual_cost=D(1))
    with pytest.raises(ValidationError, match="no inflation rate for 2026/27") as error:
        TeamCostModel(FY("2022/23"), INFLATION, (role,))
    assert error.value.where == "inflation"


def test_the_model_refuses_a_role_that_starts_before_the_base_year():
    role = Role("PM", D(1), dt.date(2021, 4, 1), dt.date(2023, 3, 31), annual_cost=D(1))
    with pytest.raises(ValidationError, match="before the base year") as error:
        TeamCostModel(FY("2022/23"), INFLATION, (role,))
    assert error.value.where == "roles[0].start"


def write_workbook(path: Path, rows: list[list[object]], assumptions: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    roles = workbook.active
    roles.title = "Roles"
    for row in rows:
        roles.append(row)
    sheet = workbook.create_sheet("Assumptions")
    for row in assumptions:
        sheet.append(row)
    workbook.save(path)
    return path


ASSUMPTIONS = [
    ["base_year", "2022/23"],
    ["inflation 2023/24", 0.05],
    ["inflation 2024/25", 0.02],
    ["inflation 2025/26", 0.02],
    ["cap", 2304000],
]


def test_the_same_team_read_from_an_xlsx_workbook_costs_the_same(tmp_path):
    # Given the ETP team typed into a workbook with the YAML's columns,
    model = load_team_yaml(TEAM_YAML)
    header = ["name", "fte", "annual_cost", "salary", "on_cost_rate", "fixed_on_costs"]
    header += ["start", "end"]
    rows: list[list[object]] = [header]
    for role in model.roles:
        rows.append(
            [
                role.name,
                float(role.fte),
                None if role.annual_cost is None else int(role.annual_cost),
                None if role.salary is None else int(role.salary),
                None if role.salary is None else float(role.on_cost_rate),
                None if role.salary is None else int(role.fixed_on_costs),
                dt.datetime.combine(role.start, dt.time()),
                dt.datetime.combine(role.end, dt.time()),
            ]
        )
    path = write_workbook(tmp_path / "team.xlsx", rows, ASSUMPTIONS)
    # when it is read, then it is the same model and costs the same to the penny.
    from_xlsx = load_team_xlsx(path)
    assert from_xlsx == model
    assert compute_team_cost(from_xlsx).total == compute_team_cost(model).total


def test_a_bad_cell_in_the_workbook_is_named_by_sheet_row_and_column(tmp_path):
    rows = [
        ["name", "fte", "annual_cost", "start", "end"],
        ["PM", 1, 50000, dt.datetime(2022, 4, 1), dt.datetime(2023, 3, 31)],
        ["BA", "two", 40000, dt.datetime(2022, 4, 1), dt.datetime(2023, 3, 31)],
    ]
    path = write_workbook(tmp_path / "team.xlsx", rows, ASSUMPTIONS)
    with pytest.raises(ValidationError) as error:
        load_team_xlsx(path)
    assert error.value.where == "sheet Roles, row 3, column fte"
    assert "'two' is not a number" in str(error.value)


# --- properties ---------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2022, 4, 1), max_value=dt.date(2031, 3, 31))
TEN_YEARS = {FY("2022/23") + step: D("0.03") for step in range(1, 10)}


@settings(max_examples=200, deadline=None)
@given(start=dates, length=st.integers(0, 3000))
def test_a_roles_days_add_up_across_years_to_its_whole_span(start, length):
    end = min(start + dt.timedelta(days=length), dt.date(2031, 3, 31))
    days = days_by_financial_year(start, end)
    assert sum(days.values()) == (end - start).days + 1
    assert all(0 < count <= year.days for year, count in days.items())
    assert list(days) == FinancialYear.span(min(days), max(days))


@settings(max_examples=200, deadline=None)
@given(
    start=dates,
    length=st.integers(1, 3000),
    cut=st.floats(0, 1),
    fte=st.decimals("0.1", "5", places=1),
    annual=st.integers(1000, 200000),
)
def test_a_role_split_at_any_date_costs_the_same_as_the_unsplit_role(
    start, length, cut, fte, annual
):
    # Given a role, and the same post held as two roles either side of a date,
    end = min(start + dt.timedelta(days=length), dt.date(2031, 3, 31))
    if end <= start:
        end = start + dt.timedelta(days=1)
    split = start + dt.timedelta(days=int((end - start).days * cut))
    if split >= end:
        split = end - dt.timedelta(days=1)
    whole = Role("Post", fte, start, end, annual_cost=D(annual))
    first = Role("Post (before)", fte, start, split, annual_cost=D(annual))
    second = Role("Post (after)", fte, split + dt.timedelta(days=1), end, annual_cost=D(annual))
    unsplit = compute_team_cost(TeamCostModel(FY("2022/23"), TEN_YEARS, (whole,)))
    halves = compute_team_cost(TeamCostModel(FY("2022/23"), TEN_YEARS, (first, second)))
    # then the two halves cost what the whole does, within a penny, in total and every year.
    assert abs(unsplit.total - halves.total) <= D("0.01")
    for year in unsplit.financial_years:
        assert abs(unsplit.totals_by_year[year] - halves.totals_by_year[year]) <= D("0.01")


def test_to_dict_rounds_half_up_and_names_each_post_as_cli_and_api_read_it():
    # Given a result whose cells fall on half pennies and a post at risk of redundancy,
    year = FY("2022/23")
    role = Role("Clerk", D("1.5"), dt.date(2022, 4, 1), dt.date(2024, 9, 29), annual_cost=D(1))
    result = TeamCostResult(
        financial_years=(year,),
        roles=(RoleCost(role, {year: D("182.005")}, {year: 182}, D("182.005")),),
        totals_by_year={year: D("182.005")},
        total=D("182.005"),
        total_fte=D("1.5"),
        cap=D("200.015"),
        redundancy_exposure=(RedundancyExposure("Clerk", D("1.5"), role.start, role.end, 913),),
    )
    # then every amount is pounds and pence rounded half up (half-even would print 182.00),
    assert result.to_dict() == {
        "financial_years": ["2022/23"],
        "roles": [
            {
                "name": "Clerk",
                "fte": "1.5",
                "start": "2022-04-01",
                "end": "2024-09-29",
                "by_year": {"2022/23": "182.01"},
                "total": "182.01",
            }
        ],
        "totals": {"fte": "1.5", "by_year": {"2022/23": "182.01"}, "total": "182.01"},
        "cap": "200.02",
        "headroom": "18.01",
        # and the post is named under the CLI's key and the API's.
        "redundancy_exposure": [
            {
                "name": "Clerk",
                "role": "Clerk",
                "fte": "1.5",
                "start": "2022-04-01",
                "end": "2024-09-29",
                "days_in_post": 913,
            }
        ],
    }
