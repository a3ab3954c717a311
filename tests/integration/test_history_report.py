"""One assessment's history as a readable report (issue 21): .docx and PDF, web and API, in
the reader's language; every value in words, never an id; the download is recorded with the
report's SHA-256, which the report itself does not hold."""

import hashlib
import io
import re
import shutil
import subprocess

import pytest
from docx import Document as Docx
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Document
from assess.operations.demo_scenario import load_scenario
from assess.operations.users import issue_token
from tests.integration.test_audit import _tamper
from tests.support import login, missing, user


@pytest.fixture
def scenario(demo):
    """The demo scenario: assessment 1 approved after its whole life."""
    with demo.app_context():
        assert load_scenario()
    return demo


def _text(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(c.text for row in table.rows for c in row.cells)
    return "\n".join(parts)


def _last_access():
    return db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))


def _ids_in_answers(app) -> set[str]:
    """The answers' field ids of the assessment's events: what must never be printed."""
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "assessment",
                AuditEvent.object_id == 1,
                AuditEvent.action == "assessment.answers_saved",
            )
        ).all()
        return {
            str(c["field"]).split(".")[-1]
            for e in events
            for c in e.changes or []
            if "_" in str(c.get("field", "")).split(".")[-1]
        }


def test_the_report_opens_in_finnish_and_swedish_and_its_download_is_recorded(scenario):
    app = scenario
    client = app.test_client()
    login(client, "auditor")
    page = client.get("/assessments/1/history").get_data(as_text=True)
    assert 'href="/assessments/1/history/report.docx" download' in page
    assert 'href="/assessments/1/history/report.pdf" download' in page
    answer = client.get("/assessments/1/history/report.docx")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=history-")
    text = _text(answer.data)
    with app.app_context():
        a_case = db.session.scalar(select(Document.reference).limit(1))
        digest = db.session.scalar(select(Document.sha256).limit(1))
        last = _last_access()
        assert last.action == "access.history_report" and last.object_id == 1
        recorded = {c["field"]: c["new"] for c in last.changes}
    assert recorded["format"] == "docx" and recorded["via"] == "web"
    # The report's own SHA-256 is in the access event, not in the report.
    assert recorded["sha256"] == hashlib.sha256(answer.data).hexdigest()
    assert recorded["sha256"] not in text
    assert "Arvioinnin muutoshistoria" in text and "lokiketju" in text
    assert "ehjä" in text  # the chain's state for these events
    assert a_case in text and digest in text  # the documents' hashes
    assert "Versio 1" in text and "Ennen" in text and "Jälkeen" in text
    for field_id in _ids_in_answers(app):
        assert not re.search(rf"\b{re.escape(field_id)}\b", text), field_id
    with app.app_context():
        user("auditor").preferred_language = "sv"
        db.session.commit()
    swedish = _text(client.get("/assessments/1/history/report.docx").data)
    assert "Bedömningens ändringshistorik" in swedish and "Version 1" in swedish


def test_a_changed_event_is_named_as_broken(scenario):
    app = scenario
    with app.app_context():
        first = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.object_type == "assessment", AuditEvent.object_id == 1)
            .order_by(AuditEvent.id)
            .limit(1)
        )
        target = first.id
        _tamper("UPDATE audit_events SET actor_name = 'Mallory' WHERE id = :id", id=target)
    client = app.test_client()
    login(client, "auditor")
    text = _text(client.get("/assessments/1/history/report.docx").data)
    assert f"RIKKI: tapahtuma {target} ei enää vastaa" in text


def test_the_api_gives_the_report_and_refuses_an_unknown_format(scenario):
    app = scenario
    with app.app_context():
        token = issue_token(user("auditor"))
        before = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "access.history_report")
        )
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "sv"}
    answer = client.get("/api/v1/assessments/1/history/report", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype.endswith("wordprocessingml.document")
    assert "Bedömningens ändringshistorik" in _text(answer.data)
    wrong = client.get("/api/v1/assessments/1/history/report?format=odt", headers=headers)
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["details"][0]["path"] == "format"
    assert client.get("/api/v1/assessments/999/history/report", headers=headers).status_code == 404
    with app.app_context():
        after = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "access.history_report")
        )
        assert after == before + 1  # the refused one stored nothing
        assert {"field": "via", "old": None, "new": "api"} in _last_access().changes


def test_the_pdf_reads_back_with_the_case_number_and_labels_in_words(scenario, tmp_path):
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        missing("LibreOffice (libreoffice-writer-nogui) or pdftotext (poppler-utils) is missing")
    app = scenario
    client = app.test_client()
    login(client, "auditor")
    answer = client.get("/assessments/1/history/report.pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(answer.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    with app.app_context():
        from assess.models import Assessment

        case = db.session.get(Assessment, 1).decision.case_number
        recorded = {c["field"]: c["new"] for c in _last_access().changes}
    assert case in text and "Sivu 1 / " in text
    assert recorded["format"] == "pdf"
    assert recorded["sha256"] == hashlib.sha256(answer.data).hexdigest()
    assert "Vastaukset tallennettu" in text
    for field_id in _ids_in_answers(app):
        assert field_id not in text, field_id
