"""``org password-sign-in``: password sign-in on or off for an organisation (issue 16)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..operations import Forbidden, ValidationFailed
from ..operations import organisations as org_ops
from .common import admin, fail, organisation


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
