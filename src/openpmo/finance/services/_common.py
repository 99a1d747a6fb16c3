"""What the money services share: the busy-database guard and the checks of years and amounts."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError

from openpmo.common.engine_errors import as_validation_error
from openpmo.common.services import (
    ConflictError,
)
from openpmo.core.errors import InputError
from openpmo.core.money import FinancialYear


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@contextlib.contextmanager
def _busy_is_a_conflict() -> Iterator[None]:
    """SQLite's "database is locked" (another writer held it too long) as a clean refusal."""
    try:
        yield
    except OperationalError as error:
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            raise ConflictError(
                "The reserve ledger is busy with another change. Nothing was saved: try again."
            ) from error
        raise


def _financial_year(value: object, field: str = "year") -> FinancialYear:
    if isinstance(value, FinancialYear):
        return value
    try:
        return FinancialYear.parse(str(value))
    except InputError as error:
        raise as_validation_error(error, field, with_where=False) from None


def _positive_amount(value: object, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{value!r} is not an amount of money."}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: "Enter an amount of more than £0."})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: "Enter the amount in pounds and pence (two places)."})
    return amount
