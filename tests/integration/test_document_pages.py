"""Documents on the decision page: listed, downloadable, previewable, paragraph to copy."""

import pytest

from assess.extensions import db
from assess.models import Decision, Document
from assess.operations import assessments as ops
from tests.support import (
    acknowledge_high,
    login,
    to_review,
    use_language,
    user,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def approved(demo):
    with demo.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        fire = lambda who, t: ops.fire(user(who), a, t, expected_version=a.version)  # noqa: E731
        acknowledge_high(user("reviewer"), a)
        fire("reviewer", "approve")
        return {d.language: (d.id, d.reference, d.sha256) for d in db.session.query(Document)}


def test_decision_page_lists_the_documents_and_the_paragraph(client, approved):
    login(client, "secretary")
    use_language(client, "en")
    page = client.get("/decisions/1").get_data(as_text=True)
    for doc_id, reference, sha in approved.values():
        assert f'href="/documents/{doc_id}"' in page and reference in page and sha in page
    assert "Paragraph for the decision text (Finnish), ready to copy" in page
    assert "Vaikutusten ennakkoarviointi (" in page and "Arvioinnin hyväksyi Rasmus Backman" in page
    assert "Make a PDF for archiving" in page


def test_download_gives_the_stored_bytes_with_a_sensible_name(client, approved):
    login(client, "auditor")
    doc_id, reference, sha = approved["fi"]
    response = client.get(f"/documents/{doc_id}")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert response.headers["ETag"].strip('"') == sha
    assert f"{reference}_KPHA-412-2026.docx" in response.headers["Content-Disposition"]
    assert response.data[:2] == b"PK"
    assert client.get(f"/documents/{doc_id}/pdf").status_code == 404  # none made yet
    assert client.get("/documents/99999").status_code == 404


def test_draft_preview_downloads_and_refuses_an_unknown_language(client, approved):
    login(client, "preparer")
    response = client.get("/assessments/1/preview.docx?language=sv")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert "EVA-1-DRAFT-SV" in response.headers["Content-Disposition"]
    assert client.get("/assessments/1/preview.docx?language=de").status_code == 404


def test_anonymous_gets_nothing(client, approved):
    doc_id, _, _ = approved["fi"]
    assert client.get(f"/documents/{doc_id}").status_code == 302
    assert client.get("/assessments/1/preview.docx").status_code == 302


def test_one_version_number_and_both_checksums_named_on_the_page(client, approved):
    """Issue 19: the page shows the revision number, as the documents and the history do,
    never the assessment's lock counter, and says which checksum is which."""
    from assess.models import Assessment, Revision

    login(client, "secretary")
    use_language(client, "en")
    with client.application.app_context():
        a = db.session.get(Assessment, 1)
        seq = max(r.seq for r in db.session.query(Revision).filter_by(assessment_id=a.id))
        lock = a.version
        fingerprint = db.session.query(Revision).filter_by(assessment_id=a.id, seq=seq).one().sha256
    assert lock != seq  # else the test could not tell them apart
    page = client.get("/decisions/1").get_data(as_text=True)
    assert f"version {seq}" in page and f"version {lock} of the assessment" not in page
    assert f"version {lock}<" not in page and f"version {lock} " not in page
    assert "File checksum (SHA-256)" in page and "Data fingerprint" in page
    assert f"{fingerprint[:12]}…" in page
    assert "The file checksum is the SHA-256 of the file's bytes" in page
    history = client.get("/assessments/1/history").get_data(as_text=True)
    assert f"(version {seq})" in history and "(revision " not in history
    use_language(client, "fi")
    page = client.get("/decisions/1").get_data(as_text=True)
    assert f"versio {seq}" in page and "Tietojen sormenjälki" in page
