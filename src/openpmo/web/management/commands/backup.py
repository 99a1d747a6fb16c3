from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpmo.common.backup import BackupError, backup, fingerprint


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE (PostgreSQL: pg_dump's custom format; SQLite: a copy "
        "made with its online backup API) and print the fingerprint of the governed tables."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        target = options["file"]
        assert isinstance(target, Path)
        try:
            backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up to {target} ({target.stat().st_size:,} bytes).")
        for table in fingerprint():
            self.stdout.write(f"  {table.table:<24} {table.rows:>8} rows  sha256 {table.sha256}")
