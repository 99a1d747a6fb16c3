"""One reading of an id in an API filter (``?pillar=12``), the same on SQLite and PostgreSQL.

An id is a whole number from 0 to 2**63 - 1 (the largest a database id column holds). Anything
else (``abc``, ``-1``, ``1.5``, ``１２`` in full-width digits, a number beyond any id) is a 400
naming the parameter, rather than a filter silently ignored, a 500 where SQLite overflows, or no
match where PostgreSQL compares it. An empty or absent parameter is no filter at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.exceptions import ValidationError

__all__ = ["LARGEST_ID", "id_param", "id_params"]

LARGEST_ID = 2**63 - 1
NOT_AN_ID = "must be an id: a whole number such as 12"
BEYOND = "is beyond any id or count"


def id_param(request: Any, name: str, *, required: bool = False, message: str = "") -> int | None:
    """The id in query parameter ``name``, or None when it is absent or empty (a 400 when it is
    ``required``: ``message`` then says what to give)."""
    text = request.query_params.get(name, "").strip()
    if not text:
        if required:
            raise ValidationError({name: [message or "is required: give an id"]})
        return None
    if not (text.isascii() and text.isdigit()):
        raise ValidationError({name: [message or NOT_AN_ID]})
    value = int(text)
    if value > LARGEST_ID:
        raise ValidationError({name: [BEYOND]})
    return value


def id_params(request: Any, names: Iterable[str]) -> dict[str, int]:
    """The ids given among ``names`` (``{"pillar": 3}``); every bad one is named in one 400."""
    found: dict[str, int] = {}
    errors: dict[str, Any] = {}
    for name in names:
        try:
            value = id_param(request, name)
        except ValidationError as error:
            errors.update(error.detail)
            continue
        if value is not None:
            found[name] = value
    if errors:
        raise ValidationError(errors)
    return found
