"""The reserve ledger's one write path: drawdowns never take the reserve past zero unless a
Decision maker says why; every entry is audited; the balance is always the sum of the entries."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import financial_years, pounds

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import ConflictError
from openpmo.finance import services
from openpmo.finance.models import Reserve, ReserveEntry
from openpmo.finance.tests.factories import ReserveFactory, decision_authority


@pytest.fixture
def finance(role_user):
    return role_user(Role.FINANCE)


@pytest.fixture
def decision_maker(role_user):
    return role_user(Role.DECISION_MAKER)


@pytest.fixture
def authority(decision_maker):
    """The Cabinet Member's decision a gate approval hands the finance service (§7.1)."""
    return decision_authority(decision_maker)


@pytest.fixture
def reserve(db):
    return ReserveFactory()


def _state(reserve):
    """What a user could notice: the balance, the entries and the audit trail."""
    reserve.refresh_from_db()
    return (
        reserve.balance,
        reserve.version,
        ReserveEntry.objects.count(),
        AuditRecord.objects.count(),
    )


def _sum_is_balance(reserve):
    reserve.refresh_from_db()
    total = sum((entry.ledger_amount for entry in reserve.entries.all()), Decimal(0))
    return reserve.balance == reserve.opening_balance + total


def test_a_drawdown_within_the_reserve_is_recorded_and_audited(
    decision_maker, authority, reserve, programme_tree
):
    # Given a reserve holding £100,000, when the Cabinet Member's decision draws £40,000
    entry = services.reserve_drawdown_record(
        actor=decision_maker,
        authority=authority,
        reserve=reserve,
        year="2023/24",
        amount=Decimal("40000"),
        work_package=programme_tree,
        reason="Discovery funding",
    )
    # then the balance is £60,000 (held as -60,000), the entry names its decider and decision,
    reserve.refresh_from_db()
    assert reserve.balance == Decimal("-60000.00")
    assert entry.work_package == programme_tree
    assert (entry.authorised_by, entry.authority_role) == (decision_maker, "Decision maker")
    assert entry.authority == str(authority)
    assert entry.ledger_amount == Decimal("40000.00") and entry.recorded_by == decision_maker
    # and both the entry and the balance change are in the audit trail under the decider's name.
    actions = set(AuditRecord.objects.values_list("action", "actor"))
    assert actions == {
        ("reserve.drawdown", decision_maker.pk),
        ("reserve.balance_changed", decision_maker.pk),
    }
    assert _sum_is_balance(reserve)


def test_a_drawdown_past_zero_is_refused_and_changes_nothing(decision_maker, authority, reserve):
    before = _state(reserve)
    with pytest.raises(ConflictError, match="past zero in 2023/24"):
        services.reserve_drawdown_record(
            actor=decision_maker,
            authority=authority,
            reserve=reserve,
            year="2023/24",
            amount="100000.01",
            reason="Too much",
        )
    assert _state(reserve) == before


def test_the_whole_balance_may_be_drawn(decision_maker, authority, reserve):
    services.reserve_drawdown_record(
        actor=decision_maker,
        authority=authority,
        reserve=reserve,
        year="2025/26",
        amount="100000",
        reason="All of it",
    )
    reserve.refresh_from_db()
    assert reserve.balance == 0


def test_a_drawdown_is_refused_when_a_later_year_would_go_past_zero(
    decision_maker, authority, reserve
):
    # Given £70,000 already committed in 2025/26
    services.reserve_withdrawal_record(
        actor=decision_maker,
        authority=authority,
        reserve=reserve,
        year="2025/26",
        amount="70000",
        reason="Approved programme",
    )
    before = _state(reserve)
    # when £40,000 is asked for in 2023/24 (affordable that year, not by 2025/26)
    with pytest.raises(ConflictError, match="past zero in 2025/26"):
        services.reserve_drawdown_record(
            actor=decision_maker,
            authority=authority,
            reserve=reserve,
            year="2023/24",
            amount="40000",
            reason="Early",
        )
    assert _state(reserve) == before


