"""Draft → submitted → approved, or returned with comments: who may do what, and refusals
that change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.audit.models import AuditRecord
from openpmo.common.services import ConflictError
from openpmo.reports import services
from openpmo.reports.models import Report
from openpmo.reports.tests.conftest import MONTH


def _state(report: Report) -> tuple:
    report = Report.objects.get(pk=report.pk)
    return (report.status, report.version, report.snapshot_sha256, report.progress_this_period)


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("pmo", True),
        ("sponsor", True),
        ("other_sponsor", False),
        ("manager", False),
        ("finance", False),
        ("board", False),
        ("decision_maker", False),
        ("viewer", False),
    ],
)
def test_who_may_start_a_pillar_highlight_report(people, programme_tree, who, may):
    pillar = programme_tree.strand.pillar
    audit_before = AuditRecord.objects.count()

    def start():
        return services.report_create(
            actor=people[who],
            kind="pillar_highlight",
            programme=pillar.programme,
            period=MONTH,
            pillar=pillar,
        )

    if may:
        report = start()
        # the draft is pre-filled from the register: the one green work package makes it green
        assert (report.status, report.overall_rag) == ("draft", "green")
        assert report.snapshot["pillar"]["name"] == pillar.name
        assert AuditRecord.objects.for_object(report).get().action == "report.created"
    else:
        with pytest.raises(PermissionDenied):
            start()
        assert not Report.objects.exists()
        assert AuditRecord.objects.count() == audit_before


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("pmo", True),
        ("sponsor", True),
        ("manager", True),
        ("other_sponsor", False),
        ("viewer", False),
    ],
)
def test_who_may_start_a_work_package_highlight_report(people, programme_tree, who, may):
    wp = programme_tree
    if may:
        report = services.report_create(
            actor=people[who],
            kind="work_package_highlight",
            programme=wp.strand.pillar.programme,
            period=MONTH,
            work_package=wp,
        )
        assert report.snapshot["work_package"]["reference"] == wp.reference
    else:
        with pytest.raises(PermissionDenied):
            services.report_create(
                actor=people[who],
                kind="work_package_highlight",
                programme=wp.strand.pillar.programme,
                period=MONTH,
                work_package=wp,
            )
        assert not Report.objects.exists()


@pytest.mark.parametrize("who", ["sponsor", "manager", "finance", "board", "viewer"])
def test_only_the_pmo_starts_programme_reports(people, programme_tree, who):
    programme = programme_tree.strand.pillar.programme
    with pytest.raises(PermissionDenied):
        services.report_create(
            actor=people[who], kind="board_pack", programme=programme, period=MONTH
        )
    report = services.report_create(
        actor=people["pmo"], kind="board_pack", programme=programme, period=MONTH
    )
    assert report.title == f"{programme.short_name} investment board pack, March 2024"
    assert Report.objects.count() == 1


def test_one_report_of_a_kind_per_scope_and_month(people, pillar_report):
    with pytest.raises(ValidationError):
        services.report_create(
            actor=people["pmo"],
            kind="pillar_highlight",
            programme=pillar_report.programme,
            period=MONTH.replace(day=17),
            pillar=pillar_report.pillar,
        )
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("pmo", True),
        ("other_sponsor", False),
        ("manager", False),
        ("board", False),
        ("decision_maker", False),
        ("finance", False),
        ("viewer", False),
    ],
)
def test_who_may_approve_a_submitted_pillar_report(people, submitted, who, may):
    before = _state(submitted)
    audit_before = AuditRecord.objects.count()
    if may:
        report = services.report_approve(actor=people[who], report=submitted)
        assert report.status == "approved" and report.approved_at is not None
        assert report.decided_by == people[who]
        record = AuditRecord.objects.for_object(report).first()
        assert record.action == "report.approved" and record.actor == people[who]
        assert (record.before["status"], record.after["status"]) == ("submitted", "approved")
    else:
        with pytest.raises(PermissionDenied):
            services.report_approve(actor=people[who], report=submitted)
        assert _state(submitted) == before
        assert AuditRecord.objects.count() == audit_before


def test_a_sponsor_approves_a_report_someone_else_submitted(people, pillar_report):
    services.report_submit(actor=people["pmo"], report=pillar_report)
    report = services.report_approve(actor=people["sponsor"], report=pillar_report)
    assert report.status == "approved"


def test_nobody_approves_what_they_submitted(people, submitted):
    before = _state(submitted)
    with pytest.raises(PermissionDenied, match="someone else"):
        services.report_approve(actor=people["sponsor"], report=submitted)
    assert _state(submitted) == before


def test_returned_with_comments_then_edited_resubmitted_and_approved(people, submitted):
    # A return needs comments; without them nothing changes
    with pytest.raises(ValidationError):
        services.report_return(actor=people["pmo"], report=submitted, comments="  ")
    assert Report.objects.get(pk=submitted.pk).status == "submitted"
    returned = services.report_return(
        actor=people["pmo"], report=submitted, comments="Say why Amber"
    )
    assert (returned.status, returned.return_comments) == ("returned", "Say why Amber")
    # the author edits and resubmits; the approver approves
    services.report_update(
        actor=people["sponsor"], report=returned, confidence_reason="Supplier is late"
    )
    services.report_submit(actor=people["sponsor"], report=returned)
    final = services.report_approve(actor=people["pmo"], report=returned)
    assert (final.status, final.confidence_reason) == ("approved", "Supplier is late")
    actions = list(
        AuditRecord.objects.for_object(final).order_by("id").values_list("action", "actor")
    )
    sponsor, pmo = people["sponsor"].pk, people["pmo"].pk
    assert actions == [
        ("report.created", sponsor),
        ("report.submitted", sponsor),
        ("report.returned", pmo),
        ("report.updated", sponsor),
        ("report.submitted", sponsor),
        ("report.approved", pmo),
    ]


def test_submission_needs_the_assessment(people, pillar_report):
    services.report_update(actor=people["sponsor"], report=pillar_report, next_period="")
    before = _state(pillar_report)
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=people["sponsor"], report=pillar_report)
    assert "next_period" in error.value.message_dict
    assert _state(pillar_report) == before


def test_a_draft_cannot_be_approved_nor_returned(people, pillar_report):
    before = _state(pillar_report)
    with pytest.raises(ConflictError):
        services.report_approve(actor=people["pmo"], report=pillar_report)
    with pytest.raises(ConflictError):
        services.report_return(actor=people["pmo"], report=pillar_report, comments="No")
    assert _state(pillar_report) == before


def test_a_stale_version_is_refused(people, pillar_report):
    seen = pillar_report.version
    services.report_update(
        actor=people["sponsor"], report=pillar_report, expected_version=seen, next_period="A"
    )
    with pytest.raises(ConflictError, match="changed by someone else"):
        services.report_update(
            actor=people["pmo"], report=pillar_report, expected_version=seen, next_period="B"
        )
    assert Report.objects.get(pk=pillar_report.pk).next_period == "A"


def test_a_submitted_report_is_not_edited_until_returned(people, submitted):
    before = _state(submitted)
    with pytest.raises(ConflictError):
        services.report_update(actor=people["sponsor"], report=submitted, next_period="Sneaky")
    with pytest.raises(ConflictError):
        services.report_refresh(actor=people["sponsor"], report=submitted)
    assert _state(submitted) == before


def test_separation_of_duties_is_the_programmes_setting_switched_by_the_pmo_audited(
    people, submitted
):
    # Given the sponsor's submitted report, their own approval is refused (on by default);
    from openpmo.audit.models import AuditRecord
    from openpmo.portfolio.services import programme_separation_of_duties_set

    programme = submitted.programme
    assert programme.separation_of_duties
    with pytest.raises(PermissionDenied, match="separation of duties"):
        services.report_approve(actor=people["sponsor"], report=submitted)
    # only the PMO switches it off, with a reason, audited,
    with pytest.raises(PermissionDenied):
        programme_separation_of_duties_set(
            actor=people["sponsor"], programme=programme, enabled=False, reason="Small team"
        )
    programme_separation_of_duties_set(
        actor=people["pmo"], programme=programme, enabled=False, reason="A team of two"
    )
    record = AuditRecord.objects.get(action="programme.separation_of_duties_changed")
    assert record.actor == people["pmo"]
    assert record.after == {"separation_of_duties": False, "reason": "A team of two"}
    # and then the sponsor may approve what they submitted.
    approved = services.report_approve(actor=people["sponsor"], report=submitted)
    assert approved.status == "approved"
