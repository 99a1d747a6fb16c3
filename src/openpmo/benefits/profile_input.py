"""Reading a planned profile typed or pasted by a person: months and values, with errors that say
which line is wrong. Values are read exactly (no floats) and must be whole hundredths."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from openpmo.core.benefits import Month
from openpmo.core.errors import ValidationError as CoreValidationError
from openpmo.core.money import LARGEST_AMOUNT

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def parse_month(text: str) -> Month:
    """``2024-04``, ``2024-04-01``, ``04/2024``, ``Apr 2024``, ``April-24``."""
    cleaned = str(text).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-01)?", cleaned)
    if match:
        return _month(int(match.group(1)), int(match.group(2)), cleaned)
    match = re.fullmatch(r"(\d{1,2})/(\d{4})", cleaned)
    if match:
        return _month(int(match.group(2)), int(match.group(1)), cleaned)
    match = re.fullmatch(r"([A-Za-z]+)[\s\-/]+(\d{2}|\d{4})", cleaned)
    if match and match.group(1).lower() in _MONTH_NAMES:
        year = int(match.group(2))
        return _month(
            year + 2000 if year < 100 else year, _MONTH_NAMES[match.group(1).lower()], cleaned
        )
    raise ValidationError(f"“{cleaned}” is not a month; write it like 2024-04 or Apr 2024")


def _month(year: int, month: int, text: str) -> Month:
    try:
        return Month(year, month)
    except CoreValidationError:
        raise ValidationError(f"“{text}” is not a month; write it like 2024-04") from None


def parse_value(text: object) -> Decimal:
    """A planned or actual value: ``1234.5``, ``1,234.50``, ``£1,234``; never negative."""
    if isinstance(text, bool):
        raise ValidationError(f"“{text}” is not a number")
    if isinstance(text, float):
        text = repr(text)
    cleaned = str(text).strip().replace(",", "").replace("£", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"“{str(text).strip()}” is not a number") from None
    if not value.is_finite():
        raise ValidationError(f"“{str(text).strip()}” is not a number")
    if abs(value) >= LARGEST_AMOUNT:
        raise ValidationError(
            f"“{str(text).strip()[:30]}” is beyond {LARGEST_AMOUNT:,}: check the figure"
        )
    if value < 0:
        raise ValidationError(
            "Values are positive: record a dis-benefit as the size of the harm, not as a minus."
        )
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(f"“{str(text).strip()}” has more than two decimal places")
    return value.quantize(Decimal("0.01"))


def _cells(line: str) -> list[str]:
    """Split one pasted line: by tabs (a spreadsheet), semicolons, or the first comma after a
    month (so "2024-04,1,000" is April 2024 and 1,000)."""
    if "\t" in line:
        parts = line.split("\t")
    elif ";" in line:
        parts = line.split(";")
    elif "," in line:
        head, tail = line.split(",", 1)
        try:
            parse_month(head)
        except ValidationError:
            parts = [line]
        else:
            parts = [head, tail]
    else:
        parts = [line]
    return [part.strip() for part in parts if part.strip()]


def parse_pasted(text: str, *, first: Month | None = None) -> dict[Month, Decimal]:
    """Rows copied from a spreadsheet: ``month<TAB>value`` on each line (semicolon or comma also
    separate), or one value per line (or one row of values) from ``first`` onwards.

    A header line (text where a value should be) is skipped. Every wrong line is reported at once.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = [(number, _cells(line)) for number, line in enumerate(lines, start=1) if line.strip()]
    if len(rows) == 1 and first is not None and len(rows[0][1]) > 2:
        # One spreadsheet row of values across the months.
        number, cells = rows[0]
        rows = [(number, [cell]) for cell in cells]
    result: dict[Month, Decimal] = {}
    errors: list[str] = []
    next_month = first
    for index, (number, cells) in enumerate(rows):
        try:
            if len(cells) == 2:
                try:
                    month = parse_month(cells[0])
                    value = parse_value(cells[1])
                except ValidationError:
                    if index == 0 and not re.search(r"\d", "".join(cells)):
                        continue  # a header row: "Month, Planned"
                    raise
            elif len(cells) == 1 and next_month is not None:
                try:
                    value = parse_value(cells[0])
                except ValidationError:
                    if index == 0 and not re.search(r"\d", cells[0]):
                        continue
                    raise
                month = next_month
            else:
                raise ValidationError(
                    "write a month and a value (e.g. 2024-04, a tab, then 1000), or give the "
                    "first month and paste the values only"
                )
            if month in result:
                raise ValidationError(f"{month} appears twice")
            result[month] = value
            next_month = month + 1
        except ValidationError as error:
            errors.append(f"Line {number}: {' '.join(error.messages)}")
    if errors:
        raise ValidationError(errors)
    if not result:
        raise ValidationError("Paste at least one month and its value.")
    return result
