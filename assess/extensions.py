"""Flask extensions, created once here and bound in ``create_app``."""

import hashlib
import sqlite3
import threading
import time
from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits.storage import Storage
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from werkzeug.routing import IntegerConverter


class Base(DeclarativeBase):
    # Named constraints so Alembic migrations are stable on every database.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)

# The models' base class. At run time it is ``db.Model``, which Flask-SQLAlchemy builds from
# Base's bases and body plus its own ``Model`` mixin (``query``, ``__repr__``): a class made
# at run time, which a type checker cannot see through (``class X(db.Model)`` would make
# every model ``Any``). The checker is shown the same class, declared.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskSQLAlchemyModel

    class Model(_FlaskSQLAlchemyModel, Base):
        __abstract__ = True

else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def _api_client() -> str:
    # Per token for the API (a case-management system behind one address may hold many),
    # per address otherwise. A digest, not the token: the key may sit in a shared store.
    from flask import request

    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "addr:" + (request.remote_addr or "")


class ProcessMemoryStorage(Storage):
    """A rate-limit storage in this process's memory (``assess-memory://``): one process only.

    Each process counts alone: with gunicorn ``-w 4`` a token gets four times the limit, on
    two machines eight. Several workers or machines need a shared storage
    (``RATELIMIT_STORAGE_URI=redis://...``, limits' own Redis storage; docs/shared-state.md).

    Built on limits' public ``Storage`` base class, for the fixed window (Flask-Limiter's
    default strategy) only. limits' own ``memory://`` starts a thread for its sweep of
    expired windows on nearly every hit, and ``Thread.start`` waits until the thread has
    run: on a busy two-core server that cost the API a quarter of its throughput
    (bench/README.md). Here an expired window is dropped when it is next read, and the
    windows nobody asks for again are swept in the request itself, at most once a second.
    """

    STORAGE_SCHEME = ["assess-memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.expirations: dict[str, float] = {}
        self._next_sweep = 0.0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return ValueError

    def _forget_expired(self, key: str, now: float) -> None:
        if self.expirations.get(key, 0.0) <= now:
            self.counts.pop(key, None)
            self.expirations.pop(key, None)

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.SWEEP_SECONDS
        for key in [k for k, at in self.expirations.items() if at <= now]:
            self.counts.pop(key, None)
            self.expirations.pop(key, None)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            self._sweep(now)
            self._forget_expired(key, now)
            count = self.counts.get(key, 0) + amount
            self.counts[key] = count
            if count == amount:
                self.expirations[key] = now + expiry
            return count

    def get(self, key: str) -> int:
        with self._lock:
            self._forget_expired(key, time.time())
            return self.counts.get(key, 0)

    def get_expiry(self, key: str) -> float:
        with self._lock:
            return self.expirations.get(key, time.time())

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            number = len(self.counts)
            self.counts.clear()
            self.expirations.clear()
            return number

    def clear(self, key: str) -> None:
        with self._lock:
            self.counts.pop(key, None)
            self.expirations.pop(key, None)


def shared_storage(uri: str) -> bool:
    """Whether a rate-limit storage URI names a storage every process shares (not memory)."""
    scheme = uri.split("://", 1)[0].lower()
    return scheme not in ("memory", "assess-memory")


def per_process_limit_problem(storage_uri: str, workers: int) -> str | None:
    """What is wrong with counting the API's limit in ``workers`` processes, if anything.

    ``None`` when the storage is shared (Redis) or there is one worker; else the message
    for the operator, naming the fix.
    """
    if shared_storage(storage_uri) or workers <= 1:
        return None
    return (
        f"RATELIMIT_STORAGE_URI is {storage_uri!r}, a storage in each process's memory, and "
        f"gunicorn starts {workers} workers: each would count the API's rate limit alone, "
        f"so one token would get {workers} times its limit. Set RATELIMIT_STORAGE_URI to a "
        "Redis server every worker and machine shares, for example "
        "'redis://127.0.0.1:6379/0' (docs/shared-state.md), or run one worker."
    )


# Limits are applied to the API blueprint only (see assess/api); storage is in this
# process's memory (ProcessMemoryStorage) unless RATELIMIT_STORAGE_URI names a shared one
# (redis://) for several workers or machines.
limiter = Limiter(key_func=_api_client, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # SQLite: enforce foreign keys, let readers and a writer work side by side (WAL),
    # and wait for a busy writer instead of failing at once.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class DatabaseId(IntegerConverter):
    """``<int:…>`` in every route: a row id the database can hold, else no route matches.

    Ids in URLs are primary keys, 32-bit integers on PostgreSQL (64-bit on SQLite). A larger
    number cannot name a row, so it is a 404 like any id that does not exist, instead of the
    database refusing the query with a server error.
    """

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
