"""A database outage for real (issue 15, item 8): the database is stopped under a running app.

On SQLite its directory is moved away, on PostgreSQL (TEST_DATABASE=postgresql) a cluster of
this test's own is shut down. The API answers 503 in its envelope with Retry-After, pages
get a page of their own that needs no database (in fi, sv or en from the lang cookie or
Accept-Language), /readyz says unavailable, and a thousand failing requests log the error
once. Before, the API answered an HTML 500, pages failed in the error page itself (the
request ended in gunicorn's bare error) and every request logged a full traceback.
"""

from __future__ import annotations

import logging
import os
import subprocess
import uuid
from dataclasses import dataclass

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import text

from assess import create_app
from assess.extensions import db
from assess.operations.demo import load_demo
from assess.operations.users import issue_token
from tests.conftest import ON_POSTGRES
from tests.pgcluster import PG_BIN_DIRS, create_database, throwaway_cluster
from tests.support import login, post, use_language, user

RETRY_AFTER = 42
SETTINGS = {
    "PROPAGATE_EXCEPTIONS": False,  # as in production: the error handlers answer
    "OUTAGE_RETRY_AFTER_SECONDS": RETRY_AFTER,
    "LOG_REPEAT_WINDOW_SECONDS": 3600,  # the whole test is one window
}


@dataclass
class Running:
    app: object
    stop: object  # () -> None: the database goes away for real
    token: str


@pytest.fixture(scope="module")
def postgres_cluster():
    """A server of this module's own, which its tests stop (and start again after each)."""
    if not ON_POSTGRES:
        yield None
        return
    with throwaway_cluster() as server:
        yield server


@pytest.fixture
def running(tmp_path, postgres_cluster):
    if ON_POSTGRES:
        url = create_database(postgres_cluster, f"outage_{uuid.uuid4().hex}")
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=url,
            SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},  # as in production
            **SETTINGS,
        )
        with app.app_context():
            datadir = db.session.execute(text("SHOW data_directory")).scalar_one()
            db.session.remove()
        yield _prepared(app, lambda: _pg_ctl(app, datadir, "-m", "fast", "stop"))
        # With the options it was started with; its output to its log, not to our pipe.
        _pg_ctl(app, datadir, "-l", f"{datadir}/log", "restart")
        return
    folder = tmp_path / "data"
    folder.mkdir()
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'assess.db'}", **SETTINGS
    )

    def stop():
        folder.rename(tmp_path / "gone")  # the file cannot be opened any more
        with app.app_context():
            db.engine.dispose()  # nor is any connection to it kept open

    yield _prepared(app, stop)


def _pg_ctl(app, datadir: str, *command: str) -> None:
    with app.app_context():
        db.engine.dispose()
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    pg_ctl = str(PG_BIN_DIRS[0] / "pg_ctl")
    subprocess.run(
        [*prefix, pg_ctl, "-D", datadir, "-w", *command], check=True, capture_output=True
    )


def _prepared(app, stop) -> Running:
    with app.app_context():
        db.create_all()
        load_demo()
        token = issue_token(user("preparer"))
    return Running(app, stop, token)


def asks_to_wait(response) -> bool:
    # Under /api/ the rate limiter rewrites Retry-After to the later of ours and its own
    # window's reset, in whole seconds from now (so ours may come out a second shorter).
    return int(response.headers["Retry-After"]) >= RETRY_AFTER - 1


def signed_in(running: Running, language: str):
    client = running.app.test_client()
    login(client, "preparer")
    use_language(client, language)
    assert client.get("/decisions/1").status_code == 200
    return client


def api_get(running: Running, client, path: str, language: str = "en"):
    return client.get(
        "/api/v1" + path,
        headers={"Authorization": f"Bearer {running.token}", "Accept-Language": language},
    )


def test_the_api_answers_503_in_its_envelope_with_retry_after(running):
    client = running.app.test_client()
    assert api_get(running, client, "/me").status_code == 200
    running.stop()
    messages = set()
    for language in ("fi", "sv", "en"):
        for path in ("/me", "/assessments/1", "/decisions"):
            response = api_get(running, client, path, language)
            assert response.status_code == 503, response.get_data(as_text=True)[:300]
            assert response.mimetype == "application/json"
            assert asks_to_wait(response)
            error = response.get_json()["error"]
            assert error["code"] == "service_unavailable"
            messages.add(error["message"])
    assert len(messages) == 3  # one per language
    assert "Try again in 42 seconds" in "".join(messages)
    # A change sent during the outage is refused the same way.
    response = client.post(
        "/api/v1/decisions",
        json={"case_number": "OUT/1", "title": "T", "language": "fi", "body": 1},
        headers={"Authorization": f"Bearer {running.token}"},
    )
    assert response.status_code == 503 and response.get_json()["error"]["code"]


