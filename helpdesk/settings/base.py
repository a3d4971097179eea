"""The web application: apps, middleware, database, cache, accounts, storage, email and
limits."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Local state of a development machine: SQLite, the embedded broker, media, static files.
VAR_DIR = Path(env.str("HELPDESK_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (export SECRET_KEY=... or DEBUG=1 "
            "for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[".localhost", "localhost", "127.0.0.1"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Hosts that show the platform page (the list of tenants' portals) instead of a tenant.
PLATFORM_HOSTS = env.list("PLATFORM_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "helpdesk.apps.HelpdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "storages",
    "csp",
    "anymail",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "helpdesk.apps.HelpdeskConfig",
    "accounts",
    "sla",
    "tickets",
    "knowledge_base",
    "escalation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz and /readyz answer here, before anything needs the database or a tenant.
    "helpdesk.middleware.ProbeMiddleware",
    # The tasks a request queues (its emails' and webhooks' deliveries) go to the broker
    # once the response is sent.
    "helpdesk.queueing.AfterResponseMiddleware",
    # A view failing on an unreachable database answers the branded 503.
    "helpdesk.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A tenant's plans, calendars and catalogue are kept in memory; their version is read
    # once per request (helpdesk/tenant_data.py).
    "helpdesk.tenant_data.TenantDataMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.TenantMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TenantUserMiddleware",
    # The language: the person's own choice, else the tenant's default, else the browser's.
    "accounts.middleware.TenantLocaleMiddleware",
    # Cache-Control: no-store, private on every response to a signed-in person.
    "accounts.middleware.SignedInNoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so its redirects still get the security headers above: between password and
    # two-factor code (or before a required authenticator is set up) only that step opens.
    "accounts.middleware.TwoFactorMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

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
                "django.template.context_processors.i18n",
                "accounts.context_processors.tenant",
            ],
            "builtins": ["helpdesk.templatetags.form_tags"],
        },
    },
    # Plain-text email parts and subjects (helpdesk.emails.render_email): not HTML, so
    # nothing is escaped ("Re: IVC-1014 Fix <a> & "b"" stays as typed).
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Select menus are written in Python, the same markup as Django's templates (the ticket
# page's menus were its largest cost); every other widget renders through the templates.
FORM_RENDERER = "helpdesk.form_renderer.FormRenderer"

# Database: DATABASE_URL, or a SQLite file in var/ (WAL mode) for a machine with nothing.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Covering indexes (INCLUDE columns) speed up PostgreSQL; SQLite builds them without
    # the extra columns, which is all this warning says.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:

    def _connection_options(database: dict) -> dict:
        database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        database["CONN_HEALTH_CHECKS"] = True
        # An unreachable database host fails a request (a 503 page, /readyz) in seconds
        # rather than after the operating system's TCP timeout.
        database.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )
        # Web processes cancel a statement running longer than this (docker-compose.yml
        # sets it for `web` below gunicorn's worker timeout); 0, the default, sets no limit.
        if statement_timeout := env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=0):
            database["OPTIONS"]["options"] = f"-c statement_timeout={statement_timeout}"
        # Parameters travel apart from the SQL and a statement run twice on a connection is
        # prepared: PostgreSQL then plans it once per connection rather than on every request
        # (a ticket page's nine queries spent longer being planned than run). Off behind a
        # pooler that hands each transaction another server connection (PgBouncer's
        # transaction mode before 1.21).
        if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
            database["OPTIONS"]["server_side_binding"] = True
            database["OPTIONS"]["prepare_threshold"] = 2
        return database

    _connection_options(DATABASES["default"])
    # A PostgreSQL read replica for the SLA reports (helpdesk/db_router.py): a year's report
    # then never competes with the queues for the primary. Tests use the primary in its place.
    if env.str("DATABASE_REPLICA_URL", default=""):
        DATABASES["replica"] = _connection_options(env.db("DATABASE_REPLICA_URL"))
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
        DATABASE_ROUTERS = ["helpdesk.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the shared cache (rate limits) when set. The cache fails
# open: while Redis is unreachable each process uses a local cache (helpdesk/cache.py), so
# an outage slows nothing down and fails no sign-in or write.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="helpdesk"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("CACHE_TIMEOUT", default=1.0),
                "retry_after": env.float("CACHE_RETRY_AFTER", default=5.0),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.TenantAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email + password, no usernames, no self sign-up (members are invited).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_GET = False
# Tell people by email when their password is changed or reset.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_FORMS = {
    "reset_password": "accounts.forms.TenantResetPasswordForm",
    # allauth's labels in the product's sentence case ("Remember me").
    "login": "accounts.allauth_forms.SignInForm",
    "change_password": "accounts.allauth_forms.PasswordChangeForm",
    "reset_password_from_key": "accounts.allauth_forms.PasswordResetKeyForm",
}
ACCOUNT_RATE_LIMITS = {
    # The sixth failed attempt for one address within five minutes is refused.
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
}
# How many proxies in front of the app append to X-Forwarded-For: per-address rate limits
# and the audit log then see the client, not the proxy. Production runs behind the TLS proxy
# (as SECURE_PROXY_SSL_HEADER below assumes); development is reached directly.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0 if DEBUG else 1)

# Two-factor authentication (django-otp: authenticator apps and backup codes). Each tenant
# sets its own policy (Django admin → Tenants); platform superusers follow this setting.
PLATFORM_2FA_REQUIRED = env.bool("PLATFORM_2FA_REQUIRED", default=True)
# Wrong codes before code entry locks, per account and per client address, and for how long.
TWO_FACTOR_FAILURES_PER_USER = env.int("TWO_FACTOR_FAILURES_PER_USER", default=5)
TWO_FACTOR_FAILURES_PER_IP = env.int("TWO_FACTOR_FAILURES_PER_IP", default=20)
TWO_FACTOR_LOCKOUT_SECONDS = env.int("TWO_FACTOR_LOCKOUT_SECONDS", default=15 * 60)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions are read from the cache and written through to the database: a request then
# costs no session query, and a Redis outage falls back to the database rows.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
# Adding a language is adding it here and a catalogue per app (README, "Languages").
LANGUAGES = [("en", "English"), ("es", "Español")]
# The catalogue of the project's own templates (templates/); each app keeps its own.
LOCALE_PATHS = [BASE_DIR / "helpdesk" / "locale"]
# Date and number formats per language (Spanish as read in Colombia).
FORMAT_MODULE_PATH = ["helpdesk.formats"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# Storage: local files by default; S3 (django-storages) when a bucket is named.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=60)
AWS_S3_FILE_OVERWRITE = False
AWS_S3_SIGNATURE_VERSION = "s3v4"
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage",
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Email: EMAIL_URL (smtp://user:pass@host:587, smtp+tls://..., consolemail://, filemail://...).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Help desk <support@helpdesk.localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Mail providers' inbound webhooks (django-anymail; tickets/intake/webhooks.py), served at
# /anymail/<provider>/inbound/. ANYMAIL_WEBHOOK_SECRET ("user:password", comma-separated
# for a rotation) is the basic auth every provider's webhook URL carries; a provider that
# does not sign its posts (Amazon SES, Postmark, SendGrid, Brevo, Mailjet, SparkPost) is
# refused until it is set. Providers that sign their posts take their own key as well.
ANYMAIL = {
    name: value
    for name, value in {
        "WEBHOOK_SECRET": env.list("ANYMAIL_WEBHOOK_SECRET", default=[]),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
        "MAILERSEND_INBOUND_SECRET": env.str("MAILERSEND_INBOUND_SECRET", default=""),
        "MAILTRAP_INBOUND_SECRET": env.str("MAILTRAP_INBOUND_SECRET", default=""),
        "POSTAL_WEBHOOK_KEY": env.str("POSTAL_WEBHOOK_KEY", default=""),
    }.items()
    if value
}

# How absolute links in emails start when no request is at hand (e.g. from a worker).
SITE_SCHEME = env.str("SITE_SCHEME", default="http" if DEBUG else "https")
SITE_PORT = env.str("SITE_PORT", default="")

# Attachment limits (used by tickets).
# Fernet keys for secrets kept in the database (mailbox passwords), newest first; without
# them a key is derived from SECRET_KEY (helpdesk/secrets.py).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=10)
# "redirect": downloads go to a short-lived presigned S3 URL (S3 must be reachable by
# browsers at AWS_S3_ENDPOINT_URL); "stream": the web process streams the file itself.
ATTACHMENT_DOWNLOADS = env.str(
    "ATTACHMENT_DOWNLOADS", default="redirect" if AWS_STORAGE_BUCKET_NAME else "stream"
)
# Characters allowed in Markdown texts: ticket descriptions, steps, replies and notes, and
# knowledge-base articles. Far below DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), so an over-long
# text gets a field error with what was typed kept, not a bare "Bad Request".
MARKDOWN_TEXT_MAX_LENGTH = env.int("MARKDOWN_TEXT_MAX_LENGTH", default=20_000)
MARKDOWN_ARTICLE_MAX_LENGTH = env.int("MARKDOWN_ARTICLE_MAX_LENGTH", default=100_000)
TICKET_REOPEN_DAYS = env.int("TICKET_REOPEN_DAYS", default=14)
# Per person and hour: tickets opened, and replies or uploads on tickets.
TICKETS_CREATED_PER_HOUR = env.int("TICKETS_CREATED_PER_HOUR", default=30)
TICKET_MESSAGES_PER_HOUR = env.int("TICKET_MESSAGES_PER_HOUR", default=240)
# Per hour: knowledge-base votes and "This solved my problem" clicks from one client address
# (visitors who are not signed in) and from one browser session or signed-in person.
KB_READER_ACTIONS_PER_ADDRESS = env.int("KB_READER_ACTIONS_PER_ADDRESS", default=20)
KB_READER_ACTIONS_PER_SESSION = env.int("KB_READER_ACTIONS_PER_SESSION", default=10)
TICKETS_PER_PAGE = 25

# TASK_LOG_LEVEL=INFO brings back Celery's per-task and beat lines (quiet below); the
# worker tests read them.
TASK_LOG_LEVEL = env.str("TASK_LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Through the root handler only: Django's own console handler printed every
        # development line twice ("Watching for file changes" …).
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # Celery's "Task … received" / "succeeded" and beat's "Sending due task" lines, several
        # a minute, say nothing about any email; failures still show (WARNING and above).
        "celery.app.trace": {"level": TASK_LOG_LEVEL},
        "celery.worker.strategy": {"level": TASK_LOG_LEVEL},
        "celery.beat": {"level": TASK_LOG_LEVEL},
    },
}
