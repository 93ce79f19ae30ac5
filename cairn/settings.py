"""Cairn settings: every value comes from the environment, with embedded defaults.

The embedded default (no environment at all) is one machine: SQLite in WAL mode under
``CAIRN_DATA_DIR``, local file storage, console email. ``DATABASE_URL`` switches to
PostgreSQL without code changes.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CAIRN_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use CAIRN_SECRET_KEY, else a random key generated once into the data folder."""
    if key := os.environ.get("CAIRN_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("CAIRN_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("CAIRN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CAIRN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
CAIRN_PUBLIC_HOST = os.environ.get("CAIRN_PUBLIC_HOST", "localhost:8000")
# Links inside issued credentials; https in production.
CAIRN_PUBLIC_SCHEME = os.environ.get("CAIRN_PUBLIC_SCHEME", "http")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_htmx",
    "js_lib_htmx",
    "django_tasks",
    "django_tasks_db",
    "cairn.core",
    "cairn.accounts",
    "cairn.catalog",
    "cairn.earning",
    "cairn.review",
    "cairn.credentials",
    "cairn.community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cairn.urls"
WSGI_APPLICATION = "cairn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cairn" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cairn.core.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "cairn.sqlite3"),
            "OPTIONS": {
                # WAL lets readers proceed while one writer commits; IMMEDIATE avoids
                # the "database is locked" upgrade deadlock between two writers.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not Django's shared in-memory test database: browser tests serve pages
            # from several threads, and each needs its own connection as in production.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: people sign in with an email address, never a username. An account
# can hold several verified addresses, so a teacher keeps it when changing districts.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("CAIRN_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 10
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
LOGIN_REDIRECT_URL = "core:home"
LOGIN_URL = "account_login"

EMAIL_BACKEND = os.environ.get("CAIRN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("CAIRN_FROM_EMAIL", "Cairn <no-reply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("CAIRN_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "cairn" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("CAIRN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CAIRN_LOG_LEVEL", "WARNING")},
}

CAIRN_CATALOG_PAGE_SIZE = int(os.environ.get("CAIRN_CATALOG_PAGE_SIZE", "20"))

# Background work goes through the Django Tasks API. The embedded default keeps the queue in
# the database (`manage.py db_worker`, started by `make run`); at scale, point it at RQ on Redis.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CAIRN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Earning and review.
CAIRN_ATTEMPT_LIMIT = int(os.environ.get("CAIRN_ATTEMPT_LIMIT", "3"))
CAIRN_CLAIM_HOURS = int(os.environ.get("CAIRN_CLAIM_HOURS", "72"))
CAIRN_UPLOAD_MAX_BYTES = int(os.environ.get("CAIRN_UPLOAD_MAX_MB", "200")) * 1024 * 1024
CAIRN_PAGE_SIZE = int(os.environ.get("CAIRN_PAGE_SIZE", "25"))
# Uploads larger than this stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


def _key_encryption_key() -> str:
    """Fernet key that encrypts issuers' private signing keys at rest: CAIRN_KEY_ENCRYPTION_KEY,
    else one generated once into the data folder (embedded default only; set it in production)."""
    if key := os.environ.get("CAIRN_KEY_ENCRYPTION_KEY"):
        return key
    path = DATA_DIR / "key_encryption_key"
    if not path.exists():
        from cryptography.fernet import Fernet

        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()


CAIRN_KEY_ENCRYPTION_KEY = _key_encryption_key()
# The verifier resolves did:web identities of other hosts and fetches their status lists
# over HTTPS only when this is on; off, it checks only what it can without the network.
CAIRN_VERIFY_NETWORK = _env_bool("CAIRN_VERIFY_NETWORK", False)
# Tests only, never from the environment: hosts the verifier may fetch over plain HTTP even
# though they are local addresses (a test server on 127.0.0.1).
CAIRN_VERIFY_NETWORK_TEST_HOSTS: tuple[str, ...] = ()
