"""Who may do what with benefits, through the services (the one write path): owners record
actuals for their own benefits; the PMO and the pillar's sponsor edit profiles; refusals change
nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.benefits import services
from openpmo.benefits.models import BenefitActual, BenefitProfile, ShortfallExplanation
from openpmo.benefits.tests.factories import BenefitFactory
from openpmo.core.benefits import Month

# (who, may record an actual / explain a shortfall, may edit the profile and the register entry)
MATRIX = [
    ("PMO", True, True),
    ("sponsor of the pillar", False, True),
    ("another pillar's sponsor", False, False),
    ("owner of the benefit (no role)", True, False),
    ("steady-state owner (viewer)", True, False),
    ("work package manager, not the owner", False, False),
    ("finance", False, False),
    ("board member", False, False),
    ("viewer", False, False),
]


@pytest.fixture
def benefit(programme_tree, role_user):
    return BenefitFactory(
        pillar=programme_tree.strand.pillar,
        owner=role_user(),
        steady_state_owner=role_user(Role.VIEWER),
    )


def _actor(who, benefit, role_user):
    return {
        "PMO": lambda: role_user(Role.PMO),
        "sponsor of the pillar": lambda: benefit.pillar.sponsor,
        "another pillar's sponsor": lambda: role_user(Role.PILLAR_SPONSOR),
        "owner of the benefit (no role)": lambda: benefit.owner,
        "steady-state owner (viewer)": lambda: benefit.steady_state_owner,
        "work package manager, not the owner": lambda: role_user(Role.WORK_PACKAGE_MANAGER),
        "finance": lambda: role_user(Role.FINANCE),
        "board member": lambda: role_user(Role.BOARD_MEMBER),
        "viewer": lambda: role_user(Role.VIEWER),
    }[who]()


@pytest.mark.parametrize(("who", "may_record", "may_profile"), MATRIX)
def test_recording_actuals_and_explaining_shortfalls_by_role(
    who, may_record, may_profile, benefit, role_user
):
    actor = _actor(who, benefit, role_user)
    audit_before = AuditRecord.objects.count()
    if may_record:
        actual = services.actual_record(
            actor=actor, benefit=benefit, month="2024-05", value=Decimal(5), evidence="Invoice"
        )
        services.shortfall_explain(actor=actor, benefit=benefit, month="2024-05", explanation="x")
        assert AuditRecord.objects.for_object(actual).get().actor == actor
        assert actual.recorded_by == actor
    else:
        with pytest.raises(PermissionDenied):
            services.actual_record(
                actor=actor, benefit=benefit, month="2024-05", value=Decimal(5), evidence="x"
            )
        with pytest.raises(PermissionDenied):
            services.shortfall_explain(
                actor=actor, benefit=benefit, month="2024-05", explanation="x"
            )
        assert not BenefitActual.objects.exists()
        assert not ShortfallExplanation.objects.exists()
        assert AuditRecord.objects.count() == audit_before


@pytest.mark.parametrize(("who", "may_record", "may_profile"), MATRIX)
def test_editing_profiles_and_the_register_by_role(
    who, may_record, may_profile, benefit, role_user
):
    actor = _actor(who, benefit, role_user)
    audit_before = AuditRecord.objects.count()

    def edit():
        services.profile_generate(
            actor=actor,
            benefit=benefit,
            shape="step",
            total=Decimal(300),
            first=Month(2024, 4),
            last=Month(2024, 6),
        )
        services.benefit_update(actor=actor, benefit=benefit, title="Renamed")

    if may_profile:
        edit()
        assert BenefitProfile.objects.get().created_by == actor
        benefit.refresh_from_db()
        assert benefit.title == "Renamed"
        assert AuditRecord.objects.count() == audit_before + 2
    else:
        with pytest.raises(PermissionDenied):
            edit()
        benefit.refresh_from_db()
        assert benefit.title != "Renamed"
        assert not BenefitProfile.objects.exists()
        assert AuditRecord.objects.count() == audit_before


def test_a_sponsor_cannot_add_benefits_to_or_move_them_into_another_pillar(benefit, role_user):
    from openpmo.portfolio.tests.factories import PillarFactory

    sponsor = benefit.pillar.sponsor
    elsewhere = PillarFactory()
    with pytest.raises(PermissionDenied):
        services.benefit_create(
            actor=sponsor,
            pillar=elsewhere,
            reference="X",
            title="x",
            category="cashable",
            measure="m",
            unit="£",
            owner=sponsor,
        )
    with pytest.raises(PermissionDenied):
        services.benefit_update(actor=sponsor, benefit=benefit, pillar=elsewhere)
    benefit.refresh_from_db()
    assert benefit.pillar != elsewhere
    assert not AuditRecord.objects.exists()


def test_only_pmo_sets_thresholds_and_pmo_or_finance_the_mtfs_line(benefit, role_user):
    programme = benefit.pillar.programme
    finance = role_user(Role.FINANCE)
    services.savings_line_set(
        actor=finance, programme=programme, financial_year="2024/25", planned_savings=Decimal(1)
    )
    with pytest.raises(PermissionDenied):
        services.tracker_settings_update(actor=finance, programme=programme, grace_months=2)
    with pytest.raises(PermissionDenied):
        services.savings_line_set(
            actor=benefit.pillar.sponsor,
            programme=programme,
            financial_year="2025/26",
            planned_savings=Decimal(1),
        )
    assert [r.action for r in AuditRecord.objects.all()] == ["savings_line.created"]
