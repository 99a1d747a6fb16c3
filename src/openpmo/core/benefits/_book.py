"""Many benefits at once: the tracker on integer arrays, exact to the last penny.

``BenefitBook`` converts every planned and actual value once into a whole number of ``quantum``
(pence by default) in numpy ``int64`` arrays (Python integers in an object array if the figures
are too large for 64 bits), keeps running totals along the months, and answers "where does every
benefit stand as of this month" and "what are the totals by pillar" with array operations.
Every figure it returns is a ``Decimal`` equal to what ``track_benefit`` and ``roll_up`` give,
which stay the plain reference (a property test holds the two together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from openpmo.core.benefits._tracker import (
    Benefit,
    BenefitPosition,
    GroupBy,
    RagThresholds,
    RollUp,
    group_key,
    rounded_percent,
)
from openpmo.core.errors import ValidationError
from openpmo.core.money import PENNY, Month

_INT64_SAFE = 2**62
_NEVER = 2**40  # a column index no month reaches: benefits without a plan expect no actuals

Grid = npt.NDArray[Any]


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One month of a cumulative chart: net planned and net actual to date."""

    month: Month
    planned_cumulative: Decimal
    actual_cumulative: Decimal


class BenefitBook:
    """The benefits of a register held as arrays; build once, then ask for any month."""

    def __init__(self, benefits: Sequence[Benefit], *, quantum: Decimal = PENNY) -> None:
        if not quantum.is_finite() or quantum <= 0:
            raise ValidationError(f"the unit to round to must be positive, got {quantum}")
        self.benefits = tuple(benefits)
        self.quantum = quantum
        q_num, q_den = quantum.as_integer_ratio()
        all_months = [m.index for b in self.benefits for m in (*b.planned, *b.actuals)]
        self.base = min(all_months) if all_months else 0
        self.width = (max(all_months) - self.base + 1) if all_months else 0
        rows: list[list[int]] = [[], []]
        cols: list[list[int]] = [[], []]
        values: list[list[int]] = [[], []]
        bound = 0
        for row, benefit in enumerate(self.benefits):
            for kind, series in enumerate((benefit.planned, benefit.actuals)):
                for month, value in series.items():
                    try:
                        numerator, denominator = value.as_integer_ratio()
                    except (ValueError, OverflowError):
                        raise ValidationError(
                            f"{value} is not a number", where=f"{benefit.reference} {month}"
                        ) from None
                    scaled, remainder = divmod(numerator * q_den, denominator * q_num)
                    if remainder:
                        raise ValidationError(
                            f"{value} is not a whole number of {quantum}",
                            where=f"{benefit.reference} {month}",
                        )
                    rows[kind].append(row)
                    cols[kind].append(month.index - self.base)
                    values[kind].append(scaled)
                    bound += abs(scaled)
        dtype: type[Any] = np.int64 if bound < _INT64_SAFE else object
        shape = (len(self.benefits), self.width)
        self._planned = np.zeros(shape, dtype=dtype)
        self._actual = np.zeros(shape, dtype=dtype)
        self._recorded = np.zeros(shape, dtype=bool)
        if values[0]:
            self._planned[rows[0], cols[0]] = np.array(values[0], dtype=dtype)
        if values[1]:
            self._actual[rows[1], cols[1]] = np.array(values[1], dtype=dtype)
            self._recorded[rows[1], cols[1]] = True
        self._planned_cumulative = np.cumsum(self._planned, axis=1, dtype=dtype)
        self._actual_cumulative = np.cumsum(self._actual, axis=1, dtype=dtype)
        self._sign = np.array([b.category.sign for b in self.benefits], dtype=np.int64)
        self._start = np.array(
            [(min(b.planned).index - self.base) if b.planned else _NEVER for b in self.benefits],
            dtype=np.int64,
        )
        columns = np.arange(self.width, dtype=np.int64)
        self._missing = (columns[None, :] >= self._start[:, None]) & ~self._recorded
        self._dtype = dtype

    def __len__(self) -> int:
        return len(self.benefits)

    # -- figures as of one month, in quantum units -------------------------------------------

    def _column(self, as_of: Month) -> int:
        return as_of.index - self.base

    def _cumulative(self, grid: Grid, column: int) -> Grid:
        if column < 0 or self.width == 0:
            return np.zeros(len(self.benefits), dtype=self._dtype)
        return grid[:, min(column, self.width - 1)]

    def _in_month(self, grid: Grid, column: int) -> Grid:
        if 0 <= column < self.width:
            return grid[:, column]
        return np.zeros(len(self.benefits), dtype=grid.dtype)

    def _amount(self, units: int) -> Decimal:
        return Decimal(units) * self.quantum

    def _missing_columns(self, column: int) -> list[list[int]]:
        """For each benefit, the columns (months) up to ``column`` without an actual."""
        found: list[list[int]] = [[] for _ in self.benefits]
        if column >= 0 and self.width:
            rows, cols = np.nonzero(self._missing[:, : min(column, self.width - 1) + 1])
            for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
                found[row].append(col)
        if column >= self.width:
            beyond = list(range(self.width, column + 1))
            for row, start in enumerate(self._start.tolist()):
                if start <= column:
                    found[row].extend(c for c in beyond if c >= start)
        return found

    # -- public answers -----------------------------------------------------------------------

    def positions(
        self,
        as_of: Month,
        *,
        thresholds: RagThresholds = RagThresholds(),  # noqa: B008 - frozen, so safe to share
        grace_months: int = 1,
    ) -> list[BenefitPosition]:
        """Every benefit's position as of ``as_of``; equal to ``track`` on the same benefits."""
        if grace_months < 0:
            raise ValidationError(f"grace must be zero or more months, got {grace_months}")
        column = self._column(as_of)
        planned_cumulative = self._cumulative(self._planned_cumulative, column)
        actual_cumulative = self._cumulative(self._actual_cumulative, column)
        net_planned = (planned_cumulative * self._sign).tolist()
        variance = ((actual_cumulative - planned_cumulative) * self._sign).tolist()
        planned_in_month = self._in_month(self._planned, column).tolist()
        actual_in_month = self._in_month(self._actual, column).tolist()
        recorded = self._in_month(self._recorded, column).tolist()
        missing = self._missing_columns(column)
        wanted = sorted({c for gaps in missing for c in gaps})
        month_of = {c: Month.from_index(self.base + c) for c in wanted}
        amount = self._amount
        result = []
        for row, benefit in enumerate(self.benefits):
            gaps = missing[row]
            result.append(
                BenefitPosition(
                    reference=benefit.reference,
                    category=benefit.category,
                    unit=benefit.unit,
                    as_of=as_of,
                    planned_in_month=amount(planned_in_month[row]),
                    actual_in_month=amount(actual_in_month[row]) if recorded[row] else None,
                    planned_cumulative=amount(int(planned_cumulative[row])),
                    actual_cumulative=amount(int(actual_cumulative[row])),
                    variance=amount(variance[row]),
                    variance_percent=rounded_percent(variance[row], net_planned[row]),
                    rag=thresholds.rate(net_planned[row], variance[row]),
                    missing_months=tuple(month_of[c] for c in gaps),
                    late_months=tuple(month_of[c] for c in gaps if column - c >= grace_months),
                    groups=benefit.groups,
                )
            )
        return result

    def _codes(self, by: GroupBy) -> tuple[list[tuple[str, str]], Grid]:
        key = group_key(by)
        names: dict[tuple[str, str], int] = {}
        codes = [
            names.setdefault((key(benefit), benefit.unit), len(names)) for benefit in self.benefits
        ]
        return list(names), np.array(codes, dtype=np.int64)

    def _group_sum(self, values: Grid, codes: Grid, groups: int) -> list[Any]:
        totals = np.zeros((groups, *values.shape[1:]), dtype=values.dtype)
        np.add.at(totals, codes, values)
        return list(totals.tolist())

    def roll_up(
        self,
        as_of: Month,
        by: GroupBy,
        *,
        thresholds: RagThresholds = RagThresholds(),  # noqa: B008 - frozen, so safe to share
        grace_months: int = 1,
    ) -> list[RollUp]:
        """Net totals by group and unit as of ``as_of``; equal to ``roll_up`` of ``positions``."""
        if grace_months < 0:
            raise ValidationError(f"grace must be zero or more months, got {grace_months}")
        names, codes = self._codes(by)
        column = self._column(as_of)
        sign = self._sign
        planned = self._cumulative(self._planned_cumulative, column) * sign
        actual = self._cumulative(self._actual_cumulative, column) * sign
        planned_in_month = self._in_month(self._planned, column) * sign
        actual_in_month = self._in_month(self._actual, column) * sign
        missing = self._missing_columns(column)
        missing_count = np.array([len(gaps) for gaps in missing], dtype=np.int64)
        late_count = np.array(
            [sum(1 for c in gaps if column - c >= grace_months) for gaps in missing],
            dtype=np.int64,
        )
        stacked = np.stack([planned, actual, planned_in_month, actual_in_month], axis=1)
        totals = self._group_sum(stacked, codes, len(names))
        missing_totals = self._group_sum(missing_count, codes, len(names))
        late_totals = self._group_sum(late_count, codes, len(names))
        members: list[list[str]] = [[] for _ in names]
        for benefit, code in zip(self.benefits, codes.tolist(), strict=True):
            members[code].append(benefit.reference)
        result = []
        for code, (group, unit) in enumerate(names):
            plan, actual_total, plan_month, actual_month = (int(v) for v in totals[code])
            result.append(
                RollUp(
                    key=group,
                    unit=unit,
                    as_of=as_of,
                    members=tuple(members[code]),
                    planned_in_month=self._amount(plan_month),
                    actual_in_month=self._amount(actual_month),
                    planned_cumulative=self._amount(plan),
                    actual_cumulative=self._amount(actual_total),
                    variance=self._amount(actual_total - plan),
                    variance_percent=rounded_percent(actual_total - plan, plan),
                    rag=thresholds.rate(plan, actual_total - plan),
                    missing=int(missing_totals[code]),
                    late=int(late_totals[code]),
                )
            )
        result.sort(key=lambda r: (r.key, r.unit))
        return result

    def curves(
        self, by: GroupBy, *, last: Month | None = None
    ) -> dict[tuple[str, str], list[CurvePoint]]:
        """Cumulative net planned and actual for each (group, unit), month by month.

        The data behind the tracker's chart, from the first month in the book to ``last``
        (default: the last month with any figure).
        """
        names, codes = self._codes(by)
        if self.width == 0:
            return {name: [] for name in names}
        signed_planned = self._planned_cumulative * self._sign[:, None]
        signed_actual = self._actual_cumulative * self._sign[:, None]
        planned = self._group_sum(signed_planned, codes, len(names))
        actual = self._group_sum(signed_actual, codes, len(names))
        end = self.width - 1 if last is None else self._column(last)
        months = [Month.from_index(self.base + c) for c in range(end + 1)]
        result: dict[tuple[str, str], list[CurvePoint]] = {}
        for code, name in enumerate(names):
            result[name] = [
                CurvePoint(
                    month,
                    self._amount(planned[code][min(c, self.width - 1)]),
                    self._amount(actual[code][min(c, self.width - 1)]),
                )
                for c, month in enumerate(months)
            ]
        return dict(sorted(result.items()))
