"""How large an upload of each kind may be: one limit per kind, the same on the pages, the API and
the ``openpmo`` command line, set from the environment.

| variable | what it limits | default |
|---|---|---|
| ``OPENPMO_MAX_SCHEDULE_MB`` | a Microsoft Project XML (MSPDI) file | 20 |
| ``OPENPMO_MAX_SCHEDULE_TASKS`` | tasks and milestones in one schedule | 10000 |
| ``OPENPMO_MAX_SPREADSHEET_MB`` | an Excel workbook or CSV file (registers, team, spend, tables) | 10 |
| ``OPENPMO_MAX_DOCUMENT_MB`` | a YAML document (appraisal, reserve, planning problem) | 1 |
| ``OPENPMO_MAX_EVIDENCE_MB`` | a file attached as evidence of a benefit's actual | 10 |

A file over its limit is refused before it is read, with one message naming the file and the
limit (:class:`UploadTooLarge`), and nothing is saved. The limits are read each time they are
checked, so a changed setting applies without a restart of the command line. This module never
imports Django: the command line uses it too.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpmo.core.errors import ParseError

__all__ = [
    "DOCUMENT",
    "EVIDENCE",
    "KINDS",
    "SCHEDULE",
    "SPREADSHEET",
    "Kind",
    "UploadTooLarge",
    "check_file",
    "check_size",
    "check_task_count",
    "check_upload",
    "kind_of",
    "max_schedule_tasks",
    "read_file",
]


class UploadTooLarge(ParseError):
    """A file beyond the limit of its kind (the message names the file and the limit)."""


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    env: str
    default_mb: float

    @property
    def max_mb(self) -> float:
        return _positive(self.env, self.default_mb)

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)


SCHEDULE = Kind("schedule", "schedule file", "OPENPMO_MAX_SCHEDULE_MB", 20)
SPREADSHEET = Kind("spreadsheet", "spreadsheet", "OPENPMO_MAX_SPREADSHEET_MB", 10)
DOCUMENT = Kind("document", "document", "OPENPMO_MAX_DOCUMENT_MB", 1)
EVIDENCE = Kind("evidence", "evidence file", "OPENPMO_MAX_EVIDENCE_MB", 10)
KINDS = {kind.name: kind for kind in (SCHEDULE, SPREADSHEET, DOCUMENT, EVIDENCE)}

TASKS_ENV = "OPENPMO_MAX_SCHEDULE_TASKS"
DEFAULT_MAX_TASKS = 10_000


def _positive(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ParseError(f"{text!r} is not a number of megabytes", where=name) from None
    if not 0 < value < 1_000_000:
        raise ParseError(f"{text!r} must be a positive number", where=name)
    return value


def _size(size: float) -> str:
    """``3 MB``, ``2.5 MB``, or ``30 KB`` below a megabyte."""
    if size < 1024 * 1024:
        return f"{math.ceil(size / 1024):,} KB"
    return f"{size / 1024 / 1024:,.1f}".removesuffix(".0") + " MB"


def check_size(kind: Kind, name: str, size: int | None) -> None:
    """Refuse ``size`` bytes of a file of ``kind`` beyond its limit, naming the file and limit."""
    if size is not None and size > kind.max_bytes:
        shown = Path(name or "the file").name[:120]
        raise UploadTooLarge(
            f"{shown} is {_size(size)}: the largest {kind.label} accepted is "
            f"{_size(kind.max_bytes)}."
        )


def check_upload(kind: Kind, upload: Any) -> Any:
    """Check an uploaded file (anything with ``name`` and ``size``, as Django's) and return it."""
    if upload is not None:
        check_size(kind, getattr(upload, "name", "") or "the file", getattr(upload, "size", None))
    return upload


def check_file(path: str | os.PathLike[str], kind: Kind) -> Path:
    """Refuse a file named on the command line beyond the limit of its kind, before reading it
    (a missing file is left to the reader, which says so)."""
    file = Path(path)
    if file.exists() and not file.is_file():
        raise ParseError("is a folder, not a file", where=str(file))
    if file.exists():
        check_size(kind, file.name, file.stat().st_size)
    return file


def kind_of(path: str | os.PathLike[str]) -> Kind:
    """The kind of a file named on the command line, by its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".csv"}:
        return SPREADSHEET
    if suffix == ".xml":
        return SCHEDULE
    return DOCUMENT


def read_file(path: str | os.PathLike[str], kind: Kind) -> bytes:
    """The bytes of a file named on the command line, refused before reading when too large."""
    return check_file(path, kind).read_bytes()


def max_schedule_tasks() -> int:
    return int(_positive(TASKS_ENV, DEFAULT_MAX_TASKS))


def check_task_count(name: str, count: int) -> None:
    """Refuse a schedule with more tasks and milestones than one schedule may hold."""
    limit = max_schedule_tasks()
    if count > limit:
        shown = Path(name or "the file").name[:120]
        raise UploadTooLarge(
            f"{shown} holds {count:,} tasks: the largest schedule accepted holds {limit:,}."
        )
