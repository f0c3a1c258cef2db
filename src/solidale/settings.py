"""Solidale settings: one module, configured through environment variables only.

The embedded default (no variables set) is the demo: SQLite under ``var/``, the
database cache, e-mail printed to the console. Production sets
``SOLIDALE_PRODUCTION=1`` plus ``SECRET_KEY``, ``ALLOWED_HOSTS`` and
``DATABASE_URL``; see README.md for the full list.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(int(default))).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SOLIDALE_VAR_DIR", Path.cwd() / "var"))

PRODUCTION = envbool("SOLIDALE_PRODUCTION")
DEBUG = envbool("SOLIDALE_DEBUG")
TESTING = envbool("SOLIDALE_TESTING")

if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "solidale-demo-only-not-secret-0123456789abcdef")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap_italia_template",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "solidale.core",
    "solidale.accounts",
    "solidale.people",
    "solidale.network",
    "solidale.desk",
    "solidale.appointments",
    "solidale.cases",
    "solidale.referrals",
    "solidale.tavolo",
    "solidale.food",
    "solidale.shelter",
    "solidale.housing",
    "solidale.neighbourhoods",
    "solidale.volunteers",
    "solidale.insights",
    "solidale.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "solidale.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "solidale.accounts.middleware.CurrentMembershipMiddleware",
    "solidale.accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "solidale.urls"
WSGI_APPLICATION = "solidale.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "solidale.accounts.context_processors.membership",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
}
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    else:
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "solidale.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
if TESTING and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file per test process, not shared-cache memory: concurrency tests need SQLite's real
    # locking (busy timeout, IMMEDIATE transactions) as in production.
    DATABASES["default"]["TEST"] = {
        "NAME": f"{tempfile.gettempdir()}/solidale-test-{os.getpid()}.sqlite3"
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, tasks ------------------------------------------------------
REDIS_URL = os.environ.get("SOLIDALE_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "solidale_cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SOLIDALE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Authentication --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create hundreds of users; argon2 stays first in every real deployment.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = envint("SOLIDALE_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SOLIDALE_AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the login form posts the e-mail as "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = envbool("SOLIDALE_AXES_ENABLED", not TESTING)  # tests enable it where they test it

# Second factor (TOTP) for every role that handles personal data.
SOLIDALE_REQUIRE_2FA = envbool("SOLIDALE_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "Solidale"

# --- Internationalization --------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SOLIDALE_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("SOLIDALE_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Source maps are never served compressed to users who matter; compressing them doubled
# the time of collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "SOLIDALE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Solidale <noreply@solidale.invalid>")

# --- Security --------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SOLIDALE_SESSION_SECONDS", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "solidale.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SOLIDALE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SOLIDALE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging ---------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SOLIDALE_LOG_LEVEL", "WARNING")},
}

# --- Solidale --------------------------------------------------------------------
SOLIDALE_SCHEDULER_TICK_SECONDS = envint("SOLIDALE_SCHEDULER_TICK_SECONDS", 30)
SOLIDALE_BASE_URL = os.environ.get("SOLIDALE_BASE_URL", "http://127.0.0.1:8000")
SOLIDALE_SITE_NAME = os.environ.get("SOLIDALE_SITE_NAME", "Solidale — Comune di Massa")
SOLIDALE_MUNICIPALITY_BELFIORE = os.environ.get("SOLIDALE_MUNICIPALITY_BELFIORE", "F023")
SOLIDALE_RATE_LIMIT_SEARCH = os.environ.get("SOLIDALE_RATE_LIMIT_SEARCH", "120/60")
SOLIDALE_RATE_LIMIT_PUBLIC = os.environ.get("SOLIDALE_RATE_LIMIT_PUBLIC", "10/3600")
SOLIDALE_API_PAGE_SIZE = envint("SOLIDALE_API_PAGE_SIZE", 50)
SOLIDALE_CASES_APPROVAL_THRESHOLD_EUR = os.environ.get(
    "SOLIDALE_CASES_APPROVAL_THRESHOLD_EUR", "500"
)
SOLIDALE_CASES_MAX_AMOUNT_EUR = os.environ.get("SOLIDALE_CASES_MAX_AMOUNT_EUR", "50000")
SOLIDALE_CASES_REVIEW_REMINDER_DAYS = envint("SOLIDALE_CASES_REVIEW_REMINDER_DAYS", 7)
SOLIDALE_SMS_BACKEND = os.environ.get("SOLIDALE_SMS_BACKEND", "none")  # none | gateway
SOLIDALE_SMS_GATEWAY_URL = os.environ.get("SOLIDALE_SMS_GATEWAY_URL", "")
SOLIDALE_SMS_GATEWAY_KEY = os.environ.get("SOLIDALE_SMS_GATEWAY_KEY", "")
SOLIDALE_SMS_SENDER = os.environ.get("SOLIDALE_SMS_SENDER", "Solidale")
SOLIDALE_ICAL_INCLUDE_NAMES = envbool("SOLIDALE_ICAL_INCLUDE_NAMES")
SOLIDALE_APPOINTMENTS_SLOT_WEEKS = envint("SOLIDALE_APPOINTMENTS_SLOT_WEEKS", 4)
SOLIDALE_NETWORK_AGREEMENT_ALERT_DAYS = envint("SOLIDALE_NETWORK_AGREEMENT_ALERT_DAYS", 60)
SOLIDALE_NETWORK_STALE_DAYS = envint("SOLIDALE_NETWORK_STALE_DAYS", 90)
SOLIDALE_DESK_FIRST_RESPONSE_DAYS = envint("SOLIDALE_DESK_FIRST_RESPONSE_DAYS", 2)
SOLIDALE_DESK_MIN_FILL_SECONDS = envint("SOLIDALE_DESK_MIN_FILL_SECONDS", 3)
# Hours the receiving organization has to accept or decline a referral, by urgency.
SOLIDALE_REFERRALS_ACCEPT_HOURS_LOW = envint("SOLIDALE_REFERRALS_ACCEPT_HOURS_LOW", 120)
SOLIDALE_REFERRALS_ACCEPT_HOURS_NORMAL = envint("SOLIDALE_REFERRALS_ACCEPT_HOURS_NORMAL", 72)
SOLIDALE_REFERRALS_ACCEPT_HOURS_HIGH = envint("SOLIDALE_REFERRALS_ACCEPT_HOURS_HIGH", 24)
SOLIDALE_REFERRALS_ACCEPT_HOURS_URGENT = envint("SOLIDALE_REFERRALS_ACCEPT_HOURS_URGENT", 4)
# The town whose forecast drives the cold-emergency plan (Massa by default).
SOLIDALE_WEATHER_LAT = float(os.environ.get("SOLIDALE_WEATHER_LAT", "44.0354"))
SOLIDALE_WEATHER_LON = float(os.environ.get("SOLIDALE_WEATHER_LON", "10.1397"))
# Minutes before and after a volunteer's shift during which its data access holds.
SOLIDALE_DUTY_GRACE_MINUTES = envint("SOLIDALE_DUTY_GRACE_MINUTES", 15)
# Days before a volunteer's insurance or training expires when the organization is told.
SOLIDALE_VOLUNTEER_EXPIRY_NOTICE_DAYS = envint("SOLIDALE_VOLUNTEER_EXPIRY_NOTICE_DAYS", 30)
# Citizen reports: days a resolved report may be reopened, and "count/seconds" rate limits.
SOLIDALE_REPORT_REOPEN_DAYS = envint("SOLIDALE_REPORT_REOPEN_DAYS", 14)
SOLIDALE_REPORT_RATE = os.environ.get("SOLIDALE_REPORT_RATE", "5/600")
SOLIDALE_OPEN311_RATE = os.environ.get("SOLIDALE_OPEN311_RATE", "60/60")
SOLIDALE_OPEN311_JURISDICTION = os.environ.get(
    "SOLIDALE_OPEN311_JURISDICTION", "comune.massa.ms.it"
)
# Longest temporary housing placement, in years.
SOLIDALE_HOUSING_PLACEMENT_MAX_YEARS = envint("SOLIDALE_HOUSING_PLACEMENT_MAX_YEARS", 3)
# The body sending SIUSS flows to INPS: its code and the Belfiore code of the town.
SOLIDALE_SIUSS_BODY_CODE = os.environ.get("SOLIDALE_SIUSS_BODY_CODE", "45010")
SOLIDALE_SIUSS_BODY_BELFIORE = os.environ.get("SOLIDALE_SIUSS_BODY_BELFIORE", "F023")
