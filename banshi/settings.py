"""Banshi settings. Every variable is documented in README.md; defaults suit a laptop."""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from banshi.lib.env import (
    env_bool,
    env_header,
    env_int,
    env_json_list,
    env_list,
    env_office_hours,
    env_secret,
    env_str,
    env_tile_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("BANSHI_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Demo mode (`make run`): the demo accounts, a fallback key, and messages written to the log. Outside it
# the settings refuse to load without a key and real gateways, and the server refuses to start while an
# account still has the published demo password (banshi/startup.py).
DEMO = env_bool("BANSHI_DEMO", False)
DEMO_SECRET_KEY = "insecure-demo-key-never-for-real-data"  # noqa: S105 (published on purpose: demo only)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY and not DEMO:
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE, a file holding it) must be set outside demo mode; make one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, or set BANSHI_DEMO=1 for the demo"
    )
if SECRET_KEY == DEMO_SECRET_KEY and not DEMO:
    raise ImproperlyConfigured("SECRET_KEY is the demo's published key: set a key of your own")
SECRET_KEY = SECRET_KEY or DEMO_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "banshi.ui.apps.StaticFilesConfig",  # django.contrib.staticfiles, without ninja's ReDoc
    "axes",
    "channels",
    # Its templates and static files: the API docs load Swagger UI from the site, never from a CDN.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "banshi.ui",
    "banshi.audit",
    "banshi.sequences",
    "banshi.worktime",
    "banshi.directory",
    "banshi.accounts",
    "banshi.notify",
    "banshi.catalog",
    "banshi.polls",
    "banshi.cases",
    "banshi.certificates",
    "banshi.remote",
    "banshi.problems",
    "banshi.projects",
    "banshi.outreach",
    "banshi.open311",
    "banshi.stats",
    "banshi.api",
    "banshi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body: an upload too large is refused unread.
    "banshi.ui.middleware.UploadSizeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After WhiteNoise, which answers for static files before these run: they keep their long caching.
    "banshi.ui.middleware.PermissionsPolicyMiddleware",
    "banshi.ui.middleware.NoStoreMiddleware",
    # Last, so that it turns a lockout flagged anywhere in the request into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "banshi.urls"
WSGI_APPLICATION = "banshi.wsgi.application"
ASGI_APPLICATION = "banshi.asgi.application"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "banshi.accounts.backends.UsernameOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Staff start where they work, residents at the services (directory/views.py).
LOGIN_REDIRECT_URL = "directory:landing"
LOGOUT_REDIRECT_URL = "catalog:home"

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
                "banshi.ui.context.site",
                "banshi.directory.context.roles",
                "banshi.notify.context.inbox",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'banshi.sqlite3'}"
