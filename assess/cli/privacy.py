"""``flask --app wsgi privacy ...``: retention, a person's export and anonymisation (issue 16,
docs/privacy.md). Each is audited with who ran it: ``--as ADMIN``, else the command line."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from ..models import User
from ..operations import NotFound
from ..operations import privacy as ops
from ..operations import users as user_ops
from .common import admin as _admin
from .common import fail as _fail
from .common import run as _run
from .installation import actor_option

privacy_cli = AppGroup("privacy", help="Personal data: retention, export, anonymisation.")


def _person(email: str) -> User:
    try:
        return user_ops.user_by_email(email)
    except NotFound as exc:
        _fail(str(exc))


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted; delete nothing.")
@actor_option
def purge(dry_run, actor_email):
    """Delete the personal data older than the retention settings: log-in attempts
    (LOGIN_ATTEMPT_RETENTION_DAYS), ended sessions (SESSION_RECORD_DAYS) and the client
    addresses of audit events (AUDIT_ADDRESS_RETENTION_DAYS). Audited with the counts."""
    actor = _admin(actor_email)
    done = _run(ops.purge, actor, dry_run=dry_run)
    verb = "would be deleted" if dry_run else "deleted"
    for name in ("login_attempts", "sessions", "audit_addresses"):
        before = done.cutoffs[name].isoformat(timespec="seconds")
        click.echo(f"{name.replace('_', ' ')} before {before}: {getattr(done, name)} {verb}")
    if dry_run:
        click.echo("Dry run: nothing was changed.")


@privacy_cli.command("export")
@click.argument("email")
@actor_option
def export(email, actor_email):
    """Print as JSON what the product holds on the person EMAIL (account, roles, sessions,
    log-in attempts, a summary of their audit events, the assessments, decisions, documents
    and comments they appear in, their notifications). Audited."""
    person = _person(email)
    actor = _admin(actor_email, person.organisation)
    data = _run(ops.export, person, actor)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@privacy_cli.command("anonymise")
@click.argument("email")
@actor_option
def anonymise(email, actor_email):
    """Replace a deactivated person's name and e-mail address with a pseudonym and remove
    their API tokens, sessions, log-in attempts, notifications and mails. Refused for an
    active person or one with open work. The audit log keeps their id. Audited."""
    person = _person(email)
    actor = _admin(actor_email, person.organisation)
    removed = _run(ops.anonymise, person, actor)
    name, new_email = ops.pseudonym(person)
    click.echo(f"{email} is now {name} <{new_email}>.")
    click.echo(
        "Removed: " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in removed.items())
    )
