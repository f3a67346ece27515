"""Settings of the test identity provider (see the package docstring)."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR = Path(os.environ["OP_DATA_DIR"])
STATE_FILE = Path(os.environ["OP_STATE"])

SECRET_KEY = "test identity provider: not a secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "hansei.accounts.tests.identity_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "op.sqlite3")}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
# A test provider: a fast hash is enough.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The provider and Hansei both run on 127.0.0.1: browsers share cookies between ports, so
# the provider's cookies need names of their own.
SESSION_COOKIE_NAME = "op_session"
CSRF_COOKIE_NAME = "op_csrftoken"
LOGIN_URL = "/login/"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

OIDC_USERINFO = "hansei.accounts.tests.identity_provider.people.userinfo"
OIDC_EXTRA_SCOPE_CLAIMS = "hansei.accounts.tests.identity_provider.people.GroupClaims"
OIDC_IDTOKEN_PROCESSING_HOOK = "hansei.accounts.tests.identity_provider.people.id_token_hook"
SITE_URL = f"http://127.0.0.1:{os.environ['OP_PORT']}"  # the issuer is SITE_URL + "/openid"
