"""The register's write path: who may do what, what is recorded, and that refusals change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import SYSTEM, ConflictError
from openpmo.portfolio.tests.factories import PillarFactory
from openpmo.risks import selectors, services
from openpmo.risks.models import Escalation, RaidAction, RaidItem, RiskAppetite, RiskMatrix
from openpmo.risks.tests.factories import RaidItemFactory

pytestmark = pytest.mark.django_db


def _risk(actor, work_package, **data):
    fields = {
        "title": "Supplier capacity",
        "category": "delivery",
        "inherent_probability": 4,
        "inherent_impact": 4,
    }
    fields.update(data)
    return services.raid_item_create(
        actor=actor,
        programme=work_package.strand.pillar.programme,
        kind="risk",
        level="work_package",
        work_package=work_package,
        **fields,
    )


def test_sponsor_adds_a_risk_to_their_pillar_with_the_next_reference_and_an_audit_record(
    programme_tree,
):
    sponsor = programme_tree.strand.pillar.sponsor
    first = _risk(sponsor, programme_tree)
    second = _risk(sponsor, programme_tree, title="Second")
    assert (first.reference, second.reference) == ("R-001", "R-002")
    assert first.strand == programme_tree.strand and first.pillar == programme_tree.strand.pillar
    assert first.inherent_score == 16 and first.trend == "new"
    record = AuditRecord.objects.get(action="raid_item.created", object_id=str(first.pk))
    assert record.actor == sponsor and record.after["title"] == "Supplier capacity"


@pytest.mark.parametrize(
    "role", [Role.VIEWER, Role.FINANCE, Role.BOARD_MEMBER, Role.WORK_PACKAGE_MANAGER]
)
def test_roles_without_rights_cannot_add_and_nothing_is_saved(role, role_user, programme_tree):
    with pytest.raises(PermissionDenied):
        _risk(role_user(role), programme_tree)
    assert (
        not RaidItem.objects.exists()
        and not AuditRecord.objects.filter(action__startswith="raid").exists()
    )


def test_sponsor_of_another_pillar_cannot_add_or_change(role_user, programme_tree):
    other = role_user(Role.PILLAR_SPONSOR)
    PillarFactory(programme=programme_tree.strand.pillar.programme, sponsor=other)
    with pytest.raises(PermissionDenied):
        _risk(other, programme_tree)
    item = _risk(SYSTEM, programme_tree)
    with pytest.raises(PermissionDenied):
        services.raid_item_update(actor=other, item=item, title="Changed")
    item.refresh_from_db()
    assert item.title == "Supplier capacity" and item.version == 1


def test_only_the_pmo_adds_programme_level_items(role_user, programme_tree):
    programme = programme_tree.strand.pillar.programme
    with pytest.raises(PermissionDenied):
        services.raid_item_create(
            actor=programme_tree.strand.pillar.sponsor,
            programme=programme,
            kind="assumption",
            level="programme",
            title="Inflation 2%",
            category="financial",
        )
    item = services.raid_item_create(
        actor=role_user(Role.PMO),
        programme=programme,
        kind="assumption",
        level="programme",
        title="Inflation 2%",
        category="financial",
    )
    assert item.reference == "A-001" and item.level_object == programme


def test_a_risk_needs_its_scores_and_a_level_row(programme_tree):
    with pytest.raises(ValidationError) as error:
        _risk(SYSTEM, programme_tree, inherent_probability=None)
    assert "inherent_probability" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.raid_item_create(
            actor=SYSTEM,
            programme=programme_tree.strand.pillar.programme,
            kind="risk",
            level="strand",
            title="No strand",
            category="delivery",
            inherent_probability=1,
            inherent_impact=1,
        )
    assert not RaidItem.objects.exists()


def test_three_points_must_be_in_order_and_quantified_risks_need_a_probability(programme_tree):
    with pytest.raises(ValidationError) as error:
        _risk(
            SYSTEM,
            programme_tree,
            cost_min=Decimal(5),
            cost_likely=Decimal(3),
            cost_max=Decimal(9),
            chance=Decimal("0.2"),
        )
    assert "cost_likely" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _risk(
            SYSTEM,
            programme_tree,
            delay_min=Decimal(1),
            delay_likely=Decimal(2),
            delay_max=Decimal(3),
        )
    assert "chance" in error.value.message_dict
    assert not RaidItem.objects.exists()


def test_quantified_work_package_risk_hits_its_package_as_a_whole(programme_tree):
    item = _risk(
        SYSTEM,
        programme_tree,
        chance=Decimal("0.3"),
        delay_min=Decimal(2),
        delay_likely=Decimal(5),
        delay_max=Decimal(10),
    )
    [hit] = item.hits.all()
    assert hit.work_package == programme_tree and hit.task_uid is None


def test_update_moves_the_trend_with_the_residual_score_and_is_audited(programme_tree):
    sponsor = programme_tree.strand.pillar.sponsor
    item = _risk(sponsor, programme_tree, residual_probability=3, residual_impact=4)
    item = services.raid_item_update(
        actor=sponsor, item=item, expected_version=1, residual_probability=2
    )
    assert item.trend == "improving" and item.residual_score == 8 and item.version == 2
    item = services.raid_item_update(actor=sponsor, item=item, residual_impact=5)
    assert item.trend == "worsening"
    record = AuditRecord.objects.filter(action="raid_item.updated").order_by("pk").last()
    assert record.before["residual_impact"] == 4 and record.after["residual_impact"] == 5


def test_stale_update_is_refused_with_a_conflict_and_changes_nothing(programme_tree):
    item = _risk(SYSTEM, programme_tree)
    services.raid_item_update(actor=SYSTEM, item=item, title="First edit")
    with pytest.raises(ConflictError):
        services.raid_item_update(actor=SYSTEM, item=item, expected_version=1, title="Second edit")
    item.refresh_from_db()
    assert item.title == "First edit" and item.version == 2


def test_update_cannot_move_the_level_or_kind(programme_tree):
    item = _risk(SYSTEM, programme_tree)
    with pytest.raises(ValidationError):
        services.raid_item_update(actor=SYSTEM, item=item, level="programme")
    item.refresh_from_db()
    assert item.level == "work_package" and item.version == 1


def test_closing_sets_the_date_and_reopening_clears_it(programme_tree):
    item = _risk(SYSTEM, programme_tree)
    item = services.raid_item_update(actor=SYSTEM, item=item, status="closed")
    assert item.closed_on is not None
    item = services.raid_item_update(actor=SYSTEM, item=item, status="open")
    assert item.closed_on is None


def test_escalation_climbs_one_level_at_a_time_keeps_history_and_hands_it_to_the_pmo(
    role_user, programme_tree
):
    sponsor = programme_tree.strand.pillar.sponsor
    item = _risk(sponsor, programme_tree)
    services.raid_item_escalate(actor=sponsor, item=item, reason="Affects the whole strand")
    services.raid_item_escalate(actor=sponsor, item=item, reason="Affects the pillar")
    services.raid_item_escalate(actor=sponsor, item=item, reason="Needs the board")
    item.refresh_from_db()
    assert item.level == "programme"
    assert [e.to_level for e in Escalation.objects.filter(item=item)] == [
        "strand",
        "pillar",
        "programme",
    ]
    assert Escalation.objects.first().from_name == str(programme_tree)
    assert AuditRecord.objects.filter(action="raid_item.escalated").count() == 3
    # At programme level the sponsor no longer manages it; the PMO does.
    with pytest.raises(PermissionDenied):
        services.raid_item_update(actor=sponsor, item=item, title="Changed")
    services.raid_item_update(actor=role_user(Role.PMO), item=item, title="Changed")
    with pytest.raises(ValidationError):
        services.raid_item_escalate(actor=SYSTEM, item=item, reason="Higher still")
    assert Escalation.objects.filter(item=item).count() == 3


def test_escalation_needs_a_reason_and_a_right(role_user, programme_tree):
    item = _risk(SYSTEM, programme_tree)
    with pytest.raises(ValidationError):
        services.raid_item_escalate(actor=SYSTEM, item=item, reason="  ")
    with pytest.raises(PermissionDenied):
        services.raid_item_escalate(actor=role_user(Role.VIEWER), item=item, reason="Why not")
    item.refresh_from_db()
    assert item.level == "work_package" and not Escalation.objects.exists()


def test_the_items_owner_may_escalate_it(role_user, programme_tree):
    owner = role_user(Role.WORK_PACKAGE_MANAGER)
    item = _risk(SYSTEM, programme_tree, owner=owner)
    services.raid_item_escalate(actor=owner, item=item, reason="Beyond my package")
    item.refresh_from_db()
    assert item.level == "strand"


def test_a_risk_that_happens_raises_an_issue_that_keeps_the_link(programme_tree):
    sponsor = programme_tree.strand.pillar.sponsor
    risk = _risk(sponsor, programme_tree, residual_probability=2, residual_impact=3)
    issue = services.issue_raise_from_risk(actor=sponsor, risk=risk, title="Supplier withdrew")
    risk.refresh_from_db()
    assert issue.kind == "issue" and issue.reference == "I-001" and issue.raised_from == risk
    assert issue.inherent_probability == 5 and issue.inherent_impact == 3
    assert issue.work_package == programme_tree and issue.current_score == 15
    assert risk.status == "occurred" and list(risk.issues_raised.all()) == [issue]
    assert AuditRecord.objects.filter(action="risk.occurred", object_id=str(risk.pk)).exists()
    with pytest.raises(ValidationError):
        services.issue_raise_from_risk(actor=sponsor, risk=risk)
    assert RaidItem.objects.filter(kind="issue").count() == 1


def test_actions_are_updated_by_their_owner_and_the_items_owner_but_not_others(
    role_user, programme_tree
):
    item_owner = role_user(Role.WORK_PACKAGE_MANAGER)
    action_owner = role_user(Role.VIEWER)
    stranger = role_user(Role.WORK_PACKAGE_MANAGER)
    item = _risk(SYSTEM, programme_tree, owner=item_owner)
    action = services.raid_action_create(
        actor=item_owner,
        item=item,
        description="Call supplier",
        owner=action_owner,
        due_on=dt.date(2023, 1, 1),
    )
    action = services.raid_action_update(actor=action_owner, action=action, status="done")
    assert action.completed_on is not None
    action = services.raid_action_update(
        actor=item_owner, action=action, progress_note="Done on time"
    )
    with pytest.raises(PermissionDenied):
        services.raid_action_update(actor=stranger, action=action, status="open")
    with pytest.raises(PermissionDenied):
        services.raid_action_create(actor=stranger, item=item, description="Mine")
    action.refresh_from_db()
    assert action.status == "done" and RaidAction.objects.count() == 1
    assert AuditRecord.objects.filter(action__startswith="raid_action.").count() == 3


def test_appetite_flags_items_scoring_above_it(role_user, programme_tree):
    pmo = role_user(Role.PMO)
    programme = programme_tree.strand.pillar.programme
    services.risk_appetite_set(actor=pmo, programme=programme, category="delivery", max_score=12)
    high = _risk(SYSTEM, programme_tree)  # 16
    low = _risk(SYSTEM, programme_tree, title="Low", residual_probability=2, residual_impact=2)
    rows = {
        a.item.pk: a
        for a in selectors.assess(
            selectors.raid_item_list(programme=programme),
            selectors.matrix_get(programme),
            selectors.appetites_of(programme),
        )
    }
    assert rows[high.pk].outside_appetite and not rows[low.pk].outside_appetite
    assert rows[high.pk].band.label == "Very high"
    with pytest.raises(PermissionDenied):
        services.risk_appetite_set(
            actor=programme_tree.strand.pillar.sponsor,
            programme=programme,
            category="delivery",
            max_score=25,
        )
    assert RiskAppetite.objects.get().max_score == 12


def test_pmo_sets_the_matrix_and_bad_bands_are_refused(role_user, programme_tree):
    pmo = role_user(Role.PMO)
    programme = programme_tree.strand.pillar.programme
    matrix = services.risk_matrix_update(
        actor=pmo,
        programme=programme,
        bands=[
            {"up_to": 6, "label": "Low", "colour": "green"},
            {"up_to": 25, "label": "High", "colour": "red"},
        ],
    )
    assert [b.label for b in matrix.score_bands] == ["Low", "High"]
    with pytest.raises(ValidationError):
        services.risk_matrix_update(
            actor=pmo, programme=programme, bands=[{"up_to": 10, "label": "X", "colour": "red"}]
        )
    with pytest.raises(PermissionDenied):
        services.risk_matrix_update(
            actor=role_user(Role.VIEWER), programme=programme, impact_labels=["a"] * 5
        )
    matrix = RiskMatrix.objects.get()
    assert len(matrix.bands) == 2 and matrix.impact_labels[0] == "Negligible"


def test_heat_map_counts_open_risks_in_their_cells(programme_tree):
    _risk(SYSTEM, programme_tree)  # 4 x 4
    _risk(SYSTEM, programme_tree, title="B", residual_probability=2, residual_impact=3)
    closed = _risk(SYSTEM, programme_tree, title="C")
    services.raid_item_update(actor=SYSTEM, item=closed, status="closed")
    items = list(selectors.raid_item_list(programme=programme_tree.strand.pillar.programme))
    matrix = selectors.matrix_get(programme_tree.strand.pillar.programme)
    residual = selectors.heat_map(items, matrix)
    inherent = selectors.heat_map(items, matrix, which="inherent")
    cells = {(c.probability, c.impact): len(c.items) for _, _, row in residual.rows for c in row}
    assert residual.total == 2 and cells[(4, 4)] == 1 and cells[(2, 3)] == 1
    cells = {(c.probability, c.impact): len(c.items) for _, _, row in inherent.rows for c in row}
    assert cells[(4, 4)] == 2
    assert [impact for impact, _, _ in residual.rows] == [5, 4, 3, 2, 1]


def test_factory_item_is_valid(programme_tree):
    item = RaidItemFactory(work_package=programme_tree)
    item.full_clean()


def test_an_item_links_to_a_decision_of_its_own_programme_only(role_user, programme_tree):
    from django.utils import timezone

    from openpmo.gates.models import Decision
    from openpmo.portfolio.tests.factories import ProgrammeFactory

    def decision(programme):
        return Decision.objects.create(
            programme=programme,
            subject="Fund the core team",
            outcome="approved",
            decided_by=role_user(Role.DECISION_MAKER),
            authority_role="Decision maker",
            decided_on=dt.date(2022, 10, 1),
            recorded_at=timezone.now(),
        )

    item = _risk(SYSTEM, programme_tree)
    with pytest.raises(ValidationError) as error:
        services.raid_item_update(actor=SYSTEM, item=item, decision=decision(ProgrammeFactory()))
    assert "decision" in error.value.message_dict
    ours = decision(programme_tree.strand.pillar.programme)
    item = services.raid_item_update(actor=SYSTEM, item=item, decision=ours)
    assert list(ours.raid_items.all()) == [item]
