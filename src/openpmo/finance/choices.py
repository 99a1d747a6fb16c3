from __future__ import annotations

from django.db import models


class EntryKind(models.TextChoices):
    """What moves the earmarked reserve (seed §3.3, §6.1.5, Table 2)."""

    CONTRIBUTION = "contribution", "Planned MTFS contribution"
    WITHDRAWAL = "withdrawal", "Approved net withdrawal"
    DRAWDOWN = "drawdown", "Drawdown"
    RETURN = "return", "Return of unspent funds"


# The ledger's lines, in the order a report prints them, with the sign each kind moves the balance.
# Reserves are held as negative balances (a credit), as the report prints them in brackets: money
# paid in makes the balance more negative, money taken out less.
LEDGER_LINES: tuple[tuple[EntryKind, str, int], ...] = (
    (EntryKind.CONTRIBUTION, "Planned MTFS contributions", -1),
    (EntryKind.WITHDRAWAL, "Approved net withdrawals", 1),
    (EntryKind.DRAWDOWN, "Drawdowns", 1),
    (EntryKind.RETURN, "Returns of unspent funds", -1),
)
LINE_NAME = {kind: name for kind, name, _ in LEDGER_LINES}
SIGN = {kind: sign for kind, _, sign in LEDGER_LINES}


class StatedFigureKind(models.TextChoices):
    """A figure as a report prints it, kept to be reconciled against the ledger."""

    OPENING_BALANCE = "opening_balance", "Opening balance"
    SUBTOTAL = "subtotal", "Balance before drawdowns"
    CLOSING_BALANCE = "closing_balance", "Closing balance"
    LINE_TOTAL = "line_total", "Line total"
    QUOTED_TOTAL = "quoted_total", "Line total quoted in the text"


class SpendType(models.TextChoices):
    CAPITAL = "capital", "Capital"
    REVENUE = "revenue", "Revenue"


class SpendSource(models.TextChoices):
    ENTERED = "entered", "Entered"
    IMPORTED = "imported", "Imported from the finance system"


class LineGroup(models.TextChoices):
    COST = "cost", "Cost"
    BENEFIT = "benefit", "Benefit"
