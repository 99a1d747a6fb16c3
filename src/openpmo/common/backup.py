"""Back up the whole database to one file, and restore it into an empty database.

PostgreSQL goes through its own tools (``pg_dump --format=custom`` and ``pg_restore``), which
keep triggers, sequences and constraints exactly; SQLite through its online backup API. Either
way a backup is a consistent copy taken in one transaction, and a restore refuses a database that
already holds tables unless told to replace them.

``fingerprint()`` summarises what must survive a round trip untouched — every reserve ledger row,
every report's snapshot fingerprint and every audit record — so ``backup`` and ``restore`` can
print it and a test can compare two databases.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

# What a restore must give back row for row: the reserve ledger, reports, and the audit trail.
GOVERNED_TABLES = ("finance_reserveentry", "reports_report", "audit_auditrecord")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class TableFingerprint:
    table: str
    rows: int
    sha256: str


def _libpq_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    environment = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        value = settings_dict.get(key)
        if value:
            environment[variable] = str(value)
    return environment


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 (PostgreSQL's own tools, arguments we built)
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")


def backup(target: Path, *, using: Any = connection) -> None:
    """Write a consistent copy of the database to ``target`` (replaced if it exists)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if using.vendor == "postgresql":
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "-f",
                str(target),
            ],
            _libpq_environment(using.settings_dict),
        )
    elif using.vendor == "sqlite":
        using.ensure_connection()
        partial = target.with_suffix(target.suffix + ".partial")
        partial.unlink(missing_ok=True)
        destination = sqlite3.connect(partial)
        try:
            using.connection.backup(destination)
        finally:
            destination.close()
        partial.replace(target)
    else:  # pragma: no cover - only the two databases OpenPMO supports
        raise BackupError(f"backups of {using.vendor} databases are not supported")


def restore(source: Path, *, using: Any = connection, replace: bool = False) -> None:
    """Restore ``source`` into the database; refuses one that has tables unless ``replace``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    existing = using.introspection.table_names()
    if existing and not replace:
        raise BackupError(
            f"the database already has {len(existing)} tables: restore into an empty database, "
            "or pass --replace to drop them first"
        )
    if using.vendor == "postgresql":
        command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        command += ["--single-transaction"]
        if replace:
            command += ["--clean", "--if-exists"]
        environment = _libpq_environment(using.settings_dict)
        using.close()
        _run([*command, "-d", environment.get("PGDATABASE", ""), str(source)], environment)
    elif using.vendor == "sqlite":
        try:
            origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            origin.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not an SQLite backup ({error})") from None
        using.ensure_connection()
        try:
            origin.backup(using.connection)
        finally:
            origin.close()
    else:  # pragma: no cover
        raise BackupError(f"restores into {using.vendor} databases are not supported")


def fingerprint(*, using: Any = connection) -> list[TableFingerprint]:
    """Row count and a SHA-256 of every row, in id order, of each governed table."""
    prints = []
    with using.cursor() as cursor:
        for table in GOVERNED_TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 (our table names)
            digest = hashlib.sha256()
            rows = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(_plain(value) for value in row)).encode())
                rows += 1
            prints.append(TableFingerprint(table=table, rows=rows, sha256=digest.hexdigest()))
    return prints


def _plain(value: Any) -> Any:
    """A value as the same text whichever database it came from (JSON as text, dates as ISO)."""
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, sort_keys=True)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
