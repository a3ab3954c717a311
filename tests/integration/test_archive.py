"""Archival PDF/A (issue 19): made at approval by the long-running converter, stored beside
the .docx with its file checksum, left for `documents archive` when the converter is down,
checked by `documents verify`.

The suite starts its own converter (one unoserver with its LibreOffice for the module) and
stops it at the end; a test checks that nothing of it is left running.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import socket
import subprocess

import pikepdf
import pytest
from sqlalchemy import select, update

from assess import pdfa
from assess.documents.texts import text as doc_text
from assess.extensions import db
from assess.models import Document
from assess.operations import archive
from assess.operations import documents as doc_ops
from tests.integration.test_documents import approved_full
from tests.support import missing


def _group_alive(pgid: int) -> list[str]:
    """The processes of a process group still running (a zombie waiting for init to reap
    it runs nothing and is left out)."""
    out = subprocess.run(
        ["ps", "-eo", "pgid=,stat=,pid=,args="], capture_output=True, text=True, check=True
    ).stdout
    return [
        line
        for line in out.splitlines()
        if line.split()[0] == str(pgid) and not line.split()[1].startswith("Z")
    ]


def _needs_libreoffice() -> None:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        missing("LibreOffice (libreoffice-writer-nogui) or pdftotext (poppler-utils) is missing")
    if subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode:
        missing("LibreOffice's Python bridge (Debian: python3-uno) is missing")


@pytest.fixture(scope="module")
def converter():
    """A long-running converter for this module's tests, stopped (whole) afterwards."""
    _needs_libreoffice()
    local = pdfa.LocalConverter()
    url = local.start()
    pgid = local.pid
    assert pgid is not None
    yield url
    local.stop()
    assert _group_alive(pgid) == [], "the converter's LibreOffice outlived stop()"


def _free_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


def _documents():
    return db.session.scalars(select(Document).order_by(Document.id)).all()


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _fonts_embedded(pdf: pikepdf.Pdf) -> list[str]:
    """The names of the fonts the pages use that are not embedded (empty: all are)."""
    bare = []
    for page in pdf.pages:
        fonts = page.resources.get("/Font", {})
        for _, font in fonts.items():
            descendants = font.get("/DescendantFonts")
            for f in list(descendants) if descendants is not None else [font]:
                descriptor = f.get("/FontDescriptor")
                if descriptor is None or not any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    bare.append(str(f.get("/BaseFont")))
    return bare


def test_approval_stores_a_pdfa_beside_each_document(ctx, app, converter, tmp_path):
    app.config["PDF_CONVERTER"] = converter
    approved = approved_full()
    rows = _documents()
    assert sorted(d.language for d in rows) == ["fi", "sv"]
    for doc in rows:
        assert doc.pdf is not None and doc.pdf.startswith(b"%PDF-"), doc.reference
        assert doc.pdf_sha256 == hashlib.sha256(doc.pdf).hexdigest()
        with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:
            meta = pdf.open_metadata()
            # The XMP's pdfaid:part 2, conformance B: PDF/A-2b.
            assert meta.get("pdfaid:part") == "2", doc.reference
            assert meta.get("pdfaid:conformance") == "B", doc.reference
            assert meta.pdfa_status == "2B"
            assert _fonts_embedded(pdf) == [], doc.reference
        text = _text(doc.pdf, tmp_path)
        assert approved.decision.case_number in text
    fi = next(d for d in rows if d.language == "fi")
    sv = next(d for d in rows if d.language == "sv")
    fi_text, sv_text = _text(fi.pdf, tmp_path), _text(sv.pdf, tmp_path)
    # Each in its own language, with its letters intact (ä, ö, å come through as text).
    fi_title, sv_title = doc_text("doc_title", "fi"), doc_text("doc_title", "sv")
    assert "ö" in sv_title  # the Nordic letters come through as text
    assert fi_title in fi_text and fi_title not in sv_text
    assert sv_title in sv_text and sv_title not in fi_text
    checked, problems = doc_ops.verify()
    assert checked == 2 and problems == [] and doc_ops.pdf_missing() == []
    # The API gives the PDF/A with its file checksum as ETag (an archive import fetches it).
    from assess.operations.users import issue_token
    from tests.support import user

    auth = {"Authorization": f"Bearer {issue_token(user('auditor'))}"}
    got = app.test_client().get(f"/api/v1/documents/{sv.id}/pdf", headers=auth)
    assert got.status_code == 200 and got.data == sv.pdf
    assert got.headers["ETag"].strip('"') == sv.pdf_sha256


