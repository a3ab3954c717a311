"""Sign-in throttling, per account and per client network, in the database every worker shares.

Two limits, checked before a password is (so a refused attempt costs no Argon2 and tells
nothing, not even when the password was right):

- **Per account**, whatever the address: after ``LOGIN_FREE_FAILURES`` failures the next
  attempt must wait 2, 4, 8 … seconds after the last failure, at most
  ``LOGIN_MAX_DELAY_SECONDS``. Failures count for ``LOGIN_FAILURE_WINDOW_HOURS`` or until
  the next successful sign-in. An e-mail address without an account is throttled the
  same way, so the answers never tell whether an account exists. A growing delay instead of
  a lock: someone who fails on purpose slows the account down but never locks it for long.
- **Per client network** (an IPv4 address, an IPv6 /64), across every account:
  ``LOGIN_ADDRESS_MAX_FAILURES`` failures within ``LOGIN_ADDRESS_WINDOW_MINUTES`` refuse
  further attempts from it until the oldest leaves the window. This stops one client from
  trying a few passwords on many accounts.

So that nobody elsewhere can keep a person out by failing on their account, an address from
which the account signed in within ``LOGIN_KNOWN_ADDRESS_DAYS`` is *known*: there, only the
failures made from that address count for the account's delay.

The client's address is the request's, after ProxyFix has trusted exactly
``TRUSTED_PROXY_COUNT`` proxies (see ``assess/web/proxies.py``).

Attempts are rows of ``login_attempts``; every recorded attempt also deletes the rows that
no rule reads any more (``purge``), and ``flask users purge-attempts`` does the same.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_time, format_timedelta
from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import LoginAttempt
from ..models._types import utcnow
from .errors import LockedOut

# 2**k seconds grows past any sensible cap long before this; it keeps the number small.
_MAX_EXPONENT = 30
# The class of PostgreSQL advisory locks (two-key form) held per account during a log-in.
LOCK_CLASS = 0x4C4F47  # "LOG"


@dataclass(frozen=True)
class Settings:
    free_failures: int
    max_delay: timedelta
    failure_window: timedelta
    known_address: timedelta
    address_max_failures: int
    address_window: timedelta

    @classmethod
    def from_config(cls, cfg) -> Settings:
        return cls(
            free_failures=cfg["LOGIN_FREE_FAILURES"],
            max_delay=timedelta(seconds=cfg["LOGIN_MAX_DELAY_SECONDS"]),
            failure_window=timedelta(hours=cfg["LOGIN_FAILURE_WINDOW_HOURS"]),
            known_address=timedelta(days=cfg["LOGIN_KNOWN_ADDRESS_DAYS"]),
            address_max_failures=cfg["LOGIN_ADDRESS_MAX_FAILURES"],
            address_window=timedelta(minutes=cfg["LOGIN_ADDRESS_WINDOW_MINUTES"]),
        )


def settings() -> Settings:
    return Settings.from_config(current_app.config)


def now() -> datetime:
    """The throttle's clock (tests replace ``utcnow`` here to move time without sleeping)."""
    return utcnow()


def client_network(address: str | None) -> str:
    """The key a client is throttled under: its IPv4 address, or its IPv6 /64.

    One subscriber holds a whole IPv6 /64 (2^64 addresses), so counting per IPv6 address
    would let them try without limit.
    """
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def delay_after(failures: int, s: Settings) -> timedelta:
    """How long after the last of ``failures`` counted failures the next attempt must wait."""
    if failures < s.free_failures:
        return timedelta(0)
    exponent = min(failures - s.free_failures + 1, _MAX_EXPONENT)
    return min(timedelta(seconds=2**exponent), s.max_delay)


def account_lock_key(email: str) -> int:
    """The second key of an account's advisory lock: a signed 32-bit digest of the e-mail."""
    return int.from_bytes(hashlib.sha256(email.encode()).digest()[:4], "big", signed=True)


