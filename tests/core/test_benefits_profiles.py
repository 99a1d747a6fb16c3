"""Months and generated benefit profiles: the months add up to the target, to the penny."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import months, pounds

from openpmo.core.benefits import (
    Month,
    ProfileShape,
    allocate,
    by_financial_year,
    generate_profile,
    linear_ramp,
    s_curve,
    step,
)
from openpmo.core.errors import ValidationError
from openpmo.core.money import FinancialYear

any_month = months()
pence = pounds(-(10**12), 10**12)
shapes = st.sampled_from(list(ProfileShape))
quanta = st.sampled_from([Decimal("0.01"), Decimal("1"), Decimal("0.001"), Decimal("1000")])


# -- Month -------------------------------------------------------------------------------------


def test_month_reads_and_writes_the_iso_form() -> None:
    assert Month.parse("2024-03") == Month(2024, 3)
    assert Month.parse(" 2024-3 ") == Month(2024, 3)
    assert str(Month(2024, 3)) == "2024-03"


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "March 2024", "24-03", ""])
def test_month_refuses_what_is_not_a_month(text: str) -> None:
    with pytest.raises(ValidationError, match="not a month") as caught:
        Month.parse(text, where="row 4")
    assert caught.value.where == "row 4"


def test_month_arithmetic_crosses_years() -> None:
    assert Month(2023, 11) + 3 == Month(2024, 2)
    assert Month(2024, 2) - 3 == Month(2023, 11)
    assert Month(2024, 2) - Month(2023, 11) == 3
    assert list(Month.span(Month(2023, 12), Month(2024, 2))) == [
        Month(2023, 12),
        Month(2024, 1),
        Month(2024, 2),
    ]
    assert Month(2024, 2).last_day == dt.date(2024, 2, 29)


def test_month_belongs_to_the_april_to_march_financial_year() -> None:
    assert Month(2024, 3).financial_year == FinancialYear.parse("2023/24")
    assert Month(2024, 4).financial_year == FinancialYear.parse("2024/25")


@given(any_month, st.integers(-500, 500))
def test_month_addition_and_difference_agree(month: Month, shift: int) -> None:
    later = month + shift
    assert later - month == shift
    assert (later > month) == (shift > 0)
    assert Month.parse(str(later)) == later
    assert later.first_day <= later.last_day
    assert FinancialYear.containing(later.last_day) == later.financial_year


def test_totals_by_financial_year_split_at_april() -> None:
    values = {
        Month(2024, 3): Decimal("10"),
        Month(2024, 4): Decimal("5"),
        Month(2025, 1): Decimal("1"),
    }
    assert by_financial_year(values) == {
        FinancialYear(2023): Decimal("10"),
        FinancialYear(2024): Decimal("6"),
    }


# -- Generated profiles -------------------------------------------------------------------------


@given(shapes, pence, any_month, st.integers(0, 120))
def test_a_generated_profile_adds_up_exactly_to_its_target(
    shape: ProfileShape, target: Decimal, first: Month, length: int
) -> None:
    last = first + length
    profile = generate_profile(shape, target, first, last)
    assert sum(profile.values(), Decimal(0)) == target
    assert list(profile) == list(Month.span(first, last))
    assert all(value == value.quantize(Decimal("0.01")) for value in profile.values())
    # every month is on the same side of zero as the target
    assert all(value * target >= 0 for value in profile.values())


@given(shapes, st.integers(-(10**9), 10**9), quanta, any_month, st.integers(0, 72))
def test_profiles_round_to_any_unit_and_still_add_up(
    shape: ProfileShape, units: int, quantum: Decimal, first: Month, length: int
) -> None:
    target = units * quantum
    profile = generate_profile(shape, target, first, first + length, quantum=quantum)
    assert sum(profile.values(), Decimal(0)) == target
    assert all(
        (value / quantum) == (value / quantum).to_integral_value() for value in profile.values()
    )


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=40).filter(any), pence)
def test_allocation_stays_within_one_unit_of_the_exact_share(
    weights: list[int], total: Decimal
) -> None:
    parts = allocate(total, weights)
    assert sum(parts, Decimal(0)) == total
    weight_sum = sum(weights)
    for weight, part in zip(weights, parts, strict=True):
        exact = total * weight / weight_sum
        assert abs(part - exact) < Decimal("0.01")


def test_a_ramp_rises_and_an_s_curve_is_slow_fast_slow() -> None:
    first, last = Month(2024, 4), Month(2025, 3)
    ramp = list(linear_ramp(Decimal("120000"), first, last).values())
    assert ramp == sorted(ramp) and ramp[0] < ramp[-1]
    curve = list(s_curve(Decimal("120000"), first, last).values())
    assert curve[0] < curve[5] and curve[-1] < curve[6]
    assert curve == curve[::-1]  # smoothstep is symmetric about the middle


def test_a_step_spreads_evenly_and_leftover_pence_go_to_the_earliest_months() -> None:
    profile = step(Decimal("100.00"), Month(2024, 1), Month(2024, 3))
    assert list(profile.values()) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    one_off = step(Decimal("5000"), Month(2024, 6), Month(2024, 6))
    assert one_off == {Month(2024, 6): Decimal("5000.00")}


def test_generators_refuse_bad_input() -> None:
    with pytest.raises(ValidationError, match="ends"):
        step(Decimal(10), Month(2024, 5), Month(2024, 4))
    with pytest.raises(ValidationError, match="whole number"):
        step(Decimal("10.005"), Month(2024, 4), Month(2024, 5))
    with pytest.raises(ValidationError, match="not a profile shape"):
        generate_profile("zigzag", Decimal(10), Month(2024, 4), Month(2024, 5))
    with pytest.raises(ValidationError):
        allocate(Decimal(10), [0, 0])


def test_the_public_names_of_the_benefits_engine_are_pinned() -> None:
    import openpmo.core.benefits as benefits

    assert sorted(benefits.__all__) == [
        "Benefit",
        "BenefitBook",
        "BenefitCategory",
        "BenefitPosition",
        "CurvePoint",
        "GroupBy",
        "Month",
        "ProfileShape",
        "Rag",
        "RagThresholds",
        "RollUp",
        "allocate",
        "by_financial_year",
        "generate_profile",
        "linear_ramp",
        "return_on_investment",
        "roll_up",
        "rounded_percent",
        "s_curve",
        "shape_weights",
        "step",
        "track",
        "track_benefit",
    ]
    assert all(hasattr(benefits, name) for name in benefits.__all__)


def test_month_lives_beside_financial_year_and_a_year_holds_april_to_march() -> None:
    from openpmo.core import money

    assert money.Month is Month
    months = FinancialYear.parse("2023/24").months()
    assert [str(m) for m in (months[0], months[-1])] == ["2023-04", "2024-03"]
    assert len(months) == 12
    assert {m.financial_year for m in months} == {FinancialYear(2023)}


def test_the_date_helpers_of_reports_and_resources_agree_with_month() -> None:
    from openpmo.reports.selectors import add_months, month_end
    from openpmo.resources.selectors import month_add
    from openpmo.resources.selectors import month_end as resources_month_end

    assert add_months(dt.date(2023, 11, 15), 3) == dt.date(2024, 2, 1)
    assert month_add(dt.date(2024, 1, 1), -2) == dt.date(2023, 11, 1)
    assert month_end(dt.date(2024, 2, 10)) == resources_month_end(dt.date(2024, 2, 1))
    assert month_end(dt.date(2024, 2, 10)) == dt.date(2024, 2, 29)
