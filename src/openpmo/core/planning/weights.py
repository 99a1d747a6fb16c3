"""Business drivers: weights from pairwise comparison (Saaty's 1-9 scale) and strategic scores.

A judgement ``(A, B): 3`` says driver A is moderately more important than B; ``1/3`` the reverse.
The weights are the principal eigenvector of the reciprocal matrix, normalised to sum to 1. The
consistency ratio (CR) compares the matrix's consistency index with Saaty's random index; above
0.10 the judgements contradict each other enough that they should be revisited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np

from openpmo.core.errors import ValidationError

__all__ = [
    "RATINGS",
    "RANDOM_INDEX",
    "PairwiseWeights",
    "pairwise_weights",
    "rating_value",
    "strategic_score",
]

#: How strongly a candidate serves a driver, and the points each rating earns (out of 4).
RATINGS: dict[str, int] = {"none": 0, "low": 1, "moderate": 2, "strong": 3, "extreme": 4}
#: Saaty's random consistency index by matrix size (1 and 2 are always consistent).
RANDOM_INDEX = (
    0.0,
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)
CONSISTENCY_LIMIT = Decimal("0.10")
_SCALE = {Fraction(n) for n in range(1, 10)} | {Fraction(1, n) for n in range(2, 10)}


@dataclass(frozen=True, slots=True)
class PairwiseWeights:
    weights: Mapping[str, Decimal]
    lambda_max: Decimal
    consistency_ratio: Decimal

    @property
    def consistent(self) -> bool:
        return self.consistency_ratio <= CONSISTENCY_LIMIT

    @property
    def warning(self) -> str | None:
        if self.consistent:
            return None
        return (
            f"The comparisons are inconsistent (consistency ratio {self.consistency_ratio:.2f}, "
            "above 0.10): revisit the judgements that contradict each other."
        )


def _judgement(value: object, where: str) -> Fraction:
    try:
        if isinstance(value, bool):
            raise ValueError
        number = Fraction(str(value)) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError):
        raise ValidationError(f"{value!r} is not a number on the 1-9 scale", where=where) from None
    if number not in _SCALE:
        raise ValidationError(
            f"{value} is not on Saaty's scale (1 to 9, or 1/2 to 1/9)", where=where
        )
    return number


def pairwise_weights(
    drivers: Sequence[str], judgements: Mapping[tuple[str, str], object]
) -> PairwiseWeights:
    """Weights from judgements on pairs; a pair not given counts as equal (1)."""
    if not drivers:
        raise ValidationError("name at least one driver", where="drivers")
    if len(set(drivers)) != len(drivers):
        raise ValidationError("a driver is named twice", where="drivers")
    size = len(drivers)
    if size > len(RANDOM_INDEX) - 1:
        raise ValidationError(f"compare at most {len(RANDOM_INDEX) - 1} drivers", where="drivers")
    position = {name: index for index, name in enumerate(drivers)}
    matrix = np.ones((size, size))
    for (first, second), value in judgements.items():
        where = f"judgements.{first} vs {second}"
        for name in (first, second):
            if name not in position:
                raise ValidationError(f"{name!r} is not a driver", where=where)
        if first == second:
            raise ValidationError("compares a driver with itself", where=where)
        number = _judgement(value, where)
        i, j = position[first], position[second]
        matrix[i, j] = float(number)
        matrix[j, i] = float(1 / number)
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    principal = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, principal].real)
    vector = vector / vector.sum()
    lambda_max = float(eigenvalues[principal].real)
    index = (lambda_max - size) / (size - 1) if size > 2 else 0.0
    ratio = index / RANDOM_INDEX[size] if RANDOM_INDEX[size] else 0.0
    return PairwiseWeights(
        weights={name: _decimal(vector[position[name]], 6) for name in drivers},
        lambda_max=_decimal(lambda_max, 4),
        consistency_ratio=_decimal(max(ratio, 0.0), 4),
    )


def _decimal(number: float, places: int) -> Decimal:
    return Decimal(repr(float(number))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rating_value(rating: object, *, where: str) -> int:
    """``"strong"`` -> 3; also accepts the points 0-4."""
    if isinstance(rating, str) and rating.strip().lower() in RATINGS:
        return RATINGS[rating.strip().lower()]
    if isinstance(rating, int) and not isinstance(rating, bool) and 0 <= rating <= 4:
        return rating
    raise ValidationError(
        f"{rating!r} is not a rating; use one of {', '.join(RATINGS)} (or 0 to 4)", where=where
    )


def strategic_score(
    weights: Mapping[str, Decimal], ratings: Mapping[str, object], *, where: str = "scores"
) -> Decimal:
    """The weighted sum of a candidate's ratings, out of 100 (weights are normalised here)."""
    total = sum(weights.values(), Decimal(0))
    if total <= 0:
        raise ValidationError("the driver weights must add up to more than 0", where="drivers")
    for name in ratings:
        if name not in weights:
            raise ValidationError(f"{name!r} is not a driver", where=f"{where}.{name}")
    points = sum(
        (
            weights[name] * rating_value(ratings.get(name, 0), where=f"{where}.{name}")
            for name in weights
        ),
        Decimal(0),
    )
    return (points / total * 25).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
