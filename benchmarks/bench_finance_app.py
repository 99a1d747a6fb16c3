"""Finance app: recording drawdowns through the service and reading a 10,000-entry reserve ledger.

Drawdowns: ``reserve_drawdown_record`` (row lock, the ledger re-computed by the engine from the
entries gathered per line and year, the past-zero check for that year and every later one, two
audit records) beside the bare minimum a ledger needs in the same run: an ORM insert of the entry
and an update of the balance, with no check and no audit. The ratio is the price of the safeguard.

Ledger: ``selectors.reserve_ledger_view`` (entries summed per line and year by the database,
balances and reconciliation by the engine; the page lists the entries 100 at a time) on a reserve
of 10,000 entries over 10 years, beside a naive reading that loads every entry and re-adds from
the first year for each year's balance. Both give the same closing balances.
"""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal

from benchmarks._timing import best_of, report

ENTRIES = 10_000
YEARS = 10
DRAWDOWNS = 200


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
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from openpmo.accounts.roles import Role
    from openpmo.accounts.tests.factories import UserFactory
    from openpmo.common.services import SYSTEM
    from openpmo.core.money import FinancialYear
    from openpmo.finance import selectors, services
    from openpmo.finance.choices import EntryKind
    from openpmo.finance.models import Reserve, ReserveEntry
    from openpmo.finance.tests.factories import decision_authority
    from openpmo.portfolio.models import Programme

    programme = Programme.objects.create(name="Bench", short_name="B")
    first = FinancialYear(2022)
    last = first + (YEARS - 1)

    def new_reserve(name: str) -> Reserve:
        return services.reserve_create(
            actor=SYSTEM,
            programme=programme,
            name=name,
            first_year=str(first),
            last_year=str(last),
            opening_balance=Decimal("-1e9"),
            reporting_unit=Decimal(1),
        )

    # --- drawdowns through the service vs bare inserts ---
    authority = decision_authority(UserFactory(roles=[Role.DECISION_MAKER]))
    counter = iter(range(10**6))

    def through_service() -> None:
        reserve = new_reserve(f"Service {next(counter)}")
        for index in range(DRAWDOWNS):
            services.reserve_drawdown_record(
                actor=SYSTEM,
                authority=authority,
                reserve=reserve,
                year=str(first + index % YEARS),
                amount=Decimal("1000"),
                reason="bench",
            )

    def bare_inserts() -> None:
        reserve = new_reserve(f"Bare {next(counter)}")
        for index in range(DRAWDOWNS):
            with transaction.atomic():
                ReserveEntry.objects.create(
                    reserve=reserve,
                    year=str(first + index % YEARS),
                    kind=EntryKind.DRAWDOWN,
                    amount=Decimal("1000"),
                    ledger_amount=Decimal("1000"),
                    reason="bench",
                    recorded_at=timezone.now(),
                )
                Reserve.objects.filter(pk=reserve.pk).update(balance=F("balance") + 1000)

    ours = best_of(through_service, repeat=3)
    baseline = best_of(bare_inserts, repeat=3)
    report(
        f"{DRAWDOWNS} drawdowns (checked, audited)",
        ours,
        baseline,
        "bare insert",
    )
    print(f"   per drawdown: {ours / DRAWDOWNS * 1000:.2f} ms through the service")

    # --- the ledger of a 10,000-entry reserve ---
    reserve = new_reserve("Big")
    kinds = [EntryKind.CONTRIBUTION, EntryKind.WITHDRAWAL, EntryKind.DRAWDOWN, EntryKind.RETURN]
    signs = {
        EntryKind.CONTRIBUTION: -1,
        EntryKind.WITHDRAWAL: 1,
        EntryKind.DRAWDOWN: 1,
        EntryKind.RETURN: -1,
    }
    now = timezone.now()
    rows = []
    for index in range(ENTRIES):
        kind = kinds[index % 4]
        amount = Decimal(1000 + index % 997)
        rows.append(
            ReserveEntry(
                reserve=reserve,
                year=str(first + (index // 4) % YEARS),
                kind=kind,
                amount=amount,
                ledger_amount=signs[kind] * amount,
                reason="bench",
                recorded_at=now,
            )
        )
    ReserveEntry.objects.bulk_create(rows, batch_size=2000)
    total = sum((row.ledger_amount for row in rows), Decimal(0))
    Reserve.objects.filter(pk=reserve.pk).update(balance=F("opening_balance") + total)

    def ledger_view() -> list[Decimal]:
        fresh = selectors.reserve_get(reserve.pk)
        view = selectors.reserve_ledger_view(fresh, with_entries=False)
        return [year.closing for year in view.result.years]

    def naive() -> list[Decimal]:
        fresh = Reserve.objects.get(pk=reserve.pk)
        entries = list(ReserveEntry.objects.filter(reserve=fresh))
        closings = []
        for year in FinancialYear.span(first, last):
            balance = fresh.opening_balance
            for entry in entries:
                if FinancialYear.parse(entry.year) <= year:
                    balance += entry.ledger_amount
            closings.append(balance)
        return closings

    assert ledger_view() == naive(), "the ledger and the naive re-adding disagree"
    ours = best_of(ledger_view, repeat=3)
    baseline = best_of(naive, repeat=3)
    report(f"ledger of {ENTRIES:,} entries x {YEARS} years", ours, baseline, "naive re-add")
