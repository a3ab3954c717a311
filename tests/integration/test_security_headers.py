"""Issue 15, item 10 (the points outside the API's error formats): HSTS and
Permissions-Policy, no `Server: gunicorn`, no link built on the request's Host header,
auditors make no PDF, and the API's audit verification counts only the caller's events."""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Body, Document, Organisation
from assess.operations import decisions as decision_ops
from assess.operations.demo_scenario import load_scenario
from assess.operations.users import create_user, issue_token
from assess.web.headers import PERMISSIONS_POLICY
from tests.conftest import fresh_app, release_app
from tests.support import login, post, user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def https_app(request):
    """The app configured for HTTPS as production is (secure cookies, https URLs)."""
    app = fresh_app(request, SESSION_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    yield app
    release_app(app)


def test_hsts_is_sent_when_the_installation_is_https(https_app):
    client = https_app.test_client()
    for path in ("/login", "/healthz", "/api/v1/openapi.json"):
        response = client.get(path)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000", path


def test_hsts_is_not_sent_over_plain_http_or_when_turned_off(app, request):
    # A development server on http:// must not pin the browser to https for a year.
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
    off = fresh_app(request, PREFERRED_URL_SCHEME="https", HSTS_MAX_AGE=0)
    try:
        assert "Strict-Transport-Security" not in off.test_client().get("/login").headers
    finally:
        release_app(off)


def test_permissions_policy_denies_every_powerful_feature(client):
    for path in ("/login", "/healthz", "/api/v1/openapi.json", "/no-such-page"):
        policy = client.get(path).headers["Permissions-Policy"]
        assert policy == PERMISSIONS_POLICY, path
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


# --- gunicorn ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_does_not_name_itself(tmp_path):
    """gunicorn started as the README starts it, from the project's directory, so it reads
    the project's gunicorn.conf.py."""
    port = _free_port()
    env = {
        **os.environ,
        "ASSESS_CONFIG": "production",
        "SECRET_KEY": "test-not-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'assess.db'}",
        "ASSESS_INSTANCE_PATH": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        response = None
        for _ in range(300):  # until it listens (or has died)
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited: {server.stderr.read().decode()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                break
            except OSError:
                time.sleep(0.1)
        assert response is not None and response.status == 200
        headers = {k.lower(): v for k, v in response.getheaders()}
        assert "server" not in headers, headers.get("server")
        assert headers["strict-transport-security"] == "max-age=31536000"
        assert headers["permissions-policy"] == PERMISSIONS_POLICY
        conn.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- links -------------------------------------------------------------------------------


@pytest.fixture
def approved_documents(demo):
    with demo.app_context():
        assert load_scenario()
        doc = db.session.scalars(select(Document).order_by(Document.id)).first()
        token = issue_token(user("auditor"))
        return doc.assessment_id, {"Authorization": f"Bearer {token}"}


def test_document_links_never_come_from_the_host_header(demo, approved_documents):
    assessment, token = approved_documents
    client = demo.test_client()
    listed = client.get(
        f"/api/v1/assessments/{assessment}/documents",
        headers={**token, "Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    ).get_json()
    assert listed and all("evil.example" not in d["url"] for d in listed)
    assert all(d["url"].startswith("/api/v1/documents/") for d in listed)
    download = client.get(listed[0]["url"], headers=token)
    assert hashlib.sha256(download.data).hexdigest() == listed[0]["sha256"]

    demo.config["PUBLIC_BASE_URL"] = "https://eva.example.fi"
    listed = client.get(
        f"/api/v1/assessments/{assessment}/documents", headers={**token, "Host": "evil.example"}
    ).get_json()
    assert all(d["url"].startswith("https://eva.example.fi/api/v1/documents/") for d in listed)


# --- auditors only read ----------------------------------------------------------------------


def test_an_auditor_cannot_start_a_pdf_conversion_but_downloads_one(demo, approved_documents):
    # A converter that would fail at once: the old code ran it for an auditor.
    demo.config["SOFFICE"] = "/bin/false"
    with demo.app_context():
        doc = db.session.scalars(select(Document).order_by(Document.id)).first()
        doc_id, decision_id = doc.id, doc.decision_id
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    client = demo.test_client()
    login(client, "auditor")
    page = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert f"/documents/{doc_id}/pdf" not in page  # no button to press
    response = post(client, f"/documents/{doc_id}/pdf")
    assert response.status_code == 403
    with demo.app_context():
        assert db.session.get(Document, doc_id).pdf is None
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events

    with demo.app_context():  # a PDF someone made: the auditor may read it
        doc = db.session.get(Document, doc_id)
        doc.pdf = b"%PDF-1.4 archived"
        doc.pdf_sha256 = hashlib.sha256(doc.pdf).hexdigest()
        db.session.commit()
    download = client.get(f"/documents/{doc_id}/pdf")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 archived"


def test_the_operation_refuses_an_auditor_whatever_the_front(ctx):
    from assess.operations import Forbidden
    from assess.operations import documents as doc_ops

    assert load_scenario()
    doc = db.session.scalars(select(Document).order_by(Document.id)).first()
    with pytest.raises(Forbidden):
        doc_ops.to_pdf(user("auditor"), doc)
    assert doc.pdf is None


# --- the API's audit verification --------------------------------------------------------


def test_audit_verify_counts_only_the_callers_organisation(demo):
    with demo.app_context():
        other = Organisation(name_fi="Toinen kunta", name_sv="Annan kommun", bilingual=False)
        body = Body(organisation=other, name_fi="Hallitus", name_sv="Styrelsen")
        db.session.add_all([other, body])
        db.session.commit()
        stranger = create_user(
            organisation=other,
            email="preparer@other.example",
            name="Other preparer",
            roles=["preparer", "auditor"],
            password="Toinen-kunta-2026-salasana",
        )
        for n in range(3):
            decision_ops.create_decision(
                stranger,
                case_number=f"TK/{n}/2026",
                language="fi",
                body_id=body.id,
                title="Toisen kunnan päätös",
                proposal="",
            )
        own, other_id = user("auditor").organisation_id, other.id
        tokens = {
            "own": {"Authorization": f"Bearer {issue_token(user('auditor'))}"},
            "other": {"Authorization": f"Bearer {issue_token(stranger)}"},
        }
        counts = dict(
            db.session.execute(
                select(AuditEvent.organisation_id, func.count()).group_by(
                    AuditEvent.organisation_id
                )
            ).all()
        )
    client = demo.test_client()
    mine = client.get("/api/v1/audit/verify", headers=tokens["own"]).get_json()
    theirs = client.get("/api/v1/audit/verify", headers=tokens["other"]).get_json()
    for answer, org in ((mine, own), (theirs, other_id)):
        assert answer["events"] == counts[org], answer
        assert answer["intact"] is True and answer["first_broken"] is None
    assert theirs["events"] >= 3 and mine["events"] != sum(counts.values())
