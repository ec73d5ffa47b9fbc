"""Nithet settings: everything from the environment, with zero-set-up defaults.

Defaults give a working local install (SQLite in var/, Celery on kombu's filesystem transport in var/).
`DATABASE_URL` switches to PostgreSQL, `REDIS_URL` to Redis. `NITHET_PRODUCTION=1` turns on the
production checks at the bottom of this file.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env("NITHET_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_SECRET_KEY = "nithet-dev-only-secret-key-change-me"
PRODUCTION = env.bool("NITHET_PRODUCTION", default=False)
SECRET_KEY = env("SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "supervision.apps.SupervisionConfig",
    "schedules.apps.SchedulesConfig",
    "visits.apps.VisitsConfig",
    "field.apps.FieldConfig",
    "api.apps.ApiConfig",
    "worker.apps.WorkerConfig",
    "accounts.apps.AccountsConfig",
    "dashboard.apps.DashboardConfig",
    "public.apps.PublicConfig",
    "homes.apps.HomesConfig",
    "meetings.apps.MeetingsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "supervision.urls"
WSGI_APPLICATION = "supervision.wsgi.application"

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
                "accounts.office.site_office",
                "accounts.office.site_nav",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# SQLite is shared by web, worker and beat: WAL lets readers run beside the one writer, the busy
# timeout makes a writer wait instead of failing, and IMMEDIATE transactions take the write lock up
# front so two writers never deadlock on a lock upgrade.
DATABASE_URL = env("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # Persistent connections are checked before reuse, so a restarted PostgreSQL costs no failed request.
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if "TEST_DATABASE_NAME" in env:
        DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", default=str(VAR_DIR / "nithet.sqlite3")),
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# --- Sign-in (accounts/) --------------------------------------------------------------------------
# One sign-in page for every role; the admin keeps its own for staff.
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# "Stay signed in on this tablet": that session lasts this long (otherwise it ends with the browser).
SESSION_REMEMBER_SECONDS = env.int("SESSION_REMEMBER_SECONDS", default=60 * 24 * 3600)
SESSION_COOKIE_AGE = SESSION_REMEMBER_SECONDS
# Throttle (accounts/throttle.py): N failures for one account from one address within the window make that
# pair wait; an address with M failures over all accounts gets one try per account per window.
SIGNIN_THROTTLE_WINDOW_SECONDS = env.int("SIGNIN_THROTTLE_WINDOW_SECONDS", default=15 * 60)
SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS = env.int("SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS", default=5)
SIGNIN_THROTTLE_PER_ADDRESS = env.int("SIGNIN_THROTTLE_PER_ADDRESS", default=30)
# Addresses (or CIDR networks) of the reverse proxies in front of Nithet. X-Forwarded-For is believed only
# when the request comes from one of them; from anyone else it is ignored.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Invitations: the link to choose a password works once, for this long.
INVITATION_VALID_HOURS = env.int("INVITATION_VALID_HOURS", default=7 * 24)
# The branding of the sign-in page when nobody is signed in (the office's code; default: the first office).
SITE_OFFICE_CODE = env("SITE_OFFICE_CODE", default="")

# --- Language and time --------------------------------------------------------------------------
LANGUAGE_CODE = "th"
# Thai is the source language; English lives in each app's locale/en catalogue (supervision.catalogues).
LANGUAGES = [("th", _("ไทย")), ("en", _("อังกฤษ"))]
LOCALE_PATHS = [BASE_DIR / "supervision" / "locale"]  # the project's templates/ are catalogued there
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
# The Sarabun fonts shipped for the PDF reports are served to browsers as /static/fonts/… too.
STATICFILES_DIRS = [("fonts", BASE_DIR / "visits" / "reports" / "fonts")]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded evidence: photos and PDFs larger than this are refused with 413.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=15 * 1024 * 1024)
# Photos with more pixels than this are refused (413) from their header, before any decoding: a phone camera
# makes at most ~50 Mpx, while a 700 kB PNG can declare 13,300 × 13,300 and take GBs to decode.
EVIDENCE_MAX_PIXELS = env.int("EVIDENCE_MAX_PIXELS", default=50_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=25 * 1024 * 1024)
# Largest spreadsheet an import reads (schools, people; the national scale is ~30,000 schools): a bigger
# one is refused before its rows are read, so an upload never runs past the web worker's timeout.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
# A check-in farther than this from the school's coordinates is flagged.
VISIT_CHECKIN_RADIUS_M = env.int("VISIT_CHECKIN_RADIUS_M", default=500)
# A GPS fix less accurate than this is recorded but flagged to the supervisor and the reviewer (collect#4679).
VISIT_GPS_ACCURACY_WARN_M = env.int("VISIT_GPS_ACCURACY_WARN_M", default=50)
# The field app (/field/): how many assignments "prepare for offline" downloads, and the long edge photos
# are resized to on the tablet before they are stored or sent (kobotoolbox/kpi#4244).
FIELD_PREPARE_MAX = env.int("FIELD_PREPARE_MAX", default=40)
FIELD_PHOTO_MAX_PX = env.int("FIELD_PHOTO_MAX_PX", default=2000)
# JPEG quality of those photos (0–1): 0.75 keeps a classroom photo legible at ~0.45 MB, so six upload in
# under 3 MB (issue 10's target, bench/field.py).
FIELD_PHOTO_QUALITY = env.float("FIELD_PHOTO_QUALITY", default=0.75)

# --- Schedules: travel and planning -------------------------------------------------------------
# Road distance ≈ great-circle distance × this factor; a day's consecutive schools farther apart than
# SCHEDULES_MAX_LEG_KM (rounds may set their own) are flagged. The planner is deterministic: a fixed seed
# and a fixed number of CP-SAT workers, bounded by deterministic time.
SCHEDULES_ROAD_FACTOR = env.float("SCHEDULES_ROAD_FACTOR", default=1.3)
SCHEDULES_MAX_LEG_KM = env.float("SCHEDULES_MAX_LEG_KM", default=80.0)
SCHEDULES_PLANNER_WORKERS = env.int("SCHEDULES_PLANNER_WORKERS", default=1)
SCHEDULES_PLANNER_SEED = env.int("SCHEDULES_PLANNER_SEED", default=29)
# Rounds with more target schools than this re-plan in the worker (the page shows progress), not in the request.
SCHEDULES_WORKER_REPLAN_SCHOOLS = env.int("SCHEDULES_WORKER_REPLAN_SCHOOLS", default=150)

# --- The office's look in reports ---------------------------------------------------------------
REPORT_THAI_DIGITS = env.bool("REPORT_THAI_DIGITS", default=False)

# --- Celery -------------------------------------------------------------------------------------
# No eager mode anywhere: without Redis a real worker and beat run on kombu's filesystem transport.
REDIS_URL = env("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    for sub in ("queue", "processed", "results", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),  # exchange bindings; kombu's default is ./control
    }
    CELERY_RESULT_BACKEND = f"file://{BROKER_DIR / 'results'}"
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- E-mail and LINE ----------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))  # for the file backend
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Nithet <nithet@localhost>")
LINE_CHANNEL_ACCESS_TOKEN = env("LINE_CHANNEL_ACCESS_TOKEN", default="")
LINE_API_BASE = env("LINE_API_BASE", default="https://api.line.me").rstrip("/")
LINE_TIMEOUT_SECONDS = env.float("LINE_TIMEOUT_SECONDS", default=10.0)
# The office's LINE Official Account: the webhook (/accounts/line/webhook/) checks X-Line-Signature with the
# channel secret; the profile page shows the account's add-friend link as a QR code next to the link code.
LINE_CHANNEL_SECRET = env("LINE_CHANNEL_SECRET", default="")
LINE_OFFICIAL_ACCOUNT_URL = env("LINE_OFFICIAL_ACCOUNT_URL", default="")
LINE_LINK_CODE_SECONDS = env.int("LINE_LINK_CODE_SECONDS", default=30 * 60)
# Notification ledger (worker/notify.py): retries back off base, 2×base, 4×base … up to the cap; a row queued
# or being sent for longer than NOTIFY_STUCK_SECONDS is queued again by the next dispatch.
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=5)
NOTIFY_RETRY_BASE_SECONDS = env.float("NOTIFY_RETRY_BASE_SECONDS", default=60)
NOTIFY_RETRY_CAP_SECONDS = env.float("NOTIFY_RETRY_CAP_SECONDS", default=6 * 3600)
NOTIFY_BATCH_SIZE = env.int("NOTIFY_BATCH_SIZE", default=200)
NOTIFY_STUCK_SECONDS = env.int("NOTIFY_STUCK_SECONDS", default=15 * 60)
NOTIFY_LOOKAHEAD_DAYS = env.int("NOTIFY_LOOKAHEAD_DAYS", default=7)
NOTIFY_FOLLOWUP_DAYS_BEFORE = env.int("NOTIFY_FOLLOWUP_DAYS_BEFORE", default=3)
NOTIFY_FOLLOWUP_ESCALATE_DAYS = env.int("NOTIFY_FOLLOWUP_ESCALATE_DAYS", default=7)
# A follow-up's due date moves only by a request the office approves, to at most this many days from today.
FOLLOWUP_DUE_MAX_DAYS = env.int("FOLLOWUP_DUE_MAX_DAYS", default=365)

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",  # DRF's, reading the Person with the token
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filters.StrictOrderingFilter",  # unknown ?ordering= terms are a 400, not ignored
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handler",
}
SPECTACULAR_SETTINGS = {
    # Swagger UI's files come from our own static files, not a CDN (offline offices, closed networks).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Nithet API",
    "DESCRIPTION": "นิเทศ — supervision and field-visit tracker: API for tablets and integrations",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its 400 and 404 answers in the error shape, and the links between operations
    # (api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_error_answers",
        "api.schema.add_links",  # OpenAPI links between operations (followed by the stateful schemathesis run)
    ],
    # One named enum per choice set, so the schema says "VisitStatusEnum", not "Status62bEnum".
    "ENUM_NAME_OVERRIDES": {
        "CommitteeKindEnum": "supervision.models.Committee.Kind",
        "MembershipRoleEnum": "supervision.models.Membership.Role",
        "RoundKindEnum": "schedules.models.Round.Kind",  # instruments share these kinds
        "RoundStatusEnum": "schedules.models.Round.Status",
        "AssignmentStatusEnum": "schedules.models.Assignment.Status",
        "InstrumentVersionStatusEnum": "visits.models.InstrumentVersion.Status",
        "VisitStatusEnum": "visits.models.Visit.Status",
        "EvidenceKindEnum": "visits.models.Evidence.Kind",
        "FollowUpStatusEnum": "visits.models.FollowUp.Status",
    },
}

# --- Dashboard, exports and public pages (dashboard/, public/) -------------------------------------
# The dashboard's map is drawn by the server from stored coordinates and works with no internet. An online
# tile layer under it is optional: a URL template such as "https://tile.openstreetmap.org/{z}/{x}/{y}.png".
DASHBOARD_MAP_TILE_URL = env("DASHBOARD_MAP_TILE_URL", default="")
DASHBOARD_MAP_TILE_ATTRIBUTION = env("DASHBOARD_MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")
DASHBOARD_LEAST_VISITED = 10  # how many of the least-visited schools the fairness table lists
# Exports of at most this many visits are built inside the request (seconds); larger ones are built by the
# worker and the page turns into the download by itself (gunicorn kills a web worker silent for 30 s).
EXPORT_INLINE_MAX_VISITS = env.int("EXPORT_INLINE_MAX_VISITS", default=2000)
# A large export still "being prepared" this long after it was asked for will not come (its queue message
# was lost, or the worker died with it): its page and the API then say it failed and offer to ask again.
EXPORT_JOB_DEADLINE_MINUTES = env.int("EXPORT_JOB_DEADLINE_MINUTES", default=30)
EXPORT_KEEP_HOURS = 24  # a requester's built exports are deleted after this, when they ask for the next one
# Public pages: each process keeps a rendered page this many seconds before re-reading its snapshot from the
# database (publishing writes the snapshot; no Redis or worker is needed to serve or invalidate it).
PUBLIC_LOCAL_CACHE_SECONDS = env.float("PUBLIC_LOCAL_CACHE_SECONDS", default=2.0)
# OIT item numbers per ITA year (the content is fixed, the numbering changes): year (BE) -> section -> code.
# A year takes the codes of every earlier year listed and overrides those it names (ITA 2568 moved the
# participation item to o25).
PUBLIC_ITA_ITEM_CODES = {
    2563: {
        "plan": "O10",
        "monitoring": "O11",
        "annual": "O12",
        "statistics": "O15",
        "satisfaction": "O16",
        "participation": "O33",
    },
    2568: {"participation": "o25"},
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Production refusals ------------------------------------------------------------------------
if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DJANGO_DEBUG must be off in production")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        problems.append("SECRET_KEY must be set to a private value of at least 32 characters")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must name the host(s) Nithet is served on")
    if problems:
        raise ImproperlyConfigured("Nithet refuses to start in production mode: " + "; ".join(problems))
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only (the proxy in front says X-Forwarded-Proto); /healthz stays reachable over plain HTTP for probes.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
