"""Spreadsheets in and out, safely: one place for every workbook and CSV OpenPMO writes or reads.

Out: user text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run
as a formula when a spreadsheet opens it (``=HYPERLINK(...)``, DDE). ``xlsx_bytes`` stores every
such cell as text with Excel's quote prefix; ``csv_bytes`` puts an apostrophe before it, as
OWASP recommends for CSV, since a CSV cell has no type.

In: ``xlsx_open`` refuses a file whose declared sizes (the zip directory, before anything is
unpacked) are too large or compress too well to be a real register, so a zip bomb never reaches
openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from openpmo import limits
from openpmo.core import xlsx
from openpmo.core.errors import ParseError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Any) -> str:
    """A cell read as text: blank for an empty cell, ``12`` for the whole number 12.0 a
    spreadsheet stores, surrounding spaces dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_date(value: Any, parse: Callable[[str], dt.date]) -> dt.date | None:
    """A cell read as a date: None when blank, a date cell as it is (a date and time as its
    day), text through ``parse`` (which says what is wrong with it)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse(cell_text(value))


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet (the message says why, for the person)."""


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(workbook: Workbook) -> Workbook:
    """Make every cell that would run as a formula hold its text instead (in place)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_formula_like(cell.value) or cell.data_type == "f":
                    text = str(cell.value)
                    cell.value = text
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return workbook


def xlsx_bytes(workbook: Workbook) -> bytes:
    """The workbook as .xlsx bytes, with no cell that runs as a formula."""
    buffer = io.BytesIO()
    neutralise(workbook).save(buffer)
    return buffer.getvalue()


def csv_text_cell(value: object) -> object:
    if is_formula_like(value):
        return "'" + str(value)
    return value


def csv_bytes(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV (with the byte-order mark Excel needs to read it as UTF-8), formulas escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_text_cell(h) for h in headings])
    for row in rows:
        writer.writerow(["" if v is None else csv_text_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _storable(value: object) -> object:
    """Text without the control characters an .xlsx cannot hold (openpyxl refuses them, which
    made an export of a row holding one a 500); they are dropped from the cell only."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def table_workbook(title: str, headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: bold headings, frozen, then the rows (numbers stay numbers)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_storable(value) for value in row])
    for index, heading in enumerate(headings, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(len(heading) + 4, 40))
    return xlsx_bytes(workbook)


def check_xlsx_sizes(data: bytes, name: str = "The file") -> None:
    """Refuse an .xlsx whose zip directory declares too much, before anything is unpacked (the
    checks of ``openpmo.core.xlsx``, worded for a page)."""
    _check_size(name, data)
    try:
        xlsx.check_archive(data, where="The file")
    except ParseError as error:
        raise SpreadsheetError(_sentence(error)) from None


def _check_size(name: str, data: bytes) -> None:
    try:
        limits.check_size(limits.SPREADSHEET, name, len(data))
    except limits.UploadTooLarge as error:
        raise SpreadsheetError(str(error)) from None


def _sentence(error: ParseError) -> str:
    if error.message == "is not an .xlsx workbook":
        return "The file is not an Excel workbook (.xlsx)."
    return f"The workbook {error.message}."


def rows_of_upload(name: str, data: bytes) -> list[list[Any]]:
    """The rows of the first sheet of an .xlsx, or of a .csv, as lists of cell values."""
    lower = name.lower()
    if lower.endswith(".csv"):
        _check_size(name, data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SpreadsheetError(
                "The CSV file is not UTF-8 text: save it as CSV UTF-8."
            ) from error
        return [list(row) for row in csv.reader(io.StringIO(text))]
    if not lower.endswith(".xlsx"):
        raise SpreadsheetError("Choose an Excel workbook (.xlsx) or a CSV file (.csv).")
    check_xlsx_sizes(data, name)
    try:
        workbook = xlsx.open_workbook(data, where="The file")
        try:
            return [list(row) for row in xlsx.read_rows(workbook.worksheets[0], where="The file")]
        finally:
            workbook.close()
    except ParseError as error:
        raise SpreadsheetError(_sentence(error)) from None
