"""Sign-in through the organisation's identity provider (OpenID Connect; issue 16).

The web layer checks the provider's answer (state, nonce, PKCE, the ID token's signature,
issuer, audience and expiry, through Authlib) and hands the checked claims here. This
module decides who the person is and what they may do:

- the person is found by (issuer, subject), never by the e-mail address alone;
- a first sign-in creates the account (audited, through ``users.create_user``);
- the roles follow the person's groups at every sign-in, through ``users.update_user``,
  which ends the sessions that had a role now removed;
- a person whose groups give no role any more is refused, and their open sessions end;
- a token whose groups did not fit in it (Entra ID's group overage) is refused with a line
  for the operator naming the fix, and changes nothing: not the roles, not the sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Organisation, User
from ..provider_groups import GroupMapping
from . import users
from ._audit import record
from ._tx import transaction
from .errors import Conflict, Errors, Forbidden
from .sessions import credentials_changed
from .sessions import start as start_session


class SignInRefused(Forbidden):
    """The provider vouched for the person, but this service lets them in nowhere."""

    code = "sign_in_refused"


@dataclass(frozen=True)
class ProviderPerson:
    """What the provider's checked ID token says of the person."""

    issuer: str
    subject: str
    email: str
    name: str
    groups: list[str]
    # The token left the groups out because there were too many (``groups_overage``).
    groups_overage: bool = False


def sign_in(
    person: ProviderPerson,
    mapping: GroupMapping,
    *,
    address: str | None,
    user_agent: str | None,
    language: str | None = None,
) -> tuple[User, str]:
    """Let ``person`` in: the account (created or found), its roles brought in line with
    the groups, and a new server-side session. Returns the user and the session's id for
    the cookie. Raises ``SignInRefused`` with a message the person can act on."""
    if person.groups_overage:
        _refuse_overage(person)
    organisations, roles = mapping.grants(person.groups)
    user = db.session.scalar(
        select(User).where(User.oidc_issuer == person.issuer, User.oidc_subject == person.subject)
    )
    if not roles:
        if user is not None:
            _end_sessions(user)
        raise SignInRefused(
            _l(
                "Your account at %(provider)s is in no group that gives a role in this "
                "service. Ask your organisation's administrator for access.",
                provider=current_app.config["OIDC_PROVIDER_NAME"],
            )
        )
    if len(organisations) > 1:
        raise SignInRefused(
            _l(
                "Your groups at %(provider)s give roles in more than one organisation; this "
                "service lets a person work for one. Ask your administrator to correct the "
                "groups.",
                provider=current_app.config["OIDC_PROVIDER_NAME"],
            )
        )
    organisation = _organisation(organisations.pop())
    with transaction():
        if user is None:
            user = _first_sign_in(person, organisation, roles, language)
        elif user.organisation_id != organisation.id:
            raise SignInRefused(
                _l(
                    "Your account here belongs to another organisation than your groups "
                    "say. Ask your administrator to correct the groups."
                )
            )
        elif not user.active:
            raise SignInRefused(
                _l("Your account has been deactivated. Ask your administrator for access.")
            )
        elif user.roles != roles or (person.name and user.name != person.name):
            # Ends the sessions that had a removed role (reason "roles"); the new one below
            # starts after it.
            users.update_user(user, name=person.name or user.name, roles=roles, active=True)
        if language and not user.preferred_language and language in ("fi", "sv", "en"):
            user.preferred_language = language
        return user, start_session(user, address=address, user_agent=user_agent)


def _refuse_overage(person: ProviderPerson) -> None:
    """The token does not say the person's groups: nothing is known, so nothing changes
    (neither the account's roles nor its sessions) and the person is not let in."""
    claim = current_app.config["OIDC_GROUPS_CLAIM"]
    current_app.logger.error(
        "Sign-in refused for subject %s of %s: the ID token carries no %r claim but a "
        "group overage reference (_claim_names): the person is in more groups than fit in "
        "a token (Entra ID: over 200), and this service does not fetch them from Microsoft "
        "Graph. Fix it in the app registration: Token configuration, groups claim, emit only "
        "'Groups assigned to the application' (and assign the groups of OIDC_GROUP_ROLES to "
        "the enterprise application), or give app roles and set OIDC_GROUPS_CLAIM=roles "
        "(docs/sign-in.md, group overage). The person's roles and sessions are unchanged.",
        person.subject,
        person.issuer,
        claim,
    )
    raise SignInRefused(
        _l(
            "%(provider)s did not send your groups: you are in more groups than its answer "
            "can carry, so this service cannot tell which role you have. Nothing was changed "
            "in your account. Ask your organisation's administrator to correct the sign-in "
            "settings; they have been told in the service's log.",
            provider=current_app.config["OIDC_PROVIDER_NAME"],
        )
    )


