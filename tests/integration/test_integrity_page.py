"""The integrity page (issue 21): an auditor sees the chain intact and the documents
matching; a changed event or a changed document's byte is shown as altered, with where;
the report downloads and its download is recorded; a preparer is refused."""

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Document
from assess.operations.demo_scenario import load_scenario
from tests.integration.test_audit import _tamper
from tests.support import login, use_language


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
