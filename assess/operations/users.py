"""People: accounts, roles, passwords, log-in (throttled: see ``throttle``), API tokens."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import passwords
from ..extensions import db
from ..i18n import lazy_text as _l
from ..input_shape import strip_control
from ..models import ROLES, ApiToken, Organisation, User, UserRole
from ..models._types import utcnow
from . import throttle
from ._audit import record
from ._check import EMAIL_RE, choice, text
from ._tx import transaction
from .errors import Errors, Forbidden, NotFound
from .sessions import credentials_changed
from .sessions import now as sessions_now
from .sessions import start as start_session

TOKEN_PREFIX = "eva_"


def _hasher() -> PasswordHasher:
    ext = current_app.extensions
    if "assess.hasher" not in ext:
        cfg = current_app.config
        ext["assess.hasher"] = PasswordHasher(
            time_cost=cfg["ARGON2_TIME_COST"],
            memory_cost=cfg["ARGON2_MEMORY_COST"],
            parallelism=cfg["ARGON2_PARALLELISM"],
        )
    return ext["assess.hasher"]


def unusable_password_hash() -> str:
    """A hash of a random secret nobody was told: no password opens the account."""
    return _hasher().hash(secrets.token_urlsafe(32))


def normalise_email(email: str) -> str:
    return strip_control(email or "").strip().lower()


def _check_password(
    errors: Errors, password: str | None, *, email: str, name: str, demo_account: bool = False
) -> None:
    for problem in passwords.problems(
        password,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        email=email,
        name=name,
        check_personal=not demo_account,
    ):
        errors.add("password", problem)


def _check_roles(errors: Errors, roles) -> list[str]:
    roles = sorted(set(roles or []))
    if not roles:
        errors.add("roles", _l("Choose at least one role."))
    for role in roles:
        choice(errors, "roles", role, ROLES)
    return roles


def create_user(
    *,
    organisation: Organisation,
    email: str,
    name: str,
    roles,
    password: str | None,
    preferred_language: str | None = None,
    actor: User | None = None,
    demo_account: bool = False,
    identity: tuple[str, str] | None = None,
) -> User:
    """Create a user; ``actor`` is the admin doing it (None: the command line or a first
    sign-in through the identity provider).

    ``demo_account``: only for the demo's accounts, whose published passwords contain
    their names; every other rule of the password policy still applies to them.
    ``identity``: (issuer, subject) of a person who signs in through the organisation's
    identity provider (issue 16); they get no password (a random one nobody knows).
    """
    errors = Errors()
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        errors.add("email", _l("Enter an e-mail address such as name@example.fi."))
    elif db.session.scalar(select(User.id).where(User.email == email)) is not None:
        errors.add(
            "email", _l("A user with the e-mail address %(email)s exists already.", email=email)
        )
    name = text(errors, "name", name, max_length=200)
    roles = _check_roles(errors, roles)
    if identity is None:
        _check_password(errors, password, email=email, name=name, demo_account=demo_account)
    if preferred_language is not None:
        choice(errors, "preferred_language", preferred_language, ("fi", "sv", "en"))
    errors.raise_if_any()

    with transaction() as session:
        user = User(
            organisation=organisation,
            email=email,
            name=name,
            password_hash=_hasher().hash(password or secrets.token_urlsafe(32)),
            preferred_language=preferred_language,
            role_rows=[UserRole(role=r) for r in roles],
            oidc_issuer=identity[0] if identity else None,
            oidc_subject=identity[1] if identity else None,
        )
        session.add(user)
        session.flush()
        record(
            session,
            actor,
            "user.created",
            "user",
            user.id,
            organisation_id=organisation.id,
            changes=[
                {"field": "email", "old": None, "new": email},
                {"field": "name", "old": None, "new": name},
                {"field": "roles", "old": None, "new": roles},
            ]
            + (
                [{"field": "identity_provider", "old": None, "new": identity[0]}]
                if identity
                else []
            ),
        )
    return user


def update_user(
    user: User,
    *,
    name: str,
    roles,
    active: bool,
    password: str | None = None,
    actor: User | None = None,
) -> User:
    errors = Errors()
    name = text(errors, "name", name, max_length=200)
    roles = _check_roles(errors, roles)
    if password:
        _check_password(errors, password, email=user.email, name=name)
    errors.raise_if_any()
    before = {"name": user.name, "roles": user.roles, "active": user.active}
    after = {"name": name, "roles": roles, "active": active}
    changes = [
        {"field": k, "old": before[k], "new": after[k]} for k in before if before[k] != after[k]
    ]
    if password:
        # Never the hash itself: only that it changed.
        changes.append({"field": "password", "old": None, "new": "(changed)"})
    if not changes:
        return user
    with transaction() as session:
        user.name = name
        current = {r.role: r for r in user.role_rows}
        user.role_rows = [current.get(r) or UserRole(role=r) for r in roles]
        user.active = active
        if password:
            user.password_hash = _hasher().hash(password)
        record(
            session,
            actor,
            "user.updated",
            "user",
            user.id,
            changes=changes,
            organisation_id=user.organisation_id,
        )
        if reason := _credentials_reason(before, after, password):
            credentials_changed(session, user, actor, reason)
    return user


def _credentials_reason(before: dict, after: dict, password: str | None) -> str | None:
    """Why the person's sessions and tokens must end after this change, if they must."""
    if before["active"] != after["active"]:
        return "deactivated" if before["active"] else "reactivated"
    if password:
        return "password"
    if before["roles"] != after["roles"]:
        return "roles"
    return None


