"""Database expressions shared by the domain apps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import DecimalField, Q, QuerySet, Sum

from openpmo.core.money import pounds

QS = TypeVar("QS", bound=QuerySet[Any])


def _to_pence(value: Any, expression: Any, connection: Any) -> Decimal | None:
    return None if value is None else pounds(value)


class MoneySum(Sum):
    """The sum of an amount of money, exact to the penny on every database.

    SQLite adds decimals as floating point and Django hands back 15 significant digits
    (``-336.400000000000``, or ``50.3899999999999`` where ``50.39`` was meant). Every stored
    amount has whole pence, so rounding the sum to pence gives back the exact total.
    """

    def __init__(self, *expressions: Any, **extra: Any) -> None:
        extra.setdefault("output_field", DecimalField(max_digits=20, decimal_places=2))
        super().__init__(*expressions, **extra)

    def get_db_converters(self, connection: Any) -> list[Any]:
        return [*super().get_db_converters(connection), _to_pence]


def filter_given(queryset: QS, **lookups: Any) -> QS:
    """``queryset`` filtered by each lookup that is given (an empty string, ``None`` or ``0`` is a
    filter the reader left blank), one ``filter`` after another."""
    for lookup, value in lookups.items():
        if value:
            queryset = queryset.filter(**{lookup: value})
    return queryset


def search_text(queryset: QS, text: str, fields: tuple[str, ...]) -> QS:
    """The rows where any of ``fields`` contains ``text`` (ignoring case); all when it is blank."""
    if not text:
        return queryset
    matches = Q()
    for field in fields:
        matches |= Q(**{f"{field}__icontains": text})
    return queryset.filter(matches)
