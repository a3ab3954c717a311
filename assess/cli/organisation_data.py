"""``flask --app wsgi bodies ...`` and ``flask --app wsgi decision-types ...`` (issue 17).

The commands act as the command line's system actor in the audit log, as `users create`
does, unless ``--as EMAIL`` names the administrator who acts. A refused change prints what
was wrong, stores nothing and exits 1; a command that cannot run (no such organisation,
key or person) exits 2.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..input_shape import MAX_ID
from ..models import BODY_KINDS, Body, DecisionType, Organisation
from ..operations import organisation_data as ops
from .common import admin as _admin
from .common import fail as _fail
from .common import organisation as _organisation
from .common import run as _run

bodies_cli = AppGroup("bodies", help="The organisation's deciding bodies.")
decision_types_cli = AppGroup("decision-types", help="The organisation's decision types.")
COMMANDS = (bodies_cli, decision_types_cli)

organisation_option = click.option(
    "--organisation",
    "organisation_id",
    type=click.IntRange(1, MAX_ID),
    help="Organisation id (default: the only one).",
)
actor_option = click.option(
    "--as",
    "actor_email",
    metavar="EMAIL",
    help="The administrator who acts, for the audit log (default: the command line).",
)
kind_option = click.option("--kind", type=click.Choice(BODY_KINDS), help="The kind of body.")


# --- bodies ----------------------------------------------------------------------------


@bodies_cli.command("list")
@organisation_option
def list_bodies(organisation_id):
    """Every body: key, kind, status, names (tab-separated)."""
    org = _organisation(organisation_id)
    for b in ops.bodies_of(org.id):
        status = "active" if b.active else "retired"
        click.echo(f"{b.key}\t{b.kind}\t{status}\t{b.name_fi}\t{b.name_sv}")


@bodies_cli.command("add")
@click.argument("key")
@click.option("--kind", type=click.Choice(BODY_KINDS), required=True, help="The kind of body.")
@click.option("--name-fi", required=True, help="The name in Finnish.")
@click.option("--name-sv", required=True, help="The name in Swedish.")
@organisation_option
@actor_option
def add_body(key, kind, name_fi, name_sv, organisation_id, actor_email):
    """Add the body KEY (the key the policy names; fixed once created)."""
    org = _organisation(organisation_id)
    body = _run(
        ops.create_body,
        _admin(actor_email, org),
        key=key,
        kind=kind,
        name_fi=name_fi,
        name_sv=name_sv,
        organisation=org,
    )
    click.echo(f"Added body {body.key} ({body.kind}): {body.name_fi} / {body.name_sv}.")


@bodies_cli.command("rename")
@click.argument("key")
@kind_option
@click.option("--name-fi", help="The new name in Finnish.")
@click.option("--name-sv", help="The new name in Swedish.")
@organisation_option
@actor_option
def rename_body(key, kind, name_fi, name_sv, organisation_id, actor_email):
    """Rename the body KEY or change its kind."""
    changes = _given(kind=kind, name_fi=name_fi, name_sv=name_sv)
    org = _organisation(organisation_id)
    body = _body(org, key)
    _run(ops.update_body, _admin(actor_email, org), body, **changes)
    click.echo(f"Body {body.key} ({body.kind}): {body.name_fi} / {body.name_sv}.")


@bodies_cli.command("retire")
@click.argument("key")
@click.option("--undo", is_flag=True, help="Reactivate a retired body instead.")
@organisation_option
@actor_option
def retire_body(key, undo, organisation_id, actor_email):
    """Retire the body KEY: it stays on its decisions but cannot be chosen for new ones."""
    org = _organisation(organisation_id)
    body = _body(org, key)
    _run(ops.reactivate_body if undo else ops.retire_body, _admin(actor_email, org), body)
    click.echo(f"Body {body.key} is {'active' if body.active else 'retired'}.")


# The names issue 16's operator's guide uses, beside the ones admins already know.
bodies_cli.add_command(add_body, name="create")
bodies_cli.add_command(retire_body, name="deactivate")


# --- decision types --------------------------------------------------------------------


@decision_types_cli.command("list")
@organisation_option
def list_types(organisation_id):
    """Every decision type: key, task class, status, names (tab-separated)."""
    org = _organisation(organisation_id)
    for t in ops.decision_types_of(org.id):
        status = "active" if t.active else "retired"
        click.echo(
            f"{t.key}\t{t.task_class or '-'}\t{status}\t{t.name_fi}\t{t.name_sv}\t{t.name_en}"
        )


@decision_types_cli.command("add")
@click.argument("key")
@click.option("--name-fi", required=True, help="The name in Finnish.")
@click.option("--name-sv", required=True, help="The name in Swedish.")
@click.option("--name-en", required=True, help="The name in English.")
@click.option("--task-class", help="The records management code, e.g. 05.01.00.")
@organisation_option
@actor_option
def add_type(key, name_fi, name_sv, name_en, task_class, organisation_id, actor_email):
    """Add the decision type KEY (the key the policy names; fixed once created)."""
    org = _organisation(organisation_id)
    row = _run(
        ops.create_decision_type,
        _admin(actor_email, org),
        key=key,
        name_fi=name_fi,
        name_sv=name_sv,
        name_en=name_en,
        task_class=task_class,
        organisation=org,
    )
    click.echo(f"Added decision type {row.key}: {row.name_fi} / {row.name_sv} / {row.name_en}.")


@decision_types_cli.command("rename")
@click.argument("key")
@click.option("--name-fi", help="The new name in Finnish.")
@click.option("--name-sv", help="The new name in Swedish.")
@click.option("--name-en", help="The new name in English.")
@click.option("--task-class", help="The records management code; '' removes it.")
@organisation_option
@actor_option
def rename_type(key, name_fi, name_sv, name_en, task_class, organisation_id, actor_email):
    """Rename the decision type KEY or change its task class."""
    changes = _given(name_fi=name_fi, name_sv=name_sv, name_en=name_en, task_class=task_class)
    org = _organisation(organisation_id)
    row = _decision_type(org, key)
    _run(ops.update_decision_type, _admin(actor_email, org), row, **changes)
    click.echo(f"Decision type {row.key}: {row.name_fi} / {row.name_sv} / {row.name_en}.")


@decision_types_cli.command("retire")
@click.argument("key")
@click.option("--undo", is_flag=True, help="Reactivate a retired type instead.")
@organisation_option
@actor_option
def retire_type(key, undo, organisation_id, actor_email):
    """Retire the decision type KEY: it stays on its decisions but not for new ones."""
    org = _organisation(organisation_id)
    row = _decision_type(org, key)
    action = ops.reactivate_decision_type if undo else ops.retire_decision_type
    _run(action, _admin(actor_email, org), row)
    click.echo(f"Decision type {row.key} is {'active' if row.active else 'retired'}.")


# --- helpers ---------------------------------------------------------------------------


def _given(**options) -> dict:
    changes = {k: v for k, v in options.items() if v is not None}
    if not changes:
        names = ", ".join("--" + k.replace("_", "-") for k in options)
        _fail(f"say what to change: {names}.")
    return changes


def _body(org: Organisation, key: str) -> Body:
    found = ops.body_by_key(org.id, key)
    if found is None:
        keys = ", ".join(b.key for b in ops.bodies_of(org.id)) or "none"
        _fail(f"there is no body with the key {key!r}; the bodies are: {keys}.")
    return found


def _decision_type(org: Organisation, key: str) -> DecisionType:
    found = ops.decision_type_by_key(org.id, key)
    if found is None:
        keys = ", ".join(t.key for t in ops.decision_types_of(org.id)) or "none"
        _fail(f"there is no decision type with the key {key!r}; the types are: {keys}.")
    return found
