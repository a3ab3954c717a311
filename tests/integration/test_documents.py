"""The assessment document: generated at approval, read back with python-docx, reproducible,
verifiable, previewable as a draft, convertible to PDF."""

import hashlib
import io
import shutil
import subprocess

import docx
import pytest
from docx.oxml.ns import qn
from sqlalchemy import select, update

from assess import documents
from assess.documents._docx import custom_properties
from assess.documents.texts import date_text
from assess.extensions import db
from assess.models import Decision, Document
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations import documents as doc_ops
from tests.support import (
    acknowledge_high,
    missing,
    prepared,
    user,
)

DIMENSIONS = [
    "health",
    "wellbeing",
    "access_to_services",
    "participation",
    "livelihood",
    "language_rights",
    "safety",
    "equality",
]


def step(who, a, trigger, comment=""):
    return ops.fire(user(who), a, trigger, comment=comment, expected_version=a.version)


def approved_full(decision_id=1):
    """A realistic full assessment over every group and eight dimensions, approved."""
    a = prepared(user("preparer"), db.session.get(Decision, decision_id), level="full")
    form = answer_ops.form_for(a)
    groups = [g.id for g in form.groups]
    answer_ops.save_section(
        user("preparer"),
        a,
        "scoping",
        {
            "answers": {
                "groups_in_scope": groups,
                "dimensions_in_scope": DIMENSIONS,
                "time_horizons": ["budget_year"],
            }
        },
        expected_version=a.version,
    )
    for i, (alt, group) in enumerate((alt, g) for alt in ("ve0", "ve1") for g in groups):
        answer_ops.save_cell(
            user("preparer"),
            a,
            {
                "alternative": alt,
                "group": group,
                "dimension": DIMENSIONS[i % len(DIMENSIONS)],
                "direction": ["positive", "neutral", "unknown"][i % 3],
                "magnitude": None if i % 3 == 1 else "small",
                "likelihood": "likely",
                "rationale": f"Reason {i}.",
                "evidence": "Statistics 2025",
            },
            expected_version=a.version,
        )
    step("preparer", a, "submit")
    acknowledge_high(user("reviewer"), a, comment="Weighed against the staff shortage.")
    step("reviewer", a, "approve")
    return a


def read(content: bytes):
    return docx.Document(io.BytesIO(content))


def all_text(d) -> str:
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def headings(d):
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in d.paragraphs
        if p.style.name.startswith("Heading")
    ]


@pytest.fixture
def approved(ctx):
    return approved_full()


