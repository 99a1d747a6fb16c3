"""No money out of the reserve without a decision (issue 11 item 14, issue 17 item 3): a drawdown
receives the authority of the decision that made it (who decided, in which role, which
decision), made by the Cabinet Member for Finance (§7.1) and recorded by them or by the system;
the ledger row names them. Every other way is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import SYSTEM
from openpmo.finance import services
from openpmo.finance.models import ReserveEntry
from openpmo.finance.tests.factories import ReserveFactory, decision_authority


@pytest.fixture
def reserve(db):
    return ReserveFactory()


def _state(reserve):
    reserve.refresh_from_db()
    return reserve.balance, ReserveEntry.objects.count(), AuditRecord.objects.count()


def test_finance_cannot_draw_500000_without_a_decision(role_user, reserve):
    finance = role_user(Role.FINANCE)
    before = _state(reserve)
    # Without any decision, as a drawdown or as a withdrawal (another field, same money)
    for record in (services.reserve_drawdown_record, services.reserve_withdrawal_record):
        with pytest.raises(ValidationError) as error:
            record(
                actor=finance,
                reserve=reserve,
                year="2023/24",
                amount="50000",
                authority=None,
                reason="No decision",
            )
        assert "Cabinet Member for Finance" in error.value.message_dict["kind"][0]
    assert _state(reserve) == before


def test_a_drawdown_needs_the_cabinet_member_and_is_recorded_in_their_name(role_user, reserve):
    finance = role_user(Role.FINANCE)
    cabinet_member = role_user(Role.DECISION_MAKER)
    board_member = role_user(Role.BOARD_MEMBER)
    before = _state(reserve)
    # A board member's decision is not §7.1's authority, whatever role it claims,
    for claimed in (Role.BOARD_MEMBER, Role.DECISION_MAKER):
        with pytest.raises(PermissionDenied, match="§7.1"):
            services.reserve_drawdown_record(
                actor=SYSTEM,
                reserve=reserve,
                year="2023/24",
                amount="100",
                authority=decision_authority(board_member, role=claimed.value),
                reason="Board",
            )
    # Finance cannot record the Cabinet Member's decision for them,
    with pytest.raises(PermissionDenied, match="who took the decision"):
        services.reserve_drawdown_record(
            actor=finance,
            reserve=reserve,
            year="2023/24",
            amount="100",
            authority=decision_authority(cabinet_member),
            reason="On their behalf",
        )
    # and a decision dated in the future authorises nothing.
    future = decision_authority(cabinet_member, decided_on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.reserve_drawdown_record(
            actor=cabinet_member,
            reserve=reserve,
            year="2023/24",
            amount="100",
            authority=future,
            reason="Tomorrow",
        )
    assert _state(reserve) == before
    # The system (loading a decision) draws in the decider's name; the row names them.
    entry = services.reserve_drawdown_record(
        actor=SYSTEM,
        reserve=reserve,
        year="2023/24",
        amount="100",
        authority=decision_authority(cabinet_member, forward_plan_reference="FP/9/9/23"),
        reason="Decided",
    )
    assert (entry.authorised_by, entry.authority_role) == (cabinet_member, "Decision maker")
    assert "FP/9/9/23" in entry.authority and entry.recorded_by is None
    reserve.refresh_from_db()
    assert reserve.balance == Decimal("-99900.00")


def test_returns_of_unspent_funds_stay_with_finance_audited(role_user, reserve, programme_tree):
    finance = role_user(Role.FINANCE)
    cabinet_member = role_user(Role.DECISION_MAKER)
    services.reserve_drawdown_record(
        actor=cabinet_member,
        reserve=reserve,
        year="2023/24",
        amount="3000",
        authority=decision_authority(cabinet_member),
        work_package=programme_tree,
        reason="Stage",
    )
    # A return needs no decision (and refuses one),
    with pytest.raises(ValidationError):
        services.reserve_entry_record(
            actor=finance,
            reserve=reserve,
            kind="return",
            year="2024/25",
            amount="100",
            reason="x",
            authority=decision_authority(cabinet_member),
        )
    entry = services.reserve_return_record(
        actor=finance,
        reserve=reserve,
        year="2024/25",
        amount="1000",
        work_package=programme_tree,
        reason="Unspent at closure",
    )
    # and Finance's return is audited in Finance's name.
    record = AuditRecord.objects.for_object(entry).get()
    assert (record.action, record.actor) == ("reserve.return", finance)
    assert entry.recorded_by == finance and entry.authorised_by is None
