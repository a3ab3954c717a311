"""``flask --app wsgi plan export`` and ``plan import FILE``: the organisation's wellbeing
plan as YAML (issue 18).

The file is what ``GET /api/v1/plan`` answers: ``objectives:``, each with ``key``, ``text``
(fi, sv, en), ``start_year``, ``end_year``, ``active`` and ``indicators`` (``id``, ``name``
in fi, sv, en). Import replaces the plan: an objective the file leaves out is retired, not
deleted. A refused file prints FILE: path: message for every problem, stores nothing and
exits 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml
from flask.cli import AppGroup

from ..definitions import load_yaml
from ..input_shape import MAX_ID
from ..operations import OperationError, ValidationFailed
from ..operations import plan as plan_ops
from .common import admin as _admin
from .common import fail as _fail
from .common import organisation as _organisation

plan_cli = AppGroup("plan", help="The organisation's wellbeing plan: objectives and indicators.")

organisation_option = click.option(
    "--organisation",
    "organisation_id",
    type=click.IntRange(1, MAX_ID),
    help="Organisation id (default: the only one).",
)


@plan_cli.command("export")
@organisation_option
def export(organisation_id):
    """Print the plan as YAML (retired objectives included, marked active: false)."""
    org = _organisation(organisation_id)
    click.echo(
        yaml.safe_dump(plan_ops.plan_data(org.id), allow_unicode=True, sort_keys=False, width=100),
        nl=False,
    )


@plan_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@organisation_option
@click.option(
    "--as",
    "actor_email",
    metavar="EMAIL",
    help="The administrator who acts, for the audit log (default: the command line).",
)
def import_(file, organisation_id, actor_email):
    """Replace the plan with FILE's; objectives it leaves out are retired."""
    org = _organisation(organisation_id)
    actor = _admin(actor_email, org)
    try:
        data = load_yaml(file.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(f"{file}: cannot be read ({exc.strerror}).")
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        click.echo(f"{file}: not valid YAML: {exc}", err=True)
        sys.exit(1)
    try:
        objectives = plan_ops.replace_plan(actor, data, organisation=org)
    except ValidationFailed as exc:
        for path, messages in exc.errors.items():
            for message in messages:
                click.echo(f"{file}: {path}: {message}", err=True)
        sys.exit(1)
    except OperationError as exc:
        _fail(str(exc))
    active = sum(1 for o in objectives if o.active)
    click.echo(
        f"{file}: the wellbeing plan has {active} objectives in force ({len(objectives)} in all)."
    )