@pytest.mark.parametrize(
    "language, title",
    [
        ("fi", "Palvelu ei ole tilapäisesti käytettävissä"),
        ("sv", "Tjänsten är tillfälligt otillgänglig"),
        ("en", "The service is temporarily unavailable"),
    ],
)
def test_pages_get_a_page_that_needs_no_database_in_the_readers_language(running, language, title):
    client = signed_in(running, language)  # the page's language is remembered in a cookie
    running.stop()
    for response in (
        client.get("/decisions/1"),
        client.get("/"),
        post(client, "/decisions/1/assessment", {"workflow": "eva-standard"}),
    ):
        page = response.get_data(as_text=True)
        assert response.status_code == 503, page[:300]
        assert response.mimetype == "text/html"
        assert response.headers["Retry-After"] == str(RETRY_AFTER)
        assert f'<html lang="{language}">' in page and title in page
    # Without the cookie, the browser's languages decide.
    anonymous = running.app.test_client()
    anonymous.set_cookie("session", client.get_cookie("session").value)
    for accept, expected in (("sv-FI, sv;q=0.9", "sv"), ("en-GB", "en"), ("fi", "fi")):
        response = anonymous.get("/decisions/1", headers={"Accept-Language": accept})
        assert response.status_code == 503
        assert f'<html lang="{expected}">' in response.get_data(as_text=True)


def test_an_outage_met_while_opening_the_session_is_503_too(running):
    # A session kept in the database is read before any view runs, where Flask's own
    # handling of an exception (the 500 handler) meets the outage.
    class DatabaseSessions(SecureCookieSessionInterface):
        def open_session(self, app, request):
            db.session.execute(text("SELECT 1"))
            return super().open_session(app, request)

    running.app.session_interface = DatabaseSessions()
    client = running.app.test_client()
    assert client.get("/login").status_code == 200
    running.stop()
    client.delete_cookie("lang")  # the log-in page remembered Finnish, the default
    page = client.get("/login", headers={"Accept-Language": "sv"})
    assert page.status_code == 503 and page.headers["Retry-After"] == str(RETRY_AFTER)
    assert "Tjänsten är tillfälligt otillgänglig" in page.get_data(as_text=True)
    api = api_get(running, client, "/me")
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "service_unavailable"


def test_readyz_says_unavailable_while_healthz_still_answers(running):
    client = running.app.test_client()
    assert client.get("/readyz").status_code == 200
    running.stop()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["status"] == "unavailable"
    assert ready.headers["Retry-After"] == str(RETRY_AFTER)
    # /healthz is liveness: the process answers; restarting it would not bring the database back.
    assert client.get("/healthz").status_code == 200


def test_a_thousand_requests_during_an_outage_log_the_error_once(running, caplog):
    web = signed_in(running, "fi")
    api = running.app.test_client()
    running.stop()
    caplog.set_level(logging.WARNING)
    statuses = set()
    for i in range(500):
        statuses.add(web.get("/decisions/1").status_code)
        statuses.add(api_get(running, api, f"/assessments/{i % 7 + 1}").status_code)
    assert statuses == {503}
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    from_app = [r for r in errors if r.name == "assess"]
    # Each distinct failure once, with its traceback. PostgreSQL may fail in two ways in a
    # row (the server shutting down, then refusing connections): two distinct errors, each
    # logged once, is right; the same one twice would be the flood this prevents.
    seen = [(r.getMessage(), repr(r.exc_info and r.exc_info[1])) for r in from_app]
    assert 1 <= len(seen) <= 2 and len(set(seen)) == len(seen), seen
    assert all(r.exc_info is not None for r in from_app)
    assert len(errors) <= 4, [(r.name, r.getMessage()[:100]) for r in errors]


def test_no_connection_free_in_the_pool_is_503(tmp_path):
    # A database that answers too slowly leaves requests waiting for a connection; after the
    # pool's timeout they are answered 503 rather than kept hanging.
    options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.1}
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'assess.db'}",
        SQLALCHEMY_ENGINE_OPTIONS=options,
        **SETTINGS,
    )
    running = _prepared(app, lambda: None)
    client = app.test_client()
    with app.app_context():
        held = db.engine.connect()  # the only connection
        try:
            response = api_get(running, client, "/me")
        finally:
            held.close()
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert asks_to_wait(response)
    assert api_get(running, client, "/me").status_code == 200  # free again: answered
