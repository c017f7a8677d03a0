"""Taskapp's one settings module.

Everything that differs between a laptop and a cluster comes from the environment
through the typed readers in ``config.env``; docs/configuration.md lists every
variable. Defaults are the safe ones: DEBUG off, SQLite in ./data, sign-up on.
"""

from importlib.metadata import version
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
    env_time_zone,
    env_writable_dir,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Written once, in pyproject.toml; the installed package's metadata carries it.
VERSION = version("taskapp")

# --- Core -------------------------------------------------------------------------

DEBUG = env_bool("TASKAPP_DEBUG", False)

SECRET_KEY = env_secret("TASKAPP_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "TASKAPP_SECRET_KEY (or TASKAPP_SECRET_KEY_FILE) is required unless TASKAPP_DEBUG=true."
        )
    # Only with TASKAPP_DEBUG (never in production: the check above stops the start).
    SECRET_KEY = "insecure-development-key-only-used-with-TASKAPP_DEBUG"  # noqa: S105  # nosec B105

# all: UI + API in one process (local runs); api / ui: one deployable each.
ROLE = env_choice("TASKAPP_ROLE", "all", ("all", "api", "ui"))
SERVES_API = ROLE in ("all", "api")
SERVES_UI = ROLE in ("all", "ui")

ALLOWED_HOSTS = env_list(
    "TASKAPP_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "TASKAPP_ALLOWED_HOSTS is required unless TASKAPP_DEBUG=true "
        "(comma-separated host names, e.g. taskapp.example.com)."
    )
CSRF_TRUSTED_ORIGINS = env_list("TASKAPP_CSRF_TRUSTED_ORIGINS", [])

ALLOW_SIGNUP = env_bool("TASKAPP_ALLOW_SIGNUP", True)

DATA_DIR = Path(env_str("TASKAPP_DATA_DIR", str(BASE_DIR / "data")))

# --- Applications -----------------------------------------------------------------

MONGODB_URI = env_secret("MONGODB_URI")
USES_MONGODB = bool(MONGODB_URI)

if USES_MONGODB:
    # Django's contrib apps default to integer keys; MongoDB needs ObjectId keys
    # and migrations of their own (docs/decisions/0001-django-mongodb-backend-not-djongo.md).
    CONTRIB_APPS = [
        "config.mongo_apps.MongoAdminConfig",
        "config.mongo_apps.MongoAuthConfig",
        "config.mongo_apps.MongoContentTypesConfig",
    ]
    MIGRATION_MODULES = {
        "admin": "config.mongo_migrations.admin",
        "auth": "config.mongo_migrations.auth",
        "contenttypes": "config.mongo_migrations.contenttypes",
    }
    DEFAULT_AUTO_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"
else:
    CONTRIB_APPS = [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
    ]
    DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    *CONTRIB_APPS,
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_prometheus",
    "django_htmx",
    "template_partials",
    "csp",
    "ninja",
    "taskapp.accounts",
    "taskapp.tasks",
    "taskapp.planning",
    "api",
    "ui",
    "config",
]
if USES_MONGODB:
    INSTALLED_APPS.insert(0, "django_mongodb_backend")

