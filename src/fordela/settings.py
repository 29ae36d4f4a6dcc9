"""Django settings: one module, configured by environment variables (table in docs/deploy.md).

Local mode (FORDELA_LOCAL=1: `make run`, the tests) serves plain HTTP on localhost with SQLite
under the checkout's var/ unless DATABASE_URL names PostgreSQL. Outside local mode nothing
insecure is assumed: no secret key is built in, cookies are secure, static files are served
compressed from a manifest, and `fordela serve` refuses to start while a setting is unsafe
(fordela.ops.preflight).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _home() -> Path:
    """Where data lives (the SQLite database, collected static files): never the working directory.

    FORDELA_HOME when set; else the checkout's var/ (an editable install, as `make install` makes),
    else the user's data directory.
    """
    if os.environ.get("FORDELA_HOME"):
        return Path(os.environ["FORDELA_HOME"]).resolve()
    checkout = BASE_DIR.parents[1]
    if (checkout / "pyproject.toml").is_file():
        return checkout / "var"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "fordela"


# Tests and `make run` serve plain HTTP on localhost: they set FORDELA_LOCAL=1 (no HTTPS redirect).
LOCAL = env_bool("FORDELA_LOCAL", False)
DEBUG = env_bool("DEBUG", False)
HOME_DIR = _home()
# A fixed key is fine in local mode only. Outside it there is no default: Django refuses to sign
# anything with an empty key and `fordela serve` refuses to start (fordela.ops.preflight).
INSECURE_LOCAL_KEY = "local-only-insecure-key-set-FORDELA_SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("FORDELA_SECRET_KEY", INSECURE_LOCAL_KEY if LOCAL else "")
ALLOWED_HOSTS = env_list("FORDELA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if LOCAL else "")
# Origins allowed to POST besides the site itself (e.g. https://fordela.example.se:8443); by
# default every allowed host over HTTPS.
CSRF_TRUSTED_ORIGINS = env_list(
    "FORDELA_CSRF_TRUSTED_ORIGINS",
    ",".join(f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS if h != "*" and not h.startswith(".")),
)
# Behind a TLS-terminating proxy (nginx, a load balancer) that sets X-Forwarded-Proto/-Host/-For:
# without this the HTTPS redirect loops and every POST fails the CSRF origin check.
BEHIND_PROXY = env_bool("FORDELA_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    USE_X_FORWARDED_PORT = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "fordela.accounts",
    "fordela.history",
    "fordela.catalogue",
    "fordela.cycle",
    "fordela.billing",
    "fordela.consultation",
    "fordela.jobs",
    "fordela.ops",
    "fordela.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fordela.web.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked login_not_required (login, health,
    # the accessibility statement); a test walks the URLconf to prove it.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A NUL in any parameter is refused with a 400 page before a view sees it (PostgreSQL cannot store it).
    "fordela.web.middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A write refused because it would change frozen invoicing: a message, not a 500.
    "fordela.web.frozen.FrozenPeriodsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# Documents are made by `fordela worker` from the queue in the database; tests set JOBS_SYNC to
# make them at once, in the request (fordela.jobs.services).
JOBS_SYNC = env_bool("FORDELA_JOBS_SYNC", False)
# A running job's lease: a worker renews it while it works; a job whose lease ran out (its worker
# died) is queued again, and failed with the reason after JOBS_MAX_ATTEMPTS.
JOBS_LEASE_SECONDS = int(os.environ.get("FORDELA_JOBS_LEASE_SECONDS", "60"))
JOBS_MAX_ATTEMPTS = int(os.environ.get("FORDELA_JOBS_MAX_ATTEMPTS", "2"))
# Unfinished document jobs one user may have at once (each costs a worker minutes of CPU).
JOBS_PER_USER = int(os.environ.get("FORDELA_JOBS_PER_USER", "3"))

ROOT_URLCONF = "fordela.urls"
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
                "django.template.context_processors.i18n",
                "fordela.web.context.navigation",
            ]
        },
    }
]
WSGI_APPLICATION = "fordela.wsgi.application"


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Health checks: a connection dropped by the server is replaced before use, not a 500.
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    HOME_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": HOME_DIR / "fordela.sqlite3",
        # A handful of concurrent users on the embedded database: WAL lets readers run while one
        # writes; IMMEDIATE takes the write lock at BEGIN, so a transaction waits (up to `timeout`
        # seconds) instead of failing with "database is locked" when it upgrades from read to write.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}

# Computed results (a scenario's allocations, bridges, bills, invoicing base, open data) are cached
# per cycle revision in each process (fordela.cycle.computed); FORDELA_CACHE=0 turns that off.
FORDELA_CACHE = env_bool("FORDELA_CACHE", True)
FORDELA_CACHE_ENTRIES = int(os.environ.get("FORDELA_CACHE_ENTRIES", "256"))
# Rendered page content shared by viewers of the same scope (fordela.web.pagecache): local memory
# in each process (no cache server to run; keys carry the cycle's revision, so no process can serve
# a stale page). "default" is Django's own, kept as it was.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fordela-pages",
        "TIMEOUT": 3600,
        # A page's content is 10–60 kB on the demo: at most some 30 MB per process.
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("FORDELA_PAGE_CACHE_ENTRIES", "500"))},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

LOCALE_PATHS = [BASE_DIR / "locale"]
# Swedish number format everywhere: 1 091,6 (non-breaking space between thousands).
# Money is formatted by fordela.engine.money (template filters kr, tkr, mkr); plain numbers such
# as years must not get separators.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["fordela.formats"]

STATIC_URL = "static/"
STATIC_ROOT = HOME_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
if LOCAL:
    # Locally WhiteNoise serves the files straight from the apps (no collectstatic step).
    WHITENOISE_USE_FINDERS = True
else:
    # In production `fordela serve` collects them first: compressed, with hashed names cached
    # for a year (a manifest maps {% static %} names to them).
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "fordela.ops.static.StaticStorage"},
    }

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sessions expire after 30 idle minutes; the expiry moves with use, written at most once a
# minute (fordela.web.middleware.IdleSessionMiddleware), not on every request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Outside local mode the cookies travel over HTTPS only (local mode is plain HTTP on localhost).
SESSION_COOKIE_SECURE = not LOCAL
CSRF_COOKIE_SECURE = not LOCAL

# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Login lockout: after AXES_FAILURE_LIMIT failed logins, that user name and, separately, that
# address are refused (429 page) for the cool-off time. Every failure and lockout is audited
# (fordela.accounts.signals). Attempts are kept in the database, shared by all app servers.
AXES_FAILURE_LIMIT = int(os.environ.get("FORDELA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("FORDELA_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # the audit and our log say it once
if BEHIND_PROXY:
    # The client's address is the last one the proxy appended to X-Forwarded-For.
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Single sign-on through OpenID Connect (e.g. Microsoft Entra ID): on when a client id is set.
# See docs/sso.md. Users signing in this way get a Profile from the role claims mapping there.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "fordela.accounts.oidc.RoleMappingOIDCBackend")
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ["OIDC_OP_JWKS_ENDPOINT"]
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")

# Content-Security-Policy (django-csp): scripts, styles and everything else from this site only;
# no inline script or style, no eval (charts use Vega's expression interpreter, fordela.js).
# Chart data travels in <script type="application/json">, which browsers never execute.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        # Login through the identity provider posts back here; the browser goes there by redirect.
        "form-action": [SELF],
    }
}

# Production hardening (python manage.py check --deploy is clean with DEBUG off and HTTPS).
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not LOCAL:
    SECURE_SSL_REDIRECT = env_bool("FORDELA_SSL_REDIRECT", True)
    # The health probe of a load balancer or systemd talks plain HTTP to the app server.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("FORDELA_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("FORDELA_HSTS_PRELOAD", True)

# Notifications (fordela.accounts.notifications) go through Django's mail settings: the console in
# local mode, SMTP from the environment otherwise. Links in them start with FORDELA_BASE_URL.
_MAIL = "django.core.mail.backends." + ("console" if LOCAL or DEBUG else "smtp") + ".EmailBackend"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", _MAIL)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fordela <noreply@localhost>")
FORDELA_BASE_URL = os.environ.get("FORDELA_BASE_URL", "http://localhost:8000")

# One JSON object per line on stderr (journald or the container runtime keeps it): every 500
# with its traceback (django.request), security refusals, the worker's jobs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "fordela.ops.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FORDELA_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "fordela": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
