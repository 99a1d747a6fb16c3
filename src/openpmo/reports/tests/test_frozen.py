"""Approved reports are frozen snapshots: later data changes never alter them, edits are refused
by the services, the model, the queryset and the database itself."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from openpmo.audit.models import AuditRecord
from openpmo.common.services import ConflictError
from openpmo.portfolio import services as portfolio
from openpmo.reports import services
from openpmo.reports.models import FrozenReport, Report, snapshot_digest
from openpmo.reports.snapshots import section_of, table_of


def _row(report: Report, section: str, table: str) -> list:
    return table_of(section_of(report.snapshot, section), table)["rows"][0]


def test_live_changes_after_approval_never_reach_the_report(people, approved, programme_tree):
    # Given an approved report whose status table shows the work package green, £100,000
    frozen = Report.objects.get(pk=approved.pk)
    assert _row(frozen, "status", "work_packages")[4] == "green"
    fingerprint = frozen.snapshot_sha256
    assert fingerprint == snapshot_digest(frozen.snapshot)
    # when the live register changes
    portfolio.work_package_update(
        actor=people["pmo"],
        work_package=programme_tree,
        rag_status="red",
        name="Renamed later",
        budget_envelope=Decimal("999999"),
    )
    # then the stored report, its page and its workbook still say what was approved
    later = Report.objects.get(pk=approved.pk)
    assert later.snapshot == frozen.snapshot
    assert later.snapshot_sha256 == fingerprint
    assert _row(later, "status", "work_packages")[1] == programme_tree.name
    # while a new draft for the month the change was made in (its figures as at that month's
    # end) sees the change
    fresh = services.report_create(
        actor=people["sponsor"],
        kind="pillar_highlight",
        programme=approved.programme,
        period=timezone.localdate().replace(day=1),
        pillar=approved.pillar,
    )
    assert _row(fresh, "status", "work_packages")[1:5] == [
        "Renamed later",
        programme_tree.strand.pillar.name,
        "Discovery",
        "red",
    ]


@pytest.mark.parametrize(
    "change",
    [
        lambda p, r: services.report_update(actor=p["pmo"], report=r, next_period="Rewritten"),
        lambda p, r: services.report_refresh(actor=p["pmo"], report=r),
        lambda p, r: services.report_submit(actor=p["pmo"], report=r),
        lambda p, r: services.report_approve(actor=p["pmo2"], report=r),
        lambda p, r: services.report_return(actor=p["pmo2"], report=r, comments="Too late"),
    ],
    ids=["edit", "refresh", "resubmit", "approve-again", "return"],
)
def test_every_change_to_an_approved_report_is_refused(people, approved, change):
    before = Report.objects.get(pk=approved.pk)
    audit_before = AuditRecord.objects.count()
    with pytest.raises(ConflictError):
        change(people, approved)
    after = Report.objects.get(pk=approved.pk)
    assert (after.status, after.version, after.snapshot, after.next_period) == (
        before.status,
        before.version,
        before.snapshot,
        before.next_period,
    )
    assert AuditRecord.objects.count() == audit_before


def test_the_model_and_queryset_refuse_to_change_or_delete_it(approved):
    report = Report.objects.get(pk=approved.pk)
    report.snapshot = {"tampered": True}
    with pytest.raises(FrozenReport):
        report.save()
    with pytest.raises(FrozenReport):
        report.delete()
    with pytest.raises(FrozenReport):
        Report.objects.filter(pk=approved.pk).update(next_period="x")
    with pytest.raises(FrozenReport):
        Report.objects.filter(pk=approved.pk).delete()
    assert Report.objects.get(pk=approved.pk).snapshot == approved.snapshot


def test_the_database_refuses_sql_that_would_change_it(approved):
    # Given SQL run around the application (an admin shell, a faulty data fix)
    table = Report._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET snapshot_sha256 = 'x' WHERE id = %s", [approved.pk])  # noqa: S608
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [approved.pk])  # noqa: S608
    # then the stored report is as approved
    assert Report.objects.get(pk=approved.pk).snapshot_sha256 == approved.snapshot_sha256


def test_drafts_are_not_frozen(people, pillar_report):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Report._meta.db_table} SET title = 'Retitled' WHERE id = %s",  # noqa: S608
            [pillar_report.pk],
        )
    assert Report.objects.get(pk=pillar_report.pk).title == "Retitled"
    refreshed = services.report_refresh(actor=people["sponsor"], report=pillar_report)
    assert refreshed.snapshot_taken_at >= pillar_report.snapshot_taken_at
    assert AuditRecord.objects.for_object(refreshed).first().action == "report.refreshed"


def test_the_audit_trail_keeps_the_fingerprint_not_the_figures(approved):
    record = AuditRecord.objects.for_object(approved).first()
    assert "snapshot" not in record.after
    assert record.after["snapshot_sha256"] == approved.snapshot_sha256


def test_the_approvers_name_is_kept_as_it_was(people, approved, client):
    from openpmo.reports.exports import report_meta

    pmo = people["pmo"]
    then = str(pmo)
    pmo.first_name, pmo.last_name = "Someone", "Else"
    pmo.save()
    report = Report.objects.get(pk=approved.pk)
    assert report_meta(report, report.snapshot)["decided_by"] == then
    client.force_login(people["viewer"])
    page = client.get(f"/reports/{approved.pk}/").content.decode()
    assert f"by {then}" in page and "Someone Else" not in page
