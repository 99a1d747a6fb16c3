"""One display of money for every page, chart and file: rounded half up, as the core rounds
(``openpmo.core.money.pounds``), so £2.50 shows as £3 and never as the banker's £2."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: Decimal | int | float | str, places: int = 0) -> Decimal:
    """``value`` to ``places`` decimal places, half up (floats go through ``str`` to stay exact)."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return amount.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def amount_text(value: Decimal | int | float | str, places: int = 0) -> str:
    """``1234.5`` -> ``"1,235"`` (``places=2``: ``"1,234.50"``): grouped, rounded half up, no £."""
    return f"{round_half_up(value, places):,.{int(places)}f}"


def money_text(value: Decimal | int | float | str | None, places: int = 0) -> str:
    """£1,234 (or £1,234.56 with ``places=2``); negative amounts in brackets, as finance prints
    them; a dash for no amount."""
    if value is None or value == "":
        return "–"
    amount = round_half_up(value, places)
    text = f"£{amount_text(abs(amount), places)}"
    return f"({text})" if amount < 0 else text
