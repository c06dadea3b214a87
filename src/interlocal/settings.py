"""Interlocal settings: one module, every value read from the environment.

See docs/configuration.md for the full list. With no environment at all this runs the
zero-configuration development setup (SQLite in ./var, console e-mail, debug on).
`INTERLOCAL_ENV=production` turns on secure defaults and requires a secret key.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from interlocal.lib.env import (
    EnvError,
    env_bool,
    env_int,
    env_keys,
    env_list,
    env_secret,
    env_site_url,
    env_str,
)
from interlocal.lib.timezones import is_valid_zone

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("INTERLOCAL_VAR_DIR", str(PROJECT_DIR / "var")))

# Under pytest the default is "test": tasks run immediately and password hashing is fast.
ENVIRONMENT = env_str("INTERLOCAL_ENV", "test" if "pytest" in sys.modules else "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise EnvError(f"INTERLOCAL_ENV={ENVIRONMENT!r}: use development, test or production")
PRODUCTION = ENVIRONMENT == "production"
TESTING = ENVIRONMENT == "test"

DEBUG = env_bool("INTERLOCAL_DEBUG", default=not PRODUCTION)
SECRET_KEY = env_secret("INTERLOCAL_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise EnvError("INTERLOCAL_SECRET_KEY (or INTERLOCAL_SECRET_KEY_FILE) is required in production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "INTERLOCAL_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("INTERLOCAL_CSRF_TRUSTED_ORIGINS")
# The public address every link in an e-mail (and every absolute link elsewhere) starts with; only
# core.links.absolute_url reads it. `interlocal demo` sets it from the address it serves on.
SITE_URL = env_site_url("INTERLOCAL_SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not SITE_URL:
    raise EnvError("INTERLOCAL_SITE_URL is required in production, e.g. https://interlocal.example.org")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.forms",  # lets TemplatesSetting find Django's own widget templates
    "django_htmx",
    # The Content-Security-Policy header (see "Content-Security-Policy" below and docs/security.md).
    "csp",
    # Only for its templates and static files: the API docs page serves Swagger UI from our own
    # static files instead of a third-party CDN.
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    # Interlocal apps: platform first, then domain apps.
    "interlocal.accounts",
    "interlocal.tenancy",
    "interlocal.audit",
    "interlocal.core",
    "interlocal.taxonomy",
    "interlocal.assessment",
    "interlocal.costing",
    "interlocal.procurement",
    "interlocal.agreements",
    "interlocal.services",
    "interlocal.servicedesk",
    "interlocal.billing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "interlocal.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "interlocal.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "interlocal.tenancy.middleware.TenantContextMiddleware",
    "interlocal.core.middleware.TimeZoneMiddleware",
    "interlocal.accounts.middleware.RequireMfaMiddleware",
    "interlocal.audit.middleware.DeniedAccessMiddleware",
]

# Every form renders USWDS markup (templates/django/forms/): labels, hints, inline errors.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if PRODUCTION:
    # Serves the collected, compressed static files; in development runserver serves them.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "interlocal.urls"
WSGI_APPLICATION = "interlocal.wsgi.application"

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
                "interlocal.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# SQLite with no configuration; PostgreSQL (or any dj-database-url URL) through DATABASE_URL.
DATABASE_URL = env_secret("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("INTERLOCAL_DB_CONN_MAX_AGE", 60, minimum=0)
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # zero configuration: the database lives in ./var
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("INTERLOCAL_SQLITE_PATH", str(VAR_DIR / "interlocal.sqlite3")),
            # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers
            # queue instead of failing; this is what keeps the audit chain linear on SQLite.
            # WAL: one fsync per commit instead of several, readers never wait on the writer; the
            # default synchronous=FULL keeps every commit durable.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, throttling) -----------------------------------------------------------
REDIS_URL = env_secret("INTERLOCAL_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and sessions ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

ACCOUNT_ADAPTER = "interlocal.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "interlocal.accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # people arrive by invitation, which proves the address
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"change_password": "interlocal.accounts.forms.ChangePasswordForm"}
# Failed password sign-ins are throttled by accounts/throttle.py (growing delays by address and by
# account, no lockout). allauth's "login_failed" limit now only governs the authenticator-code step
# (keyed by person: only someone who has the password can spend it). Password reset e-mails per address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("INTERLOCAL_LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_email": "5/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("INTERLOCAL_MFA_ISSUER", "Interlocal")
MFA_RECOVERY_CODE_COUNT = 10

SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# Single sign-on may only sign in people who already have an account (by verified e-mail).
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS: dict[str, object] = {}
_oidc = env_str("INTERLOCAL_OIDC_PROVIDERS")
if _oidc:
    try:
        _oidc_apps = json.loads(_oidc)
    except json.JSONDecodeError as exc:
        raise EnvError(f"INTERLOCAL_OIDC_PROVIDERS is not valid JSON: {exc}") from None
    if not isinstance(_oidc_apps, list):
        raise EnvError("INTERLOCAL_OIDC_PROVIDERS must be a JSON list of provider objects")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {"APPS": _oidc_apps, "OAUTH_PKCE_ENABLED": True}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("INTERLOCAL_SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=60)
SESSION_IDLE_TIMEOUT = env_int("INTERLOCAL_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_TIMEOUT = SESSION_COOKIE_AGE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security (secure defaults in production) ---------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp; docs/security.md, "Content-Security-Policy") -------------
# Every page loads its scripts, styles, fonts and images from this site only, and no script runs
# that is not a file under /static/: no inline <script>, no on*= handler, no javascript: URL, no
# eval (charts use Vega's expression interpreter instead of `new Function`). Inline <style> and
# style="" attributes are refused too. INTERLOCAL_CSP_REPORT_ONLY=true sends the same policy as
# Content-Security-Policy-Report-Only instead (the browser reports and blocks nothing), for trying a
# change out in production; INTERLOCAL_CSP_REPORT_URI names a collector for the browsers' reports.
# (No setting here may start with CSP_: django-csp's check csp.E001 takes those for its old format.)
_csp_directives: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # data: for the sign-in QR code (allauth renders the TOTP secret as a data: SVG) and USWDS icons.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
_csp_report_uri = env_str("INTERLOCAL_CSP_REPORT_URI")
if _csp_report_uri:
    _csp_directives["report-uri"] = [_csp_report_uri]
INTERLOCAL_CSP_REPORT_ONLY = env_bool("INTERLOCAL_CSP_REPORT_ONLY", False)
if INTERLOCAL_CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives}

# HTTPS only, HSTS and secure cookies in production.
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("INTERLOCAL_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("INTERLOCAL_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("INTERLOCAL_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The checks below are about a preload list entry, which is an operator's decision.
    SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []

# --- Passwords -------------------------------------------------------------------------------
# Argon2id at the OWASP baseline (accounts/hashers.py); PBKDF2 hashes from before are verified and
# rehashed at the next sign-in.
SITE_PASSWORD_HASHERS = [
    "interlocal.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_HASHERS = SITE_PASSWORD_HASHERS

# --- Internationalization ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", _("English"))]
# The zone of new consortia and of pages about no consortium; each consortium has its own
# (Consortium.time_zone), which its deadlines are entered and shown in.
TIME_ZONE = env_str("INTERLOCAL_TIME_ZONE", "America/New_York")
if not is_valid_zone(TIME_ZONE):
    raise EnvError(f"INTERLOCAL_TIME_ZONE={TIME_ZONE!r} is not an IANA time zone such as America/New_York")
USE_I18N = True
USE_TZ = True
# The site's own wording of libraries' strings (allauth's Title Case headings in sentence case).
LOCALE_PATHS = [BASE_DIR / "locale"]
# One way of writing dates and times across the site ("Tue 15 Dec 2026, 5:00 PM EST"): core/formats.
FORMAT_MODULE_PATH = ["interlocal.core.formats"]

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("INTERLOCAL_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the web root and are only served through an access-checked view
# (core.views.download_file); MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(env_str("INTERLOCAL_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("INTERLOCAL_UPLOAD_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)

_s3_bucket = env_str("INTERLOCAL_S3_BUCKET")
if _s3_bucket:
    _private_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _s3_bucket,
            "endpoint_url": env_str("INTERLOCAL_S3_ENDPOINT_URL") or None,
            "region_name": env_str("INTERLOCAL_S3_REGION") or None,
            "access_key": env_secret("INTERLOCAL_S3_ACCESS_KEY") or None,
            "secret_key": env_secret("INTERLOCAL_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "INTERLOCAL_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("INTERLOCAL_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("INTERLOCAL_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("INTERLOCAL_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("INTERLOCAL_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("INTERLOCAL_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("INTERLOCAL_EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("INTERLOCAL_DEFAULT_FROM_EMAIL", "Interlocal <noreply@interlocal.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Operator", addr) for addr in env_list("INTERLOCAL_ADMIN_EMAILS")]

# --- Background tasks --------------------------------------------------------------------------
TASKS = {
    "default": {
        # Production queues work for `interlocal worker`; development runs it at once, so the
        # demo needs no second process.
        "BACKEND": env_str(
            "INTERLOCAL_TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django_tasks.backends.immediate.ImmediateBackend",
        ),
        "QUEUES": ["default", "email"],
    }
}

if TESTING:
    TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "email"],
        }
    }
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never outside tests
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# --- API ---------------------------------------------------------------------------------------
API_PAGE_SIZE = env_int("INTERLOCAL_API_PAGE_SIZE", 50, minimum=1)
API_MAX_PAGE_SIZE = 500
NINJA_PAGINATION_MAX_LIMIT = API_MAX_PAGE_SIZE
# Requests per person (per address when anonymous): "<count>/<s|m|h|d>"; over it the API answers 429.
API_THROTTLE_RATE = env_str("INTERLOCAL_API_THROTTLE_RATE", "1200/m")

# --- Logging -----------------------------------------------------------------------------------
LOG_FORMAT = env_str("INTERLOCAL_LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise EnvError(f"INTERLOCAL_LOG_FORMAT={LOG_FORMAT!r}: use text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "interlocal.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env_str("INTERLOCAL_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Interlocal --------------------------------------------------------------------------------
# The audit chain's HMAC key (see docs/security.md, "The audit trail"): INTERLOCAL_AUDIT_KEY hashes
# new events; INTERLOCAL_AUDIT_OLD_KEYS (comma-separated) only verify events hashed before a
# rotation. Required in production (check audit.E001); elsewhere a key is derived from the secret
# key so that development works out of the box.
_audit_keys = env_keys("INTERLOCAL_AUDIT_KEY")
if len(_audit_keys) > 1:
    raise EnvError("INTERLOCAL_AUDIT_KEY holds one key; put the old ones in INTERLOCAL_AUDIT_OLD_KEYS")
AUDIT_KEY: bytes | None = _audit_keys[0] if _audit_keys else None
if AUDIT_KEY is None and not PRODUCTION:
    AUDIT_KEY = hashlib.sha256(b"interlocal development audit key\n" + SECRET_KEY.encode()).digest()
AUDIT_OLD_KEYS = env_keys("INTERLOCAL_AUDIT_OLD_KEYS")
# Where `interlocal audit anchor` appends the chain head (JSON Lines), and where `interlocal audit
# verify` reads the anchors from: a file on storage the database's users cannot write.
AUDIT_ANCHOR_PATH = env_str("INTERLOCAL_AUDIT_ANCHOR_PATH", "")

# Aggregates built from fewer members than this are suppressed by modules that publish them.
INTERLOCAL_MIN_AGGREGATE_MEMBERS = env_int("INTERLOCAL_MIN_AGGREGATE_MEMBERS", 3, minimum=2)
# The ocid prefix this installation registered with the Open Contracting Partnership
# (https://standard.open-contracting.org/latest/en/guidance/build/#register-an-ocid-prefix).
INTERLOCAL_OCDS_PREFIX = env_str("INTERLOCAL_OCDS_PREFIX", "ocds-xxxxxx")
# Largest assessment workbook (.xlsx) accepted for upload or import.
ASSESSMENT_WORKBOOK_MAX_BYTES = env_int("INTERLOCAL_WORKBOOK_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
INVITATION_TTL_DAYS = env_int("INTERLOCAL_INVITATION_TTL_DAYS", 14, minimum=1)
