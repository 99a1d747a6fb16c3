"""Money, UK financial years and calendar months.

Money is ``Decimal`` pounds. Amounts are rounded to pence with ``ROUND_HALF_UP`` only when they are
shown or stored (``pounds``), never in the middle of a calculation. A financial year runs
1 April to 31 March and is written ``2023/24``; a calendar month (``Month``) is written ``2024-03``
and knows its financial year.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import overload

from openpmo.core.errors import ValidationError

__all__ = [
    "LARGEST_AMOUNT",
    "PENNY",
    "FinancialYear",
    "Month",
    "check_magnitude",
    "parse_money",
    "pounds",
    "thousands",
]

PENNY = Decimal("0.01")
# No figure a council enters comes near ten thousand million (pounds, hours, tonnes or FTE); a
# larger one is a typing slip or a hostile file, and 1e300 would overflow every later sum.
LARGEST_AMOUNT = Decimal(10_000_000_000)
_FY_PATTERN = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$")


def pounds(amount: Decimal | int | str) -> Decimal:
    """Round an amount to pence, half up (the way finance officers round)."""
    return Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)


def thousands(amount: Decimal) -> Decimal:
    """Round an amount to whole £'000, half up, as council reports print their tables."""
    return (Decimal(amount) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def parse_money(value: object, *, where: str | None = None) -> Decimal:
    """Read an amount of money from text or a number; floats go through ``str`` to stay exact.

    Accepts ``"£1,234.50"``, ``"(8,749)"`` (a bracketed negative, as reports print reserves),
    ints, Decimals and floats. Anything else is a ``ValidationError`` naming ``where``.
    """
    if isinstance(value, bool):
        raise ValidationError(f"expected an amount of money, got {value!r}", where=where)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(f"{value!r} is not an amount of money", where=where)
        return check_magnitude(value, where=where)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(f"{value!r} is not an amount of money", where=where)
        return check_magnitude(Decimal(str(value)), where=where)
    if not isinstance(value, str):
        raise ValidationError(f"expected an amount of money, got {value!r}", where=where)
    text = value.strip().replace(",", "").replace("£", "").replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not an amount of money", where=where) from None
    if not amount.is_finite():
        raise ValidationError(f"{value!r} is not an amount of money", where=where)
    check_magnitude(amount, where=where)
    return -amount if negative else amount


def check_magnitude(number: Decimal, *, where: str | None = None) -> Decimal:
    """``number`` itself, or a ``ValidationError`` when it is beyond ``LARGEST_AMOUNT`` either
    way (the sums, roundings and database columns after it could not hold it)."""
    if number.is_finite() and abs(number) < LARGEST_AMOUNT:
        return number
    raise ValidationError(f"is beyond {LARGEST_AMOUNT:,} either way: check the figure", where=where)


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear:
    """A UK public-sector financial year, 1 April ``start_year`` to 31 March the year after."""

    start_year: int

    @classmethod
    def parse(cls, text: str | int, *, where: str | None = None) -> FinancialYear:
        """Read ``"2023/24"`` (also ``"2023-24"``, ``"2023/2024"``)."""
        match = _FY_PATTERN.match(str(text))
        if not match:
            raise ValidationError(
                f"{text!r} is not a financial year; write it like 2023/24", where=where
            )
        start = int(match.group(1))
        end = match.group(2)
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_year != start + 1 and not (len(end) == 2 and end_year + 100 == start + 1):
            raise ValidationError(
                f"{text!r} is not a financial year: the second year must follow the first",
                where=where,
            )
        return cls(start)

    @classmethod
    def containing(cls, day: dt.date) -> FinancialYear:
        """The financial year that ``day`` falls in."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    @property
    def days(self) -> int:
        """365, or 366 when the year holds a 29 February."""
        return (self.last_day - self.first_day).days + 1

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def __add__(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + years)

    def months(self) -> list[Month]:
        """April to March: the twelve months of the year."""
        return list(Month.span(Month(self.start_year, 4), Month(self.start_year + 1, 3)))

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @classmethod
    def span(cls, first: FinancialYear, last: FinancialYear) -> list[FinancialYear]:
        """Every financial year from ``first`` to ``last`` inclusive."""
        return [cls(year) for year in range(first.start_year, last.start_year + 1)]


_MONTH_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """One calendar month, written ``2024-03``.

    Months order by time; ``month + 3`` is three months later, ``later - earlier`` is the number of
    months between them (``Month(2024, 3) - Month(2023, 12) == 3``).
    """

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValidationError(f"month must be 1 to 12, got {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValidationError(f"year must be 1 to 9999, got {self.year}")

    @classmethod
    def parse(cls, text: str, *, where: str | None = None) -> Month:
        """Read ``"2024-03"`` (also ``"2024-3"``)."""
        match = _MONTH_PATTERN.match(str(text))
        if not match:
            raise ValidationError(f"{text!r} is not a month; write it like 2024-03", where=where)
        try:
            return cls(int(match.group(1)), int(match.group(2)))
        except ValidationError as error:
            raise ValidationError(
                f"{text!r} is not a month: {error.message}", where=where
            ) from None

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """The month that ``day`` falls in."""
        return cls(day.year, day.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        """The month ``index`` months after January of year 0 (the inverse of ``index``)."""
        return cls(index // 12, index % 12 + 1)

    @property
    def index(self) -> int:
        """A running count of months, so that consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return (self + 1).first_day - dt.timedelta(days=1)

    @property
    def financial_year(self) -> FinancialYear:
        """The UK financial year (April to March) this month belongs to."""
        return FinancialYear.containing(self.first_day)

    def __add__(self, months: int) -> Month:
        if not isinstance(months, int):
            return NotImplemented
        return Month.from_index(self.index + months)

    def __radd__(self, months: int) -> Month:
        return self.__add__(months)

    @overload
    def __sub__(self, other: Month) -> int: ...

    @overload
    def __sub__(self, other: int) -> Month: ...

    def __sub__(self, other: Month | int) -> int | Month:
        if isinstance(other, Month):
            return self.index - other.index
        if isinstance(other, int):
            return Month.from_index(self.index - other)
        return NotImplemented

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @staticmethod
    def span(first: Month, last: Month) -> Iterator[Month]:
        """Every month from ``first`` to ``last`` inclusive (nothing if ``last`` is earlier)."""
        for index in range(first.index, last.index + 1):
            yield Month.from_index(index)
