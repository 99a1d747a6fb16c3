"""Reads of reports: lists, one report, and the reporting calendar. Fixed query counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import QuerySet

from openpmo.audit.selectors import latest_change
from openpmo.common.db import filter_given
from openpmo.core.money import Month
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.models import Pillar, Programme, WorkPackage
from openpmo.reports.choices import DUE_DAYS_AFTER_MONTH_END, ReportKind, ReportStatus
from openpmo.reports.models import Report


def parse_period(text: str | None) -> dt.date | None:
    """``"2024-03"`` as the first day of that month; None when it is not a month."""
    if not text:
        return None
    try:
        year, month = (int(part) for part in str(text).split("-")[:2])
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return None


def month_end(period: dt.date) -> dt.date:
    return Month.of(period).last_day


def add_months(period: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``period``'s."""
    return (Month.of(period) + months).first_day


def report_list(
    *,
    programme: Programme | int | None = None,
    period: dt.date | None = None,
    kind: str = "",
    status: str = "",
    pillar: Pillar | int | None = None,
) -> QuerySet[Report]:
    """Reports without their snapshots (which only one report's page needs)."""
    reports = Report.objects.select_related(
        "programme", "pillar", "work_package", "created_by", "submitted_by", "decided_by"
    ).defer("snapshot")
    return filter_given(
        reports, programme=programme, period=period, kind=kind, status=status, pillar=pillar
    )


def report_get(pk: int) -> Report:
    return Report.objects.select_related(
        "programme",
        "pillar__sponsor",
        "work_package__strand__pillar__sponsor",
        "work_package__owner",
        "created_by",
        "submitted_by",
        "decided_by",
    ).get(pk=pk)


def board_pack_for(programme: Programme, period: dt.date) -> Report | None:
    return (
        Report.objects.filter(programme=programme, kind=ReportKind.BOARD_PACK, period=period)
        .select_related("programme", "created_by", "submitted_by", "decided_by")
        .first()
    )


def latest_period(programme: Programme | None) -> dt.date | None:
    report = Report.objects.filter(programme=programme).order_by("-period").first()
    return report.period if report else None


# -- the reporting calendar ------------------------------------------------------------------------


@dataclass
class CalendarItem:
    kind: str
    label: str
    due: dt.date
    pillar: Pillar | None = None
    work_package: WorkPackage | None = None
    report: Report | None = None
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def status(self) -> str:
        return self.report.status if self.report else "not_started"

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else "Not started"

    @property
    def overdue(self) -> bool:
        return self.today > self.due and self.status != ReportStatus.APPROVED

    @property
    def approved_this_month(self) -> bool:
        return bool(
            self.report
            and self.report.approved_at
            and (self.report.approved_at.year, self.report.approved_at.month)
            == (self.today.year, self.today.month)
        )


@dataclass
class ReportingCalendar:
    programme: Programme
    period: dt.date
    today: dt.date
    items: list[CalendarItem]

    @property
    def previous(self) -> dt.date:
        return add_months(self.period, -1)

    @property
    def next(self) -> dt.date:
        return add_months(self.period, 1)

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def due(self) -> int:
        return len(self.items)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)

    @property
    def submitted(self) -> int:
        return self.count(ReportStatus.SUBMITTED)

    @property
    def approved(self) -> int:
        return self.count(ReportStatus.APPROVED)

    @property
    def not_started(self) -> int:
        return self.count("not_started")


