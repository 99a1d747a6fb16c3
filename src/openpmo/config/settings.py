"""Django settings for OpenPMO. Values that vary by deployment come from ``env.read()`` only."""

from __future__ import annotations

import dj_database_url

from openpmo.config import env

ENV = env.read()
BASE_DIR = env.REPO_ROOT
GOVUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
MOJ_FRONTEND_DIR = BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj"

SECRET_KEY = ENV.secret_key
DEBUG = ENV.debug
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "openpmo.web",
    "openpmo.accounts",
    "openpmo.audit",
    "openpmo.portfolio",
    "openpmo.finance",
    "openpmo.gates",
    "openpmo.benefits",
    "openpmo.delivery",
    "openpmo.impact",
    "openpmo.risks",
    "openpmo.reports",
    "openpmo.resources",
    "openpmo.work",
    "openpmo.exchange",
    "openpmo.planning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openpmo.web.middleware.RequestIdMiddleware",
    "openpmo.web.middleware.RefuseNulCharactersMiddleware",
    "openpmo.web.middleware.HugeNumberMiddleware",
    "openpmo.web.middleware.LoginRequiredMiddleware",
    "openpmo.web.middleware.BusyDatabaseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in with its own page
]

ROOT_URLCONF = "openpmo.config.urls"
WSGI_APPLICATION = "openpmo.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openpmo.web.context_processors.service",
                "openpmo.work.context_processors.my_work_count",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(ENV.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a busy database rather than failing at once; writes take the lock up front so two
    # writers queue instead of deadlocking (Django 5.1+ "transaction_mode").
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# One cache for the web processes (OPENPMO_CACHE, files by default in production): the dashboard's headline and the rendered parts of
# pages are kept under keys naming the latest audit record, so a process never serves figures
# another one has already seen change. "database" needs `manage.py createcachetable` (make
# migrate, make serve and scripts/serve run it); "memory" keeps a cache per process.
CACHE_TABLE = "openpmo_cache"
CACHES = {
    "default": {
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "file": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(ENV.var_dir / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }[ENV.cache]
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in for a locked-out account or address before a password is tried.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Throttle sign-ins (django-axes): after OPENPMO_LOGIN_FAILURE_LIMIT wrong passwords for one
# account, or from one address, both are refused for the cool-off, even with the right password.
AXES_FAILURE_LIMIT = ENV.login_failure_limit
AXES_COOLOFF_TIME = ENV.login_cooloff_minutes / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = 1 if ENV.production else 0  # behind one load balancer in production
# Single sign-on (OpenID Connect, e.g. Microsoft Entra ID) when OIDC_RP_CLIENT_ID is set; local
# accounts keep working beside it. See openpmo.accounts.oidc for how groups map to roles.
OIDC_ENABLED = ENV.oidc is not None
if ENV.oidc is not None:
    AUTHENTICATION_BACKENDS.append("openpmo.accounts.oidc.GroupMappingBackend")
    OIDC_RP_CLIENT_ID = ENV.oidc.client_id
    OIDC_RP_CLIENT_SECRET = ENV.oidc.client_secret
    OIDC_OP_AUTHORIZATION_ENDPOINT = ENV.oidc.authorization_endpoint
    OIDC_OP_TOKEN_ENDPOINT = ENV.oidc.token_endpoint
    OIDC_OP_USER_ENDPOINT = ENV.oidc.user_endpoint
    OIDC_OP_JWKS_ENDPOINT = ENV.oidc.jwks_endpoint
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = "openid email profile"
OIDC_GROUP_ROLES = ENV.oidc.group_roles if ENV.oidc else {}
OIDC_GROUP_PILLARS = ENV.oidc.group_pillars if ENV.oidc else {}
OIDC_GROUPS_CLAIM = ENV.oidc.groups_claim if ENV.oidc else "groups"
OIDC_LABEL = ENV.oidc.label if ENV.oidc else ""
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=refused"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = ENV.var_dir / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic's target; whitenoise expects it
STATICFILES_DIRS = [("govuk", GOVUK_FRONTEND_DIR), ("moj", MOJ_FRONTEND_DIR)]
MEDIA_ROOT = ENV.var_dir / "media"  # uploaded evidence; served only through signed-in views
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# GOV.UK Frontend's stylesheet asks for its fonts and images at /assets/: serve that folder there.
WHITENOISE_ROOT = GOVUK_FRONTEND_DIR
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if ENV.production:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated request gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "openpmo.api.parsers.JSONBodyParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "openpmo.api.pagination.RegisterPagination",
    # Every endpoint also as a spreadsheet: ?format=xlsx or ?format=csv (formulas escaped).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "openpmo.api.renderers.XlsxRenderer",
        "openpmo.api.renderers.CsvRenderer",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "openpmo.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenPMO API",
    "DESCRIPTION": "Programme register, governance and finance of an OpenPMO programme.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every operation: readable only when signed in, unless made public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"]
    if ENV.public_api_schema
    else ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status"; name the shared choice sets so the schema's enums are stable.
    "ENUM_NAME_OVERRIDES": {
        "SimulationRunStatusEnum": "openpmo.risks.choices.RunStatus",
        "FundingOutcomeEnum": "openpmo.planning.choices.FundingOutcome",
        "OutcomeEnum": "openpmo.gates.choices.Outcome",
        "ScenarioStatusEnum": "openpmo.planning.choices.ScenarioStatus",
    },
}

# Background work (Monte Carlo runs, board packs) through django-tasks with its database backend:
# no broker to run; `manage.py db_worker` executes the queue. OPENPMO_TASKS=immediate runs tasks
# inline (tests, single-process demos).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if ENV.tasks_immediate
        else "django_tasks_db.DatabaseBackend"
    }
}

# Mail (notifications, reminders, invitations) from the environment: EMAIL_URL or EMAIL_HOST...;
# without either, development writes each message to var/mail/ (listed at /work/dev/mail/).
EMAIL_BACKEND = ENV.email.backend
EMAIL_HOST = ENV.email.host
EMAIL_PORT = ENV.email.port
EMAIL_HOST_USER = ENV.email.user
EMAIL_HOST_PASSWORD = ENV.email.password
EMAIL_USE_TLS = ENV.email.use_tls
EMAIL_USE_SSL = ENV.email.use_ssl
EMAIL_FILE_PATH = ENV.var_dir / "mail"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = ENV.email.from_address
OPENPMO_BASE_URL = ENV.base_url

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
