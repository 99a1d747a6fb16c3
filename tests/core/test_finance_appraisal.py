"""Green Book appraisal: the discount schedule, optimism bias, deflating, NPSV, BCR, payback."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpmo.core.errors import ValidationError
from openpmo.core.finance import (
    Appraisal,
    Option,
    appraisal_from_mapping,
    appraise,
    discount_factor,
    discount_rate,
    optimism_bias_rate,
)
from openpmo.core.money import FinancialYear, pounds

FY = FinancialYear.parse
D = Decimal
BASE = FY("2023/24")


def test_a_thousand_pounds_is_worth_966_in_year_1_and_709_in_year_10():
    assert (1000 * discount_factor(1)).quantize(D(1), ROUND_HALF_UP) == D(966)
    assert (1000 * discount_factor(10)).quantize(D(1), ROUND_HALF_UP) == D(709)
    assert pounds(1000 * discount_factor(10)) == D("708.92")
    assert discount_factor(0) == 1


def test_the_factors_chain_across_the_bands():
    # Year 31 is year 30 discounted one more year at 3.0%, not 1.03^-31.
    assert discount_factor(31) == discount_factor(30) / D("1.03")
    assert discount_factor(76) == discount_factor(75) / D("1.025")
    assert discount_factor(301) == discount_factor(300) / D("1.01")
    assert discount_factor(31) != 1 / D("1.03") ** 31
    assert [discount_rate(year) for year in (1, 30, 31, 75, 76, 125, 126, 200, 201, 300, 301)] == [
        D(rate) for rate in ("0.035",) * 2 + ("0.030",) * 2 + ("0.025",) * 2 + ("0.020",) * 2
    ] + [D("0.015"), D("0.015"), D("0.010")]


@settings(max_examples=200, deadline=None)
@given(year=st.integers(1, 600))
def test_discount_factors_fall_every_year_and_each_is_the_last_over_one_plus_the_rate(year):
    assert discount_factor(year) < discount_factor(year - 1)
    assert discount_factor(year) > 0
    assert discount_factor(year) == discount_factor(year - 1) / (1 + discount_rate(year))


def test_optimism_bias_starts_at_the_upper_bound_and_mitigation_never_takes_it_below_the_lower():
    assert optimism_bias_rate("Equipment/development", "capital") == D("2.00")
    assert optimism_bias_rate("equipment development", "duration") == D("0.54")
    assert optimism_bias_rate("Outsourcing", "operating", mitigation=D("0.5")) == D("0.205")
    assert optimism_bias_rate("Standard buildings", "capital", mitigation=D(1)) == D("0.02")
    with pytest.raises(ValidationError, match="no optimism bias"):
        optimism_bias_rate("Spaceships", "capital")


def two_options() -> Appraisal:
    return appraisal_from_mapping(
        {
            "base_year": "2023/24",
            "options": [
                {
                    "name": "Do nothing",
                    "costs": {"run": {"2023/24": 120000, "2024/25": 120000, "2025/26": 120000}},
                },
                {
                    "name": "Hybrid delivery",
                    "optimism_bias": {"capital": 0.25},
                    "costs": {
                        "capital": {"2023/24": 400000},
                        "run": {"2024/25": 60000, "2025/26": 60000},
                    },
                    "benefits": {"cashable": {"2024/25": 300000, "2025/26": 300000}},
                },
            ],
        }
    )


def test_pv_costs_include_the_optimism_bias_uplift_and_tco_does_not():
    result = appraise(two_options())
    hybrid = result.options[1]
    # TCO is the undiscounted cost in real prices: 400k + 60k + 60k.
    assert hybrid.tco_real == D(520000)
    assert hybrid.tco_nominal is None  # no deflator given
    # PV costs: 400k x 1.25 in year 0, then 60k discounted for years 1 and 2.
    expected = D(500000) + 60000 * discount_factor(1) + 60000 * discount_factor(2)
    assert pounds(hybrid.pv_costs) == pounds(expected) == D("613981.66")
    assert pounds(hybrid.pv_benefits) == pounds(300000 * (discount_factor(1) + discount_factor(2)))
    assert hybrid.npsv == hybrid.pv_benefits - hybrid.pv_costs
    assert hybrid.bcr == hybrid.pv_benefits / hybrid.pv_costs


def test_the_option_with_the_highest_npsv_is_preferred_and_payback_is_when_it_turns_positive():
    result = appraise(two_options())
    assert result.preferred == "Hybrid delivery"
    do_nothing, hybrid = result.options
    assert do_nothing.discounted_payback_year is None
    assert do_nothing.bcr == 0
    # Year 0: -500k; year 1: +240k x 0.966 = 231.9k; year 2: +224k: cumulative -44k, so no
    # payback within the appraisal period.
    assert hybrid.discounted_payback_year is None
    longer = appraisal_from_mapping(
        {
            "base_year": "2023/24",
            "options": [
                {
                    "name": "Pays back",
                    "costs": {"capital": {"2023/24": 100000}},
                    "benefits": {"cashable": {"2024/25": 60000, "2025/26": 60000}},
                }
            ],
        }
    )
    # 60k x 0.966 = 58.0k, then 60k x 0.934 = 56.0k: past 100k in 2025/26.
    assert appraise(longer).options[0].discounted_payback_year == FY("2025/26")


def test_nominal_prices_are_turned_into_real_prices_with_the_gdp_deflator():
    # Given 102,000 nominal in 2024/25 when prices rose 2% since the base year,
    appraisal = Appraisal(
        base_year=BASE,
        options=(Option("A", costs={"run": {BASE: D(100000), BASE.next(): D(102000)}}),),
        prices="nominal",
        gdp_deflator={BASE: D(100), BASE.next(): D(102)},
    )
    option = appraise(appraisal).options[0]
    # then it is 100,000 in real base-year prices.
    assert option.tco_real == D(200000)
    assert option.tco_nominal == D(202000)
    assert pounds(option.pv_costs) == pounds(100000 + 100000 * discount_factor(1))


def test_an_appraisal_refuses_years_before_the_base_year_and_uplifts_on_missing_lines():
    with pytest.raises(ValidationError, match="before the base year"):
        Appraisal(BASE, (Option("A", costs={"run": {FY("2022/23"): D(1)}}),))
    with pytest.raises(ValidationError, match="names no cost line") as error:
        appraisal_from_mapping(
            {
                "base_year": "2023/24",
                "options": [
                    {"name": "A", "costs": {"run": {"2023/24": 1}}, "optimism_bias": {"capex": 0.2}}
                ],
            }
        )
    assert error.value.where == "options[0].optimism_bias.capex"
    with pytest.raises(ValidationError, match="need a gdp_deflator"):
        Appraisal(BASE, (Option("A"),), prices="nominal")


def test_the_result_serialises_itself_once_for_the_cli_and_the_api_rounding_half_up() -> None:
    from openpmo.cli.appraise import as_json
    from openpmo.core.finance.appraisal import AppraisalResult, OptionAppraisal
    from openpmo.core.money import FinancialYear
    from openpmo.finance.selectors import appraisal_result_json

    half = Decimal("2.505")
    option = OptionAppraisal(
        name="Build",
        tco_real=half,
        tco_nominal=None,
        pv_costs=Decimal("0.125"),
        pv_benefits=Decimal("10"),
        npsv=Decimal("-0.005"),
        bcr=Decimal("1.125"),
        discounted_payback_year=FinancialYear(2025),
        net_present_value_by_year={},
    )
    result = AppraisalResult(base_year=FinancialYear(2023), options=(option,), preferred="Build")
    document = result.to_dict()
    assert as_json(result) == document == appraisal_result_json(result)
    [row] = document["options"]
    assert (row["tco_real"], row["pv_costs"], row["npsv"], row["bcr"]) == (
        "2.51",
        "0.13",
        "-0.01",
        "1.13",
    )
    assert row["tco_nominal"] is None and row["discounted_payback_year"] == "2025/26"
    assert document["base_year"] == "2023/24"
