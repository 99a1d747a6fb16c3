"""Illustrative reports for the ETP demo, so the calendar and the board pack have content.

The seed report states no highlight report, board pack or review: every narrative and RAG here is
invented (marked ``is_illustrative`` and saying so in its text). The figures in each snapshot are
the demo data's own, taken when the demo loads. Idempotent: a report that already exists for its
month and scope is left as it is.

The last four months have pillar reports: approved, except last month's, where one waits for
approval and one is a draft. Each is written and submitted by the pillar's sponsor and approved
by the PMO (never by whoever submitted it); programme reports are submitted by the PMO Manager and
approved by the Project Support Officer, board packs by the board's chair. Last month's board
pack is left to make: producing it is the month's last step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpmo.demo.timeline import add_months
from openpmo.reports import services
from openpmo.reports.choices import ReportKind, ReportStatus
from openpmo.reports.models import Report
from openpmo.reports.sections import shared_reads

NOTE = "(Illustrative demonstration text, not from the source report.) "


# Each pillar's overall RAG and five-point confidence, month by month (invented).
PILLAR_RAG = {
    "Automation and Efficiency": [
        ("amber", "amber"),
        ("amber", "amber"),
        ("amber", "amber"),
        ("green", "amber_green"),
    ],
    "Technology for Collaboration": [("green", "amber_green")] * 4,
    "Citizen Engagement": [
        ("amber", "amber"),
        ("amber", "amber"),
        ("red", "amber_red"),
        ("amber", "amber"),
    ],
    "Innovation and Improvement": [
        ("green", "green"),
        ("green", "amber_green"),
        ("amber", "amber"),
        ("amber", "amber"),
    ],
    "Platforms for Data": [
        ("red", "amber_red"),
        ("amber", "amber_red"),
        ("amber", "amber"),
        ("amber", "amber"),
    ],
    "Renewing our technology": [
        ("amber", "amber"),
        ("red", "amber_red"),
        ("red", "amber_red"),
        ("amber", "amber"),
    ],
}
# In the last month two pillars are still in the workflow: one submitted, one a draft.
LAST_MONTH_STATE = {
    "Innovation and Improvement": ReportStatus.SUBMITTED,
    "Renewing our technology": ReportStatus.DRAFT,
}


def _pillar_text(name: str, month: dt.date, rag: str) -> dict[str, str]:
    when = f"{month:%B %Y}"
    return {
        "confidence_reason": NOTE
        + {
            "green": f"{name} delivered its {when} milestones and spend is within budget.",
            "amber": f"{name} is broadly on track in {when}; one work package is behind its "
            "baseline and is being re-planned with the supplier.",
            "red": f"{name} has a critical work package more than a month late in {when}; the "
            "recovery plan needs a decision on extra partner capacity.",
        }[rag],
        "progress_this_period": NOTE
        + f"Work packages in {name} reported progress against their plans for {when}; "
        "benefit actuals were recorded for the month.",
        "next_period": NOTE + "Complete the next gate submissions and update the benefit profiles.",
        "decisions_needed": NOTE + "None this month."
        if rag != "red"
        else NOTE + "Approve two extra partner days a week for the recovery plan.",
    }


def _ensure(
    context: Any,
    *,
    kind: str,
    period: dt.date,
    state: str,
    text: dict[str, str],
    author: str = "pmo",
    approver: str = "pmo-officer",
    **scope: Any,
) -> Report | None:
    lookup = {"kind": kind, "period": period, "programme": context.programme}
    if "pillar" in scope:
        lookup["pillar"] = scope["pillar"]
    if "work_package" in scope:
        lookup["work_package"] = scope["work_package"]
    if Report.objects.filter(**lookup).exists():
        return None
    people = context.people
    report = services.report_create(
        actor=people[author],
        kind=kind,
        programme=context.programme,
        period=period,
        is_illustrative=True,
        **scope,
        **text,
    )
    if state in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        report = services.report_submit(actor=people[author], report=report)
    if state == ReportStatus.APPROVED:
        report = services.report_approve(actor=people[approver], report=report)
    context.report.count("reports")
    return report


def load(context: Any) -> None:
    # Nothing the snapshots read changes while the demo's reports are made, so they share reads.
    with shared_reads():
        _load(context)


def _load(context: Any) -> None:
    t = context.timeline
    months = [add_months(t.this_month, -n) for n in (3, 2, 1)]
    _pillar_highlights(context, months)
    _work_package_highlight(context, months[-1])
    _programme_reports(context, months)


def _pillar_highlights(context: Any, months: list[dt.date]) -> None:
    """Each pillar's highlight report for the last three months: approved, but for last month's
    where the story leaves one at another state."""
    for index, month in enumerate(months):
        last = index == len(months) - 1
        for name, rags in PILLAR_RAG.items():
            pillar = context.pillars.get(name)
            if pillar is None:
                continue
            rag, confidence = rags[index]
            state = (
                LAST_MONTH_STATE.get(name, ReportStatus.APPROVED) if last else ReportStatus.APPROVED
            )
            _ensure(
                context,
                kind=ReportKind.PILLAR_HIGHLIGHT,
                period=month,
                state=state,
                pillar=pillar,
                author=pillar.sponsor.username,
                approver="pmo",
                text={
                    "overall_rag": rag,
                    "delivery_confidence": confidence,
                    **_pillar_text(name, month, rag),
                },
            )


def _work_package_highlight(context: Any, month: dt.date) -> None:
    """End User Devices' highlight report for last month, submitted to the PMO."""
    end_user_devices = next(
        (wp for ref, wp in sorted(context.work_packages.items()) if ref.startswith("ETP-EUD-")),
        None,
    )
    if end_user_devices is not None:
        _ensure(
            context,
            kind=ReportKind.WORK_PACKAGE_HIGHLIGHT,
            period=month,
            state=ReportStatus.SUBMITTED,
            work_package=end_user_devices,
            author=end_user_devices.owner.username,
            text={
                "overall_rag": "amber",
                "delivery_confidence": "amber",
                "confidence_reason": NOTE + "Device deliveries are two weeks behind plan.",
                "progress_this_period": NOTE + "1,200 devices rolled out this month.",
                "next_period": NOTE + "Complete the rollout to the second wave of sites.",
            },
        )


