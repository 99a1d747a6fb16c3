"""Gates: the pipeline for 2,000 waiting requests, and the cost of recording a decision safely.

Two measurements on a temporary SQLite database, both beside a baseline measured in this run:

1. The pipeline page's data (``openpmo.gates.selectors.pipeline``: two queries, whatever the
   number of requests) for 2,000 requests waiting at the gates, against the naive read that
   follows each request's work package, pillar and gate one query at a time (N+1).
2. Recording 200 approvals with money through ``services.decision_record`` (row lock, delegated
   authority, releases, the reserve drawdown through the finance app, the stage move and the
   audit records, in one transaction each) against bare inserts of the same decision and release
   rows with none of those guarantees: what the safety costs per decision.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from benchmarks._timing import best_of, report

WAITING = 2_000
DECISIONS = 200


def _setup() -> None:
    from django.apps import apps

    if not apps.ready:  # another benchmark may have set Django up already: share its database
        folder = Path(tempfile.mkdtemp(prefix="openpmo-bench-gates-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ["OPENPMO_VAR_DIR"] = str(folder)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpmo.config.settings")
        import django

        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _programme(count: int, tag: str):  # type: ignore[no-untyped-def]
    """A programme with the default gates, a £1bn reserve and ``count`` forwarded requests."""
    from django.db import transaction
    from django.utils import timezone

    from openpmo.common.services import SYSTEM
    from openpmo.core.money import FinancialYear
    from openpmo.finance.services import reserve_create
    from openpmo.gates import services
    from openpmo.gates.models import BusinessCase, GateRequest
    from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage

    year = FinancialYear.containing(timezone.localdate())
    with transaction.atomic():
        programme = Programme.objects.create(name=f"Gates bench {tag}", short_name=f"G{tag}")
        gate = services.gates_create_defaults(actor=SYSTEM, programme=programme)[0]
        reserve_create(
            actor=SYSTEM,
            programme=programme,
            name="Reserve",
            first_year=str(year),
            last_year=str(year + 3),
            opening_balance=Decimal("-1000000000.00"),
        )
        pillars = [
            Pillar.objects.create(programme=programme, name=f"Pillar {p}", objective="x", order=p)
            for p in range(6)
        ]
        strands = [Strand.objects.create(pillar=pillar, name="Strand") for pillar in pillars]
        packages = WorkPackage.objects.bulk_create(
            WorkPackage(strand=strands[k % 6], reference=f"{tag}-{k:05d}", name=f"WP {k}")
            for k in range(count)
        )
        cases = BusinessCase.objects.bulk_create(
            BusinessCase(work_package=wp, gate=gate, number=1, title="Case", base_year=str(year))
            for wp in packages
        )
        now = timezone.now()
        requests = GateRequest.objects.bulk_create(
            GateRequest(
                work_package=wp,
                gate=gate,
                business_case=case,
                status="forwarded",
                requested={str(year): "100000.00"},
                requested_total=Decimal("100000.00"),
                submitted_at=now - dt.timedelta(days=k % 90),
            )
            for k, (wp, case) in enumerate(zip(packages, cases, strict=True))
        )
    return programme, requests, str(year)


def _naive_pipeline(programme) -> Decimal:  # type: ignore[no-untyped-def]
    from openpmo.gates.models import GateRequest

    total = Decimal(0)
    for request in GateRequest.objects.filter(
        gate__programme=programme, status__in=["submitted", "forwarded"]
    ):
        _ = (request.work_package.strand.pillar.name, request.gate.name)
        total += request.requested_total
    return total


def _ours_pipeline(programme) -> Decimal:  # type: ignore[no-untyped-def]
    from openpmo.gates.selectors import pipeline

    data = pipeline(programme)
    for request in data.requests:
        _ = (request.work_package.strand.pillar.name, request.gate.name)
    return data.requested_total


def run() -> None:
    _setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from openpmo.accounts.models import User
    from openpmo.accounts.roles import Role
    from openpmo.accounts.services import user_roles_set
    from openpmo.gates import services
    from openpmo.gates.models import Decision, FundingRelease

    programme, _requests, _year = _programme(WAITING, "P")
    assert _ours_pipeline(programme) == _naive_pipeline(programme) == WAITING * Decimal("100000")
    with CaptureQueriesContext(connection) as queries:
        _ours_pipeline(programme)
    ours = best_of(lambda: _ours_pipeline(programme), repeat=3)
    naive = best_of(lambda: _naive_pipeline(programme), repeat=3)
    print(f"   pipeline of {WAITING:,} waiting requests: {len(queries)} queries")
    report(f"pipeline, {WAITING:,} requests", ours, naive, "per-row reads")

    decider = User.objects.create(username="bench-cabinet-member")
    user_roles_set(user=decider, roles=[Role.DECISION_MAKER])
    programme, requests, year = _programme(DECISIONS, "D")
    released = {year: "100000.00"}
    started = time.perf_counter()
    for request in requests:
        services.decision_record(
            actor=decider,
            gate_request=request,
            outcome="approved",
            released=released,
            s151_officer="S151 officer",
            s151_consulted_on=timezone.localdate(),
            forward_plan_reference="FP/527/10/22",
        )
    ours = (time.perf_counter() - started) / DECISIONS

    _programme_b, requests_b, _ = _programme(DECISIONS, "B")
    started = time.perf_counter()
    for request in requests_b:
        with transaction.atomic():
            decision = Decision.objects.create(
                programme=_programme_b,
                gate_request=request,
                subject="bare",
                outcome="approved",
                decided_by=decider,
                authority_role="Decision maker",
                decided_on=timezone.localdate(),
                released_total=Decimal("100000.00"),
                recorded_at=timezone.now(),
            )
            FundingRelease.objects.create(decision=decision, year=year, amount=Decimal("100000"))
    bare = (time.perf_counter() - started) / DECISIONS
    reserve = programme.reserves.get()
    drawn = -Decimal("1000000000.00") + DECISIONS * Decimal("100000.00")
    assert reserve.balance == drawn, (reserve.balance, drawn)
    print(
        f"   {'decision with money, per decision':<40} ours {ours * 1000:9.2f} ms   bare inserts "
        f"{bare * 1000:9.2f} ms   safety costs {ours / bare:5.1f}x the bare write"
    )
