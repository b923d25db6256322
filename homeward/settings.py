"""Homeward settings: one module, every value read from the environment with a safe default.

`HOMEWARD_ENV=production` turns on the production checks: the service refuses to start without
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL, and cookies and transport are locked down.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from homeward.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

HOMEWARD_ENV = envstr("HOMEWARD_ENV", "development")
if HOMEWARD_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"HOMEWARD_ENV={HOMEWARD_ENV!r}: use development, test or production")
PRODUCTION = HOMEWARD_ENV == "production"


def _required_in_production(name: str, development_default: str) -> str:
    value = envstr(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when HOMEWARD_ENV=production")
    return development_default


def _hours_list(name: str, default: list[int]) -> list[int]:
    """A comma-separated list of whole hours (such as 24,72), sorted; blank or unset means the default."""
    raw = envlist(name, [])
    if not raw:
        return default
    try:
        hours = sorted({int(item) for item in raw})
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name}={','.join(raw)!r}: give whole hours separated by commas, such as 24,72"
        ) from exc
    if hours[0] < 1:
        raise ImproperlyConfigured(f"{name}: every threshold must be at least 1 hour")
    return hours


SECRET_KEY = _required_in_production("SECRET_KEY", "development-only-key-never-use-in-production-0123456789")
DEBUG = envbool("DEBUG", False) and not PRODUCTION
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", []) or ([] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when HOMEWARD_ENV=production")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # only for its bundled Swagger UI files: the API docs load nothing from a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "access",
    "children",
    "episodes",
    "interviews",
    "risk",
    "network",
    "returns",
    "philomena",
    "core",
    "api",
    "synthetic",
    "accounts",  # two-factor sign-in (TOTP)
    "governance",  # the auditor's audit trail pages, subject access export, retention
    "sharing",  # shares between agencies, and emergency ("break-glass") access
    "analytics",  # the dashboard, its incremental roll-ups, and the data quality list
    "reports",  # the safeguarding partnership's monthly and annual PDF reports
    "public",  # public pages with the quick exit, the content editor, concerns from the public and the MASH queue
    "identity",  # single sign-on (OpenID Connect), group mappings, and administrators' account pages
    "webhooks",  # system clients' webhook subscriptions and the delivery log
    "intake",  # police notifications in: the push endpoint, the import command and page, the match queue
    "meetings",  # multi-agency meetings (strategy, missing review, MACE), their actions, packs and minutes
    "ops",  # liveness, readiness and Prometheus metrics for whoever runs the service
    "notifications",  # in-app, e-mail and text notifications (GOV.UK Notify), sent by background jobs
]

MIDDLEWARE = [
    "core.logs.RequestIdMiddleware",  # first: every log line of the request carries its id
    "ops.metrics.RequestMetricsMiddleware",  # request latency by route, for /ops/metrics
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "access.middleware.SecurityHeadersMiddleware",
    "access.middleware.AuditContextMiddleware",
    "access.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",  # after sign-in: every page needs the 2FA step too
    "core.replica.ReplicaReadsMiddleware",  # dashboards and reports read the replica, when there is one
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homeward.urls"
WSGI_APPLICATION = "homeward.wsgi.application"

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
                "core.context_processors.navigation",
                "core.context_processors.child_banners",
            ],
        },
    },
]

# DATABASE_CONN_MAX_AGE: seconds a web or worker process keeps its database connection between requests (0 = a
# new connection per request; 60 to 600 saves the connection set-up when PostgreSQL is reached directly; keep 0
# behind PgBouncer in transaction mode). Health checks are always on: a kept connection that died with a database
# restart is noticed and replaced before the next request uses it, instead of answering one 500 (docs/operations.md).
DATABASES = {
    "default": dj_database_url.parse(
        _required_in_production("DATABASE_URL", f"sqlite:///{BASE_DIR / 'homeward.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions make a writer wait for the one before it instead of failing, so the
    # optimistic version checks see committed data; WAL lets pages read while the job worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The episodes' covering index (episode_child_seen_cover) carries extra columns on PostgreSQL only; SQLite
    # builds it as a plain index, which is all it needs. Without this every command warns a newcomer about it.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# A read replica for the dashboards, data quality and reports (core/replica.py, docs/operations.md): GET requests
# under these paths read from it when DATABASE_REPLICA_URL is set; everything else, and every write, the primary.
if envstr("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        envstr("DATABASE_REPLICA_URL"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        conn_health_checks=True,
    )
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
HOMEWARD_REPLICA_PATHS = envlist("HOMEWARD_REPLICA_PATHS", ["/analytics/", "/reports/"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "access.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "identity.backends.ProviderBackend",  # single sign-on; does nothing unless OIDC_RP_CLIENT_ID is set
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:my-work"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes): lock a username from one address after repeated failures.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)
AXES_LOCKOUT_CALLABLE = "access.views.locked_out"
# Single sign-on carries no password to guess (the identity provider throttles its own sign-in): its refusals are
# neither counted nor locked, so people refused for having no mapped group cannot lock out a council's shared address.
AXES_WHITELIST_CALLABLE = "identity.backends.is_single_sign_on"
AXES_VERBOSE = False  # no start-up banner on every management command

# Two-factor sign-in (TOTP, django-otp; the accounts app). Every staff page needs a verified code after the
# password; the API is unaffected (bearer tokens). It may be switched off only outside production.
HOMEWARD_REQUIRE_2FA = envbool("HOMEWARD_REQUIRE_2FA", True)
if PRODUCTION and not HOMEWARD_REQUIRE_2FA:
    raise ImproperlyConfigured("HOMEWARD_REQUIRE_2FA cannot be turned off when HOMEWARD_ENV=production")
# After this many wrong codes in a row the account's code step is locked for AXES_COOLOFF_MINUTES.
HOMEWARD_2FA_FAILURE_LIMIT = envint("HOMEWARD_2FA_FAILURE_LIMIT", 5, minimum=1)
# Setting up an authenticator app needs a one-time enrolment code from an administrator, valid this long.
HOMEWARD_ENROLMENT_CODE_HOURS = envint("HOMEWARD_ENROLMENT_CODE_HOURS", 72, minimum=1)
OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", "Homeward")
# django-otp's own back-off (1, 2, 4… seconds between tries) is off: HOMEWARD_2FA_FAILURE_LIMIT locks instead,
# so every wrong code counts and a person who mistypes is never told to wait for an unexplained delay.
OTP_TOTP_THROTTLE_FACTOR = 0

# Single sign-on for staff through OpenID Connect (identity app; docs/identity.md says how to register Homeward at
# Microsoft Entra ID or Keycloak). Off unless OIDC_RP_CLIENT_ID is set; then every endpoint must be set too.
HOMEWARD_OIDC_PROVIDER_NAME = envstr("HOMEWARD_OIDC_PROVIDER_NAME", "your organisation's account")
OIDC_OP_ISSUER = envstr("OIDC_OP_ISSUER")  # the id token's `iss` must be exactly this
OIDC_OP_AUTHORIZATION_ENDPOINT = envstr("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = envstr("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = envstr("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = envstr("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_CLIENT_ID = envstr("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = envstr("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = envstr("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = envstr("OIDC_RP_SCOPES", "openid email profile offline_access")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = envint("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_AUTHENTICATION_CALLBACK_URL = "identity:sign-on-callback"
HOMEWARD_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
_OIDC_REQUIRED = {
    "OIDC_OP_ISSUER": OIDC_OP_ISSUER,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
    "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
    "OIDC_OP_USER_ENDPOINT": OIDC_OP_USER_ENDPOINT,
    "OIDC_OP_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
    "OIDC_RP_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
}
if HOMEWARD_OIDC_ENABLED and (_oidc_missing := [name for name, value in _OIDC_REQUIRED.items() if not value]):
    raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set, so single sign-on needs {', '.join(_oidc_missing)} too")
# The claim that lists a person's groups (Entra ID: "groups", sent as object IDs; Keycloak: a "groups" mapper).
HOMEWARD_OIDC_GROUPS_CLAIM = envstr("HOMEWARD_OIDC_GROUPS_CLAIM", "groups")
# The provider's multi-factor sign-in is accepted in place of Homeward's own code step when the id token's `amr`
# holds one of these (RFC 8176: Entra ID sends "mfa") or its `acr` is one of HOMEWARD_OIDC_MFA_ACR (Keycloak's
# level of assurance, such as "gold" or "2", as the realm defines it). Empty lists accept nothing.
HOMEWARD_OIDC_MFA_AMR = envlist("HOMEWARD_OIDC_MFA_AMR", ["mfa"])
HOMEWARD_OIDC_MFA_ACR = envlist("HOMEWARD_OIDC_MFA_ACR", [])

SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age is an idle time-out: every request starts it again
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # a GOV.UK page, not Django's plain one
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^ops/(live|ready|metrics)$"]  # probes inside the network may speak plain HTTP
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "core" / "static_build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Sensitive free text is encrypted at rest. The first key encrypts; every key decrypts (rotation).
# The development key below is public and only for synthetic data: production refuses to start without keys.
_DEVELOPMENT_ENCRYPTION_KEY = "aG9tZXdhcmQtZGV2ZWxvcG1lbnQtb25seS1rZXktMDA="
HOMEWARD_ENCRYPTION_KEYS = [
    key.strip() for key in envstr("HOMEWARD_ENCRYPTION_KEYS").replace("\n", ",").split(",") if key.strip()
] or ([] if PRODUCTION else [_DEVELOPMENT_ENCRYPTION_KEY])
# The key of the partnership register's blind index (network.identifiers): keyed hashes of phone numbers,
# registrations, names and addresses. SECRET_KEY when unset; after changing either, run
# `manage.py reindex_network_register`.
HOMEWARD_REGISTER_KEY = envstr("HOMEWARD_REGISTER_KEY", "")
if PRODUCTION and not HOMEWARD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("HOMEWARD_ENCRYPTION_KEYS (or HOMEWARD_ENCRYPTION_KEYS_FILE) must be set in production")

# While the database is away the service answers 503 and asks clients to come back after this many seconds.
HOMEWARD_RETRY_AFTER_SECONDS = envint("HOMEWARD_RETRY_AFTER_SECONDS", 30, minimum=1)
# How many reverse proxies (load balancer, nginx) stand in front of Homeward and append to X-Forwarded-For. The
# client's address is the one the outermost trusted proxy saw: that many entries from the right. 0 (the default)
# ignores the header, which any client can write. A malformed header falls back to the connection's address.
HOMEWARD_TRUSTED_PROXIES = envint("HOMEWARD_TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "access.middleware.client_ip"
# /ops/metrics (Prometheus) and the figures behind /ops/ready need `Authorization: Bearer <this>`; unset, 404.
HOMEWARD_METRICS_TOKEN = envstr("HOMEWARD_METRICS_TOKEN", "")
# /ops/ready warns (never fails: only the database does) when the queue is longer or older than this, or an
# alert has waited this long to be acknowledged.
HOMEWARD_READY_MAX_QUEUE = envint("HOMEWARD_READY_MAX_QUEUE", 500, minimum=1)
HOMEWARD_READY_MAX_QUEUE_AGE_SECONDS = envint("HOMEWARD_READY_MAX_QUEUE_AGE_SECONDS", 300, minimum=1)
HOMEWARD_READY_ALERT_AGE_SECONDS = envint("HOMEWARD_READY_ALERT_AGE_SECONDS", 24 * 3600, minimum=60)
# Notifications (notifications app; docs/notifications.md, docs/adr/0014-notification-delivery.md). E-mail and text
# messages go through GOV.UK Notify when HOMEWARD_NOTIFICATIONS_BACKEND=notify (with its API key and the ids of one
# e-mail and one text template, each with ((message)) and ((link))); otherwise e-mails go through Django's e-mail
# backend (EMAIL_BACKEND: the console outside production, SMTP in production) and text messages are not sent.
HOMEWARD_NOTIFICATIONS_BACKEND = envstr("HOMEWARD_NOTIFICATIONS_BACKEND", "django").strip()
if HOMEWARD_NOTIFICATIONS_BACKEND not in ("notify", "django"):
    raise ImproperlyConfigured("HOMEWARD_NOTIFICATIONS_BACKEND must be notify or django")
HOMEWARD_NOTIFY_API_KEY = envstr("HOMEWARD_NOTIFY_API_KEY", "")
HOMEWARD_NOTIFY_BASE_URL = envstr("HOMEWARD_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
HOMEWARD_NOTIFY_EMAIL_TEMPLATE_ID = envstr("HOMEWARD_NOTIFY_EMAIL_TEMPLATE_ID", "")
HOMEWARD_NOTIFY_TEXT_TEMPLATE_ID = envstr("HOMEWARD_NOTIFY_TEXT_TEMPLATE_ID", "")
if HOMEWARD_NOTIFICATIONS_BACKEND == "notify" and not (
    HOMEWARD_NOTIFY_API_KEY and HOMEWARD_NOTIFY_EMAIL_TEMPLATE_ID and HOMEWARD_NOTIFY_TEXT_TEMPLATE_ID
):
    raise ImproperlyConfigured(
        "HOMEWARD_NOTIFICATIONS_BACKEND=notify needs HOMEWARD_NOTIFY_API_KEY, HOMEWARD_NOTIFY_EMAIL_TEMPLATE_ID "
        "and HOMEWARD_NOTIFY_TEXT_TEMPLATE_ID"
    )
# The address links in messages start with (no trailing slash), such as https://homeward.example.gov.uk.
HOMEWARD_BASE_URL = envstr("HOMEWARD_BASE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1)
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "homeward@localhost")
# A delivery is retried after a temporary failure, waiting this many seconds, then twice that, four times...
HOMEWARD_NOTIFY_RETRY_SECONDS = envint("HOMEWARD_NOTIFY_RETRY_SECONDS", 60, minimum=1)
HOMEWARD_NOTIFY_MAX_ATTEMPTS = envint("HOMEWARD_NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
# A worker holds a delivery this long; if it dies, the sweep hands the delivery to another after that.
HOMEWARD_NOTIFY_LEASE_SECONDS = envint("HOMEWARD_NOTIFY_LEASE_SECONDS", 300, minimum=1)
# The practitioner and the coordinator are told this many hours before a return interview's deadline.
HOMEWARD_INTERVIEW_WARNING_HOURS = envint("HOMEWARD_INTERVIEW_WARNING_HOURS", 24, minimum=1)

TASKS = {"default": {"BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The job worker (`manage.py run_worker`, core/worker.py) records a heartbeat this often; a worker silent for
# HOMEWARD_WORKER_DEAD_SECONDS is dead, and a task it left RUNNING is queued again, up to this many attempts.
HOMEWARD_WORKER_HEARTBEAT_SECONDS = envint("HOMEWARD_WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
HOMEWARD_WORKER_DEAD_SECONDS = envint("HOMEWARD_WORKER_DEAD_SECONDS", 60, minimum=5)
HOMEWARD_TASK_MAX_ATTEMPTS = envint("HOMEWARD_TASK_MAX_ATTEMPTS", 3, minimum=1)

# Logs: one JSON object a line in production (LOG_FORMAT=json), carrying the request id and never personal data
# (core/logs.py says what a line may hold); readable text in development.
LOG_FORMAT = envstr("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logs.RequestIdFilter"},
        "outage_noise": {"()": "core.logs.OutageNoiseFilter"},
    },
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id", "outage_noise"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Request logs carry the route only; case data never goes into URLs or log lines. The access line of every
    # request (homeward.request) is on in production, where the proxy's own log may be elsewhere.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
        "homeward.request": {"level": envstr("ACCESS_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
    },
}

# --- Homeward's own rules: thresholds are settings, never constants in code ---------------------
# Statutory guidance: a return interview is offered within 72 hours of the child's return.
HOMEWARD_RHI_DUE_HOURS = envint("HOMEWARD_RHI_DUE_HOURS", 72, minimum=1)
# A child is a repeat missing child at this many episodes within this many days.
HOMEWARD_REPEAT_MISSING_COUNT = envint("HOMEWARD_REPEAT_MISSING_COUNT", 3, minimum=2)
HOMEWARD_REPEAT_MISSING_WINDOW_DAYS = envint("HOMEWARD_REPEAT_MISSING_WINDOW_DAYS", 90, minimum=1)
# "Newly" over the repeat threshold: the latest episode was reported within this many days.
HOMEWARD_REPEAT_MISSING_RECENT_DAYS = envint("HOMEWARD_REPEAT_MISSING_RECENT_DAYS", 14, minimum=1)
# Risk triggers (risk/triggers.py): each raises one alert per child and cause, never again on re-saves.
# An open episode missing this many hours escalates to HOMEWARD_ESCALATION_ROLE (one alert per threshold).
HOMEWARD_MISSING_ESCALATION_HOURS = _hours_list("HOMEWARD_MISSING_ESCALATION_HOURS", [24, 72])
# The named manager role the duration escalations go to: a council case role (checked by `manage.py check`).
HOMEWARD_ESCALATION_ROLE = envstr("HOMEWARD_ESCALATION_ROLE", "team_manager").strip()
# A child younger than this when last seen raises an alert; below it, a screening showing any recent
# exploitation indicator cannot be graded no risk or low.
HOMEWARD_YOUNG_CHILD_AGE = envint("HOMEWARD_YOUNG_CHILD_AGE", 13, minimum=1)
# How often `manage.py run_scheduler` queues the sweep of open episodes (the duration triggers need the clock).
HOMEWARD_TRIGGER_SWEEP_MINUTES = envint("HOMEWARD_TRIGGER_SWEEP_MINUTES", 15, minimum=1)
# Triggers look only at episodes open or returned, and interviews held, within this many days, so old
# history (imported, or from before the triggers were switched on) does not flood My work with alerts.
HOMEWARD_ALERT_LOOKBACK_DAYS = envint("HOMEWARD_ALERT_LOOKBACK_DAYS", 30, minimum=1)
# My work's task inbox (core.inbox): an alert is due to be decided this many hours after it is raised, a share
# received due to be acknowledged this many hours after it is made; past that the task shows as overdue.
HOMEWARD_ALERT_DECISION_HOURS = envint("HOMEWARD_ALERT_DECISION_HOURS", 24, minimum=1)
HOMEWARD_SHARE_ACKNOWLEDGE_HOURS = envint("HOMEWARD_SHARE_ACKNOWLEDGE_HOURS", 24, minimum=1)
HOMEWARD_INBOX_PAGE_SIZE = envint("HOMEWARD_INBOX_PAGE_SIZE", 25, minimum=1)
# A return interview still not offered this many days after it was due is too late to offer: My work shows it
# apart, below what can still be done, to be closed as not offered with a reason (the data quality page lists
# them all). Four weeks: long past the 72-hour duty, and past any child's next review.
HOMEWARD_LONG_OVERDUE_DAYS = envint("HOMEWARD_LONG_OVERDUE_DAYS", 28, minimum=1)
# Times entered up to this many minutes ahead of the server clock are accepted (clock drift).
HOMEWARD_FUTURE_TOLERANCE_MINUTES = envint("HOMEWARD_FUTURE_TOLERANCE_MINUTES", 5, minimum=0)
HOMEWARD_API_PAGE_SIZE = envint("HOMEWARD_API_PAGE_SIZE", 50, minimum=1)
# Outgoing webhooks (docs/webhooks.md): attempts before a delivery is failed, the first retry's wait (doubling
# after each failure), the receiver's time to answer, and whether plain-http receivers are allowed (local only).
HOMEWARD_WEBHOOK_MAX_ATTEMPTS = envint("HOMEWARD_WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
HOMEWARD_WEBHOOK_RETRY_BASE_SECONDS = envint("HOMEWARD_WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=1)
HOMEWARD_WEBHOOK_TIMEOUT_SECONDS = envint("HOMEWARD_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
HOMEWARD_WEBHOOK_ALLOW_HTTP = envbool("HOMEWARD_WEBHOOK_ALLOW_HTTP", False)
# Pattern detection (network app): children missing at overlapping times and linked to the same person or
# place count as "missing together" when their links fall within this many days of the episodes.
HOMEWARD_MISSING_TOGETHER_WINDOW_DAYS = envint("HOMEWARD_MISSING_TOGETHER_WINDOW_DAYS", 30, minimum=1)
# Children found at the same place count as found together when they returned within this many hours.
HOMEWARD_FOUND_TOGETHER_HOURS = envint("HOMEWARD_FOUND_TOGETHER_HOURS", 2, minimum=1)
# Children last seen at the same place count as last seen together when last seen within this many hours.
HOMEWARD_SEEN_TOGETHER_HOURS = envint("HOMEWARD_SEEN_TOGETHER_HOURS", 2, minimum=1)
# The network's ranking weighs a child's whole history, each episode counting half as much every this many
# days (exponential decay): no cut-off, so a group that went quiet months ago is not forgotten.
HOMEWARD_NETWORK_HALF_LIFE_DAYS = envint("HOMEWARD_NETWORK_HALF_LIFE_DAYS", 180, minimum=1)
# The period the hotspots, missing-together and network pages look back over by default.
HOMEWARD_NETWORK_PERIOD_DAYS = envint("HOMEWARD_NETWORK_PERIOD_DAYS", 365, minimum=1)
# Emergency ("break-glass") access to a child's record lasts this many minutes from the request.
HOMEWARD_BREAK_GLASS_MINUTES = envint("HOMEWARD_BREAK_GLASS_MINUTES", 60, minimum=1)
# Philomena profiles (philomena app). Photos live in this folder, outside every public path (never under
# STATIC_ROOT or a media URL): only a permission-checked view reads them. Back it up with the database.
HOMEWARD_PRIVATE_MEDIA_ROOT = Path(envstr("HOMEWARD_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
# An uploaded photo larger than this many bytes is refused (default 5 MB), as is one of more pixels than this.
HOMEWARD_PHOTO_MAX_BYTES = envint("HOMEWARD_PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
# The largest SSDA903 file (each of Header, Episodes, Missing) the Returns import page accepts.
HOMEWARD_RETURN_IMPORT_MAX_BYTES = envint("HOMEWARD_RETURN_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
HOMEWARD_PHOTO_MAX_PIXELS = envint("HOMEWARD_PHOTO_MAX_PIXELS", 40_000_000, minimum=1)
# Retention (governance app; docs/security.md says why): a child's record is anonymised this many years after
# their date of birth, by legal status. Looked-after children and care leavers (and any child with an episode of
# care) keep the statutory 75 years; others 25. `manage.py run_scheduler` queues the job once a day.
HOMEWARD_RETENTION_YEARS_LOOKED_AFTER = envint("HOMEWARD_RETENTION_YEARS_LOOKED_AFTER", 75, minimum=1)
HOMEWARD_RETENTION_YEARS_CHILD_PROTECTION = envint("HOMEWARD_RETENTION_YEARS_CHILD_PROTECTION", 25, minimum=1)
HOMEWARD_RETENTION_YEARS_CHILD_IN_NEED = envint("HOMEWARD_RETENTION_YEARS_CHILD_IN_NEED", 25, minimum=1)
HOMEWARD_RETENTION_YEARS_OTHER = envint("HOMEWARD_RETENTION_YEARS_OTHER", 25, minimum=1)
# The audit trail pages show at most this many events (newest first); the CSV export has them all.
HOMEWARD_AUDIT_PAGE_LIMIT = envint("HOMEWARD_AUDIT_PAGE_LIMIT", 200, minimum=1)
# A posted search's results have an address (Post/Redirect/Get, core.searches) for this many hours: long enough
# for Back, reload and a link sent to a colleague during a working day, short enough not to keep searches.
HOMEWARD_SAVED_SEARCH_HOURS = envint("HOMEWARD_SAVED_SEARCH_HOURS", 8, minimum=1)
# The dashboard (analytics app). Small-number suppression: counts from 1 to N - 1 are shown as "[c]" on the page
# and in every download (0 = off). A council turns it on before figures are published (a partnership report,
# a board paper, an FOI answer), where one or two children with a characteristic in a small area could be
# identified; inside the council, where staff see the records anyway, exact counts are more useful.
HOMEWARD_SMALL_NUMBER_SUPPRESSION = envint("HOMEWARD_SMALL_NUMBER_SUPPRESSION", 0, minimum=0)
# A place (free text) is listed among the top places only when recorded for this many different children, so a
# single child's address or a one-off description never appears; and how many places and districts are listed.
HOMEWARD_DASHBOARD_PLACE_MIN_CHILDREN = envint("HOMEWARD_DASHBOARD_PLACE_MIN_CHILDREN", 2, minimum=1)
HOMEWARD_DASHBOARD_TOP_PLACES = envint("HOMEWARD_DASHBOARD_TOP_PLACES", 10, minimum=1)
# Open referrals older than this many days are counted separately on the dashboard.
HOMEWARD_DASHBOARD_REFERRAL_DAYS = envint("HOMEWARD_DASHBOARD_REFERRAL_DAYS", 28, minimum=1)
# The data quality list: an episode still open after this many days probably lacks its return; an interview
# accepted this many days ago and not recorded as held needs chasing.
HOMEWARD_DATA_QUALITY_OPEN_DAYS = envint("HOMEWARD_DATA_QUALITY_OPEN_DAYS", 7, minimum=1)
HOMEWARD_DATA_QUALITY_ACCEPTED_DAYS = envint("HOMEWARD_DATA_QUALITY_ACCEPTED_DAYS", 14, minimum=1)
# Partnership reports (reports app): the scheduler stores last month's report for every council from this day
# of the next month (1: as soon as the month ends; later lets late returns and interviews count), and the
# annual report once March's is due.
HOMEWARD_REPORTS_DAY = envint("HOMEWARD_REPORTS_DAY", 1, minimum=1)
if HOMEWARD_REPORTS_DAY > 28:
    raise ImproperlyConfigured("HOMEWARD_REPORTS_DAY must be from 1 to 28 (every month has that day)")

# The public pages (public app): where the quick exit goes (a neutral site; the page is replaced in the history), and
# the concern form's protection: posts per address per window, and how young or old its signed token may be.
HOMEWARD_QUICK_EXIT_URL = envstr("HOMEWARD_QUICK_EXIT_URL", "https://www.bbc.co.uk/weather")
if not HOMEWARD_QUICK_EXIT_URL.startswith("https://"):
    raise ImproperlyConfigured("HOMEWARD_QUICK_EXIT_URL must be an https:// address of a neutral site")
HOMEWARD_CONCERN_RATE_LIMIT = envint("HOMEWARD_CONCERN_RATE_LIMIT", 10, minimum=1)
HOMEWARD_CONCERN_RATE_WINDOW_MINUTES = envint("HOMEWARD_CONCERN_RATE_WINDOW_MINUTES", 60, minimum=1)
HOMEWARD_CONCERN_MIN_SECONDS = envint("HOMEWARD_CONCERN_MIN_SECONDS", 5, minimum=0)
HOMEWARD_CONCERN_FORM_HOURS = envint("HOMEWARD_CONCERN_FORM_HOURS", 4, minimum=1)
