"""Decisions: delegated authority, money to the reserve, stage moves, conditions, immutability."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.busy import is_busy
from openpmo.common.services import SYSTEM, ConflictError
from openpmo.gates import services
from openpmo.gates.choices import ActionStatus, RequestStatus
from openpmo.gates.models import Decision, FundingRelease, GateRequest, ImmutableRecord
from openpmo.gates.selectors import next_gate_for
from openpmo.gates.tests.conftest import S151, TODAY, YEAR_1, YEAR_2, forwarded_request
from openpmo.gates.tests.helpers import state


def test_a_decision_maker_approves_with_money_in_one_audited_transaction(
    gated, reserve, decision_maker
):
    # Given a forwarded Discovery request asking £150,000 this year and £50,000 next
    request = forwarded_request(gated, requested={YEAR_1: "150000.00", YEAR_2: "50000.00"})
    # when the Cabinet Member approves it all
    decision = services.decision_record(
        actor=decision_maker,
        gate_request=request,
        outcome="approved",
        released={YEAR_1: "150000.00", YEAR_2: "50000.00"},
        **(S151 | {"forward_plan_reference": "FP/001/01/24"}),
    )
    # then the decision, its releases, the ledger and the stage all moved together
    gated.refresh_from_db()
    reserve.refresh_from_db()
    assert (decision.decided_by, decision.authority_role) == (decision_maker, "Decision maker")
    assert decision.released_total == Decimal("200000.00")
    assert gated.stage == "soc" and (decision.stage_before, decision.stage_after) == (
        "discovery",
        "soc",
    )
    assert reserve.balance == Decimal("-800000.00")
    releases = FundingRelease.objects.filter(decision=decision).select_related("reserve_entry")
    assert [(r.year, r.amount, r.reserve_entry.amount) for r in releases] == [
        (YEAR_1, Decimal("150000.00"), Decimal("150000.00")),
        (YEAR_2, Decimal("50000.00"), Decimal("50000.00")),
    ]
    # each ledger row names the real decider, their role and the decision (not "System")
    assert {
        (r.reserve_entry.authorised_by, r.reserve_entry.authority_role, r.reserve_entry.recorded_by)
        for r in releases
    } == {(decision_maker, "Decision maker", decision_maker)}
    assert all(str(decision) in r.reserve_entry.authority for r in releases)
    assert all(r.reserve_entry.work_package == gated for r in releases)
    request.refresh_from_db()
    assert request.status == RequestStatus.DECIDED
    # and each step left its audit record, the stage move naming the decider
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "gate.approved",
        "gate_request.decided",
        "gate.stage_moved",
        "reserve.drawdown",
    } <= actions
    moved = AuditRecord.objects.get(action="gate.stage_moved")
    assert (moved.actor, moved.before, moved.after["stage"]) == (
        decision_maker,
        {"stage": "discovery"},
        "soc",
    )
    approved = AuditRecord.objects.get(action="gate.approved")
    assert approved.actor == decision_maker and approved.after["released"] == {
        YEAR_1: "150000.00",
        YEAR_2: "50000.00",
    }
    assert next_gate_for(gated).stage == "soc"


def test_the_board_approves_stage_progress_without_money(gated, reserve, board_member):
    request = forwarded_request(gated)
    decision = services.decision_record(
        actor=board_member, gate_request=request, outcome="approved"
    )
    gated.refresh_from_db()
    assert gated.stage == "soc" and decision.authority_role == "Board member"
    assert not FundingRelease.objects.exists()


def test_the_board_may_not_release_money(gated, reserve, board_member):
    request = forwarded_request(gated)
    before = state(gated)
    with pytest.raises(PermissionDenied, match="needs a Decision maker"):
        services.decision_record(
            actor=board_member,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "0.01"},
            **S151,
        )
    assert state(gated) == before


@pytest.mark.parametrize("role", [Role.PMO, Role.FINANCE, Role.PILLAR_SPONSOR, Role.VIEWER])
def test_roles_without_delegated_authority_decide_nothing(gated, reserve, role_user, role):
    request = forwarded_request(gated)
    before = state(gated)
    for outcome in ("approved", "deferred", "rejected"):
        with pytest.raises(PermissionDenied):
            services.decision_record(actor=role_user(role), gate_request=request, outcome=outcome)
    assert state(gated) == before


def test_the_authority_table_is_configurable_by_the_pmo_only(gated, reserve, board_member, pmo):
    programme = gated.strand.pillar.programme
    with pytest.raises(PermissionDenied):
        services.delegated_authority_set(
            actor=board_member, programme=programme, role="Board member", limit=Decimal("1e6")
        )
    services.delegated_authority_set(
        actor=pmo, programme=programme, role="Board member", limit=Decimal("100000")
    )
    assert AuditRecord.objects.filter(action="delegated_authority.set", actor=pmo).count() == 1
    request = forwarded_request(gated, requested={YEAR_1: "150000.00"})
    before = state(gated)
    # §7.1: whatever limit the table gives the board, a drawdown needs the Cabinet Member
    with pytest.raises(PermissionDenied, match="needs a Decision maker"):
        services.decision_record(
            actor=board_member,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "100000.00"},
            **S151,
        )
    assert state(gated) == before


def test_the_same_request_cannot_be_decided_twice(gated, reserve, decision_maker, board_member):
    request = forwarded_request(gated)
    services.decision_record(actor=board_member, gate_request=request, outcome="approved")
    before = state(gated)
    with pytest.raises(ConflictError, match="already been decided"):
        services.decision_record(actor=decision_maker, gate_request=request, outcome="rejected")
    assert state(gated) == before
    assert Decision.objects.count() == 1


def test_the_database_itself_allows_one_decision_per_request(gated, reserve, board_member):
    from django.db import IntegrityError, transaction

    request = forwarded_request(gated)
    decision = services.decision_record(
        actor=board_member, gate_request=request, outcome="approved"
    )
    duplicate = Decision(
        programme=decision.programme,
        gate_request=request,
        subject="again",
        outcome="rejected",
        decided_by=board_member,
        authority_role="Board member",
        decided_on=TODAY,
        recorded_at=decision.recorded_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_request_must_be_forwarded_before_it_is_decided(gated, reserve, decision_maker):
    from openpmo.gates.tests.conftest import ready_case

    case = ready_case(gated)
    request = services.gate_request_submit(
        actor=SYSTEM, work_package=gated, gate=case.gate, business_case=case
    )
    before = state(gated)
    with pytest.raises(ConflictError, match="forwards a request"):
        services.decision_record(actor=decision_maker, gate_request=request, outcome="approved")
    assert state(gated) == before


@pytest.mark.parametrize(
    ("outcome", "released", "field"),
    [
        ("approved", {YEAR_2: "1.00"}, "released"),  # a year not requested
        ("approved", {YEAR_1: "150000.01"}, "released"),  # more than requested
        ("rejected", {YEAR_1: "1.00"}, "released"),
        ("deferred", {YEAR_1: "1.00"}, "released"),
        ("approved_with_conditions", None, "conditions"),
        ("maybe", None, "outcome"),
    ],
)
def test_malformed_decisions_are_refused(gated, reserve, decision_maker, outcome, released, field):
    request = forwarded_request(gated)
    before = state(gated)
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=decision_maker, gate_request=request, outcome=outcome, released=released, **S151
        )
    assert field in error.value.message_dict
    assert state(gated) == before


def test_money_needs_the_s151_officer_and_dates_make_sense(gated, reserve, decision_maker):
    request = forwarded_request(gated)
    before = state(gated)
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "1.00"},
        )
    assert "s151_consulted_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            decided_on=TODAY + dt.timedelta(days=1),
        )
    assert "decided_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            decided_on=TODAY - dt.timedelta(days=5),
            monitoring_officer_consulted_on=TODAY,
        )
    assert "monitoring_officer_consulted_on" in error.value.message_dict
    assert state(gated) == before


def test_nobody_records_another_persons_decision(gated, reserve, decision_maker, board_member):
    request = forwarded_request(gated)
    with pytest.raises(PermissionDenied):
        services.decision_record(
            actor=board_member, decided_by=decision_maker, gate_request=request, outcome="approved"
        )
    assert not Decision.objects.exists()


def test_when_the_reserve_cannot_cover_it_nothing_changes(gated, reserve, decision_maker):
    request = forwarded_request(gated, requested={YEAR_1: "1000000.01"})
    before = state(gated)
    with pytest.raises(ConflictError, match="past zero"):
        services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "1000000.01"},
            **S151,
        )
    assert state(gated) == before


def test_a_programme_without_a_reserve_releases_nothing(gated, decision_maker):
    request = forwarded_request(gated)
    before = state(gated)
    with pytest.raises(ConflictError, match="no reserve"):
        services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "10.00"},
            **S151,
        )
    assert state(gated) == before


def test_conditions_become_actions_with_owners_and_due_dates(gated, reserve, decision_maker, pmo):
    request = forwarded_request(gated)
    owner = gated.owner
    decision = services.decision_record(
        actor=decision_maker,
        gate_request=request,
        outcome="approved_with_conditions",
        conditions=[
            {
                "description": "Baseline the benefits",
                "owner": owner.pk,
                "due_on": str(TODAY + dt.timedelta(days=30)),
            }
        ],
    )
    action = decision.actions.get()
    assert (action.owner, action.status) == (owner, ActionStatus.OPEN)
    assert AuditRecord.objects.filter(action="gate.condition_action_created").count() == 1
    with pytest.raises(PermissionDenied):
        services.condition_action_complete(actor=decision_maker, action=action)
    done = services.condition_action_complete(actor=owner, action=action, note="Baselined")
    assert done.status == ActionStatus.DONE and done.completed_by == owner
    with pytest.raises(ConflictError):
        services.condition_action_complete(actor=pmo, action=action)
    bad = forwarded_request(_next_package(gated))
    with pytest.raises(ValidationError, match="owner"):
        services.decision_record(
            actor=decision_maker,
            gate_request=bad,
            outcome="approved_with_conditions",
            conditions=[{"description": "x", "owner": None, "due_on": str(TODAY)}],
        )


def _next_package(work_package):
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    return WorkPackageFactory(strand=work_package.strand, owner=work_package.owner)


@pytest.mark.parametrize("outcome", ["deferred", "rejected"])
def test_deferral_and_rejection_keep_the_stage_and_allow_a_new_request(
    gated, reserve, board_member, outcome
):
    request = forwarded_request(gated)
    decision = services.decision_record(actor=board_member, gate_request=request, outcome=outcome)
    gated.refresh_from_db()
    assert gated.stage == "discovery" and decision.stage_after == "discovery"
    assert AuditRecord.objects.filter(action=f"gate.{outcome}").count() == 1
    assert not AuditRecord.objects.filter(action="gate.stage_moved").exists()
    assert next_gate_for(gated) == request.gate
    again = forwarded_request(gated)
    assert again.gate == request.gate


def test_a_work_package_passes_every_gate_in_turn(gated, reserve, board_member):
    stages = []
    while (gate := next_gate_for(gated)) is not None:
        request = forwarded_request(gated, requested={})
        services.decision_record(actor=board_member, gate_request=request, outcome="approved")
        gated.refresh_from_db()
        stages.append((gate.stage, gated.stage))
    assert stages == [
        ("discovery", "soc"),
        ("soc", "obc"),
        ("obc", "fbc"),
        ("fbc", "delivery"),
        ("delivery", "closure"),
        ("closure", "closure"),
    ]
    assert GateRequest.objects.filter(status=RequestStatus.DECIDED).count() == 6


def test_decisions_and_releases_are_immutable(gated, reserve, decision_maker):
    request = forwarded_request(gated)
    decision = services.decision_record(
        actor=decision_maker,
        gate_request=request,
        outcome="approved",
        released={YEAR_1: "1000.00"},
        **S151,
    )
    decision.outcome = "rejected"
    with pytest.raises(ImmutableRecord):
        decision.save()
    with pytest.raises(ImmutableRecord):
        decision.delete()
    with pytest.raises(ImmutableRecord):
        Decision.objects.filter(pk=decision.pk).update(outcome="rejected")
    with pytest.raises(ImmutableRecord):
        FundingRelease.objects.all().delete()
    assert Decision.objects.get().outcome == "approved"


def test_a_correction_is_a_new_linked_decision(gated, reserve, decision_maker, board_member):
    request = forwarded_request(gated)
    original = services.decision_record(
        actor=decision_maker,
        gate_request=request,
        outcome="approved",
        released={YEAR_1: "1000.00"},
        **(S151 | {"forward_plan_reference": "FP/1/01/24"}),
    )
    with pytest.raises(PermissionDenied):  # the money is beyond the board's authority
        services.decision_correct(
            actor=board_member,
            decision=original,
            correction_reason="typo",
            forward_plan_reference="FP/2/01/24",
        )
    with pytest.raises(ValidationError):
        services.decision_correct(
            actor=decision_maker, decision=original, correction_reason="wrong", outcome="rejected"
        )
    with pytest.raises(ValidationError):
        services.decision_correct(
            actor=decision_maker,
            decision=original,
            correction_reason="",
            forward_plan_reference="FP/2",
        )
    correction = services.decision_correct(
        actor=decision_maker,
        decision=original,
        correction_reason="Mistyped reference",
        forward_plan_reference="FP/2/01/24",
    )
    original.refresh_from_db()
    assert original.forward_plan_reference == "FP/1/01/24"
    assert (correction.corrects, correction.forward_plan_reference) == (original, "FP/2/01/24")
    assert correction.released_total == original.released_total
    record = AuditRecord.objects.get(action="gate.decision_corrected")
    assert record.before["forward_plan_reference"] == "FP/1/01/24"
    with pytest.raises(ConflictError, match="already been corrected"):
        services.decision_correct(
            actor=decision_maker, decision=original, correction_reason="again", rationale="x"
        )
    services.decision_correct(
        actor=decision_maker,
        decision=correction,
        correction_reason="rationale added",
        rationale="Because",
    )
    # Corrections move no money and no stage.
    assert FundingRelease.objects.count() == 1
    assert next_gate_for(gated).stage == "soc"


def test_a_programme_funding_decision_needs_a_decision_maker(
    gated, reserve, decision_maker, board_member
):
    programme = gated.strand.pillar.programme
    with pytest.raises(PermissionDenied):
        services.funding_decision_record(
            actor=board_member,
            programme=programme,
            subject="Core team",
            released={YEAR_1: "10.00"},
            decided_on=TODAY,
            **(S151 | {"forward_plan_reference": "FP/001/01/24"}),
        )
    decision = services.funding_decision_record(
        actor=decision_maker,
        programme=programme,
        subject="Core team",
        released={YEAR_1: "10.00"},
        decided_on=TODAY,
        **(S151 | {"forward_plan_reference": "FP/001/01/24"}),
    )
    reserve.refresh_from_db()
    assert decision.gate_request is None and reserve.balance == Decimal("-999990.00")


def test_a_busy_database_saves_nothing(gated, reserve, decision_maker):
    # The page and the API answer it with a 503 "try again" (tests/test_busy_database.py).
    request = forwarded_request(gated)
    before = state(gated)
    with (
        mock.patch(
            "openpmo.gates.services.decisions._decision_record",
            side_effect=OperationalError("database is locked"),
        ),
        pytest.raises(OperationalError) as raised,
    ):
        services.decision_record(actor=decision_maker, gate_request=request, outcome="approved")
    assert is_busy(raised.value)
    assert state(gated) == before


def test_every_step_of_a_cycle_leaves_its_audit_record(gated, reserve, pmo, decision_maker):
    # Given a sponsor's case, when it goes all the way to a conditional approval with money
    sponsor = gated.strand.pillar.sponsor
    from openpmo.gates.tests.conftest import ready_case

    start = AuditRecord.objects.order_by("-id").first().id
    case = ready_case(gated, actor=sponsor)
    services.business_case_update(actor=sponsor, business_case=case, risks="Supplier capacity")
    request = services.gate_request_submit(
        actor=sponsor, work_package=gated, gate=case.gate, business_case=case
    )
    services.gate_request_quality_assure(actor=pmo, gate_request=request, forward=True)
    decision = services.decision_record(
        actor=decision_maker,
        gate_request=request,
        outcome="approved_with_conditions",
        released={YEAR_1: "150000.00"},
        conditions=[{"description": "Name a benefit owner", "owner": gated.owner, "due_on": TODAY}],
        **S151,
    )
    services.condition_action_complete(actor=gated.owner, action=decision.actions.get())
    # then the trail names who did each step, in order
    trail = [
        (action, actor)
        for action, actor in AuditRecord.objects.filter(id__gt=start)
        .order_by("id")
        .values_list("action", "actor")
        if not action.startswith(
            ("equality_assessment.", "reserve.balance", "work_package.updated")
        )
    ]
    assert trail == [
        ("business_case.created", sponsor.pk),
        ("business_case.updated", sponsor.pk),
        ("business_case.submitted", sponsor.pk),
        ("gate_request.submitted", sponsor.pk),
        ("gate_request.forwarded", pmo.pk),
        ("reserve.drawdown", decision_maker.pk),
        ("gate.approved_with_conditions", decision_maker.pk),
        ("gate.condition_action_created", decision_maker.pk),
        ("gate_request.decided", decision_maker.pk),
        ("work_package.stage_moved", decision_maker.pk),
        ("gate.stage_moved", decision_maker.pk),
        ("gate.condition_action_completed", gated.owner.pk),
    ]
    # and no record of the stage change is the system's: each names the decider
    unnamed = AuditRecord.objects.filter(actor__isnull=True, id__gt=start)
    assert not unnamed.exclude(action="equality_assessment.created").exists()


def test_the_unique_constraint_backs_the_lock_with_a_clean_refusal(
    gated, reserve, board_member, decision_maker
):
    # Given a decision that reached the database without the request being marked decided
    # (what a writer that skipped the row lock could leave)
    request = forwarded_request(gated)
    Decision.objects.create(
        programme=gated.strand.pillar.programme,
        gate_request=request,
        subject="written elsewhere",
        outcome="approved",
        decided_by=board_member,
        authority_role="Board member",
        decided_on=TODAY,
        recorded_at=request.submitted_at,
    )
    before = state(gated)
    # when a second decision is recorded through the service, the database refuses it cleanly
    with pytest.raises(ConflictError, match="already been decided"):
        services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "1000.00"},
            **S151,
        )
    assert state(gated) == before
