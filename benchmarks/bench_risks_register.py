"""Risks app: reading a 1,000-item RAID register and simulating a 200-package programme from it.

Register: the register page's reads (``selectors.raid_item_list`` with owners, level rows and
open-action counts fetched up front, scored on the matrix against appetite, and the heat map)
beside a naive reading of the same rows that fetches each item's owner, level row and actions
one query at a time. Both give the same scores.

Simulation: the app's path for a programme run (``services.simulation_inputs`` from the register:
200 work packages whole, 60 quantified risks hitting them, strands correlated; the stored inputs
read back by ``network_from_data``; 10,000 iterations in progress-reporting chunks) beside the
core engine alone on the same network with its default chunks. The ratio is the app's overhead.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal

from benchmarks._timing import best_of, report

PACKAGES = 200
STRANDS = 22
ITEMS = 1_000
QUANTIFIED = 60
ITERATIONS = 10_000


def _setup(folder: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpmo.config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["OPENPMO_VAR_DIR"] = folder
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _setup(folder)
        _run()


def _run() -> None:
    from openpmo.accounts.models import User
    from openpmo.core.risk import simulate
    from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage
    from openpmo.risks import core_adapters, selectors, services
    from openpmo.risks.models import RaidAction, RaidItem, TaskHit

    programme = Programme.objects.create(name="Bench", short_name="B")
    owner = User.objects.create(username="owner")
    pillars = [
        Pillar.objects.create(programme=programme, name=f"Pillar {i}", objective="x")
        for i in range(6)
    ]
    strands = [
        Strand.objects.create(pillar=pillars[i % 6], name=f"Strand {i}") for i in range(STRANDS)
    ]
    packages = WorkPackage.objects.bulk_create(
        WorkPackage(
            strand=strands[i % STRANDS],
            reference=f"WP-{i:03d}",
            name=f"Package {i}",
            owner=owner,
            forecast_start=dt.date(2023, 4, 3) + dt.timedelta(days=7 * (i % 40)),
            forecast_end=dt.date(2024, 3, 29) + dt.timedelta(days=7 * (i % 40)),
            budget_envelope=Decimal(100_000 + 1_000 * i),
        )
        for i in range(PACKAGES)
    )
    items = []
    for i in range(ITEMS):
        wp = packages[i % PACKAGES]
        quantified = i < QUANTIFIED
        items.append(
            RaidItem(
                programme=programme,
                kind=("risk", "issue", "assumption")[i % 3] if not quantified else "risk",
                reference=f"X-{i:04d}",
                title=f"Item {i}",
                category=("financial", "delivery", "reputational", "compliance", "technology")[
                    i % 5
                ],
                owner=owner,
                level="work_package",
                work_package=wp,
                strand_id=wp.strand_id,
                pillar_id=strands[i % PACKAGES % STRANDS].pillar_id,
                inherent_probability=1 + i % 5,
                inherent_impact=1 + (i // 5) % 5,
                residual_probability=1 + (i // 2) % 5,
                residual_impact=1 + (i // 3) % 5,
                chance=Decimal("0.3") if quantified else None,
                delay_min=Decimal(5) if quantified else None,
                delay_likely=Decimal(10) if quantified else None,
                delay_max=Decimal(30) if quantified else None,
                cost_min=Decimal(1000) if quantified else None,
                cost_likely=Decimal(5000) if quantified else None,
                cost_max=Decimal(20000) if quantified else None,
            )
        )
    items = RaidItem.objects.bulk_create(items)
    RaidAction.objects.bulk_create(RaidAction(item=item, description="Act") for item in items)
    TaskHit.objects.bulk_create(
        TaskHit(item=item, work_package_id=item.work_package_id) for item in items[:QUANTIFIED]
    )
    for category in ("financial", "delivery"):
        services.risk_appetite_set(
            actor=services.SYSTEM, programme=programme, category=category, max_score=12
        )

    def register() -> list[int | None]:
        matrix = selectors.matrix_get(programme)
        rows = selectors.assess(
            list(selectors.raid_item_list(programme=programme)),
            matrix,
            selectors.appetites_of(programme),
        )
        selectors.heat_map([r.item for r in rows], matrix)
        return [r.score for r in rows]

    def naive() -> list[int | None]:
        scores = []
        for item in RaidItem.objects.filter(programme=programme).order_by("kind", "reference"):
            _ = (item.owner, item.work_package, item.strand, item.pillar)
            _ = item.actions.filter(status="open").count()
            scores.append(item.current_score)
        return scores

    assert sorted(register(), key=str) == sorted(naive(), key=str)
    print(f"RAID register of {ITEMS:,} items ({PACKAGES} work packages)")
    report(
        "register page reads (scored, heat map)",
        best_of(register, repeat=3),
        best_of(naive, repeat=3),
        "naive, a query per row",
    )

    inputs = services.simulation_inputs(programme=programme, work_package=None)
    network = core_adapters.network_of(inputs.to_json())

    def app_path() -> None:
        data = services.simulation_inputs(programme=programme, work_package=None).to_json()
        core_adapters.simulate(
            core_adapters.network_of(data), iterations=ITERATIONS, seed=1, progress=lambda _: None
        )

    def engine_only() -> None:
        simulate(network, iterations=ITERATIONS, seed=1)

    print(
        f"Programme simulation: {len(network.tasks)} tasks, {len(network.risks)} risks, "
        f"{ITERATIONS:,} iterations"
    )
    report(
        "inputs from the register + simulate",
        best_of(app_path, repeat=3),
        best_of(engine_only, repeat=3),
        "core engine alone",
    )


if __name__ == "__main__":
    run()