def test_only_the_decider_may_take_the_reserve_past_zero_with_a_reason(
    finance, decision_maker, authority, reserve
):
    before = _state(reserve)
    # Finance cannot record the Cabinet Member's drawdown for them, override or not
    with pytest.raises(PermissionDenied, match="who took the decision"):
        services.reserve_drawdown_record(
            actor=finance,
            authority=authority,
            reserve=reserve,
            year="2023/24",
            amount="150000",
            reason="Urgent",
            override_reason="I say so",
        )
    # and the decider must give the reason to go past zero
    with pytest.raises(ConflictError, match="past zero"):
        services.reserve_drawdown_record(
            actor=decision_maker,
            authority=authority,
            reserve=reserve,
            year="2023/24",
            amount="150000",
            reason="Urgent",
        )
    assert _state(reserve) == before
    entry = services.reserve_drawdown_record(
        actor=decision_maker,
        authority=authority,
        reserve=reserve,
        year="2023/24",
        amount="150000",
        reason="Urgent",
        override_reason="Cabinet agreed to borrow against next year's contribution",
    )
    assert entry.override_reason.startswith("Cabinet agreed")
    assert AuditRecord.objects.filter(action="reserve.drawdown_overridden").count() == 1
    reserve.refresh_from_db()
    assert reserve.balance == Decimal("50000.00")  # past zero, shown as a positive figure
    assert _sum_is_balance(reserve)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.FINANCE, True),
        (Role.DECISION_MAKER, True),
        (Role.PMO, False),
        (Role.PILLAR_SPONSOR, False),
        (Role.WORK_PACKAGE_MANAGER, False),
        (Role.BOARD_MEMBER, False),
        (Role.VIEWER, False),
    ],
)
def test_only_finance_and_decision_makers_record_contributions_and_returns(
    role, allowed, role_user, reserve, programme_tree
):
    actor = role_user(role)
    before = _state(reserve)
    for record in (
        lambda: services.reserve_contribution_record(
            actor=actor, reserve=reserve, year="2023/24", amount="10", reason="x"
        ),
        lambda: services.reserve_return_record(
            actor=actor, reserve=reserve, year="2023/24", amount="10", reason="x"
        ),
    ):
        if allowed:
            record()
        else:
            with pytest.raises(PermissionDenied):
                record()
    if not allowed:
        assert _state(reserve) == before
    else:
        assert ReserveEntry.objects.count() == 2
        assert set(AuditRecord.objects.values_list("actor", flat=True)) == {actor.pk}
    assert _sum_is_balance(reserve)