# No persistent connections unless asked for: under ASGI (`make run`, the WebSocket server) each request
# may run in a thread of its own, and a connection kept per thread is never closed (Django's guidance is
# CONN_MAX_AGE=0 there). Under WSGI, DATABASE_CONN_MAX_AGE or, on PostgreSQL, DATABASE_POOL saves the
# connection set-up of each request.
_conn_max_age = env_int("DATABASE_CONN_MAX_AGE", 0)
try:
    _db = dj_database_url.parse(env_str("DATABASE_URL", _default_sqlite), conn_max_age=_conn_max_age)
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
if env_bool("DATABASE_POOL", False):
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOL needs PostgreSQL (a postgres:// DATABASE_URL)")
    if _conn_max_age:
        raise ImproperlyConfigured("DATABASE_POOL and DATABASE_CONN_MAX_AGE exclude each other: set one")
    # psycopg's pool, per process: size it to the server's threads (granian's --blocking-threads).
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 16),
    }
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, a busy timeout and IMMEDIATE transactions keep concurrent writers from failing with
    # "database is locked".
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The rate limits count in the cache. The default, in the process's memory, serves one process; with several
# (granian workers, more machines) CACHE_URL (e.g. redis://127.0.0.1:6379/1) shares the counts.
_cache_url = env_str("CACHE_URL", "") or env_str("REDIS_URL", "")
if _cache_url and not re.match(r"rediss?://", _cache_url):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// or rediss:// address, not {_cache_url!r}")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# django-ratelimit calls the in-process cache unfit (it is, for several processes: see above) and does not
# know Django's own Redis backend, which increments atomically.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + ([] if _cache_url else ["django_ratelimit.E003"])
# Sessions live in the database: the cookie holds only a random key, and logging out deletes the
# session at once. (Not cached_db: each process has its own cache, which would keep a deleted session.)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A form sent without its token (an old tab, cookies cleared) gets the site's own page, with a way back.
CSRF_FAILURE_VIEW = "banshi.ui.views.csrf_failure"
# Behind TLS: HSTS, a redirect of plain HTTP, and the header by which the proxy says a request came over
# HTTPS (e.g. X-Forwarded-Proto; the proxy must set it on every request, overwriting the client's).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
_proxy_ssl_header = env_header("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None

# Scripts, styles and everything else from the site itself: no inline script or style runs, and nothing
# loads from elsewhere. Images may be data: URLs (Swagger UI's icons); the call page's socket is 'self'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The maps' tile server (ui/components/_map.html), as Leaflet takes it: an http(s) URL with {z}, {x} and
# {y}, e.g. "https://tiles.example.gov.cn/{z}/{x}/{y}.png", and the attribution its licence asks for.
# Empty (the default, and on a closed network): the maps draw Chongqing's district outlines, vendored,
# instead. The server's origin is added to the images the CSP allows.
MAP_TILE_URL, _tile_origin = env_tile_url("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
if _tile_origin:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_tile_origin)

LANGUAGE_CODE = "zh-hans"
# zh-hant is made from zh-hans (bin/hant); LocaleMiddleware gives it to zh-TW, zh-HK and zh-MO browsers
# through Django's language fallbacks, and zh-hans to zh-CN and zh-SG.
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "banshi" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "banshi" / "static"]
# Hashed names (`site.3f2a….css`), so a browser never keeps a stale script after a deploy, and gzip and
# brotli copies beside them; WhiteNoise serves what `collectstatic` put in STATIC_ROOT.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps (Swagger UI's are megabytes) are read by a developer's tools only: not worth compressing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Materials live outside the web root and are served only through a permission-checked view.
MATERIALS_DIR = DATA_DIR / "materials"
MATERIAL_MAX_BYTES = env_int("MATERIAL_MAX_BYTES", 10 * 1024 * 1024)
# An image is refused from its header beyond this many pixels, and decoded into at most this much memory.
MATERIAL_MAX_PIXELS = env_int("MATERIAL_MAX_PIXELS", 40_000_000)
MATERIAL_DECODE_MAX_MB = env_int("MATERIAL_DECODE_MAX_MB", 48)
PROBLEM_PHOTOS_DIR = DATA_DIR / "problem-photos"
PROBLEM_PHOTO_MAX_BYTES = env_int("PROBLEM_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
# Story videos (outreach): the tus uploads' chunks and the transcoded files, outside the web root.
OUTREACH_VIDEOS_DIR = DATA_DIR / "outreach-videos"
OUTREACH_VIDEO_MAX_BYTES = env_int("OUTREACH_VIDEO_MAX_BYTES", 500 * 1024 * 1024)
OUTREACH_VIDEO_MAX_SECONDS = env_int("OUTREACH_VIDEO_MAX_SECONDS", 5 * 60)
OUTREACH_UPLOAD_STALE_HOURS = env_int("OUTREACH_UPLOAD_STALE_HOURS", 24)
if OUTREACH_VIDEO_MAX_BYTES < 1 or OUTREACH_VIDEO_MAX_SECONDS < 1 or OUTREACH_UPLOAD_STALE_HOURS < 1:
    raise ImproperlyConfigured(
        "OUTREACH_VIDEO_MAX_BYTES, _MAX_SECONDS and OUTREACH_UPLOAD_STALE_HOURS must be positive"
    )
LECTURE_PHOTOS_DIR = DATA_DIR / "lecture-photos"
LECTURE_PHOTO_MAX_BYTES = env_int("LECTURE_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MATERIAL_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The console backend writes messages to the log (one-time codes masked outside demo mode): a real
# deployment names its gateways' backends, and the settings refuse to load without them.
CONSOLE_BACKEND = "banshi.notify.backends.ConsoleBackend"
NOTIFY_SMS_BACKEND = env_str("NOTIFY_SMS_BACKEND", CONSOLE_BACKEND if DEMO else "")
NOTIFY_EMAIL_BACKEND = env_str("NOTIFY_EMAIL_BACKEND", CONSOLE_BACKEND if DEMO else "")
for _name, _backend in (
    ("NOTIFY_SMS_BACKEND", NOTIFY_SMS_BACKEND),
    ("NOTIFY_EMAIL_BACKEND", NOTIFY_EMAIL_BACKEND),
):
    if not DEMO and _backend.strip() in ("", CONSOLE_BACKEND):
        raise ImproperlyConfigured(
            f"{_name} must name a gateway's backend outside demo mode (the console backend only writes "
            "messages to the log), e.g. banshi.notify.backends.DjangoEmailBackend for e-mail"
        )
# Django's own mail (banshi.notify.backends.DjangoEmailBackend, error reports): SMTP, or the log in the demo.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Real time (video-call signaling, live queue): an in-process channel layer by default, which serves one
# process; CHANNEL_REDIS_URL (e.g. redis://127.0.0.1:6379/0) shares it between processes.
_channel_redis = env_str("CHANNEL_REDIS_URL", "")
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [_channel_redis]}}
        if _channel_redis
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}
# STUN/TURN servers handed to the browsers, as JSON in RTCPeerConnection's iceServers format, e.g.
# [{"urls": "turn:turn.example.org:3478", "username": "u", "credential": "p"}]. None by default: calls
# then work within one network.
ICE_SERVERS = env_json_list("ICE_SERVERS", [])
# A page of a call sends a few messages a second, its ICE candidates in a burst; a socket sending more
# is closed (banshi.remote.consumers).
WS_MESSAGES_PER_SECOND = env_int("WS_MESSAGES_PER_SECOND", 20)
WS_MESSAGE_BURST = env_int("WS_MESSAGE_BURST", 40)
if WS_MESSAGES_PER_SECOND < 1 or WS_MESSAGE_BURST < 1:
    raise ImproperlyConfigured("WS_MESSAGES_PER_SECOND and WS_MESSAGE_BURST must be at least 1")

