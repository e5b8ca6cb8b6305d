"""Django settings for giamngheo.

Database: PostgreSQL only. ``DATABASE_URL`` selects an external server (PostgreSQL ≥ 15);
without it the embedded server in ``var/pgdata`` is used (see giamngheo.lib.embedded_db).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from giamngheo.lib import embedded_db
from giamngheo.lib.paths import PACKAGE_DIR, var_dir

BASE_DIR = PACKAGE_DIR
VAR_DIR = var_dir()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("GIAMNGHEO_DEBUG")
# Production mode (docs/operations.md, "Production"): `giamngheo serve --production` sets it.
# It refuses to start with DEBUG, the public key or no ALLOWED_HOSTS (web.production), serves
# hashed, compressed static files and writes JSON log lines.
PRODUCTION = _flag("GIAMNGHEO_PRODUCTION")
# The demo and test secret is public on purpose; production sets GIAMNGHEO_SECRET_KEY.
DEMO_SECRET_KEY = "giamngheo-demo-insecure-key-change-me"  # noqa: S105 (public on purpose)
SECRET_KEY = os.environ.get("GIAMNGHEO_SECRET_KEY", "").strip() or DEMO_SECRET_KEY
# The public key is accepted only where nothing real is at stake: debugging, the demo
# (GIAMNGHEO_DEMO=1, or the embedded database of `make demo`, reachable only through a Unix
# socket on this machine) and the test settings. A deployment on an external PostgreSQL
# (DATABASE_URL) refuses to start without its own key: sessions, password-reset tokens and the
# login throttle's device cookies are signed with it.
INSECURE_KEY_ALLOWED = not PRODUCTION and (
    DEBUG
    or _flag("GIAMNGHEO_DEMO")
    or not os.environ.get("DATABASE_URL")
    or os.environ.get("GIAMNGHEO_TEST_SETTINGS") == "1"
)
if SECRET_KEY == DEMO_SECRET_KEY and not INSECURE_KEY_ALLOWED:
    raise ImproperlyConfigured(
        "GIAMNGHEO_SECRET_KEY chưa được đặt: khi chạy thật (DATABASE_URL, không ở chế độ "
        "trình diễn) phải đặt một khóa bí mật ngẫu nhiên dài ít nhất 50 ký tự."
    )
# Pseudonymous keys of the Parquet export (registry.parquet): HMAC-SHA256 with this key; when
# empty, a key derived from SECRET_KEY (then a new secret key changes every pseudonym).
GIAMNGHEO_PSEUDONYM_KEY = os.environ.get("GIAMNGHEO_PSEUDONYM_KEY", "").strip()
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "GIAMNGHEO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "giamngheo.web",
    "giamngheo.accounts",
    "giamngheo.audit",
    "giamngheo.areas",
    "giamngheo.registry",
    "giamngheo.demo",
    "giamngheo.surveys",
    "giamngheo.jobs",
    "giamngheo.workforce",
    "giamngheo.training",
    "giamngheo.review",
    "giamngheo.programmes",
    "giamngheo.fieldcollection",
    "giamngheo.livelihoods",
    "giamngheo.credit",
    "giamngheo.reports",
    "giamngheo.operations",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "giamngheo.api",
]

MIDDLEWARE = [
    "giamngheo.web.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "giamngheo.web.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "giamngheo.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "giamngheo.accounts.middleware.KnownDeviceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "giamngheo.web.input_guard.InputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "giamngheo.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "giamngheo.web.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "giamngheo.wsgi.application"


def _database_settings() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if config.get("ENGINE") != "django.db.backends.postgresql":
            raise RuntimeError("DATABASE_URL phải trỏ tới PostgreSQL (postgres://…).")
        return config
    for_tests = os.environ.get("GIAMNGHEO_EMBEDDED_TEST_SERVER") == "1"
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": embedded_db.DEFAULT_DATABASE,
        "CONN_MAX_AGE": 60,
        **embedded_db.connection_parameters(for_tests=for_tests),
    }


DATABASES = {"default": _database_settings()}
# A PostgreSQL streaming replica for reports and dashboards (docs/operations.md, "Replica"):
# reads inside lib.replica.reading_from_replica() go there; everything else to "default".
REPLICA_URL = os.environ.get("GIAMNGHEO_REPLICA_URL", "").strip()
if REPLICA_URL:
    _replica: dict[str, object] = dict(dj_database_url.parse(REPLICA_URL, conn_max_age=60))
    # A replica that does not answer must not hold a page for long (reads fall back).
    _replica["OPTIONS"] = {"connect_timeout": 3}
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["giamngheo.lib.replica.ReplicaRouter"]
# Seconds a replica that did not answer is left aside (reads go to "default" meanwhile).
REPLICA_RETRY_SECONDS = float(os.environ.get("GIAMNGHEO_REPLICA_RETRY_SECONDS", "30"))
USES_EMBEDDED_DATABASE = "DATABASE_URL" not in os.environ
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Every login path (the login page, the admin, later the API) goes through this backend's
# throttle: see giamngheo.accounts.throttle for the rules and why they are these.
AUTHENTICATION_BACKENDS = ["giamngheo.accounts.backends.ThrottledModelBackend"]
# The REST API (giamngheo.api; docs/api.md).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "giamngheo.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["giamngheo.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "giamngheo.api.pagination.CursorPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "giamngheo.api.throttles.UserRateThrottle",
        "giamngheo.api.throttles.AnonRateThrottle",
        "giamngheo.api.throttles.WriteRateThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "giamngheo.api.exceptions.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATE_INPUT_FORMATS": ["iso-8601"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "giamngheo API",
    "DESCRIPTION": (
        "Dữ liệu giảm nghèo trong địa bàn của người dùng: đơn vị hành chính, hộ, thành viên, "
        "phiếu khảo sát. Xác thực: Authorization: Bearer MÃ (giamngheo api token TÊN). "
        "Xem docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "giamngheo.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ApplicationFormEnum": "giamngheo.review.models.ApplicationForm",
        # The read-only resources' choice sets that share a field name (level, state, kind,
        # status) with another resource's: one named component each.
        "ClassLevelEnum": "giamngheo.training.models.ClassLevel",
        "ReportLevelEnum": "giamngheo.api.resources.reports.LEVELS",
        "RoundStateEnum": "giamngheo.review.states.RoundState",
        "MeetingStateEnum": "giamngheo.review.states.MeetingState",
        "ComplaintStateEnum": "giamngheo.review.states.ComplaintState",
        "MonthlyReportStateEnum": "giamngheo.workforce.states.ReportState",
        "WorkerStatusEnum": "giamngheo.workforce.models.WorkerStatus",
        "StatusEnum": "giamngheo.registry.models.Status",
        "RoundKindEnum": "giamngheo.review.models.RoundKind",
        "PostingKindEnum": "giamngheo.review.models.PostingKind",
        "ProgrammeKindEnum": "giamngheo.programmes.models.ProgrammeKind",
    },
}
# API rate limits per client (DRF throttles; giamngheo.api.throttles).
GIAMNGHEO_API_RATES = {
    "user": os.environ.get("GIAMNGHEO_API_RATE_USER", "600/min"),
    "anon": os.environ.get("GIAMNGHEO_API_RATE_ANON", "30/min"),
    "write": os.environ.get("GIAMNGHEO_API_RATE_WRITE", "60/min"),
}
# Lifetime of a new API token (accounts.tokens), and the longest allowed.
GIAMNGHEO_API_TOKEN_DAYS = int(os.environ.get("GIAMNGHEO_API_TOKEN_DAYS", "90"))
GIAMNGHEO_API_TOKEN_MAX_DAYS = int(os.environ.get("GIAMNGHEO_API_TOKEN_MAX_DAYS", "366"))

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 (memory-hard) for new and changed passwords; the older hashes still verify and are
# upgraded to Argon2 at the next successful login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Login throttle (giamngheo.accounts.throttle): after the free failures, each failure refuses
# further attempts for 2, 4, 8, … seconds, up to the cap.
LOGIN_ADDRESS_FREE_FAILURES = int(os.environ.get("GIAMNGHEO_LOGIN_ADDRESS_FREE_FAILURES", "10"))
LOGIN_ADDRESS_MAX_BLOCK_SECONDS = int(
    os.environ.get("GIAMNGHEO_LOGIN_ADDRESS_MAX_BLOCK_SECONDS", "3600")
)
LOGIN_ACCOUNT_FREE_FAILURES = int(os.environ.get("GIAMNGHEO_LOGIN_ACCOUNT_FREE_FAILURES", "5"))
LOGIN_ACCOUNT_MAX_DELAY_SECONDS = int(
    os.environ.get("GIAMNGHEO_LOGIN_ACCOUNT_MAX_DELAY_SECONDS", "300")
)
# One failure is forgotten per this many seconds without failures (after the last block).
LOGIN_THROTTLE_LEAK_SECONDS = int(os.environ.get("GIAMNGHEO_LOGIN_LEAK_SECONDS", "900"))
LOGIN_KNOWN_DEVICE_DAYS = int(os.environ.get("GIAMNGHEO_LOGIN_KNOWN_DEVICE_DAYS", "90"))
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the header
# is ignored and REMOTE_ADDR is the client). Set it only when such proxies really are there.
LOGIN_TRUSTED_PROXY_COUNT = int(os.environ.get("GIAMNGHEO_TRUSTED_PROXY_COUNT", "0"))

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["giamngheo.formats"]
LANGUAGE_COOKIE_NAME = "giamngheo_language"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("GIAMNGHEO_STATIC_ROOT") or VAR_DIR / "static")
# The review's minutes scans; on several app servers a directory they share (docs/operations.md).
MEDIA_ROOT = Path(os.environ.get("GIAMNGHEO_MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "media/"
# Job uploads and outputs (giamngheo.jobs.files; unset: <VAR_DIR>/jobs); on several machines
# a directory they share.
JOBS_DIR = Path(os.environ["GIAMNGHEO_JOBS_DIR"]) if os.environ.get("GIAMNGHEO_JOBS_DIR") else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production: collected once at start (`serve --production`), names with a content hash
        # (cached for ever by browsers), gzip and brotli copies served by WhiteNoise.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The demo server serves static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind HTTPS (README, "Settings"): cookies only over HTTPS, redirect plain HTTP, HSTS.
SESSION_COOKIE_SECURE = _flag("GIAMNGHEO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = _flag("GIAMNGHEO_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("GIAMNGHEO_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("GIAMNGHEO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _flag("GIAMNGHEO_HSTS_PRELOAD")
if LOGIN_TRUSTED_PROXY_COUNT > 0:
    # A trusted TLS-terminating proxy says whether the client's request was HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Log lines: JSON (one object a line: time, level, logger, request id, method, path, status,
# duration) in production or with GIAMNGHEO_LOG_FORMAT=json; ID and phone numbers masked in
# every line (lib.logs). Requests are logged by web.request_log (INFO in production).
LOG_FORMAT = os.environ.get("GIAMNGHEO_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_numbers": {"()": "giamngheo.lib.logs.MaskPersonalNumbers"}},
    "formatters": {
        "json": {"()": "giamngheo.lib.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["personal_numbers"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "loggers": {
        "giamngheo.request": {
            "level": os.environ.get(
                "GIAMNGHEO_REQUEST_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING"
            ),
        },
        # Every request is logged once, by giamngheo.request; Django's own logger keeps only
        # the server errors (with their traceback), not a second line per 404.
        "django.request": {"level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("GIAMNGHEO_LOG_LEVEL", "WARNING")},
}

# The demo province (code of one of the 34 provinces): Quảng Trị has mountains, coast,
# ethnic minorities and both wards and rural communes.
DEMO_PROVINCE_CODE = os.environ.get("GIAMNGHEO_DEMO_PROVINCE", "44")

for _directory in (VAR_DIR, STATIC_ROOT, MEDIA_ROOT):
    Path(_directory).mkdir(parents=True, exist_ok=True)

# Background jobs (giamngheo.jobs.worker). Each job body runs in a process of its own with a
# memory limit, so that no upload can take the web server or the worker down.
# GIAMNGHEO_BACKGROUND_WORKER=0: `serve` starts no worker process (run `giamngheo worker`).
JOB_ISOLATION = os.environ.get("GIAMNGHEO_JOB_ISOLATION", "1") != "0"
JOB_MEMORY_LIMIT_MB = int(os.environ.get("GIAMNGHEO_JOB_MEMORY_LIMIT_MB", "2048"))
JOB_TIMEOUT_SECONDS = int(os.environ.get("GIAMNGHEO_JOB_TIMEOUT_SECONDS", str(4 * 3600)))
JOB_HEARTBEAT_SECONDS = float(os.environ.get("GIAMNGHEO_JOB_HEARTBEAT_SECONDS", "2"))
JOB_HEARTBEAT_TIMEOUT_SECONDS = int(os.environ.get("GIAMNGHEO_JOB_STALE_SECONDS", "120"))
JOB_CANCEL_GRACE_SECONDS = float(os.environ.get("GIAMNGHEO_JOB_CANCEL_GRACE_SECONDS", "10"))
# Uploaded and exported job files (var/jobs) are deleted after this many days (0: never).
FILE_RETENTION_DAYS = int(os.environ.get("GIAMNGHEO_FILE_RETENTION_DAYS", "7"))

# Uploads and imported tables (docs/import-export.md "Limits"). A hostile file must get a clear
# refusal, never a dense grid in memory (a 15 KB xlsx can declare 17 billion cells).
UPLOAD_MAX_BYTES = int(os.environ.get("GIAMNGHEO_UPLOAD_MAX_BYTES", str(100 * 1024 * 1024)))
SCAN_MAX_BYTES = int(os.environ.get("GIAMNGHEO_SCAN_MAX_BYTES", str(20 * 1024 * 1024)))
VILLAGES_CSV_MAX_BYTES = int(
    os.environ.get("GIAMNGHEO_VILLAGES_CSV_MAX_BYTES", str(5 * 1024 * 1024))
)
TABLE_MAX_ROWS = int(os.environ.get("GIAMNGHEO_TABLE_MAX_ROWS", "1048576"))  # Excel's own limit
# A spreadsheet made while the user waits (the deliveries' export): beyond this many detail rows
# the page asks for a narrower filter rather than hold a large workbook in a web process.
EXPORT_MAX_ROWS = int(os.environ.get("GIAMNGHEO_EXPORT_MAX_ROWS", "50000"))
# The dashboards' what-if: areas of up to this many households are computed in the request;
# larger ones by a background job (reports.whatif_jobs).
GIAMNGHEO_WHATIF_INLINE_LIMIT = int(os.environ.get("GIAMNGHEO_WHATIF_INLINE_LIMIT", "10000"))
# Field collection imports (fieldcollection.submissions): a Kobo JSON export is read whole, a
# zip's member count and each photo are bounded.
FIELD_JSON_MAX_BYTES = int(os.environ.get("GIAMNGHEO_FIELD_JSON_MAX_BYTES", str(50 * 1024 * 1024)))
FIELD_ZIP_MAX_MEMBERS = int(os.environ.get("GIAMNGHEO_FIELD_ZIP_MAX_MEMBERS", "20000"))
FIELD_PHOTO_MAX_BYTES = int(
    os.environ.get("GIAMNGHEO_FIELD_PHOTO_MAX_BYTES", str(10 * 1024 * 1024))
)
TABLE_MAX_COLUMNS = int(os.environ.get("GIAMNGHEO_TABLE_MAX_COLUMNS", "200"))
TABLE_MAX_CELLS = int(os.environ.get("GIAMNGHEO_TABLE_MAX_CELLS", "20000000"))
XLSX_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("GIAMNGHEO_XLSX_MAX_UNCOMPRESSED_BYTES", str(1024 * 1024 * 1024))
)
XLSX_MAX_RATIO = int(os.environ.get("GIAMNGHEO_XLSX_MAX_RATIO", "200"))
XLSX_MAX_MEMBERS = int(os.environ.get("GIAMNGHEO_XLSX_MAX_MEMBERS", "1000"))
# Files are streamed to a temporary file above 2.5 MB; UploadLimitHandler stops storing a file
# past UPLOAD_MAX_BYTES (the form then says it is too large). Non-file fields stay under Django's
# 2.5 MB (RequestDataTooBig answers 400).
FILE_UPLOAD_HANDLERS = [
    "giamngheo.lib.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# A dry-run import answers "cannot be used" for an ID held outside the user's areas; past this many
# such answers a day the user's imports are refused (the import would be an existence oracle).
IMPORT_FOREIGN_ID_DAILY_LIMIT = int(os.environ.get("GIAMNGHEO_IMPORT_FOREIGN_ID_DAILY_LIMIT", "50"))
# Extra modules declaring job kinds (jobs.kinds.discover), comma-separated; e.g. a test's kinds
# in the worker processes a test starts.
GIAMNGHEO_JOB_MODULES = [
    name.strip() for name in os.environ.get("GIAMNGHEO_JOB_MODULES", "").split(",") if name.strip()
]