MIDDLEWARE = [
    # /healthz and /readyz first: whatever the Host header (probes use the pod
    # address, before SecurityMiddleware and CommonMiddleware validate it), and
    # at the least cost (the kubelet asks every few seconds; config.probes).
    "config.probes.ProbeMiddleware",
    # Then, so every log line and every answer (errors too) carry them right:
    # the real client address behind trusted proxies, and the request id.
    "config.middleware.TrustedProxyMiddleware",
    "config.middleware.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # JSON errors under /api, also for Django's own 404/405/403/413 answers.
    "api.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so its process_exception sees a view's database errors first: 503.
    "config.middleware.DatabaseUnavailableMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
if ROLE == "api":
    # The API authenticates with Bearer tokens and answers JSON: no cookies, so no
    # sessions, CSRF or messages, and no htmx. Kept: whitenoise (Swagger UI's
    # assets), locale (validation messages follow Accept-Language), the security
    # headers. Every request pays for each middleware (docs/performance.md).
    UI_ONLY_MIDDLEWARE = {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
    }
    MIDDLEWARE = [name for name in MIDDLEWARE if name not in UI_ONLY_MIDDLEWARE]
    # The admin stays installed (its models and migrations are shared) but is not
    # routed on this role (config/urls.py), so its middleware checks do not apply.
    SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "taskapp" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------

if USES_MONGODB:
    DATABASES = {
        "default": {
            "ENGINE": "django_mongodb_backend",
            # The connection string carries hosts, credentials, options and, in
            # its path, the database name; TASKAPP_MONGODB_NAME overrides that.
            "HOST": MONGODB_URI,
            "NAME": env_str("TASKAPP_MONGODB_NAME", "") or None,
            "OPTIONS": {},
        }
    }
    if not DATABASES["default"]["NAME"]:
        DATABASES["default"].pop("NAME")
    # pymongo waits 30 s for an unreachable server, as long as a request may take:
    # the worker would be killed (502) instead of answering 503. Fail sooner,
    # unless the connection string chooses its own timeout.
    if "serverselectiontimeoutms" not in MONGODB_URI.lower():
        DATABASES["default"]["OPTIONS"]["serverSelectionTimeoutMS"] = env_int(
            "TASKAPP_MONGODB_TIMEOUT_MS", 5000, minimum=100
        )
else:
    DATA_DIR = env_writable_dir("TASKAPP_DATA_DIR", str(DATA_DIR))
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "taskapp.sqlite3",
            "OPTIONS": {
                # WAL lets readers proceed while one writer commits; the busy
                # timeout makes concurrent gunicorn workers queue for the write
                # lock instead of failing; past it, 503 database_busy
                # (config.middleware). IMMEDIATE takes the lock at BEGIN, so a
                # transaction never fails half-way upgrading a read lock.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": env_int("TASKAPP_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

# Keep connections open between requests (SQLite: skips re-opening the file and its
# PRAGMAs on every request); checked for health before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("TASKAPP_DB_CONN_MAX_AGE", 300, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Auth, sessions, security -----------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every password form (the app's and the admin's log-in) goes through the failure
# limiter (taskapp.accounts.ratelimit). Django's own ModelBackend stays listed only
# so sessions logged in before it was added remain valid; the first backend
# refuses failures with PermissionDenied, so the second is never asked to check
# a password from a web form.
AUTHENTICATION_BACKENDS = [
    "taskapp.accounts.backends.RateLimitedModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Behind the ingress TLS terminates at the proxy; secure cookies are on unless a
# plain-HTTP run (make run, Minikube without TLS) turns them off.
SECURE_COOKIES = env_bool("TASKAPP_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# Strict-Transport-Security: browsers that once reached Taskapp over HTTPS never try
# plain HTTP again. On by default wherever cookies are HTTPS-only (so not for
# `make run`); SecurityMiddleware sends it on HTTPS responses only.
SECURE_HSTS_SECONDS = env_int("TASKAPP_HSTS_SECONDS", 31536000 if SECURE_COOKIES else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TASKAPP_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("TASKAPP_HSTS_PRELOAD", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): only our own scripts and styles, no
# inline scripts or event handlers (the UI keeps its JS in ui/static/ui/*.js), and
# no framing (frame-ancestors 'none' alongside X-Frame-Options: DENY).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Failed logins and bad API tokens, per client address, before answering 429.
RATE_LIMIT_FAILURES = env_int("TASKAPP_RATE_LIMIT_FAILURES", 10, minimum=1)
RATE_LIMIT_WINDOW = env_int("TASKAPP_RATE_LIMIT_WINDOW", 300, minimum=1)
# Accounts one client address may create per window (successful or not).
SIGNUP_LIMIT = env_int("TASKAPP_SIGNUP_LIMIT", 5, minimum=1)
SIGNUP_WINDOW = env_int("TASKAPP_SIGNUP_WINDOW", 3600, minimum=1)

# --- E-mail (password reset, reminders) -------------------------------------------
# Without TASKAPP_EMAIL_HOST, mail is written to the log (console backend): enough
# for a laptop; a deployment sets the SMTP relay (docs/configuration.md).

EMAIL_HOST = env_str("TASKAPP_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("TASKAPP_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("TASKAPP_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("TASKAPP_EMAIL_PASSWORD")
# STARTTLS on 587 by default; TASKAPP_EMAIL_USE_SSL for implicit TLS (465).
EMAIL_USE_SSL = env_bool("TASKAPP_EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("TASKAPP_EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured("Set TASKAPP_EMAIL_USE_TLS or TASKAPP_EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = env_int("TASKAPP_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("TASKAPP_EMAIL_FROM", "Taskapp <taskapp@localhost>")
# Password-reset links stay valid this long (Django's default is 3 days).
PASSWORD_RESET_TIMEOUT = env_int("TASKAPP_PASSWORD_RESET_TIMEOUT", 3600, minimum=60)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "taskapp",
    }
}

# Each worker keeps the task-list pages it served, checked against the data on
# every request (api.page_cache): this many MiB at most, per worker; 0 turns it off.
API_PAGE_CACHE_BYTES = env_int("TASKAPP_API_PAGE_CACHE_MB", 8, minimum=0) * 1024 * 1024

# Request bodies above this answer 413 (an import of ~10,000 tasks fits).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("TASKAPP_MAX_BODY_BYTES", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# ...and an uploaded file larger than that is skipped while it arrives (config.uploads).
FILE_UPLOAD_HANDLERS = [
    "config.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Internationalisation ---------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "taskapp" / "locale"]
TIME_ZONE = env_time_zone("TASKAPP_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("TASKAPP_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
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

# --- Logging ----------------------------------------------------------------------

LOG_LEVEL = env_choice("TASKAPP_LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper()
# One JSON object per line on stdout (docs/operations.md, "Logs"); plain text
# for local runs. Secrets are redacted by the formatters (config/logging.py).
LOG_FORMAT = env_choice("TASKAPP_LOG_FORMAT", "text" if DEBUG else "json", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {"()": "config.logging.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# --- Proxies and metrics ----------------------------------------------------------

# Addresses or networks (CIDR) of the proxies in front of Taskapp (the ingress
# controller's pods). Only they may set X-Forwarded-For / X-Forwarded-Proto;
# config.middleware.TrustedProxyMiddleware drops those headers from anyone else,
# which is what makes SECURE_PROXY_SSL_HEADER safe.
TRUSTED_PROXIES = env_list("TASKAPP_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /metrics is served by the gunicorn master on TASKAPP_METRICS_PORT (see
# config/gunicorn.py); on the app port only where asked for (make run).
METRICS_ON_APP_PORT = env_bool("TASKAPP_METRICS_ON_APP_PORT", DEBUG)
