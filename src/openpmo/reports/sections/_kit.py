"""What every section shares: the scope, the snapshot's value helpers and the section registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpmo.audit.selectors import as_at_copies
from openpmo.portfolio.models import Pillar, Programme, WorkPackage

ZERO = Decimal(0)


CENT = Decimal("0.01")


Section = dict[str, Any]


Builder = Callable[["Scope"], Section]


_SHARED: ContextVar[dict[int, dict[str, Any]] | None] = ContextVar("shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Inside this block every snapshot of a programme reuses its programme-wide reads (work
    packages, money, schedule). Only for batches in which those do not change, such as loading
    the demo's reports; a person's request never uses it."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


# The work package fields that hold only their current value, wound back to a report's date.
AS_AT_FIELDS = [
    "strand",
    "stage",
    "rag_status",
    "delivery_confidence",
    "delivery_confidence_reason",
    "baseline_start",
    "baseline_end",
    "forecast_start",
    "forecast_end",
    "budget_envelope",
]


@dataclass
class Scope:
    """What a report covers (a programme, one pillar or one work package) and for which month.

    Every figure is as at ``as_at``, the end of the month: dated entries up to that day, and
    fields that keep only their current value wound back through the audit trail.

    ``cache`` holds programme-wide reads (money, schedule, tracker) so that sections sharing one
    read it once per snapshot, whatever the number of work packages.
    """

    programme: Programme
    period: dt.date  # the first day of the month
    pillar: Pillar | None = None
    work_package: WorkPackage | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def month_end(self) -> dt.date:
        following = (self.period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)

    @property
    def as_at(self) -> dt.date:
        """The day the report's figures are as at: the last day of its month."""
        return self.month_end

    @property
    def pillar_id(self) -> int | None:
        if self.work_package is not None:
            return self.work_package.strand.pillar_id
        return self.pillar.pk if self.pillar is not None else None

    def memo(self, key: str, read: Callable[[], Any], *, dated: bool = True) -> Any:
        """``read()`` once per programme (and per month's end, unless ``dated`` is false: a read
        that does not depend on the report's date, such as the schedule)."""
        shared = _SHARED.get()
        cache = self.cache if shared is None else shared.setdefault(self.programme.pk, {})
        if dated:  # reads as at one month's end differ from those as at another
            key = f"{key}@{self.as_at.isoformat()}"
        if key not in cache:
            cache[key] = read()
        return cache[key]

    def work_packages(self) -> list[WorkPackage]:
        """The work packages in scope as they stood at ``as_at`` (stage, RAG, confidence, dates,
        budget and strand wound back through the audit trail), read once (two queries)."""

        def read() -> list[WorkPackage]:
            packages = WorkPackage.objects.filter(
                strand__pillar__programme=self.programme
            ).select_related("strand__pillar", "owner")
            ordered = list(packages.order_by("strand__pillar__order", "reference"))
            return as_at_copies(ordered, AS_AT_FIELDS, self.as_at)

        everything = self.memo("work_packages", read)
        if self.work_package is not None:
            return [wp for wp in everything if wp.pk == self.work_package.pk]
        if self.pillar is not None:
            return [wp for wp in everything if wp.strand.pillar_id == self.pillar.pk]
        return everything

    def in_scope(self, work_package_id: int | None, pillar_id: int | None = None) -> bool:
        if self.work_package is not None:
            return work_package_id == self.work_package.pk
        if self.pillar is not None:
            if pillar_id is not None:
                return pillar_id == self.pillar.pk
            return work_package_id in {wp.pk for wp in self.work_packages()}
        return True


def money(value: Decimal | int | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT))


def number(value: Decimal | int | float | None) -> str | None:
    return None if value is None else str(Decimal(str(value)))


def day(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def long_date(value: dt.date) -> str:
    """31 October 2023: how a report names the day its figures are as at."""
    return f"{value.day} {value:%B %Y}"


def column(label: str, type: str = "text") -> dict[str, str]:  # noqa: A002 (the cell type)
    return {"label": label, "type": type}


def table(
    key: str, caption: str, columns: list[dict[str, str]], rows: Iterable[list[Any]]
) -> dict[str, Any]:
    return {"key": key, "caption": caption, "columns": columns, "rows": [list(r) for r in rows]}


def fact(label: str, value: Any, type: str = "text") -> dict[str, Any]:  # noqa: A002
    return {"label": label, "value": value, "type": type}


def _section(key: str, title: str, **parts: Any) -> Section:
    return {
        "key": key,
        "title": title,
        "available": True,
        "note": parts.pop("note", ""),
        "facts": parts.pop("facts", []),
        "tables": parts.pop("tables", []),
        "charts": parts.pop("charts", []),
        "text": parts.pop("text", []),
    }


# Every section by key. The reports' own modules register theirs on import; sections drawn from the
# apps above reports (planning's prioritisation, resources' capacity and team) are registered by
# those apps in their ``AppConfig.ready()``. ``snapshots.KIND_SECTIONS`` says which print where.
SECTIONS: dict[str, Builder] = {}


def section(key: str, title: str) -> Callable[[Builder], Builder]:
    """Register a section builder under ``key``. The builder reads the other apps' selectors
    itself (imported at the top of its module); an error in one fails the report, so a broken
    selector fails a test instead of printing "not available" in a board pack."""

    def wrap(build: Builder) -> Builder:
        SECTIONS[key] = build
        return build

    return wrap
