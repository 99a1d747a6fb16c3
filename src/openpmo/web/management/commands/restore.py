from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpmo.common.backup import BackupError, fingerprint, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (or, with --replace, "
        "over one), then print the fingerprint of the governed tables to compare with the backup's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="drop the tables the database already has"
        )

    def handle(self, *args: object, **options: object) -> None:
        source = options["file"]
        assert isinstance(source, Path)
        try:
            restore(source, replace=bool(options["replace"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {source}.")
        for table in fingerprint():
            self.stdout.write(f"  {table.table:<24} {table.rows:>8} rows  sha256 {table.sha256}")
