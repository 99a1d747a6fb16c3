"""Bank holidays in England and Wales, the default days off of a new programme calendar.

They come from the ``holidays`` package (kept up to date with GOV.UK's announcements, one-off days
such as coronations included), not from a list typed here that would run out. Only weekdays are
listed, as on https://www.gov.uk/bank-holidays: a holiday falling at a weekend is replaced by its
substitute day. Scotland and Northern Ireland differ, and a council closes on other days too: those
are the calendar's own exceptions, which the PMO adds and removes on the calendar page.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import holidays

YEARS_BEFORE = 4
"""A new calendar lists the bank holidays from this many years back (for past schedules) ..."""
YEARS_AHEAD = 10
"""... to this many years ahead of today."""

# GOV.UK's names for the regular days; one-off days keep the package's names.
_GOV_UK_NAMES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
}
_OBSERVED = " (observed)"


def _gov_uk_name(name: str) -> str:
    if name.endswith(_OBSERVED):
        return f"{_gov_uk_name(name.removesuffix(_OBSERVED))} (substitute day)"
    return _GOV_UK_NAMES.get(name, name)


def england_and_wales(years: Iterable[int]) -> list[tuple[str, dt.date]]:
    """The bank holidays (name, day) of these calendar years, in date order."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=list(years), language="en_GB")
    return sorted(
        ((_gov_uk_name(name), day) for day, name in found.items() if day.weekday() < 5),
        key=lambda pair: pair[1],
    )


def england_and_wales_around(today: dt.date) -> list[tuple[str, dt.date]]:
    """The bank holidays a calendar made ``today`` starts with (see ``YEARS_BEFORE``/``AHEAD``)."""
    return list(_around(today.year))


@functools.cache
def _around(year: int) -> tuple[tuple[str, dt.date], ...]:
    return tuple(england_and_wales(range(year - YEARS_BEFORE, year + YEARS_AHEAD + 1)))
