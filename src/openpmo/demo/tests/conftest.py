"""The demo loaded once for every test in this package (it takes a while), as at a fixed date.

Loaded inside a transaction that is rolled back when the package's tests are done, so the other
apps' tests never see it; each test runs in a savepoint inside it, so what one test changes the
next does not see.
"""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

AS_OF = dt.date(2024, 10, 15)
PASSWORD = "a-long-demo-passphrase-for-tests"


@pytest.fixture(scope="package")
def demo_output(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo as at 15 October 2024; the command's output is the fixture's value."""
    env = settings.ENV
    settings.ENV = env.__class__(**{**env.__dict__, "var_dir": tmp_path_factory.mktemp("var")})
    os.environ["OPENPMO_DEMO_PASSWORD"] = PASSWORD
    hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", "--as-of", AS_OF.isoformat(), stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            settings.ENV = env
            settings.PASSWORD_HASHERS = hashers
            del os.environ["OPENPMO_DEMO_PASSWORD"]


@pytest.fixture
def demo(demo_output, db):
    from openpmo.portfolio.models import Programme

    return Programme.objects.get(short_name="ETP")
