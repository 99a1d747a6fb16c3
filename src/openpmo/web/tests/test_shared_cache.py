"""Every web process shares one cache (OPENPMO_CACHE), so what one gunicorn process worked out
another one serves instead of starting cold."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from openpmo.config import env

REPO = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("variables", "kind"),
    [
        ({"OPENPMO_ENV": "production", "SECRET_KEY": "k" * 50}, "file"),
        ({}, "memory"),
        ({"OPENPMO_CACHE": "file"}, "file"),
        ({"OPENPMO_CACHE": " Database "}, "database"),
        (
            {"OPENPMO_ENV": "production", "SECRET_KEY": "k" * 50, "OPENPMO_CACHE": "memory"},
            "memory",
        ),
    ],
)
def test_the_cache_is_chosen_from_the_environment(monkeypatch, variables, kind):
    monkeypatch.delenv("OPENPMO_CACHE", raising=False)
    monkeypatch.delenv("OPENPMO_ENV", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert env.read().cache == kind


def test_an_unknown_cache_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("OPENPMO_CACHE", "redis")
    with pytest.raises(ImproperlyConfigured, match="OPENPMO_CACHE must be one of database"):
        env.read()


def test_production_settings_share_a_file_cache(tmp_path):
    """The settings module itself, loaded as gunicorn loads it in production, names the file
    cache under the var folder (one folder every process of the machine reads)."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openpmo.config.settings",
        "OPENPMO_ENV": "production",
        "SECRET_KEY": "k" * 50,
        "OPENPMO_VAR_DIR": str(tmp_path),
    }
    environment.pop("OPENPMO_CACHE", None)
    out = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code], cwd=REPO, env=environment, capture_output=True, text=True
    )
    assert out.stdout.split() == [
        "django.core.cache.backends.filebased.FileBasedCache",
        str(tmp_path / "cache"),
    ]


@pytest.mark.django_db
def test_two_database_cache_connections_see_the_same_entry():
    """Two connections to the database cache (as two gunicorn processes hold): what one keeps,
    the other reads, and what one deletes is gone for both."""
    shared = {
        "default": settings.CACHES["default"],
        "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t_c"},
    }
    with override_settings(CACHES=shared):
        call_command("createcachetable", verbosity=0)
        first, second = caches.create_connection("shared"), caches.create_connection("shared")
        assert first is not second
        first.set("web:dashboard-headline:1:2026-12-03:42", {"reserve": "1.00"}, 60)
        assert second.get("web:dashboard-headline:1:2026-12-03:42") == {"reserve": "1.00"}
        second.delete("web:dashboard-headline:1:2026-12-03:42")
        assert first.get("web:dashboard-headline:1:2026-12-03:42") is None


def test_a_file_cache_entry_kept_by_one_process_is_read_by_another(tmp_path):
    """OPENPMO_CACHE=file: another Python process, started with the same settings, reads what
    this one kept."""
    variables = {"OPENPMO_CACHE": "file", "OPENPMO_VAR_DIR": str(tmp_path)}
    code = (
        "import django, pickle, sys; django.setup(); from django.core.cache import cache; "
        "sys.stdout.buffer.write(pickle.dumps(cache.get('kept')))"
    )
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    ):
        mine = caches.create_connection("default")
        mine.set("kept", ["worked out once"], 60)
    out = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "openpmo.config.settings", **variables},
        capture_output=True,
        check=True,
    )
    assert pickle.loads(out.stdout) == ["worked out once"]  # noqa: S301 (our own process)
