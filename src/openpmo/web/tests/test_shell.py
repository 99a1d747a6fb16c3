"""Sign-in, the health check, and that every page needs a login."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from openpmo.accounts.roles import Role


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize(
    "url", ["/", "/pillars/", "/work-packages/", "/audit/", "/work-packages/1/edit/"]
)
def test_pages_need_a_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_page_is_open_and_signs_in(client, role_user):
    role_user(Role.VIEWER, username="val")
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "Sign in to OpenPMO" in page.content.decode()
    wrong = client.post("/accounts/login/", {"username": "val", "password": "nope"})
    assert "There is a problem" in wrong.content.decode()
    right = client.post(
        "/accounts/login/", {"username": "val", "password": "correct horse battery staple"}
    )
    assert right.status_code == 302


def test_sign_out_needs_a_post_with_csrf(role_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(role_user(Role.VIEWER))
    assert client.post("/accounts/logout/").status_code == 403  # no CSRF token: refused
    assert client.get("/pillars/").status_code == 200  # still signed in


def test_govuk_frontend_is_served_locally(client, db):
    from django.contrib.staticfiles import finders

    assert finders.find("govuk/govuk-frontend.min.css")
    assert finders.find("govuk/govuk-frontend.min.js")


def test_no_pending_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_deploy_checks_pass_in_production_settings(monkeypatch):
    """`check --deploy` with production settings reports nothing serious."""
    import subprocess
    import sys

    env = {
        "OPENPMO_ENV": "production",
        "SECRET_KEY": "x" * 60 + "unique-enough-for-the-check-0123456789",
        "PATH": "/usr/bin:/bin",
        "ALLOWED_HOSTS": "pmo.example.org",
    }
    from openpmo.config.env import REPO_ROOT

    result = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "manage.py"),
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": "sqlite:///:memory:"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
