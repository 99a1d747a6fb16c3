"""Remove old draft PDFs (``manage.py prune_pdfs --days 30``): run daily beside the worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openpmo.reports import services


class Command(BaseCommand):
    help = (
        "Remove the PDFs of drafts and live board packs done more than --days days ago. "
        "Approved reports' PDFs and PDFs still being prepared are kept."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--days", type=int, default=30, help="Keep the ones done in the last DAYS (30)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            raise CommandError("--days must be zero or more")
        removed = services.draft_pdfs_prune(days=options["days"])
        self.stdout.write(f"{removed} draft PDFs removed (done over {options['days']} days ago)")
