"""What waits for one person ("My work"): every queue in one list, each item linking to the place
to act. Reads only; the services and the daily reminder job build on ``my_work``.

| item | who sees it | due |
|---|---|---|
| gate request to quality-assure | the PMO, except whoever submitted it | when submitted |
| gate request to decide | holders of delegated authority on its programme, except the submitter | when forwarded |
| highlight report to write or submit | the pillar's sponsor, the work package's manager, the PMO (programme reports) | 10 days after the month |
| report to approve | its approvers, except whoever submitted it | 10 days after the month |
| benefit actual to record | the benefit's owner | the end of the grace months after the month |
| condition action, RAID action | its owner, when overdue or due within 14 days | its due date |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse

from openpmo.accounts.models import User
from openpmo.accounts.roles import Role
from openpmo.benefits.models import Benefit, BenefitActual, ProfileMonth, TrackerSettings
from openpmo.gates.choices import ActionStatus as GateActionStatus
from openpmo.gates.choices import RequestStatus
from openpmo.gates.models import ConditionAction, GateRequest
from openpmo.gates.selectors import authority_limit_for
from openpmo.portfolio.models import Programme
from openpmo.portfolio.permissions import sponsors
from openpmo.reports.choices import ReportStatus
from openpmo.reports.selectors import add_months, month_end, reporting_calendar_kept
from openpmo.risks.choices import ActionStatus as RaidActionStatus
from openpmo.risks.models import RaidAction
from openpmo.work.choices import HORIZON_DAYS, Frequency
from openpmo.work.models import Notification, NotificationSetting


@dataclass(frozen=True)
class WorkItem:
    """One thing a person must do, and where to do it."""

    key: str  # what it is about, stable across days: "gate_request:12", "report:pillar:3:2026-10"
    category: str  # "Quality-assure", "Decide", "Write", "Submit", "Approve", "Record", "Complete"
    title: str
    url: str
    due: dt.date | None
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < self.today

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - self.today).days

    def as_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "category": self.category,
            "title": self.title,
            "url": self.url,
            "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue,
        }


def _gate_requests(user: User, today: dt.date) -> list[WorkItem]:
    items: list[WorkItem] = []
    rows = (
        GateRequest.objects.filter(status__in=[RequestStatus.SUBMITTED, RequestStatus.FORWARDED])
        .exclude(submitted_by=user)
        .select_related("work_package__strand__pillar__programme", "gate")
        .order_by("submitted_at")
    )
    authority: dict[int, bool] = {}
    for request in rows:
        wp = request.work_package
        if request.status == RequestStatus.SUBMITTED:
            if not user.has_role(Role.PMO):
                continue
            category, url = "Quality-assure", "gates:request-quality-assure"
        else:
            programme = wp.strand.pillar.programme
            if programme.pk not in authority:
                authority[programme.pk] = authority_limit_for(user, programme) is not None
            if not authority[programme.pk]:
                continue
            category, url = "Decide", "gates:request-decide"
        items.append(
            WorkItem(
                key=f"gate_request:{request.pk}",
                category=category,
                title=f"{wp.reference} {wp.name}: {request.gate}",
                url=reverse(url, args=[request.pk]),
                due=None,
                today=today,
            )
        )
    return items


def _is_writer(user: User, item: object) -> bool:
    pillar = getattr(item, "pillar", None)
    work_package = getattr(item, "work_package", None)
    if work_package is not None:
        return work_package.owner_id == user.pk or sponsors(user, work_package.strand.pillar)
    if pillar is not None:
        return sponsors(user, pillar)
    return user.has_role(Role.PMO)


def _reports(user: User, programme: Programme, today: dt.date) -> list[WorkItem]:
    """The reports of last month (and this month, once its due date is within the horizon)."""
    items: list[WorkItem] = []
    this_month = today.replace(day=1)
    for period in (add_months(this_month, -1), this_month):
        calendar = reporting_calendar_kept(programme, period, today=today)
        for entry in calendar.items:
            if entry.due > today + dt.timedelta(days=HORIZON_DAYS):
                continue
            report = entry.report
            status = report.status if report else "not_started"
            label = f"{entry.label} ({period:%B %Y})"
            if status in ("not_started", ReportStatus.DRAFT, ReportStatus.RETURNED):
                if not _is_writer(user, entry):
                    continue
                if report is None:
                    category, url = "Write", _new_report_url(entry, period)
                else:
                    category = "Submit"
                    url = reverse("reports:report-detail", args=[report.pk])
            elif status == ReportStatus.SUBMITTED:
                if report.submitted_by_id == user.pk or not user.has_perm(
                    "reports.approve_report", report
                ):
                    continue
                category, url = "Approve", reverse("reports:report-detail", args=[report.pk])
            else:
                continue
            scope = entry.work_package or entry.pillar
            items.append(
                WorkItem(
                    key=f"report:{entry.kind}:{getattr(scope, 'pk', programme.pk)}:{period:%Y-%m}",
                    category=category,
                    title=label,
                    url=url,
                    due=entry.due,
                    today=today,
                )
            )
    return items


def _new_report_url(entry: object, period: dt.date) -> str:
    query = f"?kind={entry.kind}&period={period:%Y-%m}"  # type: ignore[attr-defined]
    if entry.pillar is not None:  # type: ignore[attr-defined]
        query += f"&pillar={entry.pillar.pk}"  # type: ignore[attr-defined]
    if entry.work_package is not None:  # type: ignore[attr-defined]
        query += f"&work_package={entry.work_package.pk}"  # type: ignore[attr-defined]
    return reverse("reports:report-create") + query


def _benefit_actuals(user: User, today: dt.date) -> list[WorkItem]:
    """Months of the current profile with a planned value and no actual, within a year back."""
    items: list[WorkItem] = []
    graces = dict(TrackerSettings.objects.values_list("programme_id", "grace_months"))
    earliest = add_months(today.replace(day=1), -12)
    planned = (
        ProfileMonth.objects.filter(
            profile__is_current=True,
            profile__benefit__owner=user,
            month__gte=earliest,
            month__lt=today.replace(day=1),
        )
        .exclude(value=0)
        .annotate(
            recorded=Exists(
                BenefitActual.objects.filter(
                    benefit=OuterRef("profile__benefit"), month=OuterRef("month")
                )
            )
        )
        .filter(recorded=False)
        .select_related("profile__benefit__pillar")
        .order_by("month")
    )
    for row in planned:
        benefit: Benefit = row.profile.benefit
        grace = graces.get(benefit.pillar.programme_id, 1)
        due = month_end(add_months(row.month, grace))
        if due > today + dt.timedelta(days=HORIZON_DAYS):
            continue
        items.append(
            WorkItem(
                key=f"benefit_actual:{benefit.pk}:{row.month:%Y-%m}",
                category="Record",
                title=f"Actual for {benefit.reference} {benefit.title} ({row.month:%B %Y})",
                url=reverse("benefits:actual-record", args=[benefit.pk]),
                due=due,
                today=today,
            )
        )
    return items


def _actions(user: User, today: dt.date) -> list[WorkItem]:
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    items = [
        WorkItem(
            key=f"condition_action:{action.pk}",
            category="Complete",
            title=f"Condition: {action.description[:120]}",
            url=reverse("gates:actions"),
            due=action.due_on,
            today=today,
        )
        for action in ConditionAction.objects.filter(
            owner=user, status=GateActionStatus.OPEN, due_on__lte=horizon
        )
    ]
    items += [
        WorkItem(
            key=f"raid_action:{action.pk}",
            category="Complete",
            title=f"{action.item.reference}: {action.description[:120]}",
            url=reverse("risks:action-edit", args=[action.pk]),
            due=action.due_on,
            today=today,
        )
        for action in RaidAction.objects.filter(
            owner=user, status=RaidActionStatus.OPEN, due_on__lte=horizon
        ).select_related("item")
    ]
    return items


def my_work(user: User, *, today: dt.date | None = None) -> list[WorkItem]:
    """Everything waiting for ``user``: overdue first, then by due date, then undated."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    today = today or dt.date.today()
    items = _gate_requests(user, today)
    for programme in Programme.objects.order_by("pk"):
        items += _reports(user, programme, today)
    items += _benefit_actuals(user, today)
    items += _actions(user, today)
    return sorted(items, key=lambda i: (i.due is None, i.due or today, i.category, i.title))


def notification_setting_for(user: User) -> str:
    setting = NotificationSetting.objects.filter(person=user).first()
    return setting.frequency if setting else Frequency.IMMEDIATE


def notifications_of(user: User, *, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user)[:limit])
