"""The PMO invites people, gives roles and pillars, and deactivates; each change is audited and
every refusal leaves things as they were."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from openpmo.accounts import services
from openpmo.accounts.models import User
from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.portfolio.tests.factories import PillarFactory

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"https?://\S+/accounts/invitation/\S+/", message.body).group(0)


def test_an_invited_person_sets_a_password_once_and_signs_in(
    client, role_user, django_capture_on_commit_callbacks
):
    # Given a PMO officer and a pillar
    pmo = role_user(Role.PMO, username="pmo-admin")
    pillar = PillarFactory(name="Platforms for Data")
    client.force_login(pmo)

    # When they invite a sponsor for the pillar
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/users/invite/",
            {
                "email": "Asha.Patel@council.gov.uk",
                "first_name": "Asha",
                "last_name": "Patel",
                "roles": ["Pillar sponsor"],
                "pillars": [pillar.pk],
            },
        )

    # Then the account exists with the role and the pillar, and an email went with a link
    assert response.status_code == 302
    person = User.objects.get(email="asha.patel@council.gov.uk")
    assert person.role_names == ["Pillar sponsor"]
    pillar.refresh_from_db()
    assert pillar.sponsor == person
    assert not person.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["asha.patel@council.gov.uk"]
    link = _link(message).split("://", 1)[1].split("/", 1)[1]
    assert AuditRecord.objects.filter(action="user.invited", object_id=str(person.pk)).exists()

    # When they follow the link and choose a password
    client.logout()
    form = client.get("/" + link, follow=True)
    assert b"Choose your password" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long pass phrase 42", "new_password2": "a long pass phrase 42"},
    )
    assert done.status_code == 302

    # Then they can sign in, and the link no longer works
    assert _signs_in(client, person.username, "a long pass phrase 42")
    client.logout()
    again = client.get("/" + link, follow=True)
    assert b"This link has stopped working" in again.content


def test_only_the_pmo_manages_people_and_a_refusal_changes_nothing(client, role_user):
    sponsor = role_user(Role.PILLAR_SPONSOR)
    target = role_user(Role.VIEWER)
    client.force_login(sponsor)
    assert client.get("/accounts/users/").status_code == 403
    refused = client.post(
        f"/accounts/users/{target.pk}/",
        {"first_name": "X", "last_name": "Y", "roles": ["PMO"]},
    )
    assert refused.status_code == 403
    target.refresh_from_db()
    target.__dict__.pop("role_names", None)
    assert target.role_names == ["Viewer"]
    with pytest.raises(PermissionDenied):
        services.user_invite(actor=sponsor, email="x@example.org", first_name="X", last_name="Y")
    assert not User.objects.filter(email="x@example.org").exists()


def test_roles_and_pillars_change_with_an_audit_record(role_user):
    pmo = role_user(Role.PMO)
    person = role_user(Role.VIEWER)
    old_sponsor = role_user(Role.PILLAR_SPONSOR)
    pillar = PillarFactory(sponsor=old_sponsor)

    services.user_update(
        actor=pmo, user=person, roles=[Role.PILLAR_SPONSOR, Role.FINANCE], pillars=[pillar]
    )

    person.__dict__.pop("role_names", None)
    assert person.role_names == ["Finance", "Pillar sponsor"]
    pillar.refresh_from_db()
    assert pillar.sponsor == person
    record = AuditRecord.objects.get(action="user.changed", object_id=str(person.pk))
    assert record.before["groups"] == ["Viewer"]
    assert record.after["groups"] == ["Finance", "Pillar sponsor"]
    assert "password" not in record.after
    assert AuditRecord.objects.filter(action="pillar.updated", object_id=str(pillar.pk)).exists()


def test_a_deactivated_person_cannot_sign_in_and_nobody_deactivates_themselves(client, role_user):
    pmo = role_user(Role.PMO)
    person = role_user(Role.VIEWER, username="leaver")
    client.force_login(pmo)

    client.post(f"/accounts/users/{person.pk}/active/", {"active": "0"})
    refused = client.post(f"/accounts/users/{pmo.pk}/active/", {"active": "0"})

    person.refresh_from_db()
    pmo.refresh_from_db()
    assert not person.is_active
    assert refused.status_code == 403 and pmo.is_active
    assert not _signs_in(client, "leaver", "correct horse battery staple")
    assert AuditRecord.objects.filter(action="user.deactivated", object_id=str(person.pk)).exists()


def test_an_email_already_in_use_is_refused_with_its_reason(client, role_user):
    pmo = role_user(Role.PMO)
    role_user(Role.VIEWER, email="taken@example.org")
    client.force_login(pmo)
    response = client.post(
        "/accounts/users/invite/",
        {"email": "taken@example.org", "first_name": "A", "last_name": "B"},
    )
    assert response.status_code == 400
    assert b"already has an account" in response.content
    assert User.objects.filter(email="taken@example.org").count() == 1


def _signs_in(client, username: str, password: str) -> bool:
    """Sign in through the sign-in page, as a person does (throttling and all), as nobody else."""
    client.logout()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session
