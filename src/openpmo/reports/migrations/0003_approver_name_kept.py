"""Keep the approver's name with the report. SQLite adds this column by rebuilding the table,
which drops its triggers, so the frozen-report trigger of 0002 is put back afterwards."""

from django.db import migrations, models

SQLITE_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS reports_report_frozen_update BEFORE UPDATE ON reports_report
    FOR EACH ROW WHEN OLD.status = 'approved'
    BEGIN SELECT RAISE(ABORT, 'approved reports are frozen and cannot be changed'); END
"""


def _restore_trigger(apps, schema_editor):  # noqa: ARG001 (migration signature)
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_frozen_reports_trigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="decided_by_name",
            field=models.CharField(
                blank=True,
                help_text="The approver's name and title as they were then",
                max_length=300,
            ),
        ),
        migrations.RunPython(_restore_trigger, migrations.RunPython.noop),
    ]
