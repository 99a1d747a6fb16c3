import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpmo.core.errors import ValidationError
from openpmo.core.money import FinancialYear, parse_money, pounds, thousands


def test_financial_year_is_written_and_read_the_council_way():
    year = FinancialYear.parse("2023/24")
    assert str(year) == "2023/24"
    assert year.first_day == dt.date(2023, 4, 1)
    assert year.last_day == dt.date(2024, 3, 31)
    assert year.days == 366  # holds 29 February 2024
    assert FinancialYear.parse("2022/23").days == 365
    assert str(FinancialYear.parse("1999/00")) == "1999/00"


@pytest.mark.parametrize("text", ["2023/25", "23/24", "2023", "next year"])
def test_a_wrong_financial_year_is_refused_with_a_reason(text):
    with pytest.raises(ValidationError, match="financial year"):
        FinancialYear.parse(text, where="row 3, year")


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_falls_in_exactly_the_financial_year_that_contains_it(day):
    year = FinancialYear.containing(day)
    assert year.first_day <= day <= year.last_day


def test_money_rounds_half_up_to_pence_and_thousands():
    assert pounds(Decimal("2.345")) == Decimal("2.35")
    assert thousands(Decimal("20500")) == Decimal("21")
    assert parse_money("(8,749)") == Decimal("-8749")
    assert parse_money("£1,234.50") == Decimal("1234.50")
    with pytest.raises(ValidationError, match="not an amount"):
        parse_money("lots", where="cap")


@pytest.mark.parametrize("text", ["1e300", "-1e300", "10000000000", "£99,999,999,999"])
def test_amounts_beyond_ten_thousand_million_are_refused_not_overflowed(text):
    with pytest.raises(ValidationError, match="check the figure"):
        parse_money(text, where="row 3, cost")


def test_the_largest_plausible_amount_still_reads():
    assert parse_money("9,999,999,999.99") == Decimal("9999999999.99")


def test_engine_inputs_refuse_huge_numbers_by_field(tmp_path):
    from openpmo.core.finance import appraisal_from_mapping, appraise

    document = {
        "base_year": "2023/24",
        "options": [{"name": "A", "costs": {"capital": {"2023/24": 1e300}}}],
    }
    with pytest.raises(ValidationError, match="check the figure") as refused:
        appraise(appraisal_from_mapping(document))
    assert "2023/24" in (refused.value.where or "")


def test_a_benefit_value_of_1e300_is_a_message():
    from django.core.exceptions import ValidationError as DjangoValidationError

    from openpmo.benefits.profile_input import parse_value

    with pytest.raises(DjangoValidationError, match="check the figure"):
        parse_value("1e300")
