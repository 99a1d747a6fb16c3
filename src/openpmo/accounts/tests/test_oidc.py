"""Single sign-on against a real OpenID Connect provider started by the test (oidc-provider-mock,
over HTTP): sign in, groups mapped to roles and pillars, sign out, a refused group."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from oidc_provider_mock import run_server_in_thread

from openpmo.accounts.models import User
from openpmo.accounts.tests.factories import configure_oidc, oidc_people
from openpmo.audit.models import AuditRecord
from openpmo.portfolio.tests.factories import PillarFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with run_server_in_thread(user_claims=oidc_people()) as server:
        configure_oidc(settings, server.server_port)
        yield server


def _sign_in_as(client, sub: str):
    """Follow the authorization code flow: OpenPMO → provider → OpenPMO's callback."""
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    at_provider = requests.post(
        start["Location"], data={"sub": sub}, allow_redirects=False, timeout=30
    )
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_signing_in_through_the_provider_maps_groups_to_roles_and_pillars(client, provider):
    pillar = PillarFactory(name="Platforms for Data")

    done = _sign_in_as(client, "alice")

    assert done.status_code == 302 and done["Location"] == "/"
    alice = User.objects.get(email="alice.smith@council.gov.uk")
    assert alice.get_full_name() == "Alice Smith"
    assert alice.role_names == ["Pillar sponsor"]
    assert not alice.has_usable_password()
    pillar.refresh_from_db()
    assert pillar.sponsor == alice
    assert AuditRecord.objects.filter(action="user.created_by_sign_on").count() == 1
    assert client.get("/my-work/").status_code == 200

    # Signing out ends the session
    client.post("/accounts/logout/")
    assert client.get("/my-work/")["Location"].startswith("/accounts/login/")

    # Signing in again finds the same person, with nothing new to audit
    _sign_in_as(client, "alice")
    assert User.objects.filter(email="alice.smith@council.gov.uk").count() == 1
    assert AuditRecord.objects.filter(action__endswith="_by_sign_on").count() == 1


def test_someone_in_no_mapped_group_is_refused_and_nothing_is_created(client, provider):
    refused = _sign_in_as(client, "mallory")

    assert refused["Location"] == "/accounts/login/?sso=refused"
    assert not User.objects.filter(email="mallory@contractor.example").exists()
    page = client.get(refused["Location"])
    assert b"You could not be signed in" in page.content


def test_a_deactivated_account_stays_refused(client, provider, role_user):
    from openpmo.accounts.roles import Role

    role_user(Role.VIEWER, email="alice.smith@council.gov.uk", is_active=False)
    refused = _sign_in_as(client, "alice")
    assert refused["Location"] == "/accounts/login/?sso=refused"
    assert "_auth_user_id" not in client.session


def test_without_single_sign_on_set_up_its_pages_are_not_found(client, settings):
    settings.OIDC_ENABLED = False
    assert client.get("/oidc/authenticate/").status_code == 404
    assert b"Sign in with" not in client.get("/accounts/login/").content
