"""The money drawn from the reserve, for the programme's ROI to date.

This is the one place the benefits app asks the finance app for money drawn. The finance app's
reserve ledger records entries by financial year (not by month), so this reads its ledger entries:
drawdowns less returns of unspent funds, on the programme's reserves, in every financial year up
to and including the one ``as_of`` falls in (a year's drawdown counts in full from its first
month). Approved withdrawals for other programmes (Table 2's "approved net withdrawals") are not
money drawn by this programme. With no drawdown or return on the ledger the answer is ``None``
("no drawdowns recorded"), and the tracker says ROI cannot be worked out rather than showing a
made-up figure.
"""

from __future__ import annotations

from decimal import Decimal

from openpmo.common.db import MoneySum
from openpmo.core.benefits import Month
from openpmo.finance.choices import EntryKind
from openpmo.finance.models import ReserveEntry
from openpmo.portfolio.models import Programme


def money_drawn(programme: Programme, as_of: Month) -> Decimal | None:
    """Money drawn from the reserve for ``programme`` by the end of ``as_of``; ``None`` when no
    drawdown is recorded anywhere."""
    entries = ReserveEntry.objects.filter(
        reserve__programme=programme, kind__in=[EntryKind.DRAWDOWN, EntryKind.RETURN]
    )
    if not entries.exists():
        return None
    year = str(as_of.financial_year)
    totals = dict(
        entries.filter(year__lte=year)
        .values_list("kind")
        .annotate(total=MoneySum("amount"))
        .order_by()
        .values_list("kind", "total")
    )
    drawn = totals.get(EntryKind.DRAWDOWN, Decimal(0)) or Decimal(0)
    returned = totals.get(EntryKind.RETURN, Decimal(0)) or Decimal(0)
    return drawn - returned
