"""``flask --app wsgi policy ...``: the assessment policy as a file (docs/policy.md).

The commands act as the command line's system actor in the audit log, like the other
commands here, unless ``--as EMAIL`` names the admin who acts (then that person must be an
administrator of the organisation).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
import yaml
from flask.cli import AppGroup

from ..definitions import load_yaml
from ..input_shape import MAX_ID
from ..operations import NotFound, OperationError
from ..operations import policies as policy_ops
from ..operations.policy_document import policy_document
from .common import admin as _admin
from .common import fail as _fail
from .common import organisation as _organisation

policy_cli = AppGroup("policy", help="The organisation's assessment policy (docs/policy.md).")

ROW_ID = click.IntRange(1, MAX_ID)
organisation_option = click.option(
    "--organisation",
    "organisation_id",
    type=ROW_ID,
    help="Organisation id (default: the only one).",
)
actor_option = click.option(
    "--as",
    "actor_email",
    metavar="EMAIL",
    help="The administrator who acts, for the audit log (default: the command line).",
)
policy_file = click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
)


@policy_cli.command("export")
@click.option("--draft", is_flag=True, help="The draft instead of the version in force.")
@click.option("--version", "number", type=ROW_ID, help="This version (see `policy versions`).")
@organisation_option
def export(draft, number, organisation_id):
    """Print the policy in force (or the draft, or a version) as YAML; the built-in default
    if none is in force."""
    if draft and number is not None:
        _fail("choose --draft or --version, not both.")
    org = _organisation(organisation_id)
    try:
        click.echo(policy_ops.export_policy(org, draft=draft, version=number), nl=False)
    except NotFound as exc:
        _fail(str(exc))


@policy_cli.command("check")
@policy_file
@organisation_option
def check(file, organisation_id):
    """Check FILE against the organisation's types, bodies and workflows; store nothing."""
    org = _organisation(organisation_id)
    data = _read(file)
    policy, problems = policy_ops.check_data(org, data, source=str(file))
    if problems or policy is None:
        _problems(file, problems)
    click.echo(f"{file}: a valid policy ({len(policy.rules)} rules).")


@policy_cli.command("import")
@policy_file
@click.option("--publish", is_flag=True, help="Publish it too (from --starts-on, default today).")
@click.option(
    "--starts-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the published version starts to apply (YYYY-MM-DD; default today).",
)
@organisation_option
@actor_option
def import_(file, publish, starts_on, organisation_id, actor_email):
    """Save FILE as the draft (creating the decision types it defines); --publish it.

    Exits 0 when the file is valid; with an invalid one, exits 1 naming every problem as
    FILE: path: message, and stores nothing.
    """
    if starts_on is not None and not publish:
        _fail("--starts-on is the start of a published version: add --publish.")
    org = _organisation(organisation_id)
    actor = _admin(actor_email, org)
    text = _text(file)
    try:
        version, problems = policy_ops.import_policy(
            actor,
            text,
            source=str(file),
            publish=publish,
            starts_on=starts_on.date() if starts_on else None,
            organisation=org,
        )
    except OperationError as exc:
        _fail(str(exc))
    if problems or version is None:
        _problems(file, problems)
    if version.is_published:
        click.echo(
            f"Published policy version {version.version}, in force from "
            f"{version.starts_on.isoformat() if version.starts_on else '?'}."
        )
    else:
        click.echo(
            f"Saved {file} as the draft, version {version.version}. Publish it with --publish."
        )


@policy_cli.command("versions")
@organisation_option
def versions(organisation_id):
    """List the versions of the policy, the newest first."""
    org = _organisation(organisation_id)
    in_force = policy_ops.policy_in_force(org)
    found = policy_ops.versions(org)
    if not found:
        click.echo("No policy yet: the built-in default applies.")
    for v in found:
        mark = " (in force)" if in_force is not None and v.id == in_force.id else ""
        if v.is_published:
            by = v.published_by.email if v.published_by else "command line"
            click.echo(
                f"{v.version}\tpublished\tfrom {v.starts_on.isoformat() if v.starts_on else '?'}"
                f"\tpublished {v.published_at:%Y-%m-%d %H:%M} UTC by {by}{mark}"
            )
        else:
            click.echo(f"{v.version}\tdraft")


@policy_cli.command("document")
@click.option("--draft", is_flag=True, help="The draft instead of the version in force.")
@click.option("--version", "number", type=ROW_ID, help="A version by its number.")
@click.option(
    "--language",
    type=click.Choice(["fi", "sv", "en"]),
    required=True,
    help="The document's language.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The .docx file to write.",
)
@organisation_option
def document(draft, number, language, output, organisation_id):
    """Write the policy printed for the board (.docx): the version in force, --draft or
    --version N (issue 17; assess/documents/policy.py)."""
    if draft and number is not None:
        _fail("choose either --draft or --version N, not both.")
    org = _organisation(organisation_id)
    try:
        printed = policy_document(None, org, language, version=number, draft=draft)
    except OperationError as exc:
        _fail(str(exc))
    output.write_bytes(printed.content)
    v = printed.version
    what = "the draft" if v.status == "draft" else f"version {v.version}"
    click.echo(f"Wrote {output}: {what} of the policy, {language}, {len(printed.content)} bytes.")


def _read(file: Path) -> object:
    try:
        return load_yaml(_text(file))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(top level)"
        click.echo(f"{file}: {where}: not valid YAML: {getattr(exc, 'problem', exc)}", err=True)
        sys.exit(1)


def _text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        _fail(f"{file} is not UTF-8 text.")


def _problems(file: Path, problems) -> NoReturn:
    """Every problem as FILE: path: message, then how many; exit 1."""
    for problem in problems:
        click.echo(str(problem), err=True)
    n = len(problems)
    click.echo(f"{file}: {n} problem{'s' if n != 1 else ''}; nothing was stored.", err=True)
    sys.exit(1)
