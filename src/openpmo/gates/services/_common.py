"""What every gate service shares: the busy-database guard and small helpers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import OperationalError

from openpmo.common.services import (
    SYSTEM,
    ConflictError,
)
from openpmo.portfolio.models import Programme, WorkPackage

P = ParamSpec("P")


R = TypeVar("R")


BUSY = "The database is busy with another change, so nothing was saved. Try again in a moment."


def _refuse_when_busy(function: Callable[P, R]) -> Callable[P, R]:
    """A locked SQLite database or a PostgreSQL deadlock becomes a clean ``ConflictError``."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except OperationalError as error:
            text = str(error).lower()
            if "locked" in text or "busy" in text or "deadlock" in text:
                raise ConflictError(BUSY) from error
            raise

    return wrapper


def _is_system(actor: Any) -> bool:
    return actor is SYSTEM


def _programme_of(work_package: WorkPackage) -> Programme:
    return work_package.strand.pillar.programme