def _programme_reports(context: Any, months: list[dt.date]) -> None:
    """The twelve-month review, a cabinet update, two board packs and the halfway review."""
    _ensure(
        context,
        kind=ReportKind.TWELVE_MONTH_REVIEW,
        period=context.timeline.month(12),
        state=ReportStatus.APPROVED,
        text={
            "narrative": NOTE
            + "Twelve months on (§2.2): the core team is in post and functioning; the PMO runs the "
            "monthly reporting cycle and gated approvals. Team costs are within the Table 1 "
            "envelope; the first benefits are being realised and tracked monthly."
        },
    )
    _ensure(
        context,
        kind=ReportKind.CABINET_UPDATE,
        period=months[1],
        state=ReportStatus.APPROVED,
        text={
            "narrative": NOTE
            + "The programme is amber overall: four of six pillars are on track; Citizen "
            "Engagement and Renewing our technology have recovery plans. Drawdowns are within the "
            "reserve's profile and cashable savings are tracking the MTFS line."
        },
    )
    for month in months[:2]:
        _ensure(
            context,
            kind=ReportKind.BOARD_PACK,
            period=month,
            state=ReportStatus.APPROVED,
            approver="board-chair",
            text={
                "narrative": NOTE + f"The PMO's summary for the investment board, {month:%B %Y}."
            },
        )
    _ensure(
        context,
        kind=ReportKind.HALFWAY_REVIEW,
        period=context.timeline.month(17),
        state=ReportStatus.DRAFT,
        text={
            "narrative": NOTE
            + "Halfway review (§3.23), in draft: the effectiveness and value of the delivery model, "
            "its costs and risks, and the plan for transition to steady state."
        },
    )
