"""``org password-sign-in``: password sign-in on or off for an organisation, and
``users link-identity``: an existing account linked to its identity at the provider
(issue 16; docs/sign-in.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..operations import Forbidden, NotFound, ValidationFailed
from ..operations import organisations as org_ops
from ..operations import users as user_ops
from .common import admin, fail, organisation, run


@click.command("password-sign-in")
@click.option(
    "--off/--on",
    "off",
    required=True,
    help="--off: people sign in only through the identity provider (OIDC_ISSUER must be set); "
    "--on: passwords work again.",
)
@click.option(
    "--organisation", "organisation_id", type=int, help="Organisation id (default: the only one)."
)
@click.option("--as", "admin_email", help="The administrator doing it, for the audit log.")
@with_appcontext
def password_sign_in(off, organisation_id, admin_email):
    """Allow or refuse sign-in with a password for the organisation's people; audited."""
    org = organisation(organisation_id)
    try:
        org_ops.set_password_sign_in(admin(admin_email, org), org, not off)
    except (ValidationFailed, Forbidden) as exc:
        fail(str(exc))
    state = "on" if org.password_sign_in else "off"
    click.echo(f"Password sign-in for {org.name_fi} (id {org.id}) is {state}.")


@click.command("link-identity")
@click.argument("email")
@click.option(
    "--issuer",
    help="The provider's issuer URL, exactly as in its ID tokens' 'iss' (default: OIDC_ISSUER).",
)
@click.option(
    "--subject",
    help="The person's subject at the provider: the ID token's 'sub' (Entra ID: the object "
    "id's pairwise 'sub' for this app, not the object id; see docs/sign-in.md).",
)
@click.option(
    "--unlink", is_flag=True, help="Remove the account's link instead (--subject not needed)."
)
@click.option("--as", "admin_email", help="The administrator doing it, for the audit log.")
@with_appcontext
def link_identity(email, issuer, subject, unlink, admin_email):
    """Link the existing account EMAIL (its history and roles) to a person at the identity
    provider, so that their first sign-in there finds it instead of creating a new account;
    audited. Refused when the identity is already linked to another account or the account
    to another identity (unlink first)."""
    from ..operations import provider_sign_in

    try:
        user = user_ops.user_by_email(email)
    except NotFound as exc:
        fail(str(exc))
    actor = admin(admin_email, user.organisation)
    if unlink:
        if subject:
            fail("--unlink takes no --subject: it removes whatever identity the account has.")
        run(provider_sign_in.unlink_identity, actor, user)
        click.echo(f"{user.email} is no longer linked to an identity at the provider.")
        return
    issuer = issuer or current_app.config.get("OIDC_ISSUER")
    if not issuer:
        fail("give --issuer (the provider's issuer URL); OIDC_ISSUER is not set either.")
    if not subject:
        fail("give --subject (the person's 'sub' at the provider), or --unlink.")
    configured = current_app.config.get("OIDC_ISSUER")
    if configured and issuer.strip() != configured:
        click.echo(
            f"Warning: --issuer {issuer!r} differs from OIDC_ISSUER {configured!r}; sign-ins "
            "through the configured provider will not find this link.",
            err=True,
        )
    run(provider_sign_in.link_identity, actor, user, issuer, subject)
    click.echo(f"{user.email} is linked to subject {subject.strip()} of {issuer.strip()}.")
