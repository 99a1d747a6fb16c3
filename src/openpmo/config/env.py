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
| ``OPENPMO_MAX_SCHEDULE_MB``, ``OPENPMO_MAX_SCHEDULE_TASKS``, ``OPENPMO_MAX_SPREADSHEET_MB``, ``OPENPMO_MAX_DOCUMENT_MB``, ``OPENPMO_MAX_EVIDENCE_MB`` | upload limits per kind, read by ``openpmo.limits`` each time (pages, API and command line) | 20, 10000, 10, 1, 10 |
| ``EMAIL_URL`` | mail server, ``smtp://user:password@host:587?tls=1`` or ``smtps://…:465`` | files in ``var/mail/`` (development); the log (production) |
| ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS`` | the same, one by one (used when ``EMAIL_URL`` is not set) | |
| ``DEFAULT_FROM_EMAIL`` | the sender of OpenPMO's mail | ``openpmo@localhost`` |
| ``OIDC_RP_CLIENT_ID``, ``OIDC_RP_CLIENT_SECRET`` | single sign-on: the app registered at the provider (Entra ID…); unset: local accounts only | |
| ``OIDC_OP_AUTHORIZATION_ENDPOINT``, ``OIDC_OP_TOKEN_ENDPOINT``, ``OIDC_OP_USER_ENDPOINT``, ``OIDC_OP_JWKS_ENDPOINT`` | the provider's endpoints (from its ``.well-known/openid-configuration``) | |
| ``OIDC_GROUP_ROLES`` | provider group → role, ``group-id=PMO;other-id=Pillar sponsor``; someone in none of them is refused | |
| ``OIDC_GROUP_PILLARS`` | provider group → pillar its members sponsor, ``group-id=Platforms for Data;…`` | |
| ``OIDC_GROUPS_CLAIM``, ``OIDC_LABEL`` | the claim holding the groups; the button's words | ``groups``; ``your organisation account`` |
| ``OPENPMO_CACHE`` | the cache every process shares: ``database`` (a table in the database, made by ``manage.py createcachetable``), ``file`` (``<OPENPMO_VAR_DIR>/cache``, one machine) or ``memory`` (each process its own) | ``file`` in production, ``memory`` otherwise |
| ``OPENPMO_BASE_URL`` | the address people open OpenPMO at, for links in mail | ``http://127.0.0.1:8000`` |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

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
class Email:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    from_address: str = "openpmo@localhost"


_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_FILES = "django.core.mail.backends.filebased.EmailBackend"


def _email(production: bool) -> Email:
    """Mail settings from ``EMAIL_URL``, else ``EMAIL_HOST`` and friends, else files (development)."""
    sender = os.environ.get("DEFAULT_FROM_EMAIL", "openpmo@localhost")
    url = os.environ.get("EMAIL_URL", "").strip()
    if url:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.scheme == "console":
            return Email(backend="django.core.mail.backends.console.EmailBackend")
        if parts.scheme not in {"smtp", "smtps"}:
            raise ImproperlyConfigured("EMAIL_URL must start smtp:// or smtps:// (or console://)")
        ssl = parts.scheme == "smtps"
        return Email(
            backend=_SMTP,
            host=parts.hostname or "localhost",
            port=parts.port or (465 if ssl else 25),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_tls=query.get("tls", "").lower() in {"1", "true", "yes", "on"},
            use_ssl=ssl,
            from_address=sender,
        )
    if os.environ.get("EMAIL_HOST"):
        return Email(
            backend=_SMTP,
            host=os.environ["EMAIL_HOST"],
            port=int(os.environ.get("EMAIL_PORT", "25")),
            user=os.environ.get("EMAIL_HOST_USER", ""),
            password=os.environ.get("EMAIL_HOST_PASSWORD", ""),
            use_tls=_flag("EMAIL_USE_TLS"),
            use_ssl=_flag("EMAIL_USE_SSL"),
            from_address=sender,
        )
    if production:
        # No mail server named: mail goes to the log rather than nowhere (set EMAIL_URL).
        return Email(backend="django.core.mail.backends.console.EmailBackend", from_address=sender)
    return Email(backend=_FILES, from_address=sender)


@dataclass(frozen=True)
class Oidc:
    client_id: str
    client_secret: str
    authorization_endpoint: str
    token_endpoint: str
    user_endpoint: str
    jwks_endpoint: str
    group_roles: dict[str, str]
    group_pillars: dict[str, str]
    groups_claim: str = "groups"
    label: str = "your organisation account"


def _pairs(name: str) -> dict[str, str]:
    """``a=b;c=d`` as a dict (group ids on the left)."""
    pairs: dict[str, str] = {}
    for item in os.environ.get(name, "").split(";"):
        if item.strip():
            key, sep, value = item.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise ImproperlyConfigured(f"{name}: write group=value pairs separated by ';'")
            pairs[key.strip()] = value.strip()
    return pairs


def _oidc() -> Oidc | None:
    client_id = os.environ.get("OIDC_RP_CLIENT_ID", "").strip()
    if not client_id:
        return None
    endpoints = {
        name: os.environ.get(f"OIDC_OP_{name.upper()}", "").strip()
        for name in ("authorization_endpoint", "token_endpoint", "user_endpoint", "jwks_endpoint")
    }
    missing = [f"OIDC_OP_{name.upper()}" for name, value in endpoints.items() if not value]
    if missing:
        raise ImproperlyConfigured(f"Single sign-on needs {', '.join(missing)}")
    return Oidc(
        client_id=client_id,
        client_secret=os.environ.get("OIDC_RP_CLIENT_SECRET", ""),
        group_roles=_pairs("OIDC_GROUP_ROLES"),
        group_pillars=_pairs("OIDC_GROUP_PILLARS"),
        groups_claim=os.environ.get("OIDC_GROUPS_CLAIM", "groups"),
        label=os.environ.get("OIDC_LABEL", "your organisation account"),
        **endpoints,
    )


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
    email: Email = field(default_factory=lambda: Email(backend=_FILES))
    base_url: str = "http://127.0.0.1:8000"
    oidc: Oidc | None = None
    cache: str = "memory"


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


CACHE_KINDS = ("database", "file", "memory")


def _cache(production: bool) -> str:
    """Which cache the processes share (``OPENPMO_CACHE``). Production: files by default, shared
    by the processes of one machine (the cheapest in the load bench); ``database`` to share one
    across machines. Keys name the latest audit record, so no choice can serve stale figures."""
    kind = os.environ.get("OPENPMO_CACHE", "").strip().lower() or (
        "file" if production else "memory"
    )
    if kind not in CACHE_KINDS:
        raise ImproperlyConfigured(
            f"OPENPMO_CACHE must be one of {', '.join(CACHE_KINDS)}, not {kind[:20]!r}"
        )
    return kind


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
        email=_email(production),
        base_url=os.environ.get("OPENPMO_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        oidc=_oidc(),
        cache=_cache(production),
    )