def test_a_converter_that_is_down_never_fails_the_approval(ctx, app, converter, tmp_path):
    app.config["PDF_CONVERTER"] = _free_url()
    approved = approved_full()
    assert approved.state == "approved"
    rows = _documents()
    assert rows and all(d.pdf is None and d.pdf_sha256 is None for d in rows)
    from assess.operations.users import issue_token
    from tests.support import user

    auth = {"Authorization": f"Bearer {issue_token(user('auditor'))}"}
    not_yet = app.test_client().get(f"/api/v1/documents/{rows[0].id}/pdf", headers=auth)
    assert not_yet.status_code == 404
    assert "documents archive" in not_yet.get_json()["error"]["message"]
    assert doc_ops.pdf_missing() == rows
    runner = app.test_cli_runner()
    said = runner.invoke(args=["documents", "verify"])
    assert said.exit_code == 0
    assert said.output.count("PDF/A MISSING") == len(rows)
    assert "documents archive" in said.output

    # Later, with the converter up: the command fills the gaps, verify is clean.
    app.config["PDF_CONVERTER"] = converter
    said = runner.invoke(args=["documents", "archive", "--no-fresh-start"])
    assert said.exit_code == 0, said.output
    assert said.output.count("PDF/A of document") == len(rows)
    db.session.expire_all()
    for doc in _documents():
        assert doc.pdf_sha256 == hashlib.sha256(doc.pdf).hexdigest()
        assert pikepdf.open(io.BytesIO(doc.pdf)).open_metadata().pdfa_status
    said = runner.invoke(args=["documents", "verify"])
    assert said.exit_code == 0 and "PDF/A MISSING" not in said.output
    assert "All 2 documents verified." in said.output


def test_archive_without_any_converter_says_so_and_fails(ctx, app):
    app.config["PDF_CONVERTER"] = _free_url()
    approved_full()
    said = app.test_cli_runner().invoke(args=["documents", "archive", "--no-fresh-start"])
    assert said.exit_code == 1
    assert "NOT MADE document" in said.output and "did not convert" in said.output
    assert all(d.pdf is None for d in _documents())


def test_verify_finds_a_changed_pdf(ctx, app, converter):
    app.config["PDF_CONVERTER"] = converter
    approved_full()
    doc = _documents()[0]
    changed = doc.pdf.replace(b"%PDF-", b"%PDF-", 1) + b"\n% appended\n"
    db.session.execute(update(Document).where(Document.id == doc.id).values(pdf=changed))
    db.session.commit()
    db.session.expire_all()
    checked, problems = doc_ops.verify()
    assert [(p.document, p.problem) for p in problems] == [
        (doc.id, "the stored PDF does not match its SHA-256")
    ]


def test_make_pdf_uses_the_long_running_converter_and_makes_pdfa(ctx, app, converter):
    app.config["PDF_CONVERTER"] = "off"
    approved_full()
    doc = _documents()[0]
    assert doc.pdf is None
    app.config["PDF_CONVERTER"] = converter
    # No LibreOffice start: with soffice hidden a fresh start could not happen.
    original = shutil.which
    app.config["SOFFICE"] = None
    try:
        shutil.which = lambda name: None
        doc_ops.to_pdf(None, doc)
    finally:
        shutil.which = original
    assert pikepdf.open(io.BytesIO(doc.pdf)).open_metadata().pdfa_status == "2B"


def test_the_local_converter_starts_on_demand_and_stops_whole(ctx, app):
    _needs_libreoffice()
    app.config["PDF_CONVERTER"] = "local"
    try:
        approved_full()
        local = archive._state(app).local
        assert local is not None and local.running
        pgid = local.pid
        assert all(d.pdf is not None for d in _documents())
    finally:
        archive.stop_converter(app)
    assert pgid is not None and _group_alive(pgid) == []


