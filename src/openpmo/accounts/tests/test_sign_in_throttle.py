"""Wrong passwords lock an account (and the address they came from) out for a while, audited."""

from __future__ import annotations

import pytest
from django.test import Client

from openpmo.accounts.tests.factories import UserFactory
from openpmo.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _sign_in(client: Client, username: str, password: str, address: str = "203.0.113.5"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_right_password_works_before_the_limit():
    user = UserFactory(username="alex")
    client = Client()
    for _ in range(4):
        assert _sign_in(client, "alex", "wrong").status_code == 200
    response = _sign_in(client, "alex", PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_after_the_limit_even_the_right_password_is_refused_and_the_lockout_audited():
    # Given an account and five wrong passwords for it
    user = UserFactory(username="alex")
    client = Client()
    for _ in range(5):
        _sign_in(client, "alex", "wrong")
    # When the right password follows
    response = _sign_in(client, "alex", PASSWORD)
    # Then it is refused with a page that says why, and nobody is signed in
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # and the lockout is in the account's audit trail
    record = AuditRecord.objects.for_object(user).get(action="account.locked_out")
    assert record.after["ip_address"] == "203.0.113.5"


def test_the_lockout_holds_from_another_address_for_that_account():
    UserFactory(username="alex")
    for _ in range(5):
        _sign_in(Client(), "alex", "wrong", address="203.0.113.5")
    response = _sign_in(Client(), "alex", PASSWORD, address="198.51.100.7")
    assert response.status_code == 429


def test_many_accounts_tried_from_one_address_lock_that_address():
    UserFactory(username="sam")
    for number in range(5):
        _sign_in(Client(), f"guess{number}", "wrong", address="203.0.113.9")
    assert _sign_in(Client(), "sam", PASSWORD, address="203.0.113.9").status_code == 429
    assert _sign_in(Client(), "sam", PASSWORD, address="198.51.100.7").status_code == 302


def test_the_api_token_endpoint_is_throttled_too():
    UserFactory(username="alex")
    client = Client()
    for _ in range(5):
        client.post(
            "/api/auth/token/", {"username": "alex", "password": "wrong"}, REMOTE_ADDR="203.0.113.5"
        )
    response = client.post(
        "/api/auth/token/", {"username": "alex", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert response.status_code in (403, 429)
    assert "token" not in response.content.decode()


def test_the_api_schema_needs_sign_in(client, role_user):
    from openpmo.accounts.roles import Role

    assert client.get("/api/schema/").status_code == 401
    assert client.get("/api/docs/").status_code == 401
    client.force_login(role_user(Role.VIEWER))
    assert client.get("/api/schema/").status_code == 200
