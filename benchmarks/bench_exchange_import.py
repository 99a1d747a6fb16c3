"""Exchange app: planning the re-import of a 200-package programme register (the ETP's size).

Ours: ``importer.plan_register`` on the exported register (every row unchanged), which reads the
stored work packages, pillars, strands and people once for the whole file. Baseline: the same
comparison made row by row, fetching each work package, its priorities and its owner with their
own queries, as a loop over the API would. Both find all 200 rows unchanged.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal

from benchmarks._timing import best_of, report

PACKAGES = 200
STRANDS = 22


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DJANGO_SETTINGS_MODULE"] = "openpmo.config.settings"
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ["OPENPMO_VAR_DIR"] = folder
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        _run()


def _run() -> None:
    from openpmo.accounts.models import User
    from openpmo.exchange import exports
    from openpmo.exchange.importer import plan_register
    from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage

    programme = Programme.objects.create(name="Bench", short_name="B")
    owners = [User.objects.create(username=f"owner{i}", email=f"o{i}@x.gov.uk") for i in range(20)]
    pillars = [
        Pillar.objects.create(programme=programme, name=f"Pillar {i}", objective="x")
        for i in range(6)
    ]
    strands = [
        Strand.objects.create(pillar=pillars[i % 6], name=f"Strand {i}") for i in range(STRANDS)
    ]
    WorkPackage.objects.bulk_create(
        WorkPackage(
            strand=strands[i % STRANDS],
            reference=f"WP-{i:03d}",
            name=f"Package {i}",
            owner=owners[i % 20],
            rag_status="green",
            baseline_start=dt.date(2024, 4, 1),
            baseline_end=dt.date(2025, 3, 31),
            budget_envelope=Decimal(100_000 + 1_000 * i),
        )
        for i in range(PACKAGES)
    )
    headings, rows = exports.table(exports.REGISTERS["work-packages"])
    register = [headings, *rows]

    def ours() -> int:
        return plan_register(register).count("unchanged")

    def row_by_row() -> int:
        unchanged = 0
        for row in rows:
            wp = WorkPackage.objects.select_related("strand__pillar").get(reference=row[5])
            owner = User.objects.filter(email__iexact=row[8]).first()
            priorities = sorted(wp.strategic_priorities.values_list("title", flat=True))
            same = (
                wp.name == row[6]
                and wp.owner_id == (owner.pk if owner else None)
                and wp.strand.name == row[4]
                and wp.budget_envelope == row[16]
                and priorities == [p for p in str(row[17] or "").split("; ") if p]
            )
            unchanged += same
        return unchanged

    assert ours() == row_by_row() == PACKAGES
    report(
        f"plan a {PACKAGES}-package re-import",
        best_of(ours),
        best_of(row_by_row),
        "row by row",
    )
