"""The values of a Microsoft Project XML file, read from their text with errors that say where.

Shared by both ways of reading a file (:mod:`._mspdi` with lxml's tree, :mod:`._mspdi_scan`
over the bytes), which hand over each element's fields as ``{local name: text}``, so that a value
means the same whichever way it was found.

Units in MSPDI: durations are ISO 8601 (``PT64H0M0S``, working time); ``LinkLag``, ``TotalSlack``
and ``FreeSlack`` are tenths of a minute (4800 = one 8-hour day); an absent slack is zero.
"""

from __future__ import annotations

import re
from datetime import datetime

from openpmo.core.errors import ParseError

NAMESPACE = "http://schemas.microsoft.com/project"
ELAPSED_FORMATS = {4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52}
PERCENT_FORMATS = {19, 20, 51, 52}
_DURATION = re.compile(
    r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
PLAIN_HOURS = re.compile(r"PT(\d+)H(\d+)M0S")  # how Project writes almost every duration
BINARY = {"0": False, "1": True, None: False}

Fields = dict[str, str | None]  # an element's children's text by local name, the first of a name


def text(fields: Fields, name: str) -> str | None:
    found = fields.get(name)
    return None if found is None else found.strip()


def integer(fields: Fields, name: str, where: str, default: int | None = None) -> int | None:
    raw = text(fields, name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw) if raw.isdigit() else int(float(raw))
    except (ValueError, OverflowError):
        raise ParseError(f"{name} is not a number: {raw[:40]!r}", where=where) from None
    return _bounded(value, name, raw, where)


# No count, lag or duration in a schedule comes near 10**15 (tenths of a minute: 190 million
# years); a larger one is a damaged or hostile file and would overflow the engine's int64 columns.
_LARGEST = 10**15


def _bounded(value: int, name: str, raw: str, where: str) -> int:
    if -_LARGEST < value < _LARGEST:
        return value
    raise ParseError(f"{name} is out of range: {raw[:40]!r}", where=where)


def flag(fields: Fields, name: str, where: str) -> bool:
    return integer(fields, name, where, 0) == 1


def quick_flag(fields: Fields, name: str, where: str) -> bool:
    raw = fields.get(name)
    if raw in BINARY:
        return BINARY[raw]
    return flag(fields, name, where)


def quick_integer(fields: Fields, name: str, where: str, default: int | None) -> int | None:
    raw = fields.get(name)
    if raw is not None and raw.isdigit() and len(raw) < 16:
        return int(raw)
    return integer(fields, name, where, default)


def moment(fields: Fields, name: str, where: str) -> datetime | None:
    raw = text(fields, name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=None)
    except ValueError:
        raise ParseError(f"{name} is not a date and time: {raw!r}", where=where) from None


def duration_minutes(fields: Fields, name: str, where: str) -> int | None:
    raw = text(fields, name)
    if not raw:
        return None
    plain = PLAIN_HOURS.fullmatch(raw)
    if plain is not None:
        return int(plain[1]) * 60 + int(plain[2])
    match = _DURATION.match(raw)
    if match is None:
        raise ParseError(f"{name} is not an ISO 8601 duration: {raw!r}", where=where)
    sign, days, hours, minutes, seconds = match.groups()
    total = (
        float(days or 0) * 1440
        + float(hours or 0) * 60
        + float(minutes or 0)
        + float(seconds or 0) / 60
    )
    return -round(total) if sign else round(total)
