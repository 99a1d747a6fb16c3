"""What the money services share: the checks of years and amounts. (A busy database is answered
once for every app: ``openpmo.common.busy``.)"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from openpmo.common.engine_errors import as_validation_error
from openpmo.core.errors import InputError
from openpmo.core.money import FinancialYear


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


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
