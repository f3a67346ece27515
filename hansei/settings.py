"""Django settings for Hansei.

Every setting an operator may change is read from a ``HANSEI_*`` environment variable (see the
README's "Configuration" table). With no variables at all Hansei runs on an embedded SQLite
database under ``./var``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("HANSEI_DATA_DIR", str(Path.cwd() / "var"))).resolve()


def _secret_key() -> str:
    """Use HANSEI_SECRET_KEY; the embedded setup keeps a generated key in the data directory."""
    configured = env_str("HANSEI_SECRET_KEY")
    if configured:
        return configured
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("HANSEI_DEBUG", False)
ALLOWED_HOSTS = env_list("HANSEI_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("HANSEI_CSRF_TRUSTED_ORIGINS")
BASE_URL = env_str("HANSEI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The name customers see on the public incident reports ("Example Corp").
HANSEI_ORGANIZATION_NAME = env_str("HANSEI_ORGANIZATION_NAME", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "csp",
    "axes",
    "hansei.core",
    "hansei.accounts",
    "hansei.incidents",
    "hansei.postmortems",
    "hansei.reviews",
    "hansei.action_items",
    # Search before notifications: listeners run in this order, and a new postmortem is
    # indexed before saved searches are matched against it.
    "hansei.search",
    "hansei.notifications",
    "hansei.collab",
    "hansei.integrations",
    "hansei.audit",
    "hansei.insights",
    "hansei.culture",
    "hansei.home",
    "hansei.administration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The address and browser of each request, for the audit log's entries (core.audit).
    "hansei.core.audit.AuditContextMiddleware",
    # Below WhiteNoise, so static files keep their long cache and go without a policy; above
    # everything else, so error answers (CSRF refusals, 500s) get the headers too.
    "hansei.core.middleware.PrivateResponseMiddleware",
    "hansei.core.middleware.PermissionsPolicyMiddleware",
    "hansei.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL characters, lone surrogates, non-object or too deeply nested API bodies: a 400.
    "hansei.core.request_guard.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hansei.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into HTTP 429 (accounts.views).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hansei.urls"
ASGI_APPLICATION = "hansei.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # An app's own templates/ (APP_DIRS), and those of the features an app is split into
        # (hansei/postmortems/timeline/templates/...).
        "DIRS": sorted(BASE_DIR.glob("*/*/templates")),
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "hansei.notifications.context_processors.inbox",
            ],
            "builtins": ["django.templatetags.tz"],
        },
    },
    # Plain text (e-mail subjects and text bodies): nothing is HTML-escaped, so a title
    # "R&D <billing>" reads as written. Never used for HTML.
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": sorted(BASE_DIR.glob("*/*/templates")),
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False, "builtins": ["django.templatetags.tz"]},
    },
]


def _database() -> dict[str, object]:
    url = env_str("HANSEI_DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "hansei.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Several processes (server, worker) share the file: WAL, IMMEDIATE, a busy timeout.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # A file, not memory: the live-editing tests start server processes on the test
        # database (pytest-xdist gives each worker its own copy).
        config["TEST"] = {"NAME": str(DATA_DIR / "test-hansei.sqlite3")}
    return config


DATABASES = {"default": _database()}


def _installation_prefix() -> str:
    """A name for this installation in shared services (Redis keys and channel groups): two
    installations sharing a Redis database must never hear each other. Derived from the
    database (the one thing that makes an installation), or HANSEI_REDIS_PREFIX."""
    configured = env_str("HANSEI_REDIS_PREFIX").strip()
    if configured:
        return configured
    db = DATABASES["default"]
    where = "|".join(str(db.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    return "hansei-" + hashlib.sha256(where.encode()).hexdigest()[:12]


REDIS_PREFIX = _installation_prefix()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:my_work"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes first: it refuses a locked-out user name before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "hansei.accounts.backends.PasswordBackend",
    "hansei.accounts.sso.backend.OidcBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Email: SMTP when HANSEI_EMAIL_HOST is set; otherwise messages are written to files under
# the data directory so the embedded setup works without a mail server.
EMAIL_HOST = env_str("HANSEI_EMAIL_HOST")
EMAIL_PORT = env_int("HANSEI_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("HANSEI_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("HANSEI_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("HANSEI_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("HANSEI_EMAIL_USE_SSL")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("HANSEI_FROM_EMAIL", "Hansei <hansei@localhost>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")

# Where publication announcements go until an admin changes it on the policy page.
HANSEI_ANNOUNCE_TO = env_list("HANSEI_ANNOUNCE_TO")

# Slack as an app (announcements, direct messages, /hansei, "Add to timeline"): on when both the
# bot token and the signing secret are set. The API address changes only for tests.
HANSEI_SLACK_BOT_TOKEN = env_str("HANSEI_SLACK_BOT_TOKEN")
HANSEI_SLACK_SIGNING_SECRET = env_str("HANSEI_SLACK_SIGNING_SECRET")
HANSEI_SLACK_API_URL = env_str("HANSEI_SLACK_API_URL", "https://slack.com/api/").rstrip("/") + "/"
HANSEI_SLACK_TIMEOUT = env_int("HANSEI_SLACK_TIMEOUT", 10)
# Seconds to wait for an issue tracker's API (Jira, GitHub, GitLab, Linear) before retrying later.
HANSEI_TRACKER_TIMEOUT = env_float("HANSEI_TRACKER_TIMEOUT", 10.0)

# Reminders (the worker): counted in business days, sent in each person's working hours
# (their time zone, Monday to Friday), never twice for the same thing in one period.
HANSEI_REMIND_DUE_SOON_DAYS = env_int("HANSEI_REMIND_DUE_SOON_DAYS", 2)
HANSEI_REMIND_REVIEW_AFTER_DAYS = env_int("HANSEI_REMIND_REVIEW_AFTER_DAYS", 2)
# Business days after a lead asked a team to read a postmortem before who has not is reminded.
HANSEI_REMIND_READ_AFTER_DAYS = env_int("HANSEI_REMIND_READ_AFTER_DAYS", 3)
HANSEI_ESCALATE_AFTER_DAYS = env_int("HANSEI_ESCALATE_AFTER_DAYS", 3)
HANSEI_WORKDAY_START_HOUR = env_int("HANSEI_WORKDAY_START_HOUR", 9)
HANSEI_WORKDAY_END_HOUR = env_int("HANSEI_WORKDAY_END_HOUR", 18)

REDIS_URL = env_str("HANSEI_REDIS_URL")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("HANSEI_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HSTS: off by default. Turn it on only when every visitor reaches Hansei over HTTPS: browsers
# then refuse plain HTTP to the host for that many seconds. Django sends it on secure requests
# only; behind a TLS-terminating proxy, a request is secure when uvicorn trusts the proxy's
# X-Forwarded-Proto (FORWARDED_ALLOW_IPS, see the README) or when HANSEI_SECURE_PROXY_SSL_HEADER
# names the header the proxy sets to "https".
SECURE_HSTS_SECONDS = env_int("HANSEI_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HANSEI_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("HANSEI_HSTS_PRELOAD")
_proxy_ssl_header = env_str("HANSEI_SECURE_PROXY_SSL_HEADER").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )

# Every browser feature Hansei does not use is turned off for its pages and anything they embed.
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "interest-cohort",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("HANSEI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every step of a PDF and every screen-only CSS rule it skips.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# A shared cache (Redis when configured) for what processes must agree on; "pdf" keeps PDFs
# laid out lately (an hour), so asking for one again does not lay it out again.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        },
        "pdf": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{REDIS_PREFIX}:pdf",
            "TIMEOUT": 3600,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pdf": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pdf",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 20},  # in this process's memory: a few
        },
    }

# Live editing: the Channels layer relays Yjs updates and page events between server
# processes. Without Redis there is one process, and an in-memory layer is enough.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times out idle reads after ~5 s unless told not to (DESIGN.md).
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": REDIS_PREFIX,
                # Above capacity a message is dropped silently; clients and rooms resync from
                # the database, so a drop delays an edit but cannot lose it.
                "capacity": 5000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Live editing tunables (seconds): text reaches the sections' rows this long after the last
# edit; a version is kept at most this often while people write; rooms re-read the database
# this often to catch up with edits a dropped cross-process message did not bring.
COLLAB_SAVE_DELAY = env_float("HANSEI_COLLAB_SAVE_DELAY", 2.0)
COLLAB_VERSION_INTERVAL = env_int("HANSEI_COLLAB_VERSION_INTERVAL", 600)
COLLAB_CATCHUP_INTERVAL = env_float("HANSEI_COLLAB_CATCHUP_INTERVAL", 5.0)
# Stored updates of a document merged into one once there are this many.
COLLAB_COMPACT_AFTER = env_int("HANSEI_COLLAB_COMPACT_AFTER", 500)

# Sign-in throttling (django-axes; the policy is in hansei/accounts/throttling.py): failed
# password sign-ins allowed per normalized user name, from any address, before that name is
# locked for LOGIN_LOCKOUT_SECONDS. Counted in the database, so every process sees them.
LOGIN_MAX_FAILURES = env_int("HANSEI_LOGIN_MAX_FAILURES", 10)
LOGIN_LOCKOUT_SECONDS = env_int("HANSEI_LOGIN_LOCKOUT_SECONDS", 900)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "hansei.accounts.throttling.throttled_username"
AXES_FAILURE_LIMIT = "hansei.accounts.throttling.failure_limit"
AXES_COOLOFF_TIME = "hansei.accounts.throttling.lockout_duration"
AXES_LOCKOUT_CALLABLE = "hansei.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Sign-ins and failures are Django's signals (user_logged_in, user_login_failed) and axes'
# user_locked_out; axes keeps no log of successful ones besides.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# axes.W006 asks for the address among the lockout parameters. Failures are counted per name
# across every address and browser, so rotating them gains nothing; counting per address would
# let one attacker behind a shared address (load balancer, NAT) lock everyone there out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Local passwords (the sign-in page, /admin/login/). Off: single sign-on only, and sessions
# signed in with a password end.
PASSWORD_LOGIN = env_bool("HANSEI_PASSWORD_LOGIN", True)

# Single sign-on with OpenID Connect (mozilla-django-oidc; hansei/accounts/sso/), on when
# HANSEI_OIDC_CLIENT_ID is set. Endpoints left empty are discovered from the issuer.
OIDC_RP_CLIENT_ID = env_str("HANSEI_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("HANSEI_OIDC_CLIENT_SECRET")
OIDC_PROVIDER_NAME = env_str("HANSEI_OIDC_PROVIDER_NAME", "SSO")
OIDC_ISSUER = env_str("HANSEI_OIDC_ISSUER")
OIDC_DISCOVERY_URL = env_str("HANSEI_OIDC_DISCOVERY_URL")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("HANSEI_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("HANSEI_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("HANSEI_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("HANSEI_OIDC_JWKS_ENDPOINT")
OIDC_OP_END_SESSION_ENDPOINT = env_str("HANSEI_OIDC_END_SESSION_ENDPOINT")
OIDC_END_PROVIDER_SESSION = env_bool("HANSEI_OIDC_END_PROVIDER_SESSION", True)
OIDC_RP_SCOPES = env_str("HANSEI_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("HANSEI_OIDC_SIGN_ALGO", "RS256")
OIDC_USERNAME_CLAIM = env_str("HANSEI_OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_EMAIL_CLAIM = env_str("HANSEI_OIDC_EMAIL_CLAIM", "email")
OIDC_NAME_CLAIM = env_str("HANSEI_OIDC_NAME_CLAIM", "name")
OIDC_GROUPS_CLAIM = env_str("HANSEI_OIDC_GROUPS_CLAIM", "groups")
OIDC_TEAM_MAP = env_str("HANSEI_OIDC_TEAM_MAP")  # "group=team-slug,..."
OIDC_ROLE_MAP = env_str("HANSEI_OIDC_ROLE_MAP")  # "group=admin|member|reviewer,..."
OIDC_DEFAULT_ROLE = env_str("HANSEI_OIDC_DEFAULT_ROLE", "member")
OIDC_CREATE_USER = env_bool("HANSEI_OIDC_CREATE_USERS", True)
OIDC_TIMEOUT = env_float("HANSEI_OIDC_TIMEOUT", 10.0)
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the provider's end-session request
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"


# Content-Security-Policy (django-csp). Scripts and <style> elements run only from Hansei's own
# files or with the per-request nonce (CodeMirror's editor styles carry it); nothing inline,
# no eval, no style="" attributes. The live-editing WebSocket origin is added per request by
# hansei.core.middleware.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "connect-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        # Single sign-on leaves for the provider by a link and a page that moves on by
        # itself (accounts.views.SignOutView), never by a form: forms stay on this site.
        "form-action": [SELF],
        "report-uri": env_list("HANSEI_CSP_REPORT_URI") or None,
    },
}
