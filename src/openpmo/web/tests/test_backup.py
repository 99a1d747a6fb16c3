"""A backup of the demo restores into a fresh database with the ledger, every report's fingerprint
and the whole audit trail identical."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from openpmo.common.backup import GOVERNED_TABLES, backup, fingerprint, restore
from openpmo.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads committed data only


def _other_database(name: str):
    """A connection to another database on the same server (PostgreSQL) or file (SQLite)."""
    wrapper_class = type(connections["default"])
    return wrapper_class({**connection.settings_dict, "NAME": name}, alias=f"restore-{name}")


@pytest.fixture
def fresh_database(tmp_path: Path):
    if connection.vendor == "sqlite":
        database = _other_database(str(tmp_path / "restored.sqlite3"))
        yield database
        database.close()
        return
    import psycopg

    name = f"openpmo_restore_{uuid.uuid4().hex[:12]}"
    settings = connection.settings_dict
    admin = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    database = _other_database(name)
    try:
        yield database
    finally:
        database.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_the_demo_round_trips_through_a_backup(tmp_path: Path, fresh_database):
    # Given the demo, with at least one approved (frozen) report and an audit trail
    call_command("load_demo", verbosity=0)
    assert Report.objects.exists()
    before = fingerprint()
    assert all(table.rows > 0 for table in before), before
    # When it is backed up and restored into a fresh database
    target = tmp_path / "openpmo.backup"
    call_command("backup", str(target), verbosity=0)
    restore(target, using=fresh_database)
    # Then the ledger, the reports' fingerprints and the audit trail are identical, row for row
    after = fingerprint(using=fresh_database)
    assert [table.table for table in after] == list(GOVERNED_TABLES)
    assert after == before
    with fresh_database.cursor() as cursor:
        cursor.execute("SELECT snapshot_sha256 FROM reports_report ORDER BY id")
        restored_prints = [row[0] for row in cursor.fetchall()]
    assert restored_prints == list(
        Report.objects.order_by("id").values_list("snapshot_sha256", flat=True)
    )


def test_the_restored_database_keeps_its_protections(tmp_path: Path, fresh_database):
    call_command("load_demo", verbosity=0)
    target = tmp_path / "openpmo.backup"
    backup(target)
    restore(target, using=fresh_database)
    with pytest.raises(Exception, match="immutable"), fresh_database.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET action = 'forged'")


def test_restore_refuses_a_database_that_has_tables(tmp_path: Path):
    target = tmp_path / "openpmo.backup"
    backup(target)
    with pytest.raises(CommandError, match="already has"):
        call_command("restore", str(target), verbosity=0)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, fresh_database):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all" * 100)
    with pytest.raises(Exception):  # noqa: B017 (either tool's own refusal)
        restore(junk, using=fresh_database)
    assert fresh_database.introspection.table_names() == []
    if connection.vendor == "sqlite":
        assert sqlite3.connect(fresh_database.settings_dict["NAME"]).execute(
            "SELECT count(*) FROM sqlite_master"
        ).fetchone() == (0,)
