"""Sending the e-mails the steps left in the outbox (issue 20).

A step only writes an OutboxMessage; ``flask --app wsgi outbox run`` sends it here with the
standard library's smtplib (the conversation is a few lines; a mail library would add a
dependency and nothing we use). Each message is sent and marked in its own transaction:
sent, or its attempt counted with the error and a later time to try again (1, 2, 4 ...
minutes, at most OUTBOX_MAX_BACKOFF_MINUTES). A message is never deleted nor given up.
On PostgreSQL two runs at once skip each other's rows (FOR UPDATE SKIP LOCKED), so none
is sent twice by them.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import OutboxMessage
from ..models._types import utcnow
from ._tx import transaction

ERROR_MAX_CHARS = 2000


@dataclass
class RunReport:
    sent: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.failed} failed (kept, tried again later)"


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4 ... minutes, capped."""
    cap = int(current_app.config.get("OUTBOX_MAX_BACKOFF_MINUTES") or 360)
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), cap))


def pending_count() -> int:
    return (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))
        )
        or 0
    )


def _message(row: OutboxMessage) -> EmailMessage:
    cfg = current_app.config
    mail = EmailMessage()
    mail["From"] = cfg.get("MAIL_FROM") or "noreply@localhost"
    mail["To"] = row.to_address
    mail["Subject"] = row.subject
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}")
    # Tells mail servers and out-of-office replies that no person wrote it.
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(row.body)
    # After set_content, which replaces the Content-* headers.
    mail["Content-Language"] = row.language
    return mail


def _send(mail: EmailMessage) -> None:
    cfg = current_app.config
    host, port = cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT") or 25)
    timeout = float(cfg.get("MAIL_TIMEOUT_SECONDS") or 30)
    smtp: smtplib.SMTP
    if cfg.get("MAIL_USE_TLS"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if cfg.get("MAIL_USE_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(mail)


def _next_due(now: datetime) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def run_once(*, limit: int = 500) -> RunReport:
    """Send every message that is due now (at most ``limit``); report what happened."""
    report = RunReport()
    if not current_app.config.get("MAIL_SERVER"):
        return report
    started = utcnow()
    for _ in range(limit):
        with transaction():
            row = _next_due(started)
            if row is None:
                break
            try:
                _send(_message(row))
            # Any failure, the network's or a message the server refuses, only postpones
            # this one message: the rest of the queue goes on.
            except Exception as exc:  # noqa: BLE001
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]
                row.next_attempt_at = utcnow() + backoff(row.attempts)
                report.failed += 1
            else:
                row.attempts += 1
                row.sent_at = utcnow()
                row.last_error = ""
                report.sent += 1
    return report