def test_a_published_agenda_gets_its_pdfa_in_its_language(ctx, app, client, converter, tmp_path):
    from assess.models import MeetingDocument
    from assess.operations import meetings as meeting_ops
    from assess.operations.users import issue_token
    from tests.integration.test_agenda_document import approved, meeting, on_agenda
    from tests.support import user

    app.config["PDF_CONVERTER"] = "off"
    approved("KPHA/412/2026")
    app.config["PDF_CONVERTER"] = converter
    m = meeting(place="Kokkola, valtuustosali", place_sv="Karleby, fullmäktigesalen")
    on_agenda(m, "KPHA/412/2026")
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    agendas = {a.language: a for a in db.session.scalars(select(MeetingDocument))}
    assert set(agendas) == {"fi", "sv"}
    # The attachment copies handed out with it get theirs at publication too.
    copies = [d for d in _documents() if d.kind == "attachment"]
    assert copies and all(d.pdf_sha256 == hashlib.sha256(d.pdf).hexdigest() for d in copies)
    for agenda in agendas.values():
        assert agenda.pdf_sha256 == hashlib.sha256(agenda.pdf).hexdigest()
        with pikepdf.open(io.BytesIO(agenda.pdf)) as pdf:
            assert pdf.open_metadata().pdfa_status == "2B"
            assert _fonts_embedded(pdf) == []
    assert "fullmäktigesalen" in _text(agendas["sv"].pdf, tmp_path)
    assert "valtuustosali" in _text(agendas["fi"].pdf, tmp_path)
    assert "valtuustosali" not in _text(agendas["sv"].pdf, tmp_path)
    # On the meeting page and for download, with its file checksum.
    from tests.support import login

    login(client, "auditor")
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert agendas["sv"].pdf_sha256 in page and f"/meetings/{m.id}/agenda.pdf" in page
    api = app.test_client().get(
        f"/api/v1/meetings/{m.id}/agenda/pdf?language=fi",
        headers={"Authorization": f"Bearer {issue_token(user('auditor'))}"},
    )
    assert api.status_code == 200 and api.data == agendas["fi"].pdf
    got = client.get(f"/meetings/{m.id}/agenda.pdf?language=sv")
    assert got.status_code == 200 and got.data == agendas["sv"].pdf
    assert got.mimetype == "application/pdf"
    assert client.get(f"/meetings/{m.id}/agenda.pdf?language=en").status_code == 404
    checked, problems = doc_ops.verify()
    # The assessment's documents were made with the converter off: only they lack one.
    assert problems == [] and all(d.kind == "assessment" for d in doc_ops.pdf_missing())
    # A changed agenda PDF is found.
    sv = agendas["sv"]
    db.session.execute(
        update(MeetingDocument).where(MeetingDocument.id == sv.id).values(pdf=sv.pdf + b"%\n")
    )
    db.session.commit()
    db.session.expire_all()
    assert [p.problem for p in doc_ops.verify()[1]] == ["the stored PDF does not match its SHA-256"]


def test_an_agenda_published_while_the_converter_is_down_is_archived_later(ctx, app, converter):
    from assess.models import MeetingDocument
    from assess.operations import meetings as meeting_ops
    from tests.integration.test_agenda_document import approved, meeting, on_agenda
    from tests.support import user

    app.config["PDF_CONVERTER"] = _free_url()
    approved("KPHA/412/2026")
    m = meeting()
    on_agenda(m, "KPHA/412/2026")
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    assert m.state == "published"
    runner = app.test_cli_runner()
    said = runner.invoke(args=["documents", "verify"])
    assert said.exit_code == 0 and said.output.count("PDF/A MISSING agenda of meeting") == 2
    app.config["PDF_CONVERTER"] = converter
    said = runner.invoke(args=["documents", "archive", "--no-fresh-start"])
    assert said.exit_code == 0, said.output
    db.session.expire_all()
    assert all(a.pdf_sha256 for a in db.session.scalars(select(MeetingDocument)))