def serialise(session: Session, email: str) -> None:
    """On PostgreSQL, make the attempts on one account wait for each other until commit.

    Without it, several workers could each pass the check at the moment a wait ends and
    each try a password before any of them is recorded. Call it first in the transaction
    that checks, verifies and records. SQLite serves one machine; its workers are not
    serialised here (see docs/security.md).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:c, :k)"),
            {"c": LOCK_CLASS, "k": account_lock_key(email)},
        )


def check(email: str, address: str | None, at: datetime) -> None:
    """Raise ``LockedOut`` when an attempt for ``email`` from ``address`` must wait."""
    s = settings()
    network = client_network(address)
    until = _address_wait(network, at, s)
    if until is not None:
        raise LockedOut(
            _l(
                "Too many failed log-ins from your network address. Try again at %(time)s "
                "(in %(wait)s). If many people share your address, ask your administrator.",
                time=format_time(until, "medium"),
                wait=_wait_text(until - at),
            ),
            until=until,
            retry_after=retry_after_seconds(until, at),
        )
    until = _account_wait(email, network, at, s)
    if until is not None:
        raise LockedOut(
            _l(
                "Too many failed log-ins with this e-mail address, so logging in with it is "
                "paused. Try again at %(time)s (in %(wait)s); until then even the right "
                "password is refused. If the failures were not yours, tell your administrator.",
                time=format_time(until, "medium"),
                wait=_wait_text(until - at),
            ),
            until=until,
            retry_after=retry_after_seconds(until, at),
        )


def record(session: Session, email: str, address: str | None, at: datetime, ok: bool) -> None:
    """Add an attempt to ``session`` and drop the rows no rule reads any more."""
    session.add(LoginAttempt(email=email, address=client_network(address), at=at, succeeded=ok))
    purge(session, at)


def purge(session: Session, at: datetime) -> int:
    """Delete the attempts older than every rule's window; returns how many went."""
    s = settings()
    failures_before = at - max(s.failure_window, s.address_window)
    successes_before = at - max(s.known_address, s.failure_window)
    result = session.execute(
        delete(LoginAttempt).where(
            or_(
                LoginAttempt.at < min(failures_before, successes_before),
                (LoginAttempt.at < failures_before) & LoginAttempt.succeeded.is_(False),
            )
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def retry_after_seconds(until: datetime, at: datetime) -> int:
    """``Retry-After``'s whole seconds until ``until`` (at least 1)."""
    return max(1, math.ceil((until - at).total_seconds()))


def _wait_text(wait: timedelta) -> str:
    return format_timedelta(
        timedelta(seconds=math.ceil(wait.total_seconds())),
        granularity="second",
        threshold=1.5,
    )


def _address_wait(network: str, at: datetime, s: Settings) -> datetime | None:
    # The failure that, once out of the window, brings the count below the limit.
    oldest_to_expire = db.session.scalar(
        select(LoginAttempt.at)
        .where(
            LoginAttempt.address == network,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > at - s.address_window,
        )
        .order_by(LoginAttempt.at.desc())
        .offset(s.address_max_failures - 1)
        .limit(1)
    )
    return oldest_to_expire + s.address_window if oldest_to_expire is not None else None


def _account_wait(email: str, network: str, at: datetime, s: Settings) -> datetime | None:
    last_success_here = _last_success(email, network)
    known = last_success_here is not None and last_success_here > at - s.known_address
    last_success = last_success_here if known else _last_success(email, None)
    since = at - s.failure_window
    if last_success is not None and last_success > since:
        since = last_success
    failures = select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.at > since,
    )
    if known:
        failures = failures.where(LoginAttempt.address == network)
    count, latest = db.session.execute(failures).one()
    delay = delay_after(count, s)
    if not delay or latest + delay <= at:
        return None
    return latest + delay


def _last_success(email: str, network: str | None) -> datetime | None:
    query = select(func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
    )
    if network is not None:
        query = query.where(LoginAttempt.address == network)
    return db.session.scalar(query)
