"""Configuration classes (``config.py`` at the top of a checkout re-exports them).

Everything secret or site-specific comes from the environment:

- ``ASSESS_CONFIG``: ``development`` (default), ``testing`` or ``production``;
- ``DATABASE_URL``: an SQLAlchemy URL; the embedded SQLite file under ``instance/``
  when unset. ``postgres://`` and ``postgresql://`` are read as psycopg 3;
- ``SECRET_KEY``: required in production; in development one is generated once into
  ``instance/secret_key``;
- ``ASSESS_INSTANCE_PATH``: the instance folder; default ``instance/`` of the checkout, or
  of the working directory when the package is installed (docs/deployment.md).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class ConfigError(RuntimeError):
    """A setting from the environment is missing or wrong; the message says which."""


def database_url(raw: str | None, instance_path: str, name: str = "DATABASE_URL") -> str:
    """Return a usable SQLAlchemy URL from ``DATABASE_URL`` (or the SQLite default)."""
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "assess.db")
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"{name} is not a database URL: {raw!r}. Expected for example "
            "'postgresql://user:password@host:5432/assess' or 'sqlite:////srv/assess/assess.db'."
        ) from None
    driver = url.drivername
    if driver in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    elif not (driver.startswith("postgresql") or driver.startswith("sqlite")):
        raise ConfigError(
            f"{name} uses {driver!r}, which this application does not support. "
            "Use a 'postgresql://...' or 'sqlite:///...' URL."
        )
    if url.drivername.startswith("postgresql") and not url.database:
        raise ConfigError(
            f"{name} names no database: {raw!r}. Add the database name after the "
            "host, for example 'postgresql://user@host:5432/assess'."
        )
    return url.render_as_string(hide_password=False)


def _whole_number(name: str, default: int) -> int:
    """A positive whole number from the environment variable ``name``, else ``default``."""
    raw = os.environ.get(name)
    if not raw:
        return default
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} is {raw!r}; expected a whole number of at least 1.")
    return int(raw)


def _flag(name: str) -> bool:
    """An on/off setting from the environment: 1, true, yes or on mean on."""
    return (os.environ.get(name) or "").strip().lower() in ("1", "true", "yes", "on")


def proxy_count(raw: str | None) -> int:
    """``TRUSTED_PROXY_COUNT`` from the environment: a whole number, 0 when unset."""
    if not raw:
        return 0
    if not raw.strip().isdigit():
        raise ConfigError(
            f"TRUSTED_PROXY_COUNT is {raw!r}; expected the number of reverse proxies in front "
            "of the application: 0 when clients reach it directly, 1 behind one nginx."
        )
    return int(raw)


class Config:
    LANGUAGES = ("fi", "sv", "en")
    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    BOOTSTRAP_SERVE_LOCAL = True  # no asset from a CDN
    WTF_CSRF_TIME_LIMIT = None  # a long form must not expire while an official types
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # statement files are at most 10 MB

    # issue 15: limits. Bounded work per request (docs/security.md, "Limits on every
    # request"); a request over a limit is refused before any work per key. The figures of
    # the largest realistic assessment are measured by bench/hostile_patch.py (its builder:
    # tests/support.py, largest_patch): every question, the full matrix of 22 groups x 11
    # dimensions x 5 alternatives, long texts at their limits, 500 characters a cell text.
    # MAX_CONTENT_LENGTH above holds only for views that receive files (assess.limits.
    # accepts_files). Any other body, the API's JSON, at most this many bytes (413 beyond):
    # that assessment sent whole in one PATCH is 2.8 MB (2.4 MB without \u escapes).
    MAX_JSON_BODY_BYTES = 6 * 1024 * 1024
    # Keys and list items in one JSON body, counted together (that assessment: 16,379), and
    # its nesting depth (4); 422 beyond, before the body is validated.
    MAX_JSON_ITEMS = 40_000
    MAX_JSON_DEPTH = 10
    # A web form's body without a file: the largest page of that assessment (50 indicators)
    # posts 104 KB.
    MAX_FORM_BODY_BYTES = 512 * 1024
    # Fields of one web form (Flask's setting, which Werkzeug applies to multipart forms and
    # assess.limits to urlencoded ones too): that page has 352.
    MAX_FORM_PARTS = 1000
    # A log record's message (and, apart, its traceback) is cut beyond this many characters.
    MAX_LOG_MESSAGE_CHARS = 4096
    # Requests per API token (Flask-Limiter syntax); 429 with Retry-After beyond it.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT") or "1200 per minute"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or "assess-memory://"
    # Redis unreachable: each worker counts in its memory and keeps answering, and checks
    # Redis again now and then (assess/rate_limit_storage.py, docs/shared-state.md); an
    # ERROR line at most every RATELIMIT_DOWN_LOG_SECONDS per worker while it lasts.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_DOWN_LOG_SECONDS = int(os.environ.get("RATELIMIT_DOWN_LOG_SECONDS") or 60)
    # (RATELIMIT_STORAGE_OPTIONS for Redis: timeouts of 0.5 s unless given, set by
    # assess/rate_limit_storage.py.)
    # LibreOffice for PDFs; unset: `soffice` or `libreoffice` on the PATH.
    SOFFICE = os.environ.get("SOFFICE") or None

    # --- issue 19: archival PDF/A (assess/pdfa.py, operations/archive.py) ----------------
    # The long-running converter that makes each approved document's PDF/A-2b: "local"
    # (default: this process starts one unoserver with its LibreOffice the first time it is
    # needed and keeps it; each gunicorn worker has its own), the URL of a unoserver someone
    # runs ("http://127.0.0.1:2003"), or "off" (none: approvals make no PDF, the command
    # `documents archive` makes them with a fresh LibreOffice start each).
    PDF_CONVERTER = os.environ.get("PDF_CONVERTER") or "local"
    # The Python that has LibreOffice's uno module (Debian: python3-uno), which runs the
    # local unoserver; default /usr/bin/python3.
    PDF_CONVERTER_PYTHON = os.environ.get("PDF_CONVERTER_PYTHON") or "/usr/bin/python3"
    # How long the local converter may take to start (default 60 s) and one conversion
    # (default 120 s) before the PDF is left for `documents archive`.
    PDF_CONVERTER_START_SECONDS = 60
    PDF_CONVERTER_TIMEOUT_SECONDS = 120

    # --- Sign-in throttling and passwords (issue 15, item 6; docs/security.md) ---------
    # Per account, from any address: after this many failures the next attempt waits 2, 4,
    # 8 ... seconds after the last failure, at most LOGIN_MAX_DELAY_SECONDS (15 minutes).
    LOGIN_FREE_FAILURES = 5
    LOGIN_MAX_DELAY_SECONDS = 15 * 60
    # A failure counts this long (24 hours), or until the account's next sign-in.
    LOGIN_FAILURE_WINDOW_HOURS = 24
    # An address the account signed in from within this many days (30) is its own: there
    # only failures from that address count, so nobody elsewhere can keep the person out.
    LOGIN_KNOWN_ADDRESS_DAYS = 30
    # Per client address (an IPv6 /64), over all accounts: this many failures (50) within
    # the window (15 minutes) refuse its attempts until the oldest leaves the window.
    LOGIN_ADDRESS_MAX_FAILURES = 50
    LOGIN_ADDRESS_WINDOW_MINUTES = 15
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted
    # (0, the default: none, the headers are ignored). Environment: TRUSTED_PROXY_COUNT
    # (PROXY_FIX_X_FOR, its former name, is still read).
    TRUSTED_PROXY_COUNT = proxy_count(
        os.environ.get("TRUSTED_PROXY_COUNT") or os.environ.get("PROXY_FIX_X_FOR")
    )
    # New passwords: at least this many characters (12), and not common, repetitive or
    # containing the person's name or e-mail address (assess/passwords.py).
    PASSWORD_MIN_LENGTH = 12

    # --- issue 15: sessions -------------------------------------------------------------
    # A log-in session ends after this many minutes without a request (default 30) ...
    SESSION_IDLE_MINUTES = _whole_number("SESSION_IDLE_MINUTES", 30)
    # ... and this many hours after the log-in, however busy (default 12).
    SESSION_LIFETIME_HOURS = _whole_number("SESSION_LIFETIME_HOURS", 12)
    # A session's "last seen" is written at most this often (seconds, default 60), not on
    # every request; the idle timeout is exact to within it.
    SESSION_TOUCH_SECONDS = 60
    # Sessions over for this many days (default 90) are deleted when their person next logs
    # in; until then each is the record of a log-in (when, from where, how it ended).
    SESSION_RECORD_DAYS = _whole_number("SESSION_RECORD_DAYS", 90)

    # --- issue 16: retention of personal data (docs/privacy.md; `flask privacy purge`) ---
    # `privacy purge` deletes the sessions over for longer than SESSION_RECORD_DAYS (above),
    # the log-in attempts older than this many days (default 30; the throttle's rules read
    # at most LOGIN_KNOWN_ADDRESS_DAYS back, so a shorter value shortens that rule) ...
    LOGIN_ATTEMPT_RETENTION_DAYS = _whole_number("LOGIN_ATTEMPT_RETENTION_DAYS", 30)
    # ... and the client addresses of audit events older than this many days (default 365).
    # Only events recorded since migration 0029 keep their address apart from the chain;
    # older events hold theirs inside the hashed record, where it stays.
    AUDIT_ADDRESS_RETENTION_DAYS = _whole_number("AUDIT_ADDRESS_RETENTION_DAYS", 365)
    # Flask's signed cookie is refused past the same lifetime (Flask's default: 31 days),
    # so even the cookie's signature does not outlive the server's session.
    PERMANENT_SESSION_LIFETIME = SESSION_LIFETIME_HOURS * 3600

    # argon2-cffi defaults (RFC 9106 low-memory profile); tests lower them.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # --- issue 15: audit (the chain's checkpoints, the PostgreSQL role split) -----------
    # The HMAC-SHA256 key that signs the audit chain's checkpoints. Never in the database.
    # Default unset: no checkpoints are made and the start and `audit verify` warn loudly.
    AUDIT_CHECKPOINT_KEY = os.environ.get("AUDIT_CHECKPOINT_KEY") or None
    # Keys used before a rotation, comma-separated: they verify old checkpoints, never sign.
    AUDIT_CHECKPOINT_OLD_KEYS = tuple(
        k for k in (os.environ.get("AUDIT_CHECKPOINT_OLD_KEYS") or "").split(",") if k.strip()
    )
    # A checkpoint after this many events (default 100) or on the first event after this
    # many minutes (default 15), in the event's own transaction.
    AUDIT_CHECKPOINT_EVERY = 100
    AUDIT_CHECKPOINT_MINUTES = 15
    # The integrity page's and GET /api/v1/audit/verify's walk reads at most this many events
    # after the last recorded walk (about half a second); the next request goes on from there.
    AUDIT_VERIFY_REQUEST_LIMIT = 20_000
    # Where checkpoints are exported off the database, after each commit: a file that gets
    # one JSON line each (default none), and/or syslog, "/dev/log" or "host:port" over UDP
    # (default none).
    AUDIT_CHECKPOINT_FILE = os.environ.get("AUDIT_CHECKPOINT_FILE") or None
    AUDIT_CHECKPOINT_SYSLOG = os.environ.get("AUDIT_CHECKPOINT_SYSLOG") or None
    # PostgreSQL: the owner role's URL (MIGRATION_DATABASE_URL), used by `flask db upgrade`
    # and `flask db grant-runtime`; the application itself connects with DATABASE_URL as the
    # runtime role. Default unset: one URL for both (single-role set-ups keep working).
    MIGRATION_DATABASE_URI: str | None = None
    # Refuse to start when the application's role could rewrite the audit log (owns the
    # table, may UPDATE/DELETE/TRUNCATE it, or is a superuser). Default off: a loud warning.
    AUDIT_REQUIRE_ROLE_SPLIT = (os.environ.get("AUDIT_REQUIRE_ROLE_SPLIT") or "").lower() in (
        "1",
        "true",
        "yes",
        "on",
    )

    # issue 15: uploads, downloads and headers.
    # The address people and systems reach the service at, e.g. "https://eva.example.fi":
    # links the API hands out (a document's "url") start with it, never with the request's
    # Host header, which a client chooses. Unset (the default): the links are relative
    # ("/api/v1/documents/7").
    PUBLIC_BASE_URL = (os.environ.get("PUBLIC_BASE_URL") or "").rstrip("/") or None
    # Strict-Transport-Security max-age in seconds, sent when the installation is configured
    # for HTTPS (PREFERRED_URL_SCHEME "https" or secure session cookies, as in production);
    # 0 turns it off. Default one year, without includeSubDomains (other hosts of the same
    # domain may not be HTTPS yet).
    HSTS_MAX_AGE = 31536000

    # issue 15: errors and outages.
    # Retry-After (seconds) of the 503 answered while the database cannot be reached; 30.
    OUTAGE_RETRY_AFTER_SECONDS = int(os.environ.get("OUTAGE_RETRY_AFTER_SECONDS") or 30)
    # Identical errors (same logger, level, exception type and message) are logged once per
    # this many seconds, with how often they recurred; 10. 0 logs every one.
    LOG_REPEAT_WINDOW_SECONDS = float(os.environ.get("LOG_REPEAT_WINDOW_SECONDS") or 10)

    # --- issue 16: logs and metrics (assess/logs.py, assess/metrics.py;
    # docs/operations-logs-metrics.md) ------------------------------------------------------
    # How log lines are written to standard error: "json" (one JSON object a line, for log
    # shipping; production's default) or "text" (for people; development's default).
    LOG_FORMAT = os.environ.get("LOG_FORMAT") or "text"
    # One line per request (id, user, organisation, route, method, status, duration); on.
    LOG_REQUESTS = (os.environ.get("LOG_REQUESTS") or "on").strip().lower() not in (
        "0",
        "false",
        "no",
        "off",
    )
    # A traceback keeps its innermost this many frames (30) and at most this many characters
    # (16,384: its head and tail, with a marker in between).
    LOG_TRACEBACK_FRAMES = _whole_number("LOG_TRACEBACK_FRAMES", 30)
    LOG_TRACEBACK_CHARS = _whole_number("LOG_TRACEBACK_CHARS", 16384)
    # /metrics (Prometheus) is served when one of these is set, else it is a 404: a bearer
    # token the scraper sends ("Authorization: Bearer <token>") and/or the networks it may
    # come from, comma-separated CIDRs ("10.0.0.0/8, 127.0.0.1/32"). Both set: both needed.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    METRICS_ALLOW = os.environ.get("METRICS_ALLOW") or None

    # --- issue 20: notifications by e-mail (operations/notifications.py, outbox.py) -------
    # The SMTP server the outbox sends through; empty (the default): no e-mail at all, the
    # inbox alone. Links in the mails start with PUBLIC_BASE_URL (above): set it too.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or ""
    # Its port (default 25; 465 with MAIL_USE_TLS, 587 with MAIL_USE_STARTTLS usually).
    MAIL_PORT = _whole_number("MAIL_PORT", 25)
    # Implicit TLS from the first byte (SMTPS, port 465); default off.
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    # Plain connection upgraded with STARTTLS (submission, port 587); default off.
    MAIL_USE_STARTTLS = _flag("MAIL_USE_STARTTLS")
    # Log in to the server when a user name is set (default: no log-in).
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or ""
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or ""
    # The sender of every mail; default "noreply@localhost" (set a real one).
    MAIL_FROM = os.environ.get("MAIL_FROM") or "noreply@localhost"
    # Seconds one SMTP conversation may take before it counts as a failed attempt (30).
    MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS") or 30)
    # A failed mail is tried again after 1, 2, 4 ... minutes, at most this many (360, six
    # hours); it is never given up or deleted: `outbox run` keeps trying.
    OUTBOX_MAX_BACKOFF_MINUTES = _whole_number("OUTBOX_MAX_BACKOFF_MINUTES", 360)
    # `outbox run` without --once looks for due mails this often (seconds, default 30).
    OUTBOX_POLL_SECONDS = _whole_number("OUTBOX_POLL_SECONDS", 30)
    # `notifications remind`: a meeting starting within this many days (default 7) whose
    # items are not ready, and an indicator's follow-up date within this many days or past
    # (default 14), are reminded of once per person.
    REMIND_MEETING_DAYS = _whole_number("REMIND_MEETING_DAYS", 7)
    REMIND_FOLLOW_UP_DAYS = _whole_number("REMIND_FOLLOW_UP_DAYS", 14)

    # --- issue 16: sign-in through the organisation's identity provider (OpenID Connect;
    # docs/sign-in.md). Off unless OIDC_ISSUER is set. The issuer's URL as its discovery
    # document names it (…/.well-known/openid-configuration is read from it).
    OIDC_ISSUER = (os.environ.get("OIDC_ISSUER") or "").rstrip("/") or None
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID") or ""
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or ""
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES") or "openid email profile"
    # The ID token's claim that lists the person's groups ("groups" in Entra ID and Keycloak
    # with a group mapper; AD FS: the claim its rule issues, often "group").
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM") or "groups"
    # The provider's name on the login page: "Sign in with <name>".
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME") or "the organisation's account"
    # Which groups give which roles in which organisation: JSON in OIDC_GROUP_ROLES, or a
    # JSON or YAML file named by OIDC_GROUP_ROLES_FILE (format: docs/sign-in.md).
    OIDC_GROUP_ROLES = os.environ.get("OIDC_GROUP_ROLES") or None
    OIDC_GROUP_ROLES_FILE = os.environ.get("OIDC_GROUP_ROLES_FILE") or None
    # A first sign-in whose e-mail address belongs to a password account of the same
    # organisation takes that account over (linking it to the provider's person) only when
    # this is on: turn it on only for a provider that verifies the addresses it issues.
    OIDC_LINK_BY_EMAIL = _flag("OIDC_LINK_BY_EMAIL")

    @classmethod
    def init_app(cls, app) -> None:
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(
            os.environ.get("DATABASE_URL"), app.instance_path
        )
        migration_url = os.environ.get("MIGRATION_DATABASE_URL")
        if migration_url:
            app.config["MIGRATION_DATABASE_URI"] = database_url(
                migration_url, app.instance_path, "MIGRATION_DATABASE_URL"
            )
        for name in (
            "AUDIT_CHECKPOINT_EVERY",
            "AUDIT_CHECKPOINT_MINUTES",
            "AUDIT_VERIFY_REQUEST_LIMIT",
        ):
            raw = os.environ.get(name)
            if raw:
                app.config[name] = _positive_int(name, raw)
        key = os.environ.get("SECRET_KEY")
        if key:
            app.config["SECRET_KEY"] = key
        hsts = os.environ.get("HSTS_MAX_AGE")
        if hsts:
            if not hsts.isdigit():
                raise ConfigError(
                    f"HSTS_MAX_AGE is {hsts!r}; expected a number of seconds, for example "
                    "31536000 (one year), or 0 to send no Strict-Transport-Security header."
                )
            app.config["HSTS_MAX_AGE"] = int(hsts)


class DevelopmentConfig(Config):
    @classmethod
    def init_app(cls, app) -> None:
        super().init_app(app)
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)


class TestingConfig(Config):
    TESTING = True
    # No LibreOffice at every approval: the PDF/A tests start their own converter.
    PDF_CONVERTER = "off"
    SECRET_KEY = "testing-not-secret"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8 * 1024
    ARGON2_PARALLELISM = 1
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    AUDIT_CHECKPOINT_KEY = "testing-not-secret-checkpoints"  # the suite runs anchored
    # No line per request in the suite's output (tests/integration/test_observability.py
    # turns it on); the metrics are off unless a test sets a token or networks.
    LOG_REQUESTS = False
    METRICS_TOKEN = None
    METRICS_ALLOW = None

    @classmethod
    def init_app(cls, app) -> None:
        # Tests pass their own database URL in the config object; never touch the
        # developer's database by accident.
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", "sqlite://")


class ProductionConfig(Config):
    LOG_FORMAT = os.environ.get("LOG_FORMAT") or "json"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def init_app(cls, app) -> None:
        super().init_app(app)
        if not app.config.get("SECRET_KEY"):
            raise ConfigError(
                "SECRET_KEY is not set. Production needs a long random secret in the "
                "SECRET_KEY environment variable, for example the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class(name: str | None) -> type[Config]:
    name = name or os.environ.get("ASSESS_CONFIG") or "development"
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"ASSESS_CONFIG is {name!r}; expected one of: {', '.join(CONFIGS)}."
        ) from None


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name} is {raw!r}; expected a whole number of at least 1.")
    return value


def _instance_secret_key(instance_path: str) -> str:
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with 0600 so other local users cannot read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key
