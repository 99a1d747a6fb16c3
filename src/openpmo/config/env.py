"""Every setting OpenPMO reads from the environment, in one place.

| variable | meaning | default |
|---|---|---|
| ``DATABASE_URL`` | database (``sqlite:///path`` or ``postgres://user@host:port/name``) | SQLite in ``var/`` |
| ``SECRET_KEY`` | Django's signing key; required when ``OPENPMO_ENV=production`` | a random key kept in ``var/secret_key`` |
| ``OPENPMO_ENV`` | ``development`` or ``production`` | ``development`` |
| ``OPENPMO_DEBUG`` | ``1`` to show Django's debug pages | ``0`` |
| ``ALLOWED_HOSTS`` | comma-separated host names | ``127.0.0.1,localhost`` |
| ``CSRF_TRUSTED_ORIGINS`` | comma-separated origins behind a proxy | empty |
| ``OPENPMO_TASKS`` | ``immediate`` runs background tasks inline instead of queueing them | ``database`` |
| ``OPENPMO_VAR_DIR`` | where the SQLite database and the development key live | ``<repo>/var`` |
| ``OPENPMO_LOGIN_FAILURE_LIMIT`` | wrong passwords before an account or an address is locked out | ``5`` |
| ``OPENPMO_LOGIN_COOLOFF_MINUTES`` | how long a lockout lasts | ``15`` |
| ``OPENPMO_PUBLIC_API_SCHEMA`` | ``1`` to let anyone read the OpenAPI schema and docs | ``0`` (sign-in needed) |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

REPO_ROOT = Path(__file__).resolve().parents[3]


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


@dataclass(frozen=True)
class Environment:
    production: bool
    debug: bool
    secret_key: str
    database_url: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    var_dir: Path
    tasks_immediate: bool
    login_failure_limit: int
    login_cooloff_minutes: int
    public_api_schema: bool


def _development_secret_key(var_dir: Path) -> str:
    """A random key made once per checkout, so sessions survive a restart of ``make run``."""
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number above 0, not {raw[:20]!r}")
    return int(raw)


def read() -> Environment:
    production = os.environ.get("OPENPMO_ENV", "development").strip().lower() == "production"
    var_dir = Path(os.environ.get("OPENPMO_VAR_DIR", REPO_ROOT / "var"))
    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if production:
            raise ImproperlyConfigured("SECRET_KEY must be set when OPENPMO_ENV=production")
        secret_key = _development_secret_key(var_dir)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'openpmo.sqlite3'}"
    if database_url.startswith("sqlite"):
        var_dir.mkdir(parents=True, exist_ok=True)
    return Environment(
        production=production,
        debug=_flag("OPENPMO_DEBUG"),
        secret_key=secret_key,
        database_url=database_url,
        allowed_hosts=_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver"),
        csrf_trusted_origins=_list("CSRF_TRUSTED_ORIGINS", ""),
        var_dir=var_dir,
        tasks_immediate=os.environ.get("OPENPMO_TASKS", "database").strip().lower() == "immediate",
        login_failure_limit=_positive_int("OPENPMO_LOGIN_FAILURE_LIMIT", 5),
        login_cooloff_minutes=_positive_int("OPENPMO_LOGIN_COOLOFF_MINUTES", 15),
        public_api_schema=_flag("OPENPMO_PUBLIC_API_SCHEMA"),
    )
