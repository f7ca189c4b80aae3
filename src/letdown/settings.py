"""Django settings for letdown, read from the environment so one file serves development,
tests and production. See README.md for the variables a self-hoster sets."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from letdown.email_url import parse_email_url
from letdown.paths import default_data_dir

BASE_DIR = Path(__file__).resolve().parent

# Django's generic classes (ModelForm, ModelAdmin, ...) take their model as a type parameter
# for mypy (`forms.ModelForm[Session]`); this lets Python accept the subscript at run time.
django_stubs_ext.monkeypatch()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("LETDOWN_DATA_DIR") or default_data_dir()).expanduser()


def _secret_key() -> str:
    """A key from the environment, or one generated once and kept in the data directory, so
    sessions survive restarts without the self-hoster having to invent one."""
    if key := os.environ.get("LETDOWN_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
# Web Push: the push services of the browsers (Chrome and Android, Firefox, Safari and iOS,
# Edge); the server posts only to these. Another (a self-hosted push service) may be added.
LETDOWN_PUSH_HOSTS = [
    "fcm.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
    *[h.strip().lower() for h in os.environ.get("LETDOWN_PUSH_HOSTS", "").split(",") if h.strip()],
]
# Web Push: the contact push services may use about this server (a mailto: or https: URL).
LETDOWN_VAPID_SUBJECT = os.environ.get("LETDOWN_VAPID_SUBJECT", "mailto:letdown@localhost")
# One key for several app servers on one database; unset, it is made in the data directory.
LETDOWN_VAPID_PRIVATE_KEY = os.environ.get("LETDOWN_VAPID_PRIVATE_KEY", "")
DEBUG = _env_bool("LETDOWN_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LETDOWN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("LETDOWN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Behind HTTPS (a reverse proxy terminating TLS), turn on the secure defaults that
# `manage.py check --deploy` asks for. Off by default so `letdown demo` works on plain http.
OPEN_SIGNUP = _env_bool("LETDOWN_OPEN_SIGNUP")

HTTPS = _env_bool("LETDOWN_HTTPS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("LETDOWN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("LETDOWN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # /health is probed over plain http by container health checks.
    SECURE_REDIRECT_EXEMPT = [r"^health$"]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Everything a page uses comes from this server, as files: no inline script or style, no
# eval, no third party. Workers and the web manifest are same-origin files too (the offline
# live session). Media and images may be blob: URLs: the recorder previews her recording
# before she keeps it. Sent by letdown.core.middleware.SecurityHeadersMiddleware.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Only what the app uses: the microphone (recording the baby's cry), the screen wake lock
# (a routine keeps the screen on), full screen (the baby's photo) and sound that starts with a
# routine step rather than a tap; nothing else, for no one.
PERMISSIONS_POLICY = ", ".join(
    [
        "microphone=(self)",
        "screen-wake-lock=(self)",
        "fullscreen=(self)",
        "autoplay=(self)",
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "camera",
                "display-capture",
                "geolocation",
                "gyroscope",
                "magnetometer",
                "midi",
                "payment",
                "publickey-credentials-get",
                "usb",
                "serial",
                "hid",
            )
        ),
    ]
)
SESSION_ENGINE = "letdown.accounts.session_store"  # database sessions, read cheaply
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 60  # stay logged in for two months: it is a phone app

INSTALLED_APPS = [
    "letdown.admin_apps.LetdownAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "letdown.core",
    "letdown.accounts",
    "letdown.babylog",
    "letdown.logbook",
    "letdown.routines",
    "letdown.insights",
    "letdown.learn",
    "letdown.explainer",
    "letdown.transfer",
    "letdown.share",
    "letdown.reminders",
    "letdown.api",
    # Only for its templates and static files: the API's docs page is served from here,
    # never from a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go out compressed (Insights: 65 KB, 12 KB gzipped). Django pads each compressed
    # body with random bytes ("Heal the Breach") against BREACH on pages with a CSRF token.
    "django.middleware.gzip.GZipMiddleware",
    "letdown.core.middleware.SecurityHeadersMiddleware",
    "letdown.api.middleware.JsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "letdown.accounts.middleware.MemberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "letdown.accounts.middleware.HouseholdTimezoneMiddleware",
    "letdown.accounts.middleware.LastSeenMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "letdown.urls"
WSGI_APPLICATION = "letdown.wsgi.application"

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
            ],
        },
    },
]

SQLITE_PATH = DATA_DIR / "letdown.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            # Keep each server thread's connection: a new SQLite connection re-reads the
            # schema and re-runs the pragmas, which costs more than the request itself.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock
                # at BEGIN so two writers queue on the busy timeout instead of failing with
                # "database is locked" halfway through a transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a file as well (not shared in-memory SQLite): two threads, like two
            # phones, then get two real connections with WAL and the busy timeout.
            "TEST": {"NAME": str(DATA_DIR / "test-letdown.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "letdown.accounts.backends.HouseholdModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password-reset link (emailed, or made by the owner in Settings) works once, for 24 hours.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges, comma-separated): only
# a request coming from one of them has its client address read from that header. See
# letdown.core.client and the README's section on proxies.
TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("LETDOWN_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Login rate limit: five failures for one username from one client address lock it there for
# 15 minutes. Beyond that, failures for an account from any address slow every new attempt
# for it (letdown.accounts.throttle), except from a browser she has logged in with before.
AXES_FAILURE_LIMIT = int(os.environ.get("LETDOWN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "letdown.core.client.client_address"

CACHES = {
    # Shared by the server's processes: results that are dear to compute (Insights).
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "letdown_cache",
    },
    # Per process, in memory: page data asked for often (home, history, the rendered Insights
    # content). Keys carry the household's data version, which every request reads fresh with
    # the user, so no process can serve what another process's write has made stale.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "letdown-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

LANGUAGE_CODE = "en"
# Each language is named in itself in the switch (core/l10n.py); these names are for the admin.
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("de", _("German"))]
# The anonymous visitor's choice from the switch on public pages; a member's is on her account.
LANGUAGE_COOKIE_NAME = "letdown_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("LETDOWN_STATIC_ROOT") or DATA_DIR / "static")
MEDIA_ROOT = Path(os.environ.get("LETDOWN_MEDIA_ROOT") or DATA_DIR / "media")
# What one household's recordings and photos may take on disk, so that with open sign-up no
# stranger can fill it.
MEDIA_QUOTA_MB = int(os.environ.get("LETDOWN_MEDIA_QUOTA_MB", "200"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not _env_bool("LETDOWN_STATIC_FINDERS")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = _env_bool("LETDOWN_STATIC_FINDERS") or DEBUG
# Source maps are for a developer's tools, never sent compressed to a phone: compressing the
# API docs' maps made every `letdown serve` start markedly slower (cli._serve's collectstatic).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LETDOWN_LOG_LEVEL", "WARNING")},
}

# Mail: password-reset emails and the note to moderators about a new comment. Without
# LETDOWN_EMAIL_URL (smtp://, smtp+tls:// or smtps://user:password@host:port, or console: to
# print mail on the server's output; see email_url.py) nothing is sent.
EMAIL_URL = os.environ.get("LETDOWN_EMAIL_URL", "")
if EMAIL_URL:
    _email = parse_email_url(EMAIL_URL)
    EMAIL_BACKEND = _email.backend
    EMAIL_HOST = _email.host
    EMAIL_PORT = _email.port
    EMAIL_HOST_USER = _email.user
    EMAIL_HOST_PASSWORD = _email.password
    EMAIL_USE_TLS = _email.use_tls
    EMAIL_USE_SSL = _email.use_ssl
    EMAIL_TIMEOUT = _email.timeout_s
    DEFAULT_FROM_EMAIL = SERVER_EMAIL = _email.from_address
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
