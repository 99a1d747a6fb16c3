"""What the money reads share: which ledger entries were known on a day, pence as text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet

from openpmo.audit.selectors import end_of_day
from openpmo.core.money import FinancialYear
from openpmo.finance.models import (
    ReserveEntry,
)

ZERO = Decimal(0)


def known_entries(entries: QuerySet[ReserveEntry], as_at: dt.date | None) -> QuerySet[ReserveEntry]:
    """The entries known at the end of ``as_at``: those recorded by then, and those of a financial
    year that had closed before ``as_at``'s year began (a closed year's accounts, loaded later).
    Every entry when ``as_at`` is None."""
    if as_at is None:
        return entries
    year = str(FinancialYear.containing(as_at))
    return entries.filter(Q(recorded_at__lt=end_of_day(as_at)) | Q(year__lt=year))


def _pence(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))
