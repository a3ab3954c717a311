"""``flask --app wsgi ...`` commands for admins and scripts."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..input_shape import MAX_ID
from ..models import ROLES, Organisation
from ..operations import NotFound, ValidationFailed
from ..operations import demo as demo_ops
from ..operations import users as user_ops
from .archive import archive_command
from .common import fail as _fail
from .common import organisation as _organisation
from .decisions import COMMANDS as DECISION_COMMANDS
from .installation import USER_COMMANDS, org_cli
from .notifications import COMMANDS as NOTIFICATION_COMMANDS
from .organisation_data import COMMANDS as ORGANISATION_DATA_COMMANDS
from .plan import plan_cli
from .policy import policy_cli
from .privacy import privacy_cli
from .sign_in import link_identity, password_sign_in

users_cli = AppGroup("users", help="Manage people and their API tokens.")
for _command in USER_COMMANDS:
    users_cli.add_command(_command)
org_cli.add_command(password_sign_in)
users_cli.add_command(link_identity)
demo_cli = AppGroup("demo", help="Demo data.")
definitions_cli = AppGroup("definitions", help="Workflow and questionnaire definitions.")
audit_cli = AppGroup("audit", help="The tamper-evident audit log.")
forms_cli = AppGroup("forms", help="Questionnaire versions.")
documents_cli = AppGroup("documents", help="Assessment documents: verify, PDF, archive.")
documents_cli.add_command(archive_command)

# An id the database can hold (PostgreSQL's 32-bit keys): a larger one is refused by click,
# saying the range, instead of the database failing on it (issue 15, item 7).
ROW_ID = click.IntRange(1, MAX_ID)


@forms_cli.command("migrate")
@click.argument("key")
@click.option("--from", "from_version", type=int, required=True, help="The version to leave.")
@click.option("--to", "to_version", type=int, required=True, help="The version to move to.")
@click.option("--dry-run", is_flag=True, help="Only report what would change.")
def forms_migrate(key, from_version, to_version, dry_run):
    """Move open assessments from one version of form KEY to another (audited)."""
    from ..operations.answers import migrate_form

    try:
        report = migrate_form(key, from_version, to_version, dry_run=dry_run)
    except LookupError as exc:
        _fail(str(exc))
    verb = "would change" if dry_run else "changed"
    for assessment_id, changes in report:
        click.echo(f"assessment {assessment_id} {verb}:")
        for c in changes:
            click.echo(f"  {c['field']}: {c['old']!r} -> {c['new']!r}")
    click.echo(
        f"{len(report)} assessments {'would be ' if dry_run else ''}migrated "
        f"from {key}@{from_version} to {key}@{to_version}."
    )


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help=f"A role; repeat for several. One of: {', '.join(ROLES)}.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--organisation",
    "organisation_id",
    type=ROW_ID,
    help="Organisation id (default: the only one).",
)
@click.option("--language", type=click.Choice(["fi", "sv", "en"]), help="Preferred UI language.")
def create_user(email, name, roles, password_stdin, organisation_id, language):
    """Create a user EMAIL with the given roles."""
    if not password_stdin:
        _fail(
            "give the password on standard input with --password-stdin (never on the command line)."
        )
    password = sys.stdin.readline().rstrip("\r\n")
    org = _organisation(organisation_id)
    try:
        user = user_ops.create_user(
            organisation=org,
            email=email,
            name=name,
            roles=list(roles),
            password=password,
            preferred_language=language,
        )
    except ValidationFailed as exc:
        _fail(str(exc))
    click.echo(f"Created user {user.email} ({', '.join(user.roles)}) in {org.name_fi}.")


@users_cli.command("purge-attempts")
def purge_attempts():
    """Delete the log-in attempts no throttling rule reads any more.

    Each log-in already does this as it is recorded; the command is for an installation
    that has had no log-in for a while (or a cron job that wants to be sure).
    """
    removed = user_ops.purge_login_attempts()
    click.echo(f"Removed {removed} old log-in attempt(s).")


@users_cli.command("token")
@click.argument("email")
@click.option(
    "--expires-in-days",
    type=int,
    help=f"Days until the API refuses the token (1 to {user_ops.TOKEN_MAX_DAYS}); "
    "default: valid until revoked.",
)
def token(email, expires_in_days):
    """Print a new API token for EMAIL (shown once; only its hash is stored)."""
    try:
        user = user_ops.user_by_email(email)
        click.echo(user_ops.issue_token(user, expires_in_days=expires_in_days))
    except (NotFound, ValidationFailed) as exc:
        _fail(str(exc))


@users_cli.command("review-bodies")
@click.argument("email")
@click.argument("keys", nargs=-1)
def review_bodies(email, keys):
    """Link EMAIL to the bodies (KEYS) whose decisions they review, where the policy narrows
    the review to a body; no KEYS: to none (docs/policy.md)."""
    from ..operations.reviewer_bodies import set_review_bodies

    try:
        now = set_review_bodies(None, user_ops.user_by_email(email), keys)
    except (NotFound, ValidationFailed) as exc:
        _fail(str(exc))
    click.echo(f"{email} reviews for: {', '.join(now) or '(no body)'}")


@demo_cli.command("load")
def demo_load():
    """Load the demo organisation, users and decisions (idempotent)."""
    _load_demo()


def _load_demo() -> None:
    from ..operations.demo_plan import load_demo_plan
    from ..operations.demo_policy import load_demo_policy

    added = demo_ops.load_demo()
    added.update(load_demo_policy())
    added.update(load_demo_plan())
    click.echo("Demo data: " + ", ".join(f"{v} {k} added" for k, v in added.items()))


@demo_cli.command("scenario")
def demo_scenario():
    """Add assessments and a meeting to the demo (once; needs `demo load` first)."""
    _load_scenario()


def _load_scenario() -> None:
    from ..operations.demo_scenario import load_scenario

    if load_scenario():
        click.echo("Demo scenario: an approved assessment, one in review, meeting 12 planned.")
    else:
        click.echo("Demo scenario not added: there are assessments already, or no demo data.")


@demo_cli.command("load-if-empty")
def demo_load_if_empty():
    """Load the demo data and scenario only into an empty database (used by `make run`)."""
    if db.session.scalar(select(Organisation.id).limit(1)) is None:
        _load_demo()
        _load_scenario()
    else:
        click.echo("Database has data; demo data not loaded.")


@definitions_cli.command("check")
@click.option("--workflows", "workflows_dir", type=click.Path(file_okay=False), help="Directory.")
@click.option("--forms", "forms_dir", type=click.Path(file_okay=False), help="Directory.")
def definitions_check(workflows_dir, forms_dir):
    """Validate every workflow and form definition; exit 1 naming each problem."""
    from pathlib import Path

    from flask import current_app

    from ..definitions import DefinitionError
    from ..questionnaire import load_forms
    from ..workflow import load_workflows

    failed = False
    lines = []
    try:
        for engine in load_workflows(Path(workflows_dir or current_app.config["WORKFLOWS_DIR"])):
            d = engine.definition
            lines.append(
                f"ok: workflow {d.key} version {d.version} ({len(d.states)} states, "
                f"{len(d.transitions)} transitions)"
            )
    except DefinitionError as exc:
        failed = True
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
    try:
        for f in load_forms(Path(forms_dir or current_app.config["FORMS_DIR"])):
            lines.append(
                f"ok: form {f.key} version {f.version} ({len(f.groups)} groups, "
                f"{len(f.dimensions)} dimensions, {len(f.sections)} sections)"
            )
    except DefinitionError as exc:
        failed = True
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
    for line in lines:
        click.echo(line)
    if failed:
        sys.exit(1)


@audit_cli.command("verify")
@click.option(
    "--checkpoints",
    "checkpoint_file",
    type=click.Path(dir_okay=False),
    help="A file of exported checkpoints (AUDIT_CHECKPOINT_FILE, or syslog lines) to check too.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="Processes that walk ranges of the chain side by side (1: one walk in this process).",
)
@click.option(
    "--if-asked",
    is_flag=True,
    help="Walk only if someone asked for it on the integrity page since the last walk "
    "(for a job run every few minutes); otherwise say so and exit 0.",
)
def audit_verify(checkpoint_file, workers, if_asked):
    """Walk the audit chain from its first event and hold it against the signed checkpoints:
    exit 0 saying how far the checkpoints anchor it, or 1 naming what was changed, cut or
    forged. The walk is recorded (audit.verified); the integrity page reads on from it."""
    from ..operations import audit_log

    if if_asked and audit_log.full_walk_asked() is None:
        click.echo("No walk asked for since the last walk from the first event.")
        return
    try:
        result = audit_log.verify(checkpoint_file, workers=workers, record_run=True)
    except ValidationFailed as exc:
        _fail(str(exc))
    for warning in result.warnings:
        click.echo(f"WARNING: {warning}.", err=True)
    if not result.intact:
        where = f" at event {result.first_broken}" if result.first_broken else ""
        click.echo(
            f"Audit log BROKEN{where}: {result.problem}. "
            f"{result.events} events before it verified.",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Audit log intact: {result.events} events verified.")
    cp = result.checkpoint
    if cp is None:
        click.echo("NOT ANCHORED: no checkpoint covers any of them.")
    else:
        click.echo(
            f"Intact up to {cp.describe()}, checked against {result.checkpoints_checked} "
            f"checkpoints; {result.after_checkpoint} events after it."
        )


@audit_cli.command("checkpoint")
def audit_checkpoint():
    """Sign the head of the audit chain now, store it and export it (AUDIT_CHECKPOINT_FILE,
    AUDIT_CHECKPOINT_SYSLOG)."""
    from ..operations import Conflict, audit_log

    try:
        cp = audit_log.checkpoint()
    except Conflict as exc:
        _fail(str(exc))
    click.echo(f"Recorded {cp.describe()}, signed with key id {cp.key_id}.")


@documents_cli.command("verify")
def documents_verify():
    """Check every stored document (approved originals and agenda attachment copies): its
    file checksum and its PDF/A's, its revision's data fingerprint, and a re-rendering of
    its revision; exit 1 naming each mismatch; name the documents still without a PDF/A."""
    from ..operations import archive
    from ..operations import documents as doc_ops

    checked, problems = doc_ops.verify()
    for p in problems:
        click.echo(f"MISMATCH document {p.document} ({p.reference}): {p.problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} of {checked} documents do not verify.", err=True)
        click.echo(doc_ops.CHECKSUMS_EXPLAINED, err=True)
        sys.exit(1)
    click.echo(f"All {checked} documents verified.")
    # A PDF/A not made yet is no corruption: the converter was down at approval.
    for doc in doc_ops.pdf_missing():
        click.echo(
            f"PDF/A MISSING {archive.describe(doc)}: make it with "
            "`flask --app wsgi documents archive`."
        )
    click.echo(doc_ops.CHECKSUMS_EXPLAINED)


@documents_cli.command("pdf")
@click.argument("document_id", type=ROW_ID)
def documents_pdf(document_id: int):
    """Convert a stored document to PDF with LibreOffice and store it beside the .docx."""
    from ..models import Document
    from ..operations import OperationError
    from ..operations import documents as doc_ops

    doc = db.session.get(Document, document_id)
    if doc is None:
        click.echo(f"error: no document with id {document_id}.", err=True)
        sys.exit(1)
    try:
        doc = doc_ops.to_pdf(None, doc)
    except OperationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    assert doc.pdf is not None  # to_pdf keeps the PDF or raises
    click.echo(f"PDF of {doc.reference}: {len(doc.pdf)} bytes, SHA-256 {doc.pdf_sha256}")


@click.command("grant-runtime")
@click.argument("role")
@click.option("--print", "print_only", is_flag=True, help="Only print the SQL; run nothing.")
def db_grant_runtime(role, print_only):
    """PostgreSQL: give ROLE the application's runtime rights (INSERT and SELECT only on the
    audit tables), connected as the owner (MIGRATION_DATABASE_URL, else DATABASE_URL)."""
    from flask import current_app

    from ..operations import OperationError, db_roles

    cfg = current_app.config
    url = cfg.get("MIGRATION_DATABASE_URI") or cfg["SQLALCHEMY_DATABASE_URI"]
    try:
        statements = db_roles.grant_runtime(url, role, dry_run=print_only)
    except OperationError as exc:
        _fail(str(exc))
    if print_only:
        for statement in statements:
            click.echo(statement + ";")
    else:
        click.echo(f"Granted the runtime rights to {role} ({len(statements)} statements).")


def init_app(app: Flask) -> None:
    db_group = app.cli.commands.get("db")  # Flask-Migrate's, added by migrate.init_app
    if isinstance(db_group, click.Group):
        db_group.add_command(db_grant_runtime)
    for group in (users_cli, demo_cli, definitions_cli, audit_cli, forms_cli, documents_cli):
        app.cli.add_command(group)
    app.cli.add_command(policy_cli)
    app.cli.add_command(org_cli)
    app.cli.add_command(plan_cli)
    app.cli.add_command(privacy_cli)
    for group in ORGANISATION_DATA_COMMANDS + NOTIFICATION_COMMANDS + DECISION_COMMANDS:
        app.cli.add_command(group)
