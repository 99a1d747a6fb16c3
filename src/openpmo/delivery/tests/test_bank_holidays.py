"""Bank holidays come from a maintained source, not a list that ran out in December 2026: a
calendar made on 3 December 2026 has the holidays of 2027 and 2028 off, and a day the PMO adds
(a local closure) is off as well."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from openpmo.delivery import selectors, services
from openpmo.delivery.bank_holidays import england_and_wales
from openpmo.delivery.core_adapters import calendar_of

pytestmark = pytest.mark.django_db

# GOV.UK, England and Wales: 2027 (Christmas and Boxing Day fall at the weekend) and 2028.
BANK_HOLIDAYS_2027_2028 = [
    dt.date(2027, 1, 1),
    dt.date(2027, 3, 26),
    dt.date(2027, 3, 29),
    dt.date(2027, 5, 3),
    dt.date(2027, 5, 31),
    dt.date(2027, 8, 30),
    dt.date(2027, 12, 27),
    dt.date(2027, 12, 28),
    dt.date(2028, 1, 3),
    dt.date(2028, 4, 14),
    dt.date(2028, 4, 17),
    dt.date(2028, 5, 1),
    dt.date(2028, 5, 29),
    dt.date(2028, 8, 28),
    dt.date(2028, 12, 25),
    dt.date(2028, 12, 26),
]
LOCAL_CLOSURE = dt.date(2027, 6, 14)  # a Monday


def test_the_source_lists_the_weekday_bank_holidays_with_gov_uk_names():
    days = england_and_wales([2027, 2028])
    assert [day for _, day in days] == BANK_HOLIDAYS_2027_2028
    assert ("Boxing Day (substitute day)", dt.date(2027, 12, 28)) in days
    assert ("Early May bank holiday", dt.date(2028, 5, 1)) in days


@time_machine.travel(dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC), tick=False)
def test_a_calendar_made_in_december_2026_has_2027_and_2028_off_and_a_local_day(
    pmo, programme_tree
):
    programme = programme_tree.strand.pillar.programme
    before = calendar_of(selectors.calendar_spec_for(programme))  # the default, no row yet
    services.calendar_exception_add(
        actor=pmo,
        programme=programme,
        name="Council closure",
        first=LOCAL_CLOSURE,
        last=LOCAL_CLOSURE,
    )
    calendar = calendar_of(selectors.calendar_spec_for(programme))
    for day in BANK_HOLIDAYS_2027_2028:
        assert not before.is_working_day(day), day
        assert not calendar.is_working_day(day), day
    assert before.is_working_day(LOCAL_CLOSURE)
    assert not calendar.is_working_day(LOCAL_CLOSURE)
    assert calendar.is_working_day(dt.date(2027, 6, 15))
    assert calendar.is_working_day(dt.date(2028, 4, 18))
