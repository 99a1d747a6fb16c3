"""Uploads on the pages and the API: the limits of :mod:`openpmo.limits` as Django refusals.

``checked(kind, upload)`` returns the upload, or raises Django's ``ValidationError`` with the same
message the command line prints for the same file; form ``clean_<field>`` methods, serializer
``validate_<field>`` methods and services all call it, so a file is refused the same way
wherever it arrives, before anything is read or saved.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from openpmo import limits
from openpmo.limits import DOCUMENT, EVIDENCE, SCHEDULE, SPREADSHEET, Kind

__all__ = ["DOCUMENT", "EVIDENCE", "SCHEDULE", "SPREADSHEET", "checked", "checked_bytes"]


def checked(kind: Kind, upload: Any, *, field: str | None = None) -> Any:
    try:
        return limits.check_upload(kind, upload)
    except limits.UploadTooLarge as error:
        raise ValidationError({field: str(error)} if field else str(error)) from None


def checked_bytes(kind: Kind, name: str, data: bytes, *, field: str | None = None) -> bytes:
    try:
        limits.check_size(kind, name, len(data))
    except limits.UploadTooLarge as error:
        raise ValidationError({field: str(error)} if field else str(error)) from None
    return data