def _first_sign_in(
    person: ProviderPerson, organisation: Organisation, roles: list[str], language: str | None
) -> User:
    email = users.normalise_email(person.email)
    existing = db.session.scalar(select(User).where(User.email == email)) if email else None
    if existing is not None:
        if (
            current_app.config["OIDC_LINK_BY_EMAIL"]
            and existing.oidc_subject is None
            and existing.organisation_id == organisation.id
            and existing.active
        ):
            return _link(existing, person, roles)
        raise SignInRefused(
            _l(
                "An account with the e-mail address %(email)s exists already and is not "
                "linked to %(provider)s. Ask your administrator to link it.",
                email=email,
                provider=current_app.config["OIDC_PROVIDER_NAME"],
            )
        )
    return users.create_user(
        organisation=organisation,
        email=email,
        name=person.name or email,
        roles=roles,
        password=None,
        preferred_language=language if language in ("fi", "sv", "en") else None,
        identity=(person.issuer, person.subject),
    )


def _link(user: User, person: ProviderPerson, roles: list[str]) -> User:
    _set_identity(None, user, person.issuer, person.subject)
    if user.roles != roles:
        users.update_user(user, name=person.name or user.name, roles=roles, active=True)
    return user


def link_identity(actor: User | None, user: User, issuer: str, subject: str) -> User:
    """Link ``user`` (an existing account, with its history and roles) to the provider's
    (``issuer``, ``subject``): their next provider sign-in finds this account instead of
    creating a new one. Audited ``user.identity_linked``; ``actor`` None: the command line.

    Refused, changing nothing: an empty issuer or subject, an identity already linked to
    another account, an account already linked to another identity (unlink it first)."""
    issuer, subject = (issuer or "").strip(), (subject or "").strip()
    errors = Errors()
    if not issuer or len(issuer) > 500:
        errors.add(
            "issuer",
            _l("Give the provider's issuer URL (OIDC_ISSUER), at most 500 characters."),
        )
    if not subject or len(subject) > 255:
        errors.add(
            "subject",
            _l("Give the person's subject (the ID token's 'sub'), at most 255 characters."),
        )
    errors.raise_if_any()
    taken = db.session.scalar(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    )
    if taken is not None and taken.id != user.id:
        raise Conflict(
            _l(
                "This identity is already linked to the account %(email)s. Unlink it there "
                "first if it is the wrong one.",
                email=taken.email,
            )
        )
    if taken is not None:
        return user  # already so: nothing to change, nothing to audit
    if user.oidc_subject is not None:
        raise Conflict(
            _l(
                "The account %(email)s is already linked to another identity (subject "
                "%(subject)s). Unlink it first.",
                email=user.email,
                subject=user.oidc_subject,
            )
        )
    _set_identity(actor, user, issuer, subject)
    return user


def unlink_identity(actor: User | None, user: User) -> User:
    """Remove the provider identity from ``user``: their next provider sign-in no longer
    finds this account, and the sessions they have end (signed in through that identity or
    not, a session does not say which). Audited ``user.identity_unlinked``. Refused (nothing
    changed) for an account that is not linked."""
    if user.oidc_subject is None:
        raise Conflict(_l("The account %(email)s is not linked to an identity.", email=user.email))
    _set_identity(actor, user, None, None)
    return user


def _set_identity(actor: User | None, user: User, issuer: str | None, subject: str | None):
    old_issuer, old_subject = user.oidc_issuer, user.oidc_subject
    with transaction() as session:
        user.oidc_issuer, user.oidc_subject = issuer, subject
        record(
            session,
            actor,
            "user.identity_linked" if subject is not None else "user.identity_unlinked",
            "user",
            user.id,
            organisation_id=user.organisation_id,
            changes=[
                {"field": "identity_provider", "old": old_issuer, "new": issuer},
                {"field": "identity_subject", "old": old_subject, "new": subject},
            ],
        )
        if subject is None:  # whoever signed in through the link is signed out with it
            credentials_changed(session, user, actor, "identity")


def _end_sessions(user: User) -> None:
    """The person's groups give no role any more: whatever session they still have ends."""
    with transaction() as session:
        credentials_changed(session, user, None, "roles")


def _organisation(ref: int | str) -> Organisation:
    if isinstance(ref, int) or ref.isdigit():
        found = db.session.get(Organisation, int(ref))
    else:
        found = db.session.scalar(
            select(Organisation).where(
                or_(Organisation.name_fi == ref, Organisation.name_sv == ref)
            )
        )
    if found is None:
        current_app.logger.error(
            "OIDC_GROUP_ROLES names the organisation %r, which does not exist", ref
        )
        raise SignInRefused(
            _l(
                "The sign-in settings name an organisation this service does not have. "
                "Ask your administrator to correct them."
            )
        )
    return found
