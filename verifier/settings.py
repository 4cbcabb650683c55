"""Verifier's settings: one file, read from the environment.

A fresh checkout runs with nothing set (SQLite, tasks in-process). Production sets
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL;
README.md has the full table. In a development checkout ``make`` writes a git-ignored
``.env`` once (DJANGO_DEBUG=1 and a key of its own) that is read here, so that every
``manage.py`` command runs as the README prints it; the environment always wins over
it, and it is not read at all when DJANGO_SECRET_KEY is in the environment, as it
always is in production.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# A development checkout's .env (written by make). Production always sets its secret key
# in the environment, and then no .env is read at all: a file left behind cannot turn
# debug on there.
if "DJANGO_SECRET_KEY" not in os.environ:
    load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (a long random string) or run with "
            "DJANGO_DEBUG=1 for development, which uses a fixed development key."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with the desk's own site (home page, input checks): verifier/admin.py.
    "verifier.apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "verifier.urls"
WSGI_APPLICATION = "verifier.wsgi.application"
ASGI_APPLICATION = "verifier.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]


# --- Database -------------------------------------------------------------------------------
def database_from_env(url: str | None) -> dict[str, Any]:
    """DATABASES["default"] for DATABASE_URL, or a local SQLite file when it is unset.

    A malformed URL stops start-up with a message that names the variable, rather than
    a traceback from deep inside the database layer.
    """
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {
                # WAL lets the web server read while a task writes; IMMEDIATE takes the
                # write lock at BEGIN, so two writers queue instead of failing mid-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL Verifier understands ({exc}). "
            "Use postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:///path/to/file.sqlite3, "
            "or unset it to use the local SQLite file."
        ) from exc
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured(
            "DATABASE_URL names no database. "
            "Use postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:///path/to/file.sqlite3."
        )
    if config["ENGINE"].endswith("postgresql"):
        config["OPTIONS"] = {**postgres_liveness(), **config.get("OPTIONS", {})}
    return dict(config)


def postgres_liveness() -> dict[str, Any]:
    """Connection options so that a dead peer is noticed in seconds, not minutes.

    Client side (libpq keepalives): a worker notices a PostgreSQL that vanished. Server
    side (per session, ``-c``): PostgreSQL ends the session of a client that vanished
    without closing its socket (a frozen or partitioned worker), and of one idle in a
    transaction for longer than DB_IDLE_IN_TRANSACTION_SECONDS, releasing the row
    locks it held: a redelivered recheck waited 37 s behind such a lock.
    """
    idle = int(float(os.environ.get("DB_IDLE_IN_TRANSACTION_SECONDS", "60")) * 1000)
    server = {
        "idle_in_transaction_session_timeout": idle,
        "tcp_keepalives_idle": 10,
        "tcp_keepalives_interval": 5,
        "tcp_keepalives_count": 3,
    }
    return {
        "connect_timeout": 5,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "options": " ".join(f"-c {name}={value}" for name, value in server.items()),
    }


DATABASES = {"default": database_from_env(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Redis: broker and cache ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Without Redis, tasks run in the web process right after the transaction commits.
TASKS_IN_PROCESS = not REDIS_URL

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "verifier",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# "memory://localhost" rather than "memory://": kombu warns about a URL with no host.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
if REDIS_URL:
    # kombu's Redis transport with the fix that keeps a worker alive when Redis goes
    # away (verifier/broker.py says what it fixes and why).
    CELERY_BROKER_TRANSPORT = "verifier.broker:Transport"
CELERY_TASK_ALWAYS_EAGER = TASKS_IN_PROCESS
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A queue that loses nothing: a task is acknowledged only once it has run, goes back on
# the queue if its worker dies, and a worker holds one task at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# Redis re-delivers an unacknowledged task after the visibility timeout: keep it well
# above the hard time limit plus the longest countdown (retries back off to 60 s) so a
# task is not run twice while still held; it bounds how long a message reserved by a
# worker that died waits to run again.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 300,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A web request must not hang on a broker that is down: fail fast, log, let the sweep
# requeue (claims.services marks the event in the database first).
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker keeps trying to reach Redis for as long as it is down (every few seconds,
# verifier/broker.py), rather than exiting after 100 attempts.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_DEFAULT_QUEUE = "verifier"
# Static schedule: django-celery-beat does not install with Django 6.1.
# The sweeps are what make a lost message, a dead worker or an outage cost a delay
# instead of a flag or an email: cheap indexed queries, so they run often.
RECHECK_SWEEP_SECONDS = float(os.environ.get("RECHECK_SWEEP_SECONDS", "15"))
RECHECK_STALE_SECONDS = float(os.environ.get("RECHECK_STALE_SECONDS", "10"))
# How long an event's "queued" key lives: the sweep does not requeue an event while
# it does, so it also bounds how long a message lost with its worker holds one up.
RECHECK_QUEUED_SECONDS = int(os.environ.get("RECHECK_QUEUED_SECONDS", "300"))
NOTIFY_SWEEP_SECONDS = float(os.environ.get("NOTIFY_SWEEP_SECONDS", "15"))
# After a failed enqueue, skip enqueueing for this long (the sweeps cover what is
# skipped), so writes do not each wait on a broker that is down.
ENQUEUE_PAUSE_SECONDS = float(os.environ.get("ENQUEUE_PAUSE_SECONDS", "10"))
CELERY_BEAT_SCHEDULE = {
    "sweep-events-needing-recheck": {
        "task": "claims.tasks.sweep_rechecks",
        "schedule": RECHECK_SWEEP_SECONDS,
    },
    "sweep-pending-notifications": {
        "task": "claims.tasks.sweep_notifications",
        "schedule": NOTIFY_SWEEP_SECONDS,
    },
}
# Coalescing: a recheck runs once an event's changes pause for RECHECK_COALESCE_SECONDS,
# and no later than RECHECK_MAX_WAIT_SECONDS after the first change it has not seen,
# however long a burst of changes goes on.
RECHECK_COALESCE_SECONDS = float(os.environ.get("RECHECK_COALESCE_SECONDS", "0.3"))
RECHECK_MAX_WAIT_SECONDS = float(os.environ.get("RECHECK_MAX_WAIT_SECONDS", "2"))
# The recheck waits at most this long for an event's row lock, then retries later.
RECHECK_LOCK_TIMEOUT_MS = int(os.environ.get("RECHECK_LOCK_TIMEOUT_MS", "5000"))

CONFLICT_WEBHOOK_URL = os.environ.get("CONFLICT_WEBHOOK_URL", "")


# --- Auth, i18n, static ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# django-axes checks every password login first: after AXES_FAILURE_LIMIT failures for
# one username, or from one address, further tries are refused for AXES_COOLOFF_MINUTES
# (a 429 page that says so). Attempts and lockouts are logged and listed in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Conflict emails: the console in development, SMTP (EMAIL_HOST ...) in production.
EMAIL_BACKEND_PATH = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "timeout": 10,
        }
        if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "verifier@localhost")


# The history keeps why in full: an override reason or a rejection note can be long.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True


# --- REST API -------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Knox first: an anonymous request gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.permissions.RolePermissions"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's, with JSON nested too deep for Python answered as a 400.
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "claims.api.filters.StableOrdering",
    ],
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.KeysetPages",
    "PAGE_SIZE": 50,
    # DRF's per-user throttle, counted in the cache (Redis when REDIS_URL is set).
    "DEFAULT_THROTTLE_CLASSES": ["claims.api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_THROTTLE_RATE", "2000/minute")},
    "EXCEPTION_HANDLER": "claims.api.errors.exception_handler",
}
REST_KNOX = {
    # Tokens are stored hashed and expire; `manage.py create_api_token USER` makes one.
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_DAYS", "90"))),
    "AUTO_REFRESH": False,
    # A recognisable prefix lets secret scanners spot a leaked token.
    "TOKEN_PREFIX": "vrf_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Verifier API",
    "DESCRIPTION": (
        "Claims about violent incidents, the sources behind them, and conflicts, for "
        "newsroom integrations: the same rules as the admin. Send `Authorization: Token "
        "<token>` (`manage.py create_api_token USERNAME`). Every object has an `etag`; "
        "PUT, PATCH and actions need it in `If-Match` (428 without, 412 when stale). "
        "Errors are JSON: `detail`, `code`, and `fields` for invalid input."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "FlagStatusEnum": "claims.models.ConflictFlag.Status",
        "VerificationEnum": "claims.models.Attribution.Verification",
        "QualifierEnum": "claims.models.Qualifier",
        "GroupClassEnum": "claims.models.GroupClass",
        "CorroborationEnum": "claims.models.Corroboration",
        "TransitionEnum": "claims.api.serializers.TRANSITION_CHOICES",
        "SourceKindEnum": "claims.models.Source.Kind",
    },
}


# --- Security (production) ------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the admin's JavaScript does not need it; DRF reads the header
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response: scripts, styles, images and fonts only from
# this site (the desk has no inline script or style; the API docs page is served with
# its own assets from drf-spectacular-sidecar), no plugins, no framing, forms post here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a proxy that terminates TLS, the proxy redirects; it tells us the scheme.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=True)
    if env_bool("DJANGO_BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT else ["security.W008"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # In-process tasks: the recheck logs one line when it changes something; celery's
        # "Task ... succeeded" line for every run says nothing more. Workers keep theirs.
        "celery.app.trace": {"level": "WARNING" if TASKS_IN_PROCESS else "INFO"},
        # django-axes: failed logins and lockouts are warnings; successes need no line.
        "axes": {"level": "WARNING"},
    },
}
