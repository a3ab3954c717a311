"""The integrity page (issue 21): an auditor sees the chain intact and the documents
matching; a changed event or a changed document's byte is shown as altered, with where;
the report downloads and its download is recorded; a preparer is refused."""

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Document
from assess.operations.demo_scenario import load_scenario
from tests.integration.test_audit import _tamper
from tests.support import login, post, use_language


@pytest.fixture
def scenario(demo):
    with demo.app_context():
        assert load_scenario()
    return demo


def _page(app, role="auditor"):
    client = app.test_client()
    login(client, role)
    use_language(client, "en")
    return client, client.get("/audit")


def test_an_intact_chain_and_documents_say_nothing_was_altered(scenario):
    client, page = _page(scenario)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Nothing was altered." in html and "Something was altered." not in html
    with scenario.app_context():
        documents = db.session.scalar(select(func.count()).select_from(Document))
    assert documents > 0 and f'<dd class="col-sm-7">{documents}</dd>' in html


def test_a_changed_event_is_shown_with_where(scenario):
    with scenario.app_context():
        target = db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "assessment.transition").limit(1)
        )
        _tamper("UPDATE audit_events SET actor_name = 'Someone else' WHERE id = :id", id=target)
    _, page = _page(scenario)
    html = page.get_data(as_text=True)
    assert "Something was altered." in html and "Broken" in html
    assert f"first broken event {target}" in html


def test_a_changed_document_byte_is_shown(scenario):
    with scenario.app_context():
        doc = db.session.scalar(select(Document).order_by(Document.id).limit(1))
        reference = doc.reference
        doc.content = doc.content[:-1] + bytes([doc.content[-1] ^ 1])
        db.session.commit()
    _, page = _page(scenario)
    html = page.get_data(as_text=True)
    assert "Something was altered." in html and f"{reference}: the document" in html


def test_the_report_downloads_and_is_recorded(scenario):
    client, _ = _page(scenario)
    with scenario.app_context():
        before = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "access.verification_report")
        )
    answer = client.get("/audit/report.txt")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    assert "Intact: yes" in text and "Mismatches: 0" in text
    with scenario.app_context():
        last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert last.action == "access.verification_report"
        assert last.actor_name == "Aino Auvinen"
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "access.verification_report")
            )
            == before + 1
        )


def test_a_preparer_is_refused(scenario):
    _, page = _page(scenario, "preparer")
    assert page.status_code == 403


def _runs(app):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "audit_log")
            .order_by(AuditEvent.id)
        ).all()


def test_the_page_reads_on_from_the_last_recorded_walk(scenario):
    """The first visit walks every event and records it; the next reads only the events
    written since, and says so."""
    _, first = _page(scenario)
    assert "Every event from the first:" in first.get_data(as_text=True)
    assert _runs(scenario) == ["access.audit_verified"]
    with scenario.app_context():
        walked_to = db.session.scalar(select(func.max(AuditEvent.id))) - 1
    _, second = _page(scenario)
    html = second.get_data(as_text=True)
    assert "Nothing was altered." in html
    assert f"Checked up to event {walked_to} at" in html
    # Since then: the first visit's own record (the login writes nothing).
    assert "; 1 new event checked now." in html  # one, not "1 new events"
    assert "None recorded yet" in html and "flask --app wsgi audit verify" in html


def test_an_old_change_is_found_by_the_walk_from_the_first_event(scenario):
    """What the page does not read again, the operator's walk finds; the page then shows
    the break too."""
    _page(scenario)
    with scenario.app_context():
        old = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id).limit(1).offset(5))
        _tamper("UPDATE audit_events SET actor_name = 'Someone else' WHERE id = :id", id=old)
    _, page = _page(scenario)
    assert "Nothing was altered." in page.get_data(as_text=True)  # read on from the walk
    out = scenario.test_cli_runner().invoke(args=["audit", "verify", "--workers", "1"])
    assert out.exit_code == 1 and f"BROKEN at event {old}" in out.output
    assert _runs(scenario)[-1] == "audit.verified"
    _, page = _page(scenario)
    html = page.get_data(as_text=True)
    assert "Something was altered." in html and f"first broken event {old}" in html
    assert "Every event from the first:" in html


def test_the_operators_walk_is_recorded_and_the_page_reads_on_from_it(scenario):
    out = scenario.test_cli_runner().invoke(args=["audit", "verify", "--workers", "1"])
    assert out.exit_code == 0
    with scenario.app_context():
        run = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert run.action == "audit.verified" and run.actor_type == "system"
        details = {c["field"]: c["new"] for c in run.changes}
        assert details["intact"] is True and details["from_first_event"] is True
        assert details["last_event_id"] == run.id - 1
    _, page = _page(scenario)
    html = page.get_data(as_text=True)
    assert f"Checked up to event {run.id - 1} at" in html and "; 1 new event checked now." in html
    assert f"{details['events']} events:" in html


def test_a_walk_from_the_first_event_is_asked_for_and_run_outside_the_request(scenario):
    _, page = _page(scenario)
    assert "An admin can ask here" in page.get_data(as_text=True)  # the auditor
    client, page = _page(scenario, "admin")
    assert "Ask for a walk from the first event" in page.get_data(as_text=True)
    cli = scenario.test_cli_runner()
    idle = cli.invoke(args=["audit", "verify", "--if-asked", "--workers", "1"])
    assert idle.exit_code == 0 and "No walk asked for" in idle.output
    assert _runs(scenario)[-1] == "access.audit_verified"
    asked = post(client, "/audit/full-walk", follow_redirects=True)
    html = asked.get_data(as_text=True)
    assert "Asked for." in html and "audit verify --if-asked" in html
    assert "was asked for at" in html
    assert "audit.full_walk_requested" in _runs(scenario)
    ran = cli.invoke(args=["audit", "verify", "--if-asked", "--workers", "1"])
    assert ran.exit_code == 0 and "Audit log intact" in ran.output
    assert _runs(scenario)[-1] == "audit.verified"
    html = client.get("/audit").get_data(as_text=True)
    assert "was asked for at" not in html and "Ask for a walk from the first event" in html


def test_only_admins_ask_for_a_walk(scenario):
    for role in ("preparer", "auditor"):
        client = scenario.test_client()
        login(client, role)
        assert post(client, "/audit/full-walk").status_code == 403
    assert "audit.full_walk_requested" not in _runs(scenario)
