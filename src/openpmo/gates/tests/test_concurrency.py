"""Approvals racing each other, with real concurrent connections (one thread each).

Two approvals of the same request, or drawdowns racing for the last of the reserve: exactly one
succeeds, every other gets a clear refusal (``ConflictError``), and the reserve's balance stays
its opening balance plus the sum of its entries. The row-lock races need PostgreSQL (SQLite has
one writer at a time, so they are skipped there); on SQLite the race ends in "database is
locked", which must be a clean refusal too.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from openpmo.common.busy import is_busy
from openpmo.common.services import ConflictError
from openpmo.gates import services
from openpmo.gates.models import Decision, FundingRelease, GateRequest
from openpmo.gates.tests.conftest import S151, YEAR_1, forwarded_request

pytestmark = [pytest.mark.django_db(transaction=True)]

ATTEMPTS = 24


@pytest.fixture
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers behind one database lock, so there is "
            "no concurrency to test (set DATABASE_URL=postgres://…)"
        )


def _race(calls):
    """Run the calls at the same moment, one thread and connection each; (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            outcome = call()
            with lock:
                results.append(outcome)
        except Exception as error:  # noqa: BLE001 - every refusal is collected and checked
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def _ledger_intact(reserve):
    reserve.refresh_from_db()
    entries = sum((e.ledger_amount for e in reserve.entries.all()), Decimal(0))
    assert reserve.balance == reserve.opening_balance + entries
    return reserve


@pytest.mark.postgres
@pytest.mark.usefixtures("_postgres_only")
def test_many_approvals_of_one_request_at_once_exactly_one_wins(gated, reserve, decision_maker):
    request = forwarded_request(gated, requested={YEAR_1: "100000.00"})

    def approve():
        return services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "100000.00"},
            **S151,
        )

    results, errors = _race([approve] * ATTEMPTS)
    assert len(results) == 1
    assert len(errors) == ATTEMPTS - 1
    assert all(isinstance(e, ConflictError) for e in errors), {type(e) for e in errors}
    assert Decision.objects.count() == 1 and FundingRelease.objects.count() == 1
    reserve = _ledger_intact(reserve)
    assert reserve.balance == Decimal("-900000.00")
    gated.refresh_from_db()
    assert gated.stage == "soc"


@pytest.mark.postgres
@pytest.mark.usefixtures("_postgres_only")
def test_drawdowns_racing_for_the_last_of_the_reserve_exactly_one_wins(
    gated, reserve, decision_maker
):
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    # Given twenty forwarded requests, each for £600,000 of a £1,000,000 reserve
    packages = [gated] + [WorkPackageFactory(strand=gated.strand) for _ in range(19)]
    requests = [forwarded_request(wp, requested={YEAR_1: "600000.00"}) for wp in packages]

    def approver(request):
        return lambda: services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "600000.00"},
            **S151,
        )

    # when they are all approved at once
    results, errors = _race([approver(r) for r in requests])
    # then one drawdown fits, the rest are refused and change nothing
    assert len(results) == 1 and len(errors) == 19
    assert all(isinstance(e, ConflictError) and "past zero" in str(e) for e in errors)
    assert Decision.objects.count() == 1
    assert GateRequest.objects.filter(status="forwarded").count() == 19
    reserve = _ledger_intact(reserve)
    assert reserve.balance == Decimal("-400000.00")


def test_racing_approvals_on_any_database_end_in_one_decision_and_clean_refusals(
    gated, reserve, decision_maker
):
    """SQLite lets one writer in at a time and answers the others "database is locked" (the test
    database, in memory, answers at once): one approval wins, every other one is a
    ``ConflictError`` ("already decided") or a busy database (which pages and the API answer
    503 "try again"), never anything else. On PostgreSQL the same race queues on the row lock
    instead."""
    request = forwarded_request(gated, requested={YEAR_1: "100000.00"})

    def approve():
        return services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "100000.00"},
            **S151,
        )

    results, errors = _race([approve] * 8)
    assert len(results) == 1, errors
    assert all(
        is_busy(e) or (isinstance(e, ConflictError) and "already been decided" in str(e))
        for e in errors
    ), {repr(e) for e in errors}
    assert Decision.objects.count() == 1
    _ledger_intact(reserve)
