"""``flask --app wsgi decisions import FILE``: the organisation's decisions from the
case-management system (issue 22; the format: docs/reports.md, "Importing decisions").

Every problem in the file is named by its line and column, and nothing is stored while
there is any (exit 1); ``--dry-run`` says what the import would do and stores nothing.
"""

from __future__ import annotations

import re
import sys

import click
from flask.cli import AppGroup

from ..input_shape import MAX_ID
from ..operations import OperationError, ValidationFailed
from ..operations import decision_import as ops
from .common import admin as _admin
from .common import fail as _fail
from .common import organisation as _organisation

decisions_cli = AppGroup("decisions", help="The organisation's decisions.")
COMMANDS = (decisions_cli,)
SHOWN = 10  # case numbers listed of each kind; the rest are counted

_ITEM = re.compile(r"^items\.(\d+)(?:\.(.+))?$")


@decisions_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Say what would change; store nothing.")
@click.option(
    "--organisation",
    "organisation_id",
    type=click.IntRange(1, MAX_ID),
    help="Organisation id (default: the only one).",
)
@click.option(
    "--as",
    "actor_email",
    metavar="EMAIL",
    required=True,
    help="The administrator who imports: the audit log names them, and the imported "
    "decisions have them as their preparer of record.",
)
def import_command(file, dry_run, organisation_id, actor_email):
    """Create or update a decision for each row of FILE (CSV, UTF-8, ; or , between fields):
    case_number;title;body;decision_type;meeting_date;outcome;language, optionally
    amount_eur and proposal. A decision is found by its case number."""
    org = _organisation(organisation_id)
    actor = _admin(actor_email, org)
    content = file.read()
    try:
        parsed = ops.read_csv(content)
        done = ops.import_decisions(actor, parsed.items, dry_run=dry_run, via="csv")
    except ValidationFailed as exc:
        lines = parsed.lines if "parsed" in locals() else []
        for where, messages in exc.errors.items():
            for message in messages:
                click.echo(f"Error: {_where(where, lines)}: {message}", err=True)
        click.echo("Nothing was stored.", err=True)
        sys.exit(1)
    except OperationError as exc:
        _fail(str(exc))
    counts = done.counts()
    if dry_run:
        click.echo(
            f"Dry run, nothing stored. {len(parsed.items)} rows: would create "
            f"{counts['created']}, update {counts['updated']}, leave {counts['unchanged']} "
            "as they are."
        )
    else:
        click.echo(
            f"Imported {len(parsed.items)} rows: {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged."
        )
    for label, numbers in (("created", done.created), ("updated", done.updated)):
        if numbers:
            click.echo(f"  {label}: {_few(numbers)}")
    if done.kept:
        click.echo(
            f"  {len(done.kept)} decisions entered or assessed in the product differ in the "
            f"file in their title, body, type, amount or proposal; those were kept as they "
            f"are here (only the meeting date and outcome are taken): {_few(done.kept)}"
        )


def _where(path: str, lines: list[int]) -> str:
    """``items.3.meeting_date`` as the person sees the file: line and column."""
    found = _ITEM.match(path)
    if found is None:
        return path
    index, column = int(found.group(1)), found.group(2)
    line = lines[index] if index < len(lines) else index + 2
    return f"line {line}, column {column}" if column else f"line {line}"


def _few(numbers: list[str]) -> str:
    shown = ", ".join(numbers[:SHOWN])
    return shown + (f" and {len(numbers) - SHOWN} more" if len(numbers) > SHOWN else "")