def set_password(user: User, password: str) -> None:
    errors = Errors()
    _check_password(errors, password, email=user.email, name=user.name)
    errors.raise_if_any()
    with transaction() as session:
        user.password_hash = _hasher().hash(password)
        record(
            session,
            user,
            "user.password_changed",
            "user",
            user.id,
            changes=[{"field": "password", "old": None, "new": "(changed)"}],
        )
        credentials_changed(session, user, user, "password")


def set_preferred_language(user: User, language: str) -> None:
    errors = Errors()
    choice(errors, "language", language, ("fi", "sv", "en"))
    errors.raise_if_any()
    with transaction():
        user.preferred_language = language


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    email: str, password: str, address: str | None, *, language: str | None = None
) -> User | None:
    """Check a log-in. Returns the user, or None for a wrong e-mail or password.

    ``language``: the one chosen before logging in; it becomes the user's preferred
    language if they have none yet, in the same transaction as the log-in's record.

    Raises ``LockedOut`` while the account or the client's address must wait (see
    ``throttle``): the password is not even checked then, so a guess made during the wait,
    right or wrong, goes nowhere and tells nothing.
    """
    email = normalise_email(email)
    with transaction() as session:
        throttle.serialise(session, email)
        now = throttle.now()
        throttle.check(email, address, now)
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            # Spend the same time as a real check so timing does not reveal accounts.
            _burn(password)
            ok = False
        else:
            ok = verify_password(user, password) and user.active
        signed_in = user if ok else None
        # The language chosen before logging in becomes theirs if they have none yet.
        keep = signed_in is not None and not signed_in.preferred_language
        if keep and language:
            errors = Errors()
            choice(errors, "language", language, ("fi", "sv", "en"))
            keep = not errors
        throttle.record(session, email, address, now, ok)
        if signed_in is not None and _hasher().check_needs_rehash(signed_in.password_hash):
            signed_in.password_hash = _hasher().hash(password)
        if keep and language and signed_in is not None:
            signed_in.preferred_language = language
    return signed_in


def check_current_password(user: User, password: str, address: str | None) -> bool:
    """Re-authentication (before a password change): throttled and recorded as a log-in is,
    so a session left open cannot be used to guess the password. Raises ``LockedOut``."""
    with transaction() as session:
        throttle.serialise(session, user.email)
        now = throttle.now()
        throttle.check(user.email, address, now)
        ok = verify_password(user, password)
        throttle.record(session, user.email, address, now, ok)
    return ok


