"""What every gate service shares: small helpers. (A busy database is answered once for every
app: ``openpmo.common.busy``, a 503 "try again" page or API response.)"""

from __future__ import annotations

from typing import Any, ParamSpec, TypeVar

from openpmo.common.busy import BUSY  # noqa: F401  (re-exported, as before)
from openpmo.common.services import SYSTEM
from openpmo.portfolio.models import Programme, WorkPackage

P = ParamSpec("P")


R = TypeVar("R")


def _is_system(actor: Any) -> bool:
    return actor is SYSTEM


def _programme_of(work_package: WorkPackage) -> Programme:
    return work_package.strand.pillar.programme
