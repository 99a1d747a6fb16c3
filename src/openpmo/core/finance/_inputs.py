"""Reading the fields of input files: each helper names the field it refuses (``where=``).

Private to ``openpmo.core.finance``. YAML is read with ``openpmo.core.safe_yaml`` only (no aliases), and every file is
read through :func:`read_text` so that a missing file, a folder or undecodable bytes become one-line
``ParseError``s rather than tracebacks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpmo.core import safe_yaml
from openpmo.core.errors import ParseError, ValidationError
from openpmo.core.money import FinancialYear, check_magnitude, parse_money

MAX_FILE_BYTES = 20_000_000
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a file, or a ``ParseError`` that says why it cannot be read."""
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(2, "No such file", str(file))
    if file.is_dir():
        raise ParseError("is a folder, not a file", where=str(file))
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ParseError(f"cannot be read ({error.strerror})", where=str(file)) from None
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(f"is larger than {MAX_FILE_BYTES:,} bytes", where=str(file))
    return data


def read_text(path: str | Path) -> str:
    data = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParseError("is not UTF-8 text", where=str(path)) from None


def load_yaml_mapping(path: str | Path) -> Mapping[str, Any]:
    """A YAML file whose top level is a mapping, read safely."""
    text = read_text(path)
    document = safe_yaml.load(text, where=str(path))
    if not isinstance(document, Mapping):
        raise ParseError("must hold a YAML mapping (field: value) at the top", where=str(path))
    return document


def require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in mapping or mapping[key] is None:
        raise ValidationError("is missing", where=f"{where}.{key}" if where else key)
    return mapping[key]


def as_mapping(value: object, where: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError("must be a mapping (name: value pairs)", where=where)
    return value


def as_list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError("must be a list", where=where)
    return value


def as_text(value: object, where: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise ValidationError("must be some text", where=where)
    return str(value).strip()


def as_number(value: object, where: str, *, minimum: Decimal | None = None) -> Decimal:
    """A plain number (an FTE, a rate): ints, Decimals, floats (through ``str``) or numeric text."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(f"expected a number, got {value!r}", where=where)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str) and _NUMBER.match(value.strip()):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern already refused it
            raise ValidationError(f"{value!r} is not a number", where=where) from None
    else:
        raise ValidationError(f"{value!r} is not a number", where=where)
    if not number.is_finite():
        raise ValidationError(f"{value!r} is not a number", where=where)
    check_magnitude(number, where=where)
    if minimum is not None and number < minimum:
        raise ValidationError(f"must be at least {minimum}, got {number}", where=where)
    return number


def as_money(value: object, where: str, *, minimum: Decimal | None = None) -> Decimal:
    amount = parse_money(value, where=where)
    if minimum is not None and amount < minimum:
        raise ValidationError(f"must be at least {minimum}, got {amount}", where=where)
    return amount


def as_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(f"{value!r} is not a date; write it like 2022-10-01", where=where)


def as_year(value: object, where: str) -> FinancialYear:
    if isinstance(value, FinancialYear):
        return value
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValidationError(f"{value!r} is not a financial year", where=where)
    return FinancialYear.parse(value, where=where)


def money_by_year(value: object, where: str) -> dict[FinancialYear, Decimal]:
    """``{2023/24: 1200, ...}`` read into financial years and amounts, naming any bad entry."""
    amounts: dict[FinancialYear, Decimal] = {}
    for key, amount in as_mapping(value, where).items():
        year = as_year(key, f"{where}.{key}")
        if year in amounts:
            raise ValidationError(f"{year} is given twice", where=where)
        amounts[year] = as_money(amount, f"{where}.{key}")
    return amounts