def review_months(programme: Programme) -> dict[str, dt.date]:
    """When the 12-month review (§2.2) and the halfway review (§3.23) fall due."""
    months: dict[str, dt.date] = {}
    if programme.start_date:
        start = programme.start_date.replace(day=1)
        months[ReportKind.TWELVE_MONTH_REVIEW] = add_months(start, 12)
        if programme.end_date:
            end = programme.end_date.replace(day=1)
            span = (end.year - start.year) * 12 + end.month - start.month
            months[ReportKind.HALFWAY_REVIEW] = add_months(start, span // 2)
    return months


def reporting_calendar(
    programme: Programme, period: dt.date, *, today: dt.date | None = None
) -> ReportingCalendar:
    """Which reports are due for ``period``, by when, and where each stands: three queries."""
    today = today or dt.date.today()
    due = month_end(period) + dt.timedelta(days=DUE_DAYS_AFTER_MONTH_END)
    reports = list(report_list(programme=programme, period=period))
    by_key = {(r.kind, r.pillar_id, r.work_package_id): r for r in reports}
    items: list[CalendarItem] = []
    running = (programme.start_date is None or period >= programme.start_date.replace(day=1)) and (
        programme.end_date is None or period <= programme.end_date
    )

    def add(
        kind: str, label: str, pillar: Pillar | None = None, wp: WorkPackage | None = None
    ) -> None:
        key = (kind, pillar.pk if pillar else None, wp.pk if wp else None)
        items.append(
            CalendarItem(
                kind=kind,
                label=label,
                due=due,
                pillar=pillar,
                work_package=wp,
                report=by_key.pop(key, None),
                today=today,
            )
        )

    if running:
        for pillar in Pillar.objects.filter(programme=programme).select_related("sponsor"):
            add(ReportKind.PILLAR_HIGHLIGHT, f"Highlight report: {pillar.name}", pillar=pillar)
        for wp in WorkPackage.objects.filter(
            strand__pillar__programme=programme, stage=Stage.DELIVERY
        ).select_related("owner", "strand__pillar"):
            add(
                ReportKind.WORK_PACKAGE_HIGHLIGHT,
                f"Highlight report: {wp.reference} {wp.name}",
                wp=wp,
            )
        add(ReportKind.BOARD_PACK, "Investment board pack")
        add(ReportKind.CABINET_UPDATE, "Cabinet Member update")
    for kind, month in review_months(programme).items():
        if month == period:
            add(kind, ReportKind(kind).label)
    # Reports made for this month that the calendar did not ask for (a work package that has
    # since left delivery, say) are still shown.
    for report in by_key.values():
        items.append(
            CalendarItem(
                kind=report.kind,
                label=report.title,
                due=due,
                pillar=report.pillar,
                work_package=report.work_package,
                report=report,
                today=today,
            )
        )
    return ReportingCalendar(programme=programme, period=period, today=today, items=items)


# -- the board pack --------------------------------------------------------------------------------


@dataclass
class Document:
    """What a copy of a report prints: the stored report (None for a live preview) and its
    snapshot."""

    report: Report | None
    snapshot: dict


CALENDAR_SECONDS = 300
"""how long a month's reporting calendar is kept for "What waits for you" (its key holds the day
and the latest audited write, so a report drafted, submitted or approved shows at once)"""


def reporting_calendar_kept(
    programme: Programme, period: dt.date, *, today: dt.date
) -> ReportingCalendar:
    """``reporting_calendar``, the same for everyone: worked out once per programme, month, day
    and state of the data, and kept (every person's "What waits for you" reads it)."""
    key = f"reports:calendar:{programme.pk}:{period:%Y-%m}:{today}:{latest_change()}"
    calendar = cache.get(key)
    if calendar is None:
        calendar = reporting_calendar(programme, period, today=today)
        cache.set(key, calendar, CALENDAR_SECONDS)
    return calendar


def report_document(report: Report) -> Document:
    return Document(report=report, snapshot=report.snapshot)


def board_pack_document(programme: Programme, period: dt.date) -> Document:
    """The month's board pack: the governed report when one was drafted (frozen once approved),
    else a live preview built now (nothing is saved)."""
    from openpmo.reports.snapshots import build_snapshot

    report = board_pack_for(programme, period)
    if report is not None:
        return Document(report=report, snapshot=report.snapshot)
    return Document(
        report=None,
        snapshot=build_snapshot(kind=ReportKind.BOARD_PACK, programme=programme, period=period),
    )
