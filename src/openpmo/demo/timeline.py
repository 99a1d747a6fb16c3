"""Where the demo's story sits in time: placed relative to the date it is loaded.

The ETP runs for three years (§1.4). Whatever the date, "now" falls 18 months into a 36-month
delivery, so there is always a past (decisions taken, reports approved, benefits realised) and a
future (gates to pass, money to release). The report's own figures keep their printed dates: its
decision of 24 November 2022 is the programme's founding decision, whatever came after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openpmo.core.money import FinancialYear

MONTHS_BEFORE_NOW = 18
DELIVERY_MONTHS = 36


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` months after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Timeline:
    """The demo's dates, all read from ``as_of`` (the day it is loaded, or ``--as-of``)."""

    as_of: dt.date

    @property
    def start(self) -> dt.date:
        """The first day of delivery: the first of the month 18 months before now."""
        return add_months(self.as_of, -MONTHS_BEFORE_NOW)

    @property
    def end(self) -> dt.date:
        return add_months(self.start, DELIVERY_MONTHS) - dt.timedelta(days=1)

    def month(self, offset: int) -> dt.date:
        """The first of the month ``offset`` months after the start of delivery."""
        return add_months(self.start, offset)

    def month_end(self, offset: int) -> dt.date:
        return add_months(self.start, offset + 1) - dt.timedelta(days=1)

    def days_ago(self, days: int) -> dt.date:
        return self.as_of - dt.timedelta(days=days)

    @property
    def this_month(self) -> dt.date:
        return self.as_of.replace(day=1)

    @property
    def last_month(self) -> dt.date:
        """The last month whose figures are in: benefit actuals and reports run up to it."""
        return add_months(self.as_of, -1)

    @property
    def this_year(self) -> FinancialYear:
        return FinancialYear.containing(self.as_of)

    @property
    def next_year(self) -> FinancialYear:
        return self.this_year.next()

    @property
    def now_offset(self) -> int:
        """How many months of delivery are behind us (18)."""
        return MONTHS_BEFORE_NOW

    def clamp(self, day: dt.date) -> dt.date:
        """A day that is not after ``as_of`` (history cannot be written in the future)."""
        return min(day, self.as_of)