@pytest.mark.parametrize(
    ("year", "amount", "reason", "field"),
    [
        ("2030/31", "10", "x", "year"),
        ("2023-2025", "10", "x", "year"),
        ("2023/24", "0", "x", "amount"),
        ("2023/24", "-5", "x", "amount"),
        ("2023/24", "lots", "x", "amount"),
        ("2023/24", "1.001", "x", "amount"),
        ("2023/24", "10", "  ", "reason"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(
    decision_maker, authority, reserve, year, amount, reason, field
):
    before = _state(reserve)
    with pytest.raises(ValidationError) as error:
        services.reserve_drawdown_record(
            actor=decision_maker,
            authority=authority,
            reserve=reserve,
            year=year,
            amount=amount,
            reason=reason,
        )
    assert field in error.value.message_dict
    assert _state(reserve) == before


def test_a_return_cannot_exceed_what_was_drawn_for_its_work_package(
    finance, decision_maker, authority, reserve, programme_tree
):
    services.reserve_drawdown_record(
        actor=decision_maker,
        authority=authority,
        reserve=reserve,
        year="2023/24",
        amount="30000",
        work_package=programme_tree,
        reason="Stage funding",
    )
    services.reserve_return_record(
        actor=finance,
        reserve=reserve,
        year="2024/25",
        amount="10000",
        work_package=programme_tree,
        reason="Unspent",
    )
    before = _state(reserve)
    with pytest.raises(ValidationError, match="20,000.00"):
        services.reserve_return_record(
            actor=finance,
            reserve=reserve,
            year="2024/25",
            amount="20000.01",
            work_package=programme_tree,
            reason="Too much",
        )
    assert _state(reserve) == before
    reserve.refresh_from_db()
    assert reserve.balance == Decimal("-80000.00")


ENTRY = st.tuples(
    st.sampled_from(["contribution", "withdrawal", "drawdown", "return"]),
    financial_years(2023, 2025).map(str),
    pounds(1, 6_000_000),
    st.booleans(),  # by the Decision maker (who may override) or by Finance
    st.booleans(),  # with an override reason
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(ENTRY, min_size=1, max_size=12))
def test_the_balance_is_always_the_sum_of_the_entries(
    finance, decision_maker, authority, reserve, steps
):
    # Given any run of entries, some of them refused (past zero without a Decision maker's
    # override, money out recorded by Finance for the decider, returns of more than was drawn),
    # each run from the same fresh reserve,
    from openpmo.finance import core_adapters

    with transaction.atomic():
        reserve.refresh_from_db()
        for kind, year, amount, by_decision_maker, override in steps:
            money_out = kind in ("drawdown", "withdrawal")
            with contextlib.suppress(ConflictError, PermissionDenied, ValidationError):
                services.reserve_entry_record(
                    actor=decision_maker if by_decision_maker else finance,
                    authority=authority if money_out else None,
                    reserve=reserve,
                    kind=kind,
                    year=year,
                    amount=amount,
                    reason="property",
                    override_reason="Agreed by Cabinet" if override else "",
                )
            # then after every step the balance is the opening balance plus every entry,
            assert _sum_is_balance(reserve)
        # and without an override no year's closing balance is past zero.
        if not ReserveEntry.objects.exclude(override_reason="").exists():
            closings = [year.closing for year in core_adapters.reserve_result(reserve).years]
            assert all(closing <= 0 for closing in closings)
        transaction.set_rollback(True)


def test_inside_a_callers_transaction_the_drawdown_goes_or_stays_with_it(
    decision_maker, authority, reserve
):
    # Given a caller (the gates app approving a gate) that records a drawdown and then fails,
    class GateFailed(Exception):
        pass

    with pytest.raises(GateFailed), transaction.atomic():
        services.reserve_drawdown_record(
            actor=decision_maker,
            authority=authority,
            reserve=reserve,
            year="2023/24",
            amount="5000",
            reason="Gate 2",
        )
        raise GateFailed
    # then nothing of the drawdown is left;
    assert _state(reserve)[:3] == (Decimal("-100000.00"), 1, 0)
    # and when the caller succeeds, the drawdown is kept with its work.
    with transaction.atomic():
        services.reserve_drawdown_record(
            actor=decision_maker,
            authority=authority,
            reserve=reserve,
            year="2023/24",
            amount="5000",
            reason="Gate 2",
        )
    assert ReserveEntry.objects.count() == 1 and _sum_is_balance(reserve)


def test_a_locked_database_saves_nothing(decision_maker, authority, reserve):
    # SQLite answers "database is locked" when another writer holds it past the timeout; the
    # pages and the API answer it with a 503 "try again" (tests/test_busy_database.py).
    with (
        mock.patch(
            "openpmo.finance.services.reserve.lock_for_update",
            side_effect=OperationalError("database is locked"),
        ),
        pytest.raises(OperationalError, match="locked"),
    ):
        services.reserve_drawdown_record(
            actor=decision_maker,
            authority=authority,
            reserve=reserve,
            year="2023/24",
            amount="10",
            reason="x",
        )
    assert _state(reserve)[2] == 0


def test_entries_are_never_changed_or_removed(decision_maker, authority, reserve):
    entry = services.reserve_drawdown_record(
        actor=decision_maker,
        authority=authority,
        reserve=reserve,
        year="2023/24",
        amount="10",
        reason="x",
    )
    entry.amount = Decimal("1")
    with pytest.raises(ConflictError):
        entry.save()
    with pytest.raises(ConflictError):
        entry.delete()
    assert ReserveEntry.objects.get().amount == Decimal("10.00") and _sum_is_balance(reserve)


def test_an_explicit_work_package_is_where_the_money_is_released(
    decision_maker, authority, reserve, programme_tree
):
    from openpmo.finance import selectors

    entry = services.reserve_drawdown_record(
        actor=decision_maker,
        authority=authority,
        reserve=reserve,
        year="2023/24",
        amount="2500",
        work_package=programme_tree,
        reason="Gate 3",
    )
    assert entry.work_package == programme_tree
    assert selectors.work_package_released(programme_tree) == Decimal("2500")


def test_only_finance_sets_up_a_reserve_and_its_stated_figures(role_user, finance, programme_tree):
    from openpmo.finance.models import ReserveStatedFigure

    programme = programme_tree.strand.pillar.programme
    fields = {
        "name": "Earmarked",
        "first_year": "2023/24",
        "last_year": "2024/25",
        "opening_balance": Decimal("-500"),
    }
    for role in (Role.DECISION_MAKER, Role.PMO, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            services.reserve_create(actor=role_user(role), programme=programme, **fields)
    assert not Reserve.objects.exists() and not AuditRecord.objects.exists()
    reserve = services.reserve_create(actor=finance, programme=programme, **fields)
    assert reserve.balance == Decimal("-500")
    with pytest.raises(ValidationError, match="not one of the reserve's years"):
        services.reserve_stated_figure_record(
            actor=finance, reserve=reserve, figure="closing_balance", year="2030/31", amount=1
        )
    with pytest.raises(PermissionDenied):
        services.reserve_stated_figure_record(
            actor=role_user(Role.VIEWER),
            reserve=reserve,
            figure="line_total",
            line="drawdown",
            amount=1,
        )
    services.reserve_stated_figure_record(
        actor=finance, reserve=reserve, figure="closing_balance", year="2024/25", amount=-400
    )
    assert ReserveStatedFigure.objects.count() == 1
    from openpmo.finance import core_adapters

    (discrepancy,) = core_adapters.reserve_result(reserve).discrepancies
    assert (discrepancy.stated, discrepancy.computed) == (Decimal("-400"), Decimal("-500"))
    with pytest.raises(ValidationError):
        services.reserve_create(
            actor=finance,
            programme=programme,
            **(fields | {"name": "Back", "last_year": "2022/23"}),
        )