# Background work (automatic decisions, notifications, the deadline sweep) runs from a database-backed
# queue: `manage.py db_worker` needs no broker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job running longer than this was left by a worker that died; the deadline sweep queues it again.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 5 * 60)
if TASK_LEASE_SECONDS < 1:
    raise ImproperlyConfigured("TASK_LEASE_SECONDS must be at least 1")

API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 24 * 30)

# The client's address, for the lockouts and the rate limits: REMOTE_ADDR, or behind N reverse proxies that
# each append to X-Forwarded-For, the address the outermost of them was reached from.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Failed logins and code entries lock out the account and, separately, the client's address (django-axes,
# counted in the database so that every process sees them).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_USERNAME_CALLABLE = "banshi.accounts.throttle.account_key"
AXES_CLIENT_IP_CALLABLE = "banshi.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "banshi.accounts.throttle.lockout_response"
# What a failed request carried is kept with the attempt: never the numbers, codes or passwords.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "phone", "code", "password1", "password2"]

# Anonymous pages are rate-limited per client address (django-ratelimit, banshi.accounts.throttle); the
# rates per group, as "count/period" (s, m, h, d). Should the cache fail, the pages are served unlimited
# rather than refused.
RATELIMIT_IP_META_KEY = "banshi.accounts.throttle.client_ip"
RATELIMIT_FAIL_OPEN = True
RATE_LIMITS = {
    "verify": "30/m",
    "checklist": "60/m",
    "queue": "300/m",
    "signup": "10/h",
    "password_code": "10/h",
    "api_token": "30/m",
    "open311": "300/m",
}

# Texted one-time codes (banshi.lib.codes): at most so many sent to a mobile number, and so many wrong tries,
# per day (China time), whatever they are for.
SMS_CODES_PER_DAY = env_int("SMS_CODES_PER_DAY", 5)
SMS_CODE_WRONG_TRIES_PER_DAY = env_int("SMS_CODE_WRONG_TRIES_PER_DAY", 10)

# The address residents and the public reach the site at: the QR code on every certificate leads to
# {PUBLIC_URL}/verify/{number}, so it must be the public address, not an internal one.
PUBLIC_URL = env_str("BANSHI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", PUBLIC_URL):
    raise ImproperlyConfigured(
        "BANSHI_PUBLIC_URL must be an http:// or https:// address without a query or fragment, "
        f"not {PUBLIC_URL!r}"
    )


# Deadlines are counted in these hours on the working days of the Chinese calendar (banshi.worktime).
OFFICE_HOURS = env_office_hours("OFFICE_HOURS", "09:00-12:00,13:30-17:30")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO; only its problems belong in the log.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
