"""``flask --app wsgi org ...`` and the people commands an operator needs (issue 16): an
organisation is created here before anyone can work in it; a person's roles and access are
changed here when no administrator can do it in the web (the first one, or the last one
leaving). Every change is audited; the command line acts as the system unless ``--as``
names the administrator who acts."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from ..input_shape import MAX_ID
from ..models import ORGANISATION_KINDS, ROLES, User
from ..operations import NotFound
from ..operations import installation as ops
from ..operations import users as user_ops
from .common import admin as _admin
from .common import fail as _fail
from .common import organisation as _organisation
from .common import run as _run

org_cli = AppGroup("org", help="The installation's organisations.")


@org_cli.command("create")
@click.option("--name-fi", required=True, help="The name in Finnish.")
@click.option("--name-sv", required=True, help="The name in Swedish.")
@click.option(
    "--kind",
    type=click.Choice(ORGANISATION_KINDS),
    default="municipality",
    show_default=True,
    help="The kind of organisation (the policy's defaults depend on it).",
)
@click.option(
    "--minority-language",
    type=click.Choice(ops.LANGUAGE_SITUATIONS),
    default="none",
    show_default=True,
    help="A bilingual organisation's minority language (none: monolingual).",
)
@click.option(
    "--time-zone", default="Europe/Helsinki", show_default=True, help="Times are shown in it."
)
def create_org(name_fi, name_sv, kind, minority_language, time_zone):
    """Create an organisation; then add its bodies (`bodies create`) and people (`users create
    --organisation ID`)."""
    org = _run(
        ops.create_organisation,
        name_fi=name_fi,
        name_sv=name_sv,
        kind=kind,
        minority_language=minority_language,
        time_zone=time_zone,
    )
    click.echo(f"Created organisation {org.id}: {org.name_fi} / {org.name_sv} ({org.kind}).")


@org_cli.command("list")
def list_orgs():
    """Every organisation: id, kind, languages, active bodies, active people, names
    (tab-separated)."""
    for org, bodies, people in ops.organisations():
        languages = f"fi+sv ({org.minority_language} minority)" if org.bilingual else "fi"
        click.echo(
            f"{org.id}\t{org.kind}\t{languages}\t{bodies} bodies\t{people} people\t"
            f"{org.name_fi}\t{org.name_sv}"
        )


# --- people, added to the `users` group (made here, so each opens the app context itself) ---

actor_option = click.option(
    "--as",
    "actor_email",
    metavar="EMAIL",
    help="The administrator who acts, for the audit log (default: the command line).",
)


def _person(email: str) -> User:
    try:
        return user_ops.user_by_email(email)
    except NotFound as exc:
        _fail(str(exc))


def _update(person: User, actor_email: str | None, **changes) -> User:
    actor = _admin(actor_email, person.organisation)
    values = {"name": person.name, "roles": person.roles, "active": person.active, **changes}
    return _run(user_ops.update_user, person, actor=actor, **values)


@click.command("list")
@with_appcontext
@click.option(
    "--organisation", "organisation_id", type=click.IntRange(1, MAX_ID), help="Organisation id."
)
def list_users(organisation_id):
    """The organisation's people: e-mail, roles, active or not, name (tab-separated)."""
    org = _organisation(organisation_id)
    for person in user_ops.users_of(org):
        status = "active" if person.active else "deactivated"
        click.echo(f"{person.email}\t{','.join(person.roles)}\t{status}\t{person.name}")


@click.command("roles")
@with_appcontext
@click.argument("email")
@click.option("--add", "added", multiple=True, type=click.Choice(ROLES), help="A role to give.")
@click.option(
    "--remove", "removed", multiple=True, type=click.Choice(ROLES), help="A role to take away."
)
@actor_option
def change_roles(email, added, removed, actor_email):
    """Give or take away EMAIL's roles (repeat --add and --remove); the sessions that had a
    removed role end."""
    if not added and not removed:
        _fail(f"say which roles to change: --add ROLE or --remove ROLE ({', '.join(ROLES)}).")
    both = set(added) & set(removed)
    if both:
        _fail(f"{', '.join(sorted(both))}: given both to --add and to --remove.")
    person = _person(email)
    roles = sorted((set(person.roles) | set(added)) - set(removed))
    person = _update(person, actor_email, roles=roles)
    click.echo(f"{person.email}: {', '.join(person.roles)}.")


@click.command("deactivate")
@with_appcontext
@click.argument("email")
@click.option("--undo", is_flag=True, help="Give the person access again instead.")
@actor_option
def deactivate_user(email, undo, actor_email):
    """End EMAIL's access: they cannot sign in, their sessions end and their API tokens stop
    working; everything they did stays in the history."""
    person = _update(_person(email), actor_email, active=bool(undo))
    click.echo(f"{person.email} is {'active' if person.active else 'deactivated'}.")


USER_COMMANDS = (list_users, change_roles, deactivate_user)
