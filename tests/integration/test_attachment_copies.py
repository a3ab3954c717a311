"""The agenda's attachments (issue 19): numbered per item, the assessment document's copy
rendered with "Liite 1" and the meeting in its header when attached, the approved original
unchanged byte for byte, `documents verify` checking both."""

import hashlib
import io

import docx
from sqlalchemy import select, update

from assess.documents._docx import custom_properties
from assess.extensions import db
from assess.models import AuditEvent, Document
from assess.operations import documents as doc_ops
from assess.operations import meetings as meeting_ops
from assess.operations.agenda_documents import attachment_numbers
from tests.integration.test_meetings import add, approve, decision, meeting, to_review
from tests.support import user


def attached(case="L/1", when="2026-12-15T17:00"):
    d = decision(case)
    a = to_review(d)
    approve(a)
    originals = {
        doc.language: (doc.id, doc.sha256, bytes(doc.content))
        for doc in db.session.scalars(select(Document).where(Document.assessment_id == a.id))
    }
    m = meeting(number=12, when=when)
    add(m, d)
    meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    return a, m, originals


def header(content: bytes) -> str:
    d = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in d.sections[0].header.paragraphs)


def body_text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def test_attaching_renders_a_numbered_copy_and_leaves_the_original(ctx):
    a, m, originals = attached()
    item = m.items[0]
    listed = [a for a in attachment_numbers(item) if a["kind"] == "assessment"]
    assert {a["number"] for a in listed} == {1}
    copies = {c.language: c for c in item.documents if c.kind == "attachment"}
    # The agenda lists the copies, the files handed out.
    assert sorted(a["document"] for a in listed) == sorted(c.id for c in copies.values())
    languages = sorted(originals)
    for language in languages:
        original = db.session.get(Document, originals[language][0])
        # The approved original: the same row, the same bytes, the same checksum.
        assert bytes(original.content) == originals[language][2]
        assert original.sha256 == originals[language][1] and original.kind == "assessment"
        copy = copies[language]
        assert copy.kind == "attachment" and copy.revision_id == original.revision_id
        assert copy.reference == original.reference and copy.sha256 != original.sha256
        assert copy.sha256 == hashlib.sha256(copy.content).hexdigest()
        # The meeting's date in Helsinki: 15.12.2026 whatever the server's zone.
        expected = {
            "fi": "Liite 1 · Aluehallitus 12/2026, 15.12.2026",
            "sv": "Bilaga 1 · Välfärdsområdesstyrelsen 12/2026, 15.12.2026",
        }[language]
        body = item.meeting.body
        expected = expected.replace("Aluehallitus", body.name_fi).replace(
            "Välfärdsområdesstyrelsen", body.name_sv
        )
        assert header(copy.content) == expected
        assert header(original.content) == ""
        text = body_text(copy.content)
        # One version number: the revision's, in the heading; no 64-digit checksum printed.
        assert {"fi": "Versio: ", "sv": "Version: "}[language] + str(original.revision.seq) in text
        footer = "\n".join(
            p.text for p in docx.Document(io.BytesIO(copy.content)).sections[0].footer.paragraphs
        )
        assert original.revision.sha256[:12] in footer
        assert original.revision.sha256 not in footer + text
        assert {"fi": "Kokous: ", "sv": "Sammanträde: "}[language] in text
        assert {"fi": "Liite: Liite 1", "sv": "Bilaga: Bilaga 1"}[language] in text
        # Neither shows a meeting "not known": the original names none at all.
        assert "Kokous" not in body_text(original.content)
        # The file's name has no word of one language: both agendas list both files.
        assert copy.filename == original.filename
        # The same data, so the same fingerprint, in the properties of both.
        fingerprint = original.revision.sha256
        assert custom_properties(copy.content)["revision_sha256"] == fingerprint
        assert custom_properties(original.content)["revision_sha256"] == fingerprint
    # Audited with the attachment, the copies among the documents.
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "meeting.documents_attached")
    ).all()[-1]
    kinds = sorted(x["kind"] for x in event.changes[0]["new"])
    assert kinds == sorted(["assessment"] * len(languages) + ["attachment"] * len(languages))
    # The decision page's paragraph now names the attachment number.
    paragraphs = doc_ops.paragraphs(doc_ops.documents_of(a.decision))
    assert paragraphs["fi"].endswith("(liite 1).")


def test_attaching_again_makes_no_second_copy_and_the_gate_still_opens(ctx):
    a, m, _ = attached()
    count = db.session.query(Document).count()
    assert meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version) == 0
    assert db.session.query(Document).count() == count
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    assert m.state == "published"


def test_hearing_statements_follow_the_assessment_in_the_numbering(ctx):
    _, m, _ = attached()
    item = m.items[0]
    hearings = item.documents[0].revision.content.data.hearings
    statements = len([h for h in hearings if h.attachment])
    numbers = [a["number"] for a in attachment_numbers(item)]
    assert numbers == [1] * len(languages_of(item)) + list(range(2, 2 + statements))


def languages_of(item):
    return {d.language for d in item.documents}


def test_removing_the_item_discards_its_never_published_copies(ctx):
    _, m, originals = attached()
    item = m.items[0]
    meeting_ops.remove_item(user("secretary"), m, item.id, expected_version=m.version)
    kinds = {d.kind for d in db.session.scalars(select(Document))}
    assert kinds == {"assessment"}
    assert {d.id for d in db.session.scalars(select(Document))} == {
        v[0] for v in originals.values()
    }


def test_verify_checks_originals_and_copies_and_names_the_checksums(ctx, app):
    _, m, _ = attached()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["documents", "verify"])
    assert ok.exit_code == 0, ok.output
    total = db.session.query(Document).count()
    assert f"All {total} documents verified." in ok.output
    assert "file checksum (SHA-256 of the stored file's bytes" in ok.output
    assert "data fingerprint (SHA-256 of the revision's data" in ok.output
    copy = db.session.scalar(select(Document).where(Document.kind == "attachment"))
    # A copy whose bytes and checksum were both rewritten is caught by re-rendering it.
    changed = bytearray(copy.content)
    changed[len(changed) // 2] ^= 0x01
    db.session.execute(
        update(Document)
        .where(Document.id == copy.id)
        .values(content=bytes(changed), sha256=hashlib.sha256(bytes(changed)).hexdigest())
    )
    db.session.commit()
    _, problems = doc_ops.verify()
    assert [(p.document, p.problem) for p in problems] == [
        (copy.id, "a new rendering of its revision gives other bytes")
    ]
    bad = runner.invoke(args=["documents", "verify"])
    assert bad.exit_code == 1 and f"MISMATCH document {copy.id}" in bad.output
