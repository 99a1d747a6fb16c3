"""The database itself refuses to change or delete an approved report, so a frozen snapshot stays
frozen even for SQL run outside the application (an admin shell, a faulty data fix).

PostgreSQL refuses both UPDATE and DELETE of an approved row. SQLite refuses UPDATE only: Django
empties tables between transactional tests with ``DELETE FROM`` on SQLite (``TRUNCATE`` on
PostgreSQL, which row triggers do not see), so a delete trigger there would break test teardown;
deletes stay refused by the model and queryset guards.
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER reports_report_frozen_update BEFORE UPDATE ON reports_report
    FOR EACH ROW WHEN OLD.status = 'approved'
    BEGIN SELECT RAISE(ABORT, 'approved reports are frozen and cannot be changed'); END
    """,
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS reports_report_frozen_update",
]
POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION reports_report_frozen() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'approved' THEN
            RAISE EXCEPTION 'approved reports are frozen and cannot be %',
                CASE WHEN TG_OP = 'DELETE' THEN 'deleted' ELSE 'changed' END
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER reports_report_frozen BEFORE UPDATE OR DELETE ON reports_report
    FOR EACH ROW EXECUTE FUNCTION reports_report_frozen()
    """,
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS reports_report_frozen ON reports_report",
    "DROP FUNCTION IF EXISTS reports_report_frozen()",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):  # noqa: ARG001 (migration signature)
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO}),
        )
    ]
