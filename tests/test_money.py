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
