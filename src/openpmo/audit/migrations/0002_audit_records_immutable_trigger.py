"""The database itself refuses to change an audit record, and on PostgreSQL to delete one, so the
trail holds even against SQL run outside the application (an admin shell, a faulty data fix).

The same protection as approved reports (reports 0002): PostgreSQL refuses UPDATE and DELETE of
any row. SQLite refuses UPDATE; a DELETE trigger there would stop Django emptying tables between
transactional tests (``DELETE FROM`` on SQLite, ``TRUNCATE`` on PostgreSQL, which row triggers do
not see), so deletes on SQLite stay refused by the model and queryset guards.
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditrecord_immutable_update
    BEFORE UPDATE ON audit_auditrecord
    BEGIN SELECT RAISE(ABORT, 'audit records are immutable and cannot be changed'); END
    """,
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS audit_auditrecord_immutable_update"]
POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION audit_auditrecord_immutable() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit records are immutable and cannot be %',
            CASE WHEN TG_OP = 'DELETE' THEN 'deleted' ELSE 'changed' END
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_auditrecord_immutable BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION audit_auditrecord_immutable()
    """,
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS audit_auditrecord_immutable ON audit_auditrecord",
    "DROP FUNCTION IF EXISTS audit_auditrecord_immutable()",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):  # noqa: ARG001 (migration signature)
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO}),
        )
    ]
