"""Flask extensions, created once here and bound in ``create_app``."""

import hashlib
import sqlite3
import time
from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits.storage import MemoryStorage
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


class SweepingMemoryStorage(MemoryStorage):
    """limits' in-process storage (``assess-memory://``), sweeping at most once a second.

    The library's storage starts a new thread for its sweep of expired windows on nearly
    every hit (each sweep ends 10 ms after it starts), and ``Thread.start`` waits until the
    thread has run: on a busy two-core server that cost the API a quarter of its throughput
    (bench/README.md). Counting stays the library's: an expired window is dropped when it is
    next read; the sweep only frees the memory of keys nobody asks for again.
    """

    STORAGE_SCHEME = ["assess-memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, **options):
        super().__init__(uri, **options)
        self._next_sweep = 0.0

    # The library's private hook (name-mangled in MemoryStorage); pyproject pins limits.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_SECONDS
            # mypy does not apply Python's name mangling, so it cannot find the hook.
            super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]


# Limits are applied to the API blueprint only (see assess/api); storage is in memory per
# process (SweepingMemoryStorage) unless RATELIMIT_STORAGE_URI names a shared one (e.g.
# redis://) for many workers.
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
