"""Benefits tracker page data (ORM load, adapters, engine) for 10,000 benefits x 60 months.

``benchmarks/bench_benefits.py`` times the engine alone on 10,000 benefits x 60 months. This one
times what the tracker page and ``GET /api/benefits/tracker/`` actually do on the same size of
register held in the database (SQLite, a temporary file): five queries loading 600,000 planned
months and about 580,000 actuals, the adapters to the engine's dataclasses, then positions and
roll-ups by benefit, work package, pillar and programme, the cumulative chart and the cashable
savings by financial year. "Ours" is ``openpmo.benefits.selectors.tracker``, which holds the
register in ``BenefitBook`` (integer pence in numpy arrays); the baseline loads the same rows the
same way and runs the plain per-benefit ``track`` + ``roll_up`` (the reference implementation).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

from benchmarks._timing import best_of, report

BENEFITS = 10_000
MONTHS = 60
WORK_PACKAGES = 200
CATEGORIES = ["cashable", "non-cashable", "non-financial", "dis-benefit"]


def _setup() -> None:
    from django.apps import apps

    if not apps.ready:  # another benchmark may have set Django up already: share its database
        folder = Path(tempfile.mkdtemp(prefix="openpmo-bench-benefits-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ["OPENPMO_VAR_DIR"] = str(folder)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpmo.config.settings")
        import django

        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _register():  # type: ignore[no-untyped-def]
    """6 pillars, 200 work packages, 10,000 benefits with 60 planned months; ~3% of actuals
    missing (the same shape as the engine benchmark's register)."""
    from django.db import connection, transaction

    from openpmo.accounts.models import User
    from openpmo.benefits.models import Benefit, BenefitProfile
    from openpmo.core.benefits import Month
    from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage

    rng = np.random.default_rng(2024)
    first = Month(2023, 4)
    days = [(first + i).first_day.isoformat() for i in range(MONTHS)]
    with transaction.atomic():
        owner = User.objects.create(username="bench-benefits-owner")
        programme = Programme.objects.create(name="Benefits bench", short_name="BBENCH")
        pillars = [
            Pillar.objects.create(programme=programme, name=f"Pillar {p}", objective="x", order=p)
            for p in range(6)
        ]
        strands = [Strand.objects.create(pillar=pillar, name="Strand") for pillar in pillars]
        packages = WorkPackage.objects.bulk_create(
            WorkPackage(strand=strands[k % 6], reference=f"BB-{k:03d}", name=f"WP {k}")
            for k in range(WORK_PACKAGES)
        )
        benefits = Benefit.objects.bulk_create(
            Benefit(
                reference=f"BEN-{row:05d}",
                title=f"Benefit {row}",
                category=CATEGORIES[row % 4],
                measure="Spend",
                unit="£",
                owner=owner,
                pillar=pillars[row % 6],
            )
            for row in range(BENEFITS)
        )
        Benefit.work_packages.through.objects.bulk_create(
            Benefit.work_packages.through(
                benefit_id=benefit.pk,
                workpackage_id=packages[(row * 6 + row % 6) % WORK_PACKAGES].pk,
            )
            for row, benefit in enumerate(benefits)
        )
        profiles = BenefitProfile.objects.bulk_create(
            BenefitProfile(benefit=benefit, number=1, method="entered") for benefit in benefits
        )
        planned = rng.integers(0, 5_000_000, size=(BENEFITS, MONTHS))  # pence
        actual = (planned * rng.uniform(0.6, 1.2, size=(BENEFITS, MONTHS))).astype(np.int64)
        recorded = rng.random((BENEFITS, MONTHS)) > 0.03
        now = dt.datetime.now(dt.UTC).isoformat()
        with connection.cursor() as cursor:
            for row, (profile, benefit) in enumerate(zip(profiles, benefits, strict=True)):
                cursor.executemany(
                    "INSERT INTO benefits_profilemonth (profile_id, month, value) VALUES (%s, %s, %s)",
                    [
                        (profile.pk, days[m], str(Decimal(int(planned[row, m])).scaleb(-2)))
                        for m in range(MONTHS)
                    ],
                )
                cursor.executemany(
                    "INSERT INTO benefits_benefitactual (benefit_id, month, value, evidence, "
                    "attachment, recorded_at, is_illustrative, version) "
                    "VALUES (%s, %s, %s, 'bench', '', %s, false, 1)",
                    [
                        (benefit.pk, days[m], str(Decimal(int(actual[row, m])).scaleb(-2)), now)
                        for m in range(MONTHS)
                        if recorded[row, m]
                    ],
                )
    return programme, first + 47


def run() -> None:
    started = time.perf_counter()
    _setup()
    from openpmo.benefits import selectors
    from openpmo.core.benefits import roll_up, track

    programme, as_of = _register()
    print(
        f"   {BENEFITS:,} benefits x {MONTHS} months written to SQLite in "
        f"{time.perf_counter() - started:.1f} s"
    )

    def ours() -> object:
        return selectors.tracker(programme, as_of=as_of)

    def baseline() -> object:
        rows = selectors.register_rows(programme)
        positions = track(rows.core, as_of)
        return positions, [roll_up(positions, by) for by in ("pillar", "work_package", "programme")]

    view = ours()
    positions, (pillars, _packages, totals) = baseline()  # type: ignore[misc]
    assert [line.position for line in view.benefits] == positions, "book and plain disagree"  # type: ignore[attr-defined]
    assert [g.roll_up for g in view.programme_totals] == totals  # type: ignore[attr-defined]
    load = best_of(lambda: selectors.register_rows(programme), repeat=2)
    print(f"   of which loading (4 queries + adapters, no engine): {load * 1000:.0f} ms")
    report(
        f"tracker page data as of {as_of}, 10k x 60",
        best_of(ours, repeat=2),
        best_of(baseline, repeat=1),
        "same load + plain track",
    )
