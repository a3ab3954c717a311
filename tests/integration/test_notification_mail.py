"""End to end: a submission's e-mail reaches a real SMTP server (issue 20).

A local SMTP sink (aiosmtpd) listens on a free loopback port; ``flask --app wsgi outbox
run --once`` delivers the review request to it, and the test reads what arrived.
"""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from assess.extensions import db
from assess.models import Decision, OutboxMessage
from assess.operations import demo_scenario
from assess.operations.demo import load_demo
from tests.conftest import fresh_app, release_app
from tests.support import user


class Sink:
    """Keeps every message the server accepts."""

    def __init__(self):
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


@pytest.fixture
def mailing_app(request, smtp_sink):
    _, port = smtp_sink
    app = fresh_app(
        request,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_TIMEOUT_SECONDS=10,
        MAIL_FROM="eva@kunta.example",
        PUBLIC_BASE_URL="https://eva.kunta.example",
    )
    with app.app_context():
        load_demo()
    yield app
    release_app(app)


def test_outbox_run_delivers_the_review_request(mailing_app, smtp_sink):
    sink, _ = smtp_sink
    with mailing_app.app_context():
        decision = db.session.scalars(
            select(Decision).where(Decision.case_number == "KPHA/388/2026")
        ).one()
        a = demo_scenario.to_review(user("preparer"), decision)
        assessment_id = a.id
    assert sink.received == []  # the step only wrote the outbox

    result = mailing_app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output

    [envelope] = sink.received
    assert envelope.rcpt_tos == ["reviewer@demo.example"]
    assert envelope.mail_from == "eva@kunta.example"
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["To"] == "reviewer@demo.example"
    # The reviewer reads Swedish: subject and body are in Swedish.
    assert message["Subject"] == (
        "Paula Peltonen ber dig granska bedömningen: KPHA/388/2026 "
        "Sosiaali- ja terveydenhuollon asiakasmaksujen tarkistaminen vuodelle 2027"
    )
    assert message["Content-Language"] == "sv"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content().replace("\r\n", "\n")  # SMTP lines end in CRLF
    assert f"Öppna: https://eva.kunta.example/assessments/{assessment_id}\n" in body
    assert body.startswith("Hej Rasmus Backman,")

    with mailing_app.app_context():
        [row] = db.session.scalars(select(OutboxMessage)).all()
        assert row.sent_at is not None and row.attempts == 1 and row.last_error == ""

    # Sent once: a second run finds nothing due.
    again = mailing_app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert "0 sent, 0 failed" in again.output
    assert len(sink.received) == 1


def test_a_mail_that_failed_is_delivered_when_the_server_is_back(request, smtp_sink):
    from datetime import timedelta

    from assess.models._types import utcnow
    from assess.operations import outbox
    from assess.operations._tx import transaction

    sink, port = smtp_sink
    dead = free_port()
    app = fresh_app(request, MAIL_SERVER="127.0.0.1", MAIL_PORT=dead, MAIL_TIMEOUT_SECONDS=5)
    try:
        with app.app_context():
            load_demo()
            decision = db.session.scalars(
                select(Decision).where(Decision.case_number == "KPHA/388/2026")
            ).one()
            demo_scenario.to_review(user("preparer"), decision)
            assert outbox.run_once().failed == 1
            [row] = db.session.scalars(select(OutboxMessage)).all()
            assert row.last_error and row.sent_at is None
            # The server is back (the sink's port) and the backoff has passed.
            app.config["MAIL_PORT"] = port
            with transaction():
                row.next_attempt_at = utcnow() - timedelta(seconds=1)
            assert outbox.run_once().sent == 1
            db.session.refresh(row)
            assert row.sent_at is not None and row.attempts == 2 and row.last_error == ""
        assert [e.rcpt_tos for e in sink.received] == [["reviewer@demo.example"]]
    finally:
        release_app(app)


def test_remind_and_outbox_commands_answer_without_mail(app):
    runner = app.test_cli_runner()
    assert "E-mail is off" in runner.invoke(args=["outbox", "run", "--once"]).output
    result = runner.invoke(args=["notifications", "remind"])
    assert result.exit_code == 0, result.output
    assert "meeting_deadline: 0, follow_up_due: 0" in result.output
