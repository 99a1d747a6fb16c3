"""Reports: the investment board pack of a 200-work-package programme, snapshot and renderings.

Synthetic programme: 6 pillars, 22 strands, 200 work packages, 12 months of spend and two years of
forecast for each, a reserve with its contributions and drawdowns, 600 benefits with 36-month
profiles and actuals, and 12 months of approved pillar highlight reports (for the RAG trend).

Snapshot: the board pack's money section as the report builds it (``programme_money``: four
queries, whatever the number of work packages) beside the naive per-work-package path
(``work_package_money`` for each one, three queries each), in the same run; their totals are
checked equal. Then the whole board pack snapshot (every section) with its query count.

Rendering: the same frozen snapshot as a web page (HTML), a workbook (openpyxl) and a PDF
(WeasyPrint); the PDF's time is the baseline the HTML is compared against.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from decimal import Decimal

from benchmarks._timing import best_of, report

WORK_PACKAGES = 200
PILLARS = 6
STRANDS = 22
BENEFITS_PER_PACKAGE = 3
MONTHS = 36
PERIOD = dt.date(2024, 3, 1)


def _setup(folder: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpmo.config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["OPENPMO_VAR_DIR"] = folder
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _programme():  # type: ignore[no-untyped-def]
    import numpy as np
    from django.db import connection, transaction

    from openpmo.accounts.models import User
    from openpmo.accounts.roles import Role
    from openpmo.accounts.tests.factories import UserFactory
    from openpmo.benefits.models import Benefit, BenefitProfile
    from openpmo.common.services import SYSTEM
    from openpmo.core.benefits import Month
    from openpmo.finance import services as finance
    from openpmo.finance.models import WorkPackageForecast, WorkPackageSpend
    from openpmo.finance.tests.factories import decision_authority
    from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage
    from openpmo.reports.choices import ReportKind, ReportStatus
    from openpmo.reports.models import Report, snapshot_digest

    rng = np.random.default_rng(2024)
    rags = ["green", "amber", "red", ""]
    with transaction.atomic():
        owner = User.objects.create(username="bench-reports-owner", first_name="Bench")
        programme = Programme.objects.create(
            name="Reports bench programme",
            short_name="RB",
            start_date=dt.date(2022, 10, 1),
            end_date=dt.date(2025, 9, 30),
        )
        pillars = [
            Pillar.objects.create(
                programme=programme, name=f"Pillar {p + 1}", objective="x", order=p, sponsor=owner
            )
            for p in range(PILLARS)
        ]
        strands = [
            Strand.objects.create(pillar=pillars[s % PILLARS], name=f"Strand {s + 1}")
            for s in range(STRANDS)
        ]
        packages = WorkPackage.objects.bulk_create(
            WorkPackage(
                strand=strands[k % STRANDS],
                reference=f"RB-{k:03d}",
                name=f"Work package {k}",
                owner=owner,
                stage="delivery",
                rag_status=rags[k % 4],
                budget_envelope=Decimal(int(rng.integers(50, 3000)) * 1000),
                baseline_start=dt.date(2023, 1, 1),
                baseline_end=dt.date(2024, 12, 31),
            )
            for k in range(WORK_PACKAGES)
        )
        WorkPackageSpend.objects.bulk_create(
            WorkPackageSpend(
                work_package=wp,
                month=(Month(2023, 4) + m).first_day,
                spend_type="revenue" if m % 3 else "capital",
                amount=Decimal(int(rng.integers(1_000, 50_000))),
            )
            for wp in packages
            for m in range(12)
        )
        WorkPackageForecast.objects.bulk_create(
            WorkPackageForecast(
                work_package=wp, year=year, spend_type="revenue", amount=Decimal(100_000)
            )
            for wp in packages
            for year in ("2024/25", "2025/26")
        )
        reserve = finance.reserve_create(
            actor=SYSTEM,
            programme=programme,
            name="Bench reserve",
            first_year="2022/23",
            last_year="2025/26",
            opening_balance=Decimal("-5000000"),
        )
        authority = decision_authority(UserFactory(roles=[Role.DECISION_MAKER]))
        for year in ("2022/23", "2023/24", "2024/25", "2025/26"):
            finance.reserve_contribution_record(
                actor=SYSTEM, reserve=reserve, year=year, amount=Decimal("5000000"), reason="MTFS"
            )
            for wp in packages[:10]:
                finance.reserve_drawdown_record(
                    actor=SYSTEM,
                    authority=authority,
                    reserve=reserve,
                    year=year,
                    amount=Decimal("100000"),
                    reason="Gate release",
                    work_package=wp,
                )
        benefits = Benefit.objects.bulk_create(
            Benefit(
                reference=f"RB-BEN-{k:04d}",
                title=f"Benefit {k}",
                category="cashable",
                measure="Spend",
                unit="£",
                owner=owner,
                pillar=pillars[(k // BENEFITS_PER_PACKAGE) % STRANDS % PILLARS],
            )
            for k in range(WORK_PACKAGES * BENEFITS_PER_PACKAGE)
        )
        Benefit.work_packages.through.objects.bulk_create(
            Benefit.work_packages.through(
                benefit_id=b.pk, workpackage_id=packages[k // BENEFITS_PER_PACKAGE].pk
            )
            for k, b in enumerate(benefits)
        )
        profiles = BenefitProfile.objects.bulk_create(
            BenefitProfile(benefit=b, number=1, method="entered") for b in benefits
        )
        days = [(Month(2023, 4) + i).first_day.isoformat() for i in range(MONTHS)]
        now = dt.datetime.now(dt.UTC).isoformat()
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO benefits_profilemonth (profile_id, month, value) VALUES (%s, %s, %s)",
                [(p.pk, day, "1000.00") for p in profiles for day in days],
            )
            cursor.executemany(
                "INSERT INTO benefits_benefitactual (benefit_id, month, value, evidence, "
                "attachment, recorded_at, is_illustrative, version) "
                "VALUES (%s, %s, %s, 'bench', '', %s, false, 1)",
                [(b.pk, day, "900.00", now) for b in benefits for day in days[:12]],
            )
        approved_at = dt.datetime(2024, 4, 5, tzinfo=dt.UTC)
        Report.objects.bulk_create(
            Report(
                programme=programme,
                kind=ReportKind.PILLAR_HIGHLIGHT,
                period=(Month(2023, 4) + m).first_day,
                pillar=pillar,
                title=f"{pillar.name} {m}",
                status=ReportStatus.APPROVED,
                overall_rag=rags[(m + p) % 3],
                snapshot={"bench": True},
                snapshot_sha256=snapshot_digest({"bench": True}),
                approved_at=approved_at,
            )
            for m in range(12)
            for p, pillar in enumerate(pillars)
        )
    return programme, packages


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _setup(folder)
        _run()


def _run() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openpmo.finance.selectors import work_package_money
    from openpmo.reports import exports
    from openpmo.reports.sections import SECTIONS, Scope
    from openpmo.reports.snapshots import build_snapshot, section_of

    started = time.perf_counter()
    programme, packages = _programme()
    print(
        f"   programme of {WORK_PACKAGES} work packages, {WORK_PACKAGES * BENEFITS_PER_PACKAGE} "
        f"benefits built in {time.perf_counter() - started:.1f} s"
    )

    # --- the money section: programme reads against per-work-package reads ---
    def ours() -> dict:
        return SECTIONS["finance"](Scope(programme=programme, period=PERIOD))

    def naive() -> tuple[Decimal, Decimal, Decimal]:
        budget = actual = forecast = Decimal(0)
        for wp in packages:
            money = work_package_money(wp).money
            budget += money.budget
            actual += money.actual
            forecast += money.forecast
        return budget, actual, forecast

    section = ours()
    facts = {f["label"]: Decimal(f["value"]) for f in section["facts"]}
    budget, actual, forecast = naive()
    assert facts["Budget"] == budget and facts["Spent to date"] == actual
    assert facts["Forecast at completion"] == actual + forecast
    with CaptureQueriesContext(connection) as mine:
        ours()
    with CaptureQueriesContext(connection) as theirs:
        naive()
    report(
        f"money section, {WORK_PACKAGES} work packages",
        best_of(ours, repeat=5),
        best_of(naive, repeat=3),
        "per-package",
    )
    print(
        f"   queries: ours {len(mine.captured_queries)}, per-package {len(theirs.captured_queries)}"
    )

    # --- the whole board pack snapshot ---
    with CaptureQueriesContext(connection) as queries:
        snapshot = build_snapshot(kind="board_pack", programme=programme, period=PERIOD)
    snapshot_time = best_of(
        lambda: build_snapshot(kind="board_pack", programme=programme, period=PERIOD), repeat=3
    )
    available = sum(1 for s in snapshot["sections"] if s["available"])
    print(
        f"   board pack snapshot: {snapshot_time * 1000:.0f} ms, {len(queries.captured_queries)} "
        f"queries, {available}/{len(snapshot['sections'])} sections available, "
        f"{len(section_of(snapshot, 'benefits')['tables'][0]['rows'])} rows of benefits needing attention"
    )

    # --- renderings of the frozen snapshot ---
    meta = exports.report_meta(None, snapshot)
    html_time = best_of(lambda: exports.print_html(snapshot, meta), repeat=5)
    xlsx_time = best_of(lambda: exports.xlsx_bytes(snapshot, meta), repeat=3)
    started = time.perf_counter()
    pdf = exports.pdf_bytes(snapshot, meta)
    pdf_time = time.perf_counter() - started
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    report("board pack as HTML", html_time, pdf_time, "PDF")
    report("board pack as Excel workbook", xlsx_time, pdf_time, "PDF")
    print(f"   PDF: {pages} pages, {len(pdf) / 1024:.0f} KiB")
