"""Services write the audit trail: one record per change, naming who, what, before and after,
inside the change's transaction (a refused change leaves no record); records stay as written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from openpmo.accounts.roles import Role
from openpmo.accounts.tests.factories import UserFactory
from openpmo.audit.models import AuditRecord, AuditRecordImmutable
from openpmo.audit.services import audit_record
from openpmo.portfolio import services as portfolio

pytestmark = pytest.mark.django_db


def test_a_change_writes_one_record_with_who_what_before_and_after(role_user, programme_tree):
    pmo = role_user(Role.PMO)
    pillar = programme_tree.strand.pillar
    old_name = pillar.name
    portfolio.pillar_update(actor=pmo, pillar=pillar, name="Platforms for Data")
    [record] = AuditRecord.objects.for_object(pillar)
    assert record.actor == pmo
    assert record.action == "pillar.updated"
    assert record.before["name"] == old_name
    assert record.after["name"] == "Platforms for Data"
    assert "Platforms for Data" in record.object_repr


def test_a_refused_change_leaves_no_record(role_user, programme_tree):
    viewer = role_user(Role.VIEWER)
    pillar = programme_tree.strand.pillar
    with pytest.raises(PermissionDenied):
        portfolio.pillar_update(actor=viewer, pillar=pillar, name="Forged")
    assert not AuditRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_record_outside_the_change_s_transaction_is_refused():
    user = UserFactory()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action="x.y", obj=user, before=None, after={"name": "n"})
    assert not AuditRecord.objects.exists()


def test_a_written_record_cannot_be_altered_or_removed(role_user, programme_tree):
    pmo = role_user(Role.PMO)
    portfolio.pillar_update(actor=pmo, pillar=programme_tree.strand.pillar, name="Renamed")
    record = AuditRecord.objects.get()
    record.after = {"name": "Forged"}
    with pytest.raises(AuditRecordImmutable), transaction.atomic():
        record.save()
    with pytest.raises(AuditRecordImmutable), transaction.atomic():
        AuditRecord.objects.bulk_update([record], ["after"])
    with pytest.raises(AuditRecordImmutable), transaction.atomic():
        record.delete()
    assert AuditRecord.objects.get().after["name"] == "Renamed"