def purge_login_attempts() -> int:
    """Delete the log-in attempts no throttling rule reads any more; returns how many."""
    with transaction() as session:
        return throttle.purge(session, throttle.now())


def _burn(password: str) -> None:
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher().verify(_dummy_hash(), password or "x")


def _dummy_hash() -> str:
    ext = current_app.extensions
    if "assess.dummy_hash" not in ext:
        ext["assess.dummy_hash"] = _hasher().hash(secrets.token_hex(16))
    return ext["assess.dummy_hash"]


TOKEN_MAX_DAYS = 3650


def issue_token(user: User, *, expires_in_days: int | None = None) -> str:
    """Create an API token for ``user`` and return it; only its hash is kept.

    ``expires_in_days``: after that many days the API refuses it (None: until revoked).
    """
    if expires_in_days is not None and not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        errors = Errors()
        errors.add(
            "expires_in_days",
            _l(
                "A token expires after 1 to %(max)d days; %(days)s is outside that range.",
                max=TOKEN_MAX_DAYS,
                days=expires_in_days,
            ),
        )
        errors.raise_if_any()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction() as session:
        row = ApiToken(
            user=user,
            token_hash=token_hash(token),
            prefix=token[: len(TOKEN_PREFIX) + 4],
            expires_at=None
            if expires_in_days is None
            else sessions_now() + timedelta(days=expires_in_days),
        )
        session.add(row)
        session.flush()
        record(
            session,
            user,
            "token.issued",
            "user",
            user.id,
            changes=[{"field": "api_token", "old": None, "new": row.prefix + "…"}]
            + (
                [{"field": "expires_at", "old": None, "new": row.expires_at.isoformat()}]
                if row.expires_at is not None
                else []
            ),
        )
    return token


def tokens_of(user: User) -> Sequence[ApiToken]:
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ).all()


def revoke_token(user: User, token_id: int) -> ApiToken:
    """A person revokes one of their own tokens; a program using it gets 401 from now on."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_l("You have no API token with id %(id)s.", id=token_id))
    if row.revoked_at is not None:
        return row
    with transaction() as session:
        row.revoked_at = utcnow()
        record(
            session,
            user,
            "token.revoked",
            "user",
            user.id,
            changes=[{"field": "api_token", "old": row.prefix + "…", "new": None}],
        )
    return row


def token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough (unlike passwords).
    return hashlib.sha256(token.encode()).hexdigest()


def users_of(organisation: Organisation) -> Sequence[User]:
    """The organisation's people, by e-mail address."""
    return db.session.scalars(
        select(User)
        .where(User.organisation_id == organisation.id)
        .options(selectinload(User.role_rows))  # listed with their roles
        .order_by(User.email)
    ).all()


def user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(_l("No user has the e-mail address %(email)s.", email=email))
    return user


def log_in(
    email: str,
    password: str,
    address: str | None,
    *,
    language: str | None = None,
    user_agent: str | None = None,
) -> tuple[User, str] | None:
    """A log-in as one use case, in one commit: ``authenticate`` (the check, its record, the
    language chosen before) and, for a person let in, a new server-side session. Returns
    the person and the session's id for the cookie, or None for a wrong e-mail or password.
    Raises ``LockedOut`` as ``authenticate`` does, and ``PasswordSignInOff`` for a right
    password of a person whose organisation signs in only through its identity provider
    (told only after the password was right, so the refusal reveals no account)."""
    with transaction():
        user = authenticate(email, password, address, language=language)
        if user is None:
            return None
        if not user.organisation.password_sign_in:
            raise PasswordSignInOff(user.organisation)
        return user, start_session(user, address=address, user_agent=user_agent)


class PasswordSignInOff(Forbidden):
    """The person's organisation has switched password sign-in off (issue 16)."""

    code = "password_sign_in_off"

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        super().__init__(
            _l(
                "%(organisation)s has switched password sign-in off: sign in with "
                "%(provider)s instead (the button on this page).",
                organisation=organisation.name_fi,
                provider=current_app.config["OIDC_PROVIDER_NAME"],
            )
        )
