"""``flask --app wsgi notifications remind`` and ``flask --app wsgi outbox run`` (issue 20).

Both are meant for a scheduler (docs/ux.md, "Notifications"): the reminders once an hour or
a day, the outbox every minute (``--once``) or as a long-running service (without it).
"""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="The in-app and e-mail notifications.")
outbox_cli = AppGroup("outbox", help="E-mails waiting to be sent.")


@notifications_cli.command("remind")
def remind_command():
    """Write the reminders due today (a meeting near with items not ready, a follow-up
    due), each person once however often this runs."""
    from ..operations import reminders

    report = reminders.remind()
    click.echo(f"Reminders written: {report}.")


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Send what is due now and exit (for cron).")
def outbox_run(once: bool):
    """Send the e-mails waiting in the outbox; a failed one is kept and tried again later
    (1, 2, 4 ... minutes apart). Without --once, keep running and look every
    OUTBOX_POLL_SECONDS."""
    from ..operations import outbox

    if not current_app.config.get("MAIL_SERVER"):
        click.echo("E-mail is off (MAIL_SERVER is not set): nothing to send.")
        return
    while True:
        report = outbox.run_once()
        if once or report.sent or report.failed:
            click.echo(f"Outbox: {report}; {outbox.pending_count()} waiting.")
        if once:
            return
        time.sleep(int(current_app.config.get("OUTBOX_POLL_SECONDS") or 30))


COMMANDS = (notifications_cli, outbox_cli)
