"""An audit record cannot be changed by the application, nor by SQL run around it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from openpmo.accounts.tests.factories import UserFactory
from openpmo.audit.models import AuditRecord, AuditRecordImmutable
from openpmo.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    user = UserFactory()
    with transaction.atomic():
        return audit_record(actor=user, action="user.tested", obj=user, before=None, after={"a": 1})


def test_the_model_and_queryset_refuse_changes(record):
    record.action = "user.forged"
    with pytest.raises(AuditRecordImmutable):
        record.save()
    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.filter(pk=record.pk).update(action="user.forged")
    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.filter(pk=record.pk).delete()
    assert AuditRecord.objects.get(pk=record.pk).action == "user.tested"


def test_the_database_refuses_sql_that_would_change_or_remove_it(record):
    # Given SQL run around the application (an admin shell, a faulty data fix)
    table = AuditRecord._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = 'user.forged' WHERE id = %s", [record.pk])  # noqa: S608
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [record.pk])  # noqa: S608
    # then the record is as written
    stored = AuditRecord.objects.get(pk=record.pk)
    assert stored.action == "user.tested" and stored.after == {"a": 1}
