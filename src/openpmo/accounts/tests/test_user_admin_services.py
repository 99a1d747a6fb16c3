"""The user administration services: who may do what, and what a refusal leaves (nothing)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.authtoken.models import Token

from openpmo.accounts import services
from openpmo.accounts.models import User
from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.portfolio.tests.factories import PillarFactory

pytestmark = pytest.mark.django_db

NOT_PMO = [r for r in Role if r is not Role.PMO]


def _roles(user: User) -> list[str]:
    user.__dict__.pop("role_names", None)
    return User.objects.get(pk=user.pk).role_names


@pytest.mark.parametrize("role", NOT_PMO, ids=lambda r: r.value)
def test_no_role_but_the_pmo_invites_changes_or_deactivates_anyone(role_user, role):
    actor = role_user(role)
    person = role_user(Role.VIEWER)
    pillar = PillarFactory()
    records = AuditRecord.objects.count()
    with pytest.raises(PermissionDenied):
        services.user_invite(actor=actor, email="new@example.org", first_name="N", last_name="W")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=actor, user=person, roles=[Role.PMO], pillars=[pillar])
    with pytest.raises(PermissionDenied):
        services.user_active_set(actor=actor, user=person, active=False)
    assert not User.objects.filter(email="new@example.org").exists()
    assert _roles(person) == ["Viewer"]
    assert User.objects.get(pk=person.pk).is_active
    pillar.refresh_from_db()
    assert pillar.sponsor_id is None
    assert AuditRecord.objects.count() == records


def test_the_pmo_cannot_take_the_pmo_role_from_themselves(role_user):
    pmo = role_user(Role.PMO)
    records = AuditRecord.objects.count()
    with pytest.raises(PermissionDenied, match="another officer"):
        services.user_update(actor=pmo, user=pmo, roles=[Role.VIEWER], first_name="Renamed")
    assert _roles(pmo) == ["PMO"]
    assert User.objects.get(pk=pmo.pk).first_name != "Renamed"
    assert AuditRecord.objects.count() == records


def test_an_invitation_needs_an_email_and_a_free_user_name(role_user):
    pmo = role_user(Role.PMO)
    role_user(Role.VIEWER, username="taken")
    with pytest.raises(ValidationError) as blank:
        services.user_invite(actor=pmo, email="  ", first_name="A", last_name="B")
    assert "email" in blank.value.message_dict
    with pytest.raises(ValidationError) as taken:
        services.user_invite(
            actor=pmo, email="a@example.org", username="TAKEN", first_name="A", last_name="B"
        )
    assert "taken" in taken.value.message_dict["username"][0]
    assert not User.objects.filter(email="a@example.org").exists()


def test_deactivating_revokes_api_tokens_and_writes_one_record_per_change(role_user):
    pmo = role_user(Role.PMO)
    person = role_user(Role.FINANCE)
    Token.objects.create(user=person)
    services.user_active_set(actor=pmo, user=person, active=False)
    services.user_active_set(actor=pmo, user=person, active=False)  # already: nothing to do
    assert not Token.objects.filter(user=person).exists()
    services.user_active_set(actor=pmo, user=person, active=True)
    actions = list(
        AuditRecord.objects.for_object(person).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["user.deactivated", "user.reactivated"]


def test_sponsoring_a_pillar_moves_it_from_its_sponsor_and_dropping_it_leaves_none(role_user):
    pmo = role_user(Role.PMO)
    first = role_user(Role.PILLAR_SPONSOR)
    second = role_user(Role.PILLAR_SPONSOR)
    pillar = PillarFactory(sponsor=first)
    services.user_update(actor=pmo, user=second, roles=[Role.PILLAR_SPONSOR], pillars=[pillar])
    pillar.refresh_from_db()
    assert pillar.sponsor == second
    assert list(first.sponsored_pillars.all()) == []
    services.user_update(actor=pmo, user=second, roles=[Role.PILLAR_SPONSOR], pillars=[])
    pillar.refresh_from_db()
    assert pillar.sponsor is None
    updates = AuditRecord.objects.for_object(pillar).filter(action="pillar.updated")
    assert [r.after["sponsor_id"] for r in updates.order_by("id")] == [second.pk, None]
