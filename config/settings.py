"""Settings, all read from the environment (django-environ).

One code path for development, tests and production: the environment decides.
Unset variables fall back to embedded defaults so `make run` needs no services
(SQLite and kombu's filesystem broker under var/); under pytest the defaults
are the local Postgres database `test` and the local Redis instead.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
TESTING = "PYTEST_VERSION" in os.environ

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key" if DEBUG or TESTING else None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where `make run` serves (runserver's [host:]port; scripts/run-dev.sh).
ADDR = env("ADDR", default="127.0.0.1:8000")


def _site_url_for(addr: str) -> str:
    """The origin e-mailed links use in development: the one `make run` serves
    on, with a wildcard bind (0.0.0.0, ::) reached as 127.0.0.1."""
    host, _, port = addr.rpartition(":")
    if host.strip("[]") in {"", "0.0.0.0", "::"}:  # a link target, not a bind address
        host = "127.0.0.1"
    return f"http://{host}:{port or '8000'}"


# The origin used in e-mailed links; in development it follows ADDR.
SITE_URL = env("SITE_URL", default=_site_url_for(ADDR))
SITE_NAME = "DeepPrep"
# How many reverse proxies stand in front (docker-compose.yml: Caddy, so 1). The
# client address is read from X-Forwarded-For only that far (config/middleware.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # SearchVectorField for /search/ (unused on SQLite)
    "django_htmx",
    "axes",
    "allauth",
    "allauth.account",
    "accounts",
    "quizbank",
    "srs",
    "readiness",
    "ops",
    "simple_history",
    "editorial",
]

MIDDLEWARE = [
    "config.middleware.ClientAddressMiddleware",  # first: everything below sees the client
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.CachedAuthenticationMiddleware",  # request.user from the cache
    "config.middleware.PrivatePagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",  # Ratelimited -> 429 page
    "config.middleware.MethodNotAllowedPageMiddleware",  # a GET of a form's address
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "srs.context_processors.due",
            ],
        },
    },
]

# Database ------------------------------------------------------------------
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
_default_db = (
    "postgres://postgres@127.0.0.1:5432/test" if TESTING else f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
)
DATABASES = {"default": env.db("DATABASE_URL", default=_default_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A new connection costs ~2 ms here against ~0.1 ms for a query: keep them.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side binding lets psycopg prepare a statement it has run 5 times on a
    # connection: the hot path's joins then skip Postgres's planner (2.5 of 3.3 ms
    # for the item query, measured).
    if env.bool("DB_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` is SQLite with a web server, a worker and beat writing at once.
    # A deferred transaction that reads and then writes fails at once with
    # "database is locked" when another writer holds the lock (waiting could
    # deadlock); an IMMEDIATE one takes the write lock at BEGIN and waits for it
    # (up to `timeout` seconds). WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
if replica := env("DATABASE_REPLICA_URL", default=""):
    # Read-only replica for dashboard analytics (config/routers.py); unset = primary only.
    DATABASES["replica"] = env.db_url_config(replica) | {
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
# Covering indexes (INCLUDE) are Postgres's: on SQLite they are plain indexes.
SILENCED_SYSTEM_CHECKS = (
    ["models.W040"] if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else []
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker and cache -----------------------------------------------------
# Tests use a Redis database of their own (9), never the 0 a developer's `make run` uses.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/9" if TESTING else "")
if REDIS_URL:
    # django-redis with IGNORE_EXCEPTIONS: if Redis goes away the site keeps
    # serving (rate limits fail open for that time) instead of raising 500s.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Sessions read from Redis (written through to the database): no session
    # query on a page; with Redis down they come from the database (fail open).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CELERY_BROKER_URL = "filesystem://"
    # The file cache is fine for one development machine; production uses Redis.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]
    _queue = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        # kombu's default is ./control: the exchange table would land in the checkout.
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# Tests of views run tasks in-process; tests of the tasks themselves use a real
# worker with their own app (tests/srs/conftest.py).
CELERY_TASK_ALWAYS_EAGER = TESTING
CELERY_TASK_EAGER_PROPAGATES = TESTING
CELERY_TASK_TIME_LIMIT = 60
CELERY_TASK_SOFT_TIME_LIMIT = 45
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    "beat-heartbeat": {"task": "ops.tasks.beat_heartbeat", "schedule": 60.0},
    # srs: reminder dispatcher
    "srs-dispatch-reminders": {"task": "srs.tasks.dispatch_reminders", "schedule": 15 * 60},
    # readiness: each learner's forecast once their study day rolls over
    "readiness-rollover": {"task": "readiness.tasks.forecasts_rollover", "schedule": 60 * 60},
    # editorial: item-analysis refresh
    "editorial-item-stats": {"task": "editorial.tasks.item_stats_refresh", "schedule": 15 * 60},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
# Spaced repetition: fuzz spreads review load; SRS_CLOCK_OFFSET (a timedelta)
# moves srs's clock in tests and DEBUG only (srs/clock.py).
SRS_ENABLE_FUZZ = True
SRS_CLOCK_OFFSET = None
SRS_REMINDER_RETRY_BASE = env.int("SRS_REMINDER_RETRY_BASE", default=60)

# Auth and accounts -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:  # a fast hash: tests sign up and log in hundreds of times
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory verification is what lets sign-up answer the same way whether or
# not an address is registered (the owner gets an email instead): no user
# enumeration. One click on the emailed link confirms and logs in.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"  # mail through Celery, links on SITE_URL
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[DeepPrep] "
# Sign-up and password reset are limited by allauth (per address, and per email
# for resets); failed logins are throttled per account and per address by
# django-axes, with a cool-off.
ACCOUNT_RATE_LIMITS = {
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    # Per address across accounts, looser than axes's per-(account, address) lock
    # below; nothing keyed on the account alone, which anyone could exhaust.
    "login_failed": "30/10m/ip",
    "login": env("LOGIN_RATE", default="30/m/ip"),  # the load bench logs 50 in at once
}
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Lock the pair (account, address): an attacker elsewhere cannot lock the owner out,
# and an owner locked from a shared address gets back in by the reset e-mail.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.security.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Answer, note, flag and report POSTs (django-ratelimit, on the shared cache).
RATELIMIT_VIEW = "accounts.security.rate_limited"
RATELIMIT_FAIL_OPEN = True  # with Redis down, learners keep practising
ANSWER_RATE = env("ANSWER_RATE", default="60/m")
SESSION_START_RATE = env("SESSION_START_RATE", default="20/10m")
# Anki and CSV downloads of missed and flagged questions (each builds a file).
EXPORT_RATE = env("EXPORT_RATE", default="10/10m")
# "Send the link again" on the verify page, per client address.
RESEND_CONFIRMATION_RATE = env("RESEND_CONFIRMATION_RATE", default="5/10m")

# Email -----------------------------------------------------------------------
# EMAIL_URL (smtp+tls://user:pass@host:587, consolemail://) becomes Django 6.1's MAILERS.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "timeout": env.int("EMAIL_TIMEOUT", default=10),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {k: v for k, v in _smtp_options.items() if v not in (None, "")}
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="DeepPrep <noreply@deepprep.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DEFAULT_REPLY_TO = env("DEFAULT_REPLY_TO", default="")

# Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files ------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
QUESTIONBANK_DIR = BASE_DIR / "fixtures" / "questionbank"
# Question figures are static files: whitenoise serves them with cache-busting names.
STATICFILES_DIRS = [BASE_DIR / "static", ("questionbank/figures", QUESTIONBANK_DIR / "figures")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security ----------------------------------------------------------------------
# Secure by default whenever DEBUG is off: HTTPS only (honouring the proxy's
# X-Forwarded-Proto), secure cookies, HSTS. INSECURE_HTTP=true is the one
# documented opt-out, for a plain-HTTP trial on a laptop.
INSECURE_HTTP = env.bool("INSECURE_HTTP", default=False)
_SECURE = not (DEBUG or TESTING or INSECURE_HTTP)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^ping/$", r"^health/$"]  # probes from inside the network
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=_SECURE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload directive does nothing until the owner submits the domain.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_SECURE)
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own origin or with the per-request nonce: no inline
# script can run. (Inline style attributes stay allowed; they cannot run code.)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
