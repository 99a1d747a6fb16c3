"""What each governed event tells whom. The domain services raise a notice
(``openpmo.common.notices``) right after their change; ``listen()``, called from the work app's
``ready()``, answers each through ``services.notify_later``, so mail goes only once it has
committed.

| event | who is told |
|---|---|
| gate request submitted | the PMO (to quality-assure) |
| gate request returned | whoever submitted it |
| gate request forwarded | holders of delegated authority on its programme |
| gate decision recorded | the submitter, the work package's manager, the pillar's sponsor |
| report submitted | its approvers (the PMO; the pillar's sponsor for a highlight report) |
| report returned, approved | whoever submitted it |
"""

from __future__ import annotations

from django.urls import reverse

from openpmo.accounts.models import User
from openpmo.accounts.roles import Role
from openpmo.common.notices import Notice, notice_listen
from openpmo.gates.models import Decision, DelegatedAuthority, GateRequest
from openpmo.reports.models import Report
from openpmo.work.choices import NotificationKind
from openpmo.work.services import notify, notify_later


def _pmo() -> list[User]:
    return list(User.objects.filter(groups__name=Role.PMO, is_active=True))


def _request_label(request: GateRequest) -> str:
    wp = request.work_package
    return f"{wp.reference} {wp.name}: {request.gate}"


def gate_request_submitted(request: GateRequest) -> None:
    def build() -> None:
        notify(
            recipients=_pmo(),
            kind=NotificationKind.SUBMITTED,
            item_key=f"gate_request:{request.pk}",
            subject=f"Gate request to quality-assure: {_request_label(request)}",
            body=f"{request.submitted_by or 'Someone'} submitted a gate request for "
            f"{_request_label(request)}. It waits for PMO quality assurance.",
            link=reverse("gates:request-quality-assure", args=[request.pk]),
            exclude=request.submitted_by,
        )

    notify_later(build)


def gate_request_quality_assured(request: GateRequest) -> None:
    def build() -> None:
        if request.quality_assured_at and request.status == "returned":
            notify(
                recipients=[request.submitted_by],
                kind=NotificationKind.RETURNED,
                item_key=f"gate_request:{request.pk}",
                subject=f"Gate request returned: {_request_label(request)}",
                body=f"The PMO returned your gate request with comments:\n\n"
                f"{request.quality_comments}",
                link=reverse("gates:request-detail", args=[request.pk]),
            )
            return
        programme = request.work_package.strand.pillar.programme
        roles = DelegatedAuthority.objects.filter(programme=programme).values_list(
            "role", flat=True
        )
        deciders = User.objects.filter(groups__name__in=list(roles), is_active=True).distinct()
        notify(
            recipients=list(deciders),
            kind=NotificationKind.SUBMITTED,
            item_key=f"gate_request:{request.pk}",
            subject=f"Gate request to decide: {_request_label(request)}",
            body=f"The PMO has quality-assured the gate request for {_request_label(request)} "
            "and forwarded it for a decision.",
            link=reverse("gates:request-decide", args=[request.pk]),
            exclude=request.submitted_by,
        )

    notify_later(build)


def decision_recorded(decision: Decision) -> None:
    def build() -> None:
        request = decision.gate_request
        wp = decision.work_package
        people = [wp.owner, wp.strand.pillar.sponsor]
        if request is not None:
            people.append(request.submitted_by)
        notify(
            recipients=people,
            kind=NotificationKind.DECIDED,
            item_key=f"decision:{decision.pk}",
            subject=f"Decision: {decision.get_outcome_display()} – {wp.reference} {wp.name}",
            body=f"{decision.decided_by} decided {decision.get_outcome_display().lower()} "
            f"at the {decision.gate} for {wp.reference} {wp.name}.",
            link=reverse("gates:decision-detail", args=[decision.pk]),
            exclude=decision.recorded_by,
        )

    notify_later(build)


def _approvers(report: Report) -> list[User]:
    pillar = report.work_package.strand.pillar if report.work_package_id else report.pillar
    people = _pmo()
    if pillar is not None and pillar.sponsor is not None:
        people.append(pillar.sponsor)
    return people


def report_changed(report: Report, event: str) -> None:
    """``event``: submitted, returned or approved."""

    def build() -> None:
        link = reverse("reports:report-detail", args=[report.pk])
        if event == "submitted":
            notify(
                recipients=_approvers(report),
                kind=NotificationKind.SUBMITTED,
                item_key=f"report:{report.pk}",
                subject=f"Report to approve: {report}",
                body=f"{report.submitted_by or 'Someone'} submitted “{report}” for approval.",
                link=link,
                exclude=report.submitted_by,
            )
            return
        kind = NotificationKind.APPROVED if event == "approved" else NotificationKind.RETURNED
        comments = f"\n\nComments:\n{report.return_comments}" if event == "returned" else ""
        notify(
            recipients=[report.submitted_by or report.created_by],
            kind=kind,
            item_key=f"report:{report.pk}",
            subject=f"Report {event}: {report}",
            body=f"“{report}” was {event}.{comments}",
            link=link,
        )

    notify_later(build)


def listen() -> None:
    """Answer every notice the domains raise (called once the apps are ready)."""
    notice_listen(Notice.GATE_REQUEST_SUBMITTED, gate_request_submitted)
    notice_listen(Notice.GATE_REQUEST_QUALITY_ASSURED, gate_request_quality_assured)
    notice_listen(Notice.DECISION_RECORDED, decision_recorded)
    notice_listen(Notice.REPORT_SUBMITTED, lambda report: report_changed(report, "submitted"))
    notice_listen(Notice.REPORT_APPROVED, lambda report: report_changed(report, "approved"))
    notice_listen(Notice.REPORT_RETURNED, lambda report: report_changed(report, "returned"))
