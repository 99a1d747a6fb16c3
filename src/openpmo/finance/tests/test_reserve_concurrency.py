"""Many people drawing the last of the reserve at once: exactly the affordable drawdowns succeed."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.db import MoneySum
from openpmo.common.services import ConflictError
from openpmo.finance import services
from openpmo.finance.models import Reserve, ReserveEntry
from openpmo.finance.tests.factories import ReserveFactory, decision_authority

THREADS = 24


@pytest.mark.django_db(transaction=True)
def test_racing_drawdowns_take_exactly_what_the_reserve_holds(role_user):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every writer with one database lock, so there is no race to "
            "test; row locking (select_for_update) is tested on PostgreSQL"
        )
    # Given a reserve holding £100,000 and 24 decisions of the Cabinet Member each drawing
    # £30,000 at the same moment
    cabinet_member = role_user(Role.DECISION_MAKER)
    authority = decision_authority(cabinet_member)
    reserve = ReserveFactory(opening_balance=Decimal("-100000.00"))
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def draw(number: int) -> None:
        try:
            barrier.wait()
            services.reserve_drawdown_record(
                actor=cabinet_member,
                authority=authority,
                reserve=Reserve.objects.get(pk=reserve.pk),
                year="2024/25",
                amount=Decimal("30000"),
                reason=f"Request {number}",
            )
            result = "drawn"
        except ConflictError:
            result = "refused"
        except Exception as error:  # noqa: BLE001 (any other outcome fails the test below)
            result = f"failed: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=draw, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    # then three are drawn (£90,000), the rest refused cleanly,
    assert sorted(outcomes) == ["drawn"] * 3 + ["refused"] * (THREADS - 3)
    # and the ledger adds up: balance = opening + entries, one audit record per drawdown.
    reserve.refresh_from_db()
    total = ReserveEntry.objects.filter(reserve=reserve).aggregate(s=MoneySum("ledger_amount"))["s"]
    assert total == Decimal("90000.00")
    assert reserve.balance == reserve.opening_balance + total == Decimal("-10000.00")
    assert AuditRecord.objects.filter(action="reserve.drawdown").count() == 3
