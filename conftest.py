"""Fixtures shared by every test: one signed-in user per role, and a small programme."""

from __future__ import annotations

import pytest

from openpmo.accounts.roles import Role


@pytest.fixture
def role_user(db):
    """``role_user(Role.PMO)`` makes a user holding that role."""
    from openpmo.accounts.tests.factories import UserFactory

    def make(*roles: Role, **fields: object):
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def programme_tree(db):
    """A programme with one pillar (sponsored), one strand and one work package (owned)."""
    from openpmo.accounts.tests.factories import UserFactory
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    sponsor = UserFactory(roles=[Role.PILLAR_SPONSOR], username="sponsor-here")
    owner = UserFactory(roles=[Role.WORK_PACKAGE_MANAGER], username="owner-here")
    work_package = WorkPackageFactory(strand__pillar__sponsor=sponsor, owner=owner)
    return work_package


@pytest.fixture
def page(live_server):
    """A page in a real Chromium beside the live server (``tests.chromium``); mark the test
    ``needs_chromium`` from there, so that it is skipped where Chromium is not installed."""
    from tests.chromium import chromium_page

    with chromium_page() as opened:
        yield opened


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make many users: hash their passwords cheaply (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages keep rendered parts in the cache under keys made of ids, which a rolled-back test
    may hand out again: each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def xlsx_bomb() -> bytes:
    """A real workbook of a few kilobytes whose shared-strings part unpacks to 20 MB."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Item", "2023/24"])
    book.active.append(["Staff", 100])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for part in source.infolist():
            if part.filename != "xl/sharedStrings.xml":
                target.writestr(part, source.read(part.filename), zipfile.ZIP_DEFLATED)
        target.writestr(
            "xl/sharedStrings.xml", b"<sst>" + b" " * 20_000_000 + b"</sst>", zipfile.ZIP_DEFLATED
        )
    return out.getvalue()


# The machines running the suite are shared: Hypothesis's wall-clock checks ("input generation is
# slow", per-example deadlines) fail there for reasons that have nothing to do with the code.
# Every property is still checked on the same number of examples.
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile(
    "openpmo", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("openpmo")
