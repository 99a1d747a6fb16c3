"""The reserve's printed decision table is checked as a document, once; the live ledger apart."""

from __future__ import annotations

from decimal import Decimal

from openpmo.accounts.roles import Role
from openpmo.accounts.tests.factories import UserFactory
from openpmo.common.services import SYSTEM
from openpmo.finance import selectors, services
from openpmo.finance.models import Reserve
from openpmo.finance.tests.factories import decision_authority
from openpmo.portfolio.tests.factories import StrandFactory, WorkPackageFactory


def test_the_printed_table_is_a_document_and_the_live_ledger_is_checked_apart(
    demo, client, role_user
):
    # Given the demo's reserve, with Table 2 as printed in the council report
    reserve = Reserve.objects.get(programme=demo)
    view = selectors.reserve_ledger_view(reserve)
    printed = [(d.year, d.line, d.stated, d.computed) for d in view.discrepancies]
    assert len(printed) == 5
    # whose 2021/22 error is said in words, with what it does to the residual,
    assert view.printed.knock_on == (
        "In 2021/22 the table prints the “Current Planned Balance to support the ETP” as "
        "(11,640) but its own figures add up to (10,640). Each later year starts from the printed "
        "figure, "
        "so the error is carried to the end: the report's residual balance of (14,032) re-adds "
        "to (13,031) (£000), about £1.0m less left in the reserve than the report says."
    )
    # when Finance makes one legitimate £45,000 release,
    finance = role_user(Role.FINANCE, username="finance-release")
    package = WorkPackageFactory(strand=StrandFactory(pillar=demo.pillars.first()))
    services.reserve_drawdown_record(
        actor=SYSTEM,
        reserve=reserve,
        year="2024/25",
        amount="45000",
        authority=decision_authority(UserFactory(roles=[Role.DECISION_MAKER])),
        work_package=package,
        reason="Full business case approved",
    )
    after = selectors.reserve_ledger_view(Reserve.objects.get())
    # then the printed table's own arithmetic is as it was (5 figures, not 8),
    assert [(d.year, d.line, d.stated, d.computed) for d in after.discrepancies] == printed
    # the live ledger holds together, and moved by the release,
    assert after.invariants == []
    assert after.result.years[-1].closing == view.result.years[-1].closing + Decimal("45000")
    # and the reserve's page shows the two checks apart.
    client.force_login(finance)
    page = client.get(reserve.get_absolute_url()).content.decode()
    assert "own arithmetic: 5 stated figures disagree" in page
    assert "The live ledger holds together" in page
    assert "about £1.0m less left in the reserve" in page
