"""A calendar month, the unit of time of benefit profiles and actuals."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import overload

from openpmo.core.errors import ValidationError
from openpmo.core.money import FinancialYear

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
