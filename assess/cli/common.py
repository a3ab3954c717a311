"""What every command group shares: how a command fails, which organisation it acts on,
and which administrator it acts as."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Organisation, User
from ..operations import NotFound, OperationError, ValidationFailed
from ..operations import users as user_ops


def fail(message: str) -> NoReturn:
    """Say what was wrong on standard error and exit 2 (bad use), changing nothing."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def organisation(organisation_id: int | None) -> Organisation:
    """The organisation given by id, or the only one there is."""
    if organisation_id is not None:
        org = db.session.get(Organisation, organisation_id)
        if org is None:
            fail(f"no organisation has id {organisation_id}.")
        return org
    orgs = db.session.scalars(select(Organisation).limit(2)).all()
    if not orgs:
        fail("there is no organisation yet. Run `flask --app wsgi demo load` or create one first.")
    if len(orgs) > 1:
        fail("there are several organisations; choose one with --organisation ID.")
    return orgs[0]


def admin(email: str | None, org: Organisation | None = None) -> User | None:
    """The administrator named by ``--as EMAIL`` (of ``org`` when given); None: the
    command line acts as the system in the audit log."""
    if email is None:
        return None
    try:
        found = user_ops.user_by_email(email)
    except NotFound as exc:
        fail(str(exc))
    if not found.has_role("admin"):
        fail(f"{found.email} is not an administrator.")
    if org is not None and found.organisation_id != org.id:
        fail(f"{found.email} is not an administrator of {org.name_fi}.")
    return found


def run(operation, *args, **kwargs):
    """Call the operation; a refusal prints each problem and exits 1 (nothing stored)."""
    try:
        return operation(*args, **kwargs)
    except ValidationFailed as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                click.echo(f"Error: {field.replace('_', '-')}: {message}", err=True)
        click.echo("Nothing was stored.", err=True)
        sys.exit(1)
    except OperationError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