@pytest.mark.parametrize("language, other", [("fi", "sv"), ("sv", "fi")])
def test_the_document_reads_back_in_each_language(approved, language, other):
    doc_row = db.session.scalar(
        select(Document).where(Document.assessment_id == approved.id, Document.language == language)
    )
    assert doc_row is not None, "a bilingual organisation gets Finnish and Swedish"
    d = read(doc_row.content)
    form = answer_ops.form_for(approved)

    levels = [level for level, _ in headings(d)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    titles = [t for level, t in headings(d) if level == 2]
    expected = {
        "fi": [
            "Tiivistelmä päätösesitykseen",
            "Vaihtoehtojen vertailu",
            "Kuulemiset",
            "Haittojen lieventäminen ja seuranta",
            "Tarkastuksessa punnitut seikat",
            "Hyväksyntä",
            "Liiteosa: arviointi yksityiskohtaisesti",
        ],
        "sv": [
            "Sammandrag för beslutsförslaget",
            "Jämförelse av alternativen",
            "Hörande",
            "Lindrande åtgärder och uppföljning",
            "Omständigheter som vägts vid granskningen",
            "Godkännande",
            "Bilagedel: bedömningen i detalj",
        ],
    }[language]
    assert titles == expected  # the board's order (issue 19)

    for table in d.tables:
        header = table.rows[0]._tr
        assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None

    text = all_text(d)
    for g in form.groups:
        assert g.labels.get(language) in text, g.id
    for dim in DIMENSIONS:
        assert form.dimension(dim).labels.get(language) in text, dim
    # Labels of the other language are not there (where the words differ).
    assert form.group("older_people").labels.get(other) not in text
    assert "▲" in text and "?" in text  # symbols with the words, never colour alone
    # Each high flag the reviewer weighed cites its basis in the document's language
    # (issue 18, hole 9); no flag is printed as such, nor its status (issue 19).
    flags = approved.content.flags
    weighed = [f for f in flags if f.severity == "high" and f.acknowledged]
    cited = [f.basis[language] for f in weighed if f.basis]
    assert cited and all(c in text for c in cited)
    assert {"fi": "Peruste", "sv": "Grund"}[language] in text
    assert not any(f.message[language] in text for f in flags)
    resolved = {"fi": "ratkaistu", "sv": "åtgärdad"}[language]
    assert resolved not in text.lower()

    revision = doc_row.revision
    footer = "\n".join(p.text for p in d.sections[0].footer.paragraphs)
    # The footer: the document id and the data fingerprint's first 12 hex digits, named;
    # the full fingerprint in the custom properties (issue 19).
    assert revision.sha256 == documents.revision_sha256(revision.snapshot)
    assert f"{revision.sha256[:12]}" in footer and revision.sha256 not in footer
    assert {"fi": "sormenjälki", "sv": "fingeravtryck"}[language] in footer
    assert doc_row.reference in footer
    assert custom_properties(doc_row.content)["revision_sha256"] == revision.sha256

    cp = d.core_properties
    assert cp.language == {"fi": "fi-FI", "sv": "sv-FI"}[language]
    assert approved.decision.case_number in cp.title and cp.author == "Paula Peltonen"
    assert cp.created == cp.modified
    normal = d.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal.get(qn("w:val")) == {"fi": "fi-FI", "sv": "sv-FI"}[language]
    # The acknowledgement is in the document, with who and the comment.
    assert "Weighed against the staff shortage." in text and "Rasmus Backman" in text


def test_rendering_twice_gives_the_same_bytes(approved):
    doc_row = db.session.scalar(select(Document).where(Document.assessment_id == approved.id))
    # The revision and the records metadata the document was made with (issue 19).
    again = doc_ops.render_snapshot(
        doc_row.revision.snapshot, doc_row.language, records=doc_row.records
    )
    assert again == doc_row.content
    assert hashlib.sha256(again).hexdigest() == doc_row.sha256
    assert (
        doc_ops.render_snapshot(
            doc_row.revision.snapshot, doc_row.language, records=doc_row.records
        )
        == again
    )


def test_approval_attaches_and_audits_the_documents(approved):
    rows = doc_ops.documents_of(approved.decision)
    assert sorted(d.language for d in rows) == ["fi", "sv"]
    assert {d.revision.state for d in rows} == {"approved"}
    events = [e for e in ops.history(approved) if e.action == "assessment.document_generated"]
    assert sorted(e.changes[0]["new"]["sha256"] for e in events) == sorted(d.sha256 for d in rows)
    paragraphs = doc_ops.paragraphs(rows)
    # The paragraph (issue 19): level first, the reference to the document last.
    assert paragraphs["fi"].startswith("Vaikutusten ennakkoarviointi (laaja arviointi): ")
    assert paragraphs["sv"].startswith("Förhandsbedömning av konsekvenser (omfattande bedömning): ")
    fi = next(d for d in rows if d.language == "fi")
    assert paragraphs["fi"].endswith(
        f"Rasmus Backman {date_text(fi.revision.content.at, 'fi')} (asiakirja {fi.reference})."
    )
    assert all(len(p) < 1000 for p in paragraphs.values())


def test_verify_catches_a_changed_byte(approved, app):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["documents", "verify"])
    assert ok.exit_code == 0 and "All 2 documents verified." in ok.output
    doc_row = db.session.scalar(select(Document).where(Document.language == "fi"))
    changed = bytearray(doc_row.content)
    changed[len(changed) // 2] ^= 0x01
    db.session.execute(
        update(Document).where(Document.id == doc_row.id).values(content=bytes(changed))
    )
    db.session.commit()
    bad = runner.invoke(args=["documents", "verify"])
    assert bad.exit_code == 1
    assert f"MISMATCH document {doc_row.id}" in bad.output and "SHA-256" in bad.output
    # Someone who also rewrites the checksum is caught by the re-rendering.
    db.session.execute(
        update(Document)
        .where(Document.id == doc_row.id)
        .values(sha256=hashlib.sha256(bytes(changed)).hexdigest())
    )
    db.session.commit()
    _, problems = doc_ops.verify()
    assert [p.problem for p in problems] == ["a new rendering of its revision gives other bytes"]


def test_a_draft_preview_carries_the_mark_on_every_page(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    content, name = doc_ops.preview(user("preparer"), a, "fi")
    assert "DRAFT" in name
    d = read(content)
    for section in d.sections:  # the header of every section, so of every page
        header = "\n".join(p.text for p in section.header.paragraphs)
        # In the document's language only (issue 19).
        assert header == "LUONNOS"
    assert "Luonnos: arviointia ei ole hyväksytty." in all_text(d)
    assert not doc_ops.documents_of(a.decision)  # a preview is not stored


def test_confirming_a_screen_out_attaches_a_document(ctx):
    a = ops.create_assessment(user("preparer"), db.session.get(Decision, 2))
    step("preparer", a, "start_screening")
    form = answer_ops.form_for(a)
    answer_ops.save_screening(
        user("preparer"),
        a,
        {
            "answers": {q.id: "no" for q in form.screening.questions},
            "level": "none",
            "level_reason": "A technical correction of the fee table.",
        },
        expected_version=a.version,
    )
    step("preparer", a, "propose_screen_out")
    step("reviewer", a, "confirm_screen_out")
    rows = doc_ops.documents_of(a.decision)
    assert sorted(d.language for d in rows) == ["fi", "sv"]
    paragraph = doc_ops.paragraphs(rows)["fi"]
    assert "Päätöksen vaikutuksia ei tarvinnut arvioida: A technical correction" in paragraph


def test_hard_text_still_makes_a_document_and_says_what_was_left_out(approved):
    snapshot = dict(approved.revisions[-1].snapshot)
    data = dict(snapshot["data"])
    arabic = "هذا نص عربي من اليمين إلى اليسار"
    data["summary"] = {"fi": "Alku\x00\x07 loppu 👩‍⚕️ " + arabic + " " + "pitkä " * 20000, "sv": "x"}
    snapshot["data"] = data
    content = documents.render(snapshot, answer_ops.form_for(approved), "fi")
    text = all_text(read(content))
    assert "Alku loppu 👩‍⚕️" in text and arabic in text
    assert text.count("pitkä") >= 20000  # a long text is kept whole
    assert "jätettiin pois 2 merkkiä" in text


def test_pdf_conversion_keeps_the_text(approved, tmp_path):
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        missing("LibreOffice (libreoffice-writer-nogui) or pdftotext (poppler-utils) is missing")
    doc_row = db.session.scalar(select(Document).where(Document.language == "fi"))
    doc_ops.to_pdf(user("reviewer"), doc_row)
    assert (
        doc_row.pdf.startswith(b"%PDF")
        and doc_row.pdf_sha256 == hashlib.sha256(doc_row.pdf).hexdigest()
    )
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(doc_row.pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert approved.decision.case_number in text
    form = answer_ops.form_for(approved)
    for g in form.groups:
        assert g.labels.get("fi").split()[0] in text, g.id
    assert ops.history(approved)[-1].action == "assessment.document_pdf"


def test_no_libreoffice_gives_a_clear_message(approved, app):
    app.config["SOFFICE"] = None
    doc_row = db.session.scalar(select(Document).where(Document.language == "fi"))
    original = shutil.which
    try:
        shutil.which = lambda name: None
        with pytest.raises(doc_ops.ConversionUnavailable) as refused:
            doc_ops.to_pdf(user("reviewer"), doc_row)
    finally:
        shutil.which = original
    assert "libreoffice-writer-nogui" in str(refused.value)
    assert doc_row.pdf is None


def test_approval_renders_and_converts_before_it_takes_the_audit_chain_lock(ctx, monkeypatch):
    """A transaction's first audit event holds the chain's lock until it ends, and every
    other change in the installation waits for it: an approval renders its documents and
    their PDF/A first (they took 0.8 s in the load benchmark, bench/README.md)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from assess import audit
    from assess.operations import archive

    log = []
    real_lock, real_render = audit.lock_chain, documents.render

    def lock(session):
        log.append("lock")
        real_lock(session)

    def render(*args, **kwargs):
        log.append("render")
        return real_render(*args, **kwargs)

    def convert(content, app=None):
        log.append("convert")
        return b"%PDF-1.7 " + hashlib.sha256(content).digest()

    monkeypatch.setattr(audit, "lock_chain", lock)
    monkeypatch.setattr(documents, "render", render)
    monkeypatch.setattr(archive, "mode", lambda app=None: "http://converter.invalid")
    monkeypatch.setattr(archive, "convert_long_running", convert)
    began = lambda *args: log.append("begin")  # noqa: E731
    event.listen(Session, "after_begin", began)
    try:
        a = approved_full()
    finally:
        event.remove(Session, "after_begin", began)
    start = max(i for i, e in enumerate(log) if e == "begin" and i < log.index("render"))
    approval = log[start:]
    first_lock = approval.index("lock")
    assert approval[:first_lock].count("render") == 2  # fi and sv
    assert approval[:first_lock].count("convert") == 2
    assert "render" not in approval[first_lock:] and "convert" not in approval[first_lock:]
    rows = doc_ops.documents_of(a.decision)
    assert all(d.pdf_sha256 == hashlib.sha256(d.pdf).hexdigest() for d in rows)
    assert audit.verify(db.session).intact
