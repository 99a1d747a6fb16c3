"""Benefit profiles generated between two months, summing exactly to their target.

A generator spreads a target over the months from ``first`` to ``last`` inclusive by a shape, then
rounds each month to the ``quantum`` (a penny by default; ``Decimal("1")`` for whole hours) with
the largest-remainder method, so the months always add up to the target to the last penny.
Ties between equal remainders go to the earlier month, so the result is the same every time.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from openpmo.core.errors import ValidationError
from openpmo.core.money import PENNY, Month

Weight = Fraction | Decimal | int


class ProfileShape(enum.StrEnum):
    """How a generated profile spreads its target over the months."""

    LINEAR_RAMP = "linear-ramp"
    S_CURVE = "s-curve"
    STEP = "step"


def _units(total: Decimal, quantum: Decimal) -> int:
    if not quantum.is_finite() or quantum <= 0:
        raise ValidationError(f"the unit to round to must be positive, got {quantum}")
    if not total.is_finite():
        raise ValidationError(f"the target must be a number, got {total}")
    ratio = Fraction(total) / Fraction(quantum)
    if ratio.denominator != 1:
        raise ValidationError(
            f"the target {total} is not a whole number of {quantum}; round it first",
            where="target",
        )
    return ratio.numerator


def allocate(
    total: Decimal, weights: Sequence[Weight], *, quantum: Decimal = PENNY
) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``, each part a whole number of ``quantum``.

    The parts add up to ``total`` exactly (largest remainder: every part is first rounded down,
    then the units left over go one each to the parts with the largest remainders, the earlier
    part first on a tie). A negative total is split as its magnitude, then negated.
    """
    if not weights:
        raise ValidationError("there must be at least one month to spread over")
    exact = [Fraction(weight) for weight in weights]
    if any(weight < 0 for weight in exact):
        raise ValidationError("weights must not be negative")
    weight_sum = sum(exact, Fraction(0))
    if weight_sum == 0:
        raise ValidationError("at least one weight must be above zero")
    units = _units(total, quantum)
    sign = -1 if units < 0 else 1
    units = abs(units)
    shares = [units * weight / weight_sum for weight in exact]
    floors = [share.numerator // share.denominator for share in shares]
    left_over = units - sum(floors)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in by_remainder[:left_over]:
        floors[i] += 1
    return [Decimal(sign * count) * quantum for count in floors]


def _months(first: Month, last: Month) -> list[Month]:
    if last < first:
        raise ValidationError(f"the profile ends ({last}) before it starts ({first})", where="last")
    return list(Month.span(first, last))


def _smoothstep(x: Fraction) -> Fraction:
    return x * x * (3 - 2 * x)


def shape_weights(shape: ProfileShape, months: int) -> list[Fraction]:
    """The exact share of the target each of ``months`` months receives under ``shape``."""
    if months < 1:
        raise ValidationError("there must be at least one month to spread over")
    if shape is ProfileShape.STEP:
        return [Fraction(1, months)] * months
    if shape is ProfileShape.LINEAR_RAMP:
        # The monthly rate rises in a straight line from zero at the start of the first month to
        # its peak at the end of the last; each month receives the area under that line.
        return [Fraction(2 * i - 1, months * months) for i in range(1, months + 1)]
    # S-curve: the cumulative share follows smoothstep 3x^2 - 2x^3, slow start, fast middle,
    # slow finish; each month receives the rise of the curve across it (exact rationals).
    return [
        _smoothstep(Fraction(i, months)) - _smoothstep(Fraction(i - 1, months))
        for i in range(1, months + 1)
    ]


def generate_profile(
    shape: ProfileShape | str,
    total: Decimal,
    first: Month,
    last: Month,
    *,
    quantum: Decimal = PENNY,
) -> dict[Month, Decimal]:
    """A planned profile of ``total`` from ``first`` to ``last`` inclusive, by ``shape``."""
    try:
        chosen = ProfileShape(shape)
    except ValueError:
        names = ", ".join(item.value for item in ProfileShape)
        raise ValidationError(
            f"{shape!r} is not a profile shape ({names})", where="shape"
        ) from None
    months = _months(first, last)
    values = allocate(total, shape_weights(chosen, len(months)), quantum=quantum)
    return dict(zip(months, values, strict=True))


def linear_ramp(
    total: Decimal, first: Month, last: Month, *, quantum: Decimal = PENNY
) -> dict[Month, Decimal]:
    """``total`` rising steadily month by month from ``first`` to ``last``."""
    return generate_profile(ProfileShape.LINEAR_RAMP, total, first, last, quantum=quantum)


def s_curve(
    total: Decimal, first: Month, last: Month, *, quantum: Decimal = PENNY
) -> dict[Month, Decimal]:
    """``total`` on an S-curve: slow to start, fastest midway, tailing off by ``last``."""
    return generate_profile(ProfileShape.S_CURVE, total, first, last, quantum=quantum)


def step(
    total: Decimal, first: Month, last: Month, *, quantum: Decimal = PENNY
) -> dict[Month, Decimal]:
    """``total`` in equal monthly amounts from ``first`` (the step up) to ``last``.

    ``first == last`` gives a one-off benefit in a single month.
    """
    return generate_profile(ProfileShape.STEP, total, first, last, quantum=quantum)
