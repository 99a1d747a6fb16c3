"""Open an .xlsx workbook that a stranger may have sent, within fixed limits.

An .xlsx file is a zip of XML parts. A few kilobytes can declare a sheet or a shared-strings part
of gigabytes (a "zip bomb"), and openpyxl reads the shared strings whole before the first row. So
before openpyxl sees a byte, :func:`check_archive` reads the archive's directory and refuses one
whose parts are too many, too large once unpacked, or packed suspiciously tightly, and a sheet
whose declared size is beyond the row and column limits. :func:`read_rows` then reads a sheet's
rows, stops at the limits whatever the sheet declared, and turns any damage found on the way
(truncated XML, a part missing) into a :class:`ParseError` naming the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpmo.core.errors import ParseError

__all__ = ["Limits", "check_archive", "open_workbook", "read_rows"]


@dataclass(frozen=True)
class Limits:
    """What an uploaded workbook may hold. The defaults are far beyond any register we read."""

    max_parts: int = 2_000
    max_unpacked_bytes: int = 200_000_000  # all parts together, once unzipped
    max_part_bytes: int = 100_000_000  # one sheet or the shared strings
    max_ratio: int = 200  # unpacked size over packed size, for parts over 1 MB
    max_rows: int = 100_000
    max_columns: int = 500


DEFAULT = Limits()
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


def check_archive(data: bytes, *, where: str, limits: Limits = DEFAULT) -> None:
    """Refuse an archive that would unpack beyond ``limits``; read nothing but its directory and
    the opening bytes of each sheet."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ParseError("is not an .xlsx workbook", where=where) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > limits.max_parts:
            raise ParseError(f"has more than {limits.max_parts:,} parts", where=where)
        total = 0
        for part in parts:
            total += part.file_size
            if part.file_size > limits.max_part_bytes:
                raise ParseError(
                    f"has a part ({part.filename[:80]}) of {part.file_size:,} bytes once unpacked, "
                    f"over the limit of {limits.max_part_bytes:,}",
                    where=where,
                )
            if part.file_size > 1_000_000 and part.file_size > limits.max_ratio * max(
                part.compress_size, 1
            ):
                raise ParseError(
                    f"has a part ({part.filename[:80]}) packed {part.file_size // max(part.compress_size, 1):,} "
                    "to 1 (a compressed bomb?)",
                    where=where,
                )
        if total > limits.max_unpacked_bytes:
            raise ParseError(
                f"unpacks to {total:,} bytes, over the limit of {limits.max_unpacked_bytes:,}",
                where=where,
            )
        for part in parts:
            if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                _check_dimension(archive, part, where=where, limits=limits)


def _check_dimension(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, *, where: str, limits: Limits
) -> None:
    try:
        with archive.open(part) as stream:
            head = stream.read(4096)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        raise ParseError(f"has a damaged part ({part.filename[:80]})", where=where) from None
    found = _DIMENSION.search(head)
    if found is None or found.group(4) is None:
        return
    rows = int(found.group(4))
    columns = _column_number(found.group(3).decode())
    if rows > limits.max_rows or columns > limits.max_columns:
        raise ParseError(
            f"has a sheet of {rows:,} rows by {columns:,} columns; the limit is "
            f"{limits.max_rows:,} rows by {limits.max_columns:,} columns",
            where=where,
        )


def open_workbook(data: bytes, *, where: str, limits: Limits = DEFAULT) -> Any:
    """The workbook in ``data`` (openpyxl, read-only, values not formulas), after the checks."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_archive(data, where=where, limits=limits)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        raise ParseError("is not an .xlsx workbook", where=where) from None
    except Exception as error:  # noqa: BLE001 (a damaged part surfaces as any XML parser's error)
        raise ParseError(f"is damaged ({type(error).__name__})", where=where) from None


def read_rows(worksheet: Any, *, where: str, limits: Limits = DEFAULT) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as tuples of values, stopping at the limits whatever the sheet declares.

    Damage found while reading (truncated XML inside a valid zip) is a ``ParseError``."""
    rows = worksheet.iter_rows(values_only=True)
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # noqa: BLE001 (lxml and ElementTree raise different errors)
            raise ParseError(
                f"is damaged after row {number:,} ({type(error).__name__})", where=where
            ) from None
        number += 1
        if number > limits.max_rows:
            raise ParseError(f"has more than {limits.max_rows:,} rows", where=where)
        if len(row) > limits.max_columns:
            raise ParseError(
                f"has more than {limits.max_columns:,} columns (row {number:,})", where=where
            )
        yield row
