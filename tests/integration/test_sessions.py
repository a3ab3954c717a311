"""Sessions and API tokens that can be ended (issue 15, item 2).

Each attack was reproduced on the code before server-side sessions (a copied cookie kept
working after logout, a password change or a reactivation; a token survived both; a
remember-me cookie opened pages; nothing ever timed out) and is refused here. The clock is
moved by replacing the sessions' clock, never by waiting.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import func, select, text

from assess import audit, create_app
from assess.extensions import db
from assess.models import AuditEvent, Body, LoginSession, Organisation
from assess.models._types import utcnow
from assess.operations import ValidationFailed, reading
from assess.operations import sessions as session_ops
from assess.operations import users as user_ops
from assess.operations.users import create_user, issue_token
from tests.conftest import ON_POSTGRES
from tests.support import DEMO_PASSWORDS, csrf_token, login, post, use_language, user

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


class Clock:
    """The sessions' clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    # The one clock of sessions and tokens (assess.operations.sessions.now reads it).
    monkeypatch.setattr("assess.operations.sessions.utcnow", clock)
    return clock


def browser(app, role: str, user_agent: str | None = None):
    """A test client logged in as a demo user (its own cookie jar: its own browser)."""
    client = app.test_client()
    if user_agent:
        client.environ_base["HTTP_USER_AGENT"] = user_agent
    assert login(client, role).status_code == 302
    use_language(client, "en")  # the person's language from now on: the texts below are English
    return client


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie (a stolen one)."""
    thief = app.test_client()
    thief.environ_base.update(client.environ_base)
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def logged_in(client) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def api_status(client, token: str) -> int:
    return client.get("/api/v1/decisions", headers=bearer(token)).status_code


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def chain_intact(app) -> bool:
    with app.app_context():
        return audit.verify(db.session).intact


def edit_user(admin, app, email: str, **changes):
    """An administrator saves the user form with ``changes`` (name, roles, active, password)."""
    with app.app_context():
        target = user(email)
        data = {"name": target.name, "roles": target.roles, "active": "y", "password": ""}
        user_id = target.id
    data.update(changes)
    if data["active"] is None:
        del data["active"]
    page = admin.get(f"/admin/users/{user_id}")
    data["email"] = "ignored@example.fi"
    data["csrf_token"] = csrf_token(page.get_data(as_text=True))
    response = admin.post(f"/admin/users/{user_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


# --- logout ---------------------------------------------------------------------------


def test_a_copied_cookie_opens_nothing_after_logout(demo):
    person = browser(demo, "preparer")
    thief = copy_of(demo, person)
    assert logged_in(thief)  # the copy works while the session lives, as any cookie does

    assert post(person, "/logout").status_code == 302

    assert not logged_in(thief)
    assert not logged_in(person)
    ended = events(demo, "session.ended")
    assert [e.changes[1]["new"] for e in ended] == ["logout"]
    assert chain_intact(demo)


def test_a_new_session_id_at_every_log_in(demo):
    first = browser(demo, "preparer")
    earlier = first.get_cookie("session").value
    assert post(first, "/logout").status_code == 302
    assert login(first, "preparer").status_code == 302
    again = copy_of(demo, first)
    again.set_cookie("session", earlier)
    assert not logged_in(again)  # the session of the first log-in is over
    with demo.app_context():
        hashes = db.session.scalars(select(LoginSession.token_hash)).all()
    assert len(set(hashes)) == 2


def test_a_remember_me_cookie_does_not_open_pages(demo):
    # Flask-Login reads a remember-me cookie whenever the session has no user; one signed
    # with the application's key (as Flask-Login would issue it) must not bypass the
    # server's sessions.
    with demo.test_request_context():
        with demo.app_context():
            user_id = user("preparer").id
        cookie = encode_cookie(str(user_id))
    client = demo.test_client()
    client.set_cookie("remember_token", cookie)
    assert not logged_in(client)


# --- credentials change ----------------------------------------------------------------


def test_a_password_change_ends_the_other_sessions_and_the_tokens(demo):
    here = browser(demo, "preparer")
    elsewhere = browser(demo, "preparer", FIREFOX)
    with demo.app_context():
        token = issue_token(user("preparer"))
    assert api_status(here, token) == 200

    email, old = DEMO_PASSWORDS["preparer"]
    response = post(
        here,
        "/account",
        {"current": old, "password": "a brand new passphrase", "confirm": "a brand new passphrase"},
    )
    assert response.status_code == 302

    assert logged_in(here)  # the session that changed it stays
    assert not logged_in(elsewhere)
    assert api_status(here, token) == 401
    assert [e.changes[1]["new"] for e in events(demo, "session.ended")] == ["password"]
    assert len(events(demo, "token.revoked")) == 1
    assert chain_intact(demo)


def test_an_administrators_password_reset_ends_every_session(demo):
    admin = browser(demo, "admin")
    person = browser(demo, "preparer")
    edit_user(admin, demo, "preparer", password="reset by the administrator")
    assert not logged_in(person)
    assert logged_in(admin)


def test_deactivation_ends_sessions_and_tokens_and_reactivation_revives_none(demo):
    admin = browser(demo, "admin")
    person = browser(demo, "preparer")
    stolen = copy_of(demo, person)
    with demo.app_context():
        token = issue_token(user("preparer"))

    edit_user(admin, demo, "preparer", active=None)
    assert not logged_in(stolen)
    assert api_status(admin, token) == 401

    edit_user(admin, demo, "preparer", active="y")
    assert not logged_in(stolen)
    assert not logged_in(person)
    assert api_status(admin, token) == 401
    # The person logs in afresh and gets a new session.
    assert logged_in(browser(demo, "preparer"))
    assert chain_intact(demo)


def test_a_role_change_ends_the_persons_sessions_and_rechecks_their_tokens(demo):
    admin = browser(demo, "admin")
    person = browser(demo, "secretary")
    with demo.app_context():
        token = issue_token(user("secretary"))
    edit_user(admin, demo, "secretary", roles=["auditor"])
    assert not logged_in(person)
    assert logged_in(admin)
    # The token acts with the roles of now: a secretary's step is refused, reading is not.
    assert admin.post("/api/v1/meetings", json={}, headers=bearer(token)).status_code == 403
    assert api_status(admin, token) == 200
    assert events(demo, "token.revoked") == []


def test_an_administrator_changing_their_own_roles_keeps_their_session(demo):
    admin = browser(demo, "admin")
    other = browser(demo, "admin", FIREFOX)
    edit_user(admin, demo, "admin", roles=["admin", "auditor"])
    assert logged_in(admin)
    assert not logged_in(other)


# --- timeouts ---------------------------------------------------------------------------


def test_a_session_ends_after_the_idle_time(demo, clock):
    person = browser(demo, "preparer")
    clock.advance(minutes=29)
    assert logged_in(person)  # used: its idle time starts again
    clock.advance(minutes=29)
    assert logged_in(person)
    clock.advance(minutes=30, seconds=1)
    response = person.get("/account", follow_redirects=True)
    assert "/login" in response.request.path
    assert "not used for a while" in response.get_data(as_text=True)
    with demo.app_context():
        row = db.session.scalar(select(LoginSession))
        assert row.end_reason == "idle"


def test_the_idle_time_is_a_setting(demo, clock):
    demo.config["SESSION_IDLE_MINUTES"] = 5
    person = browser(demo, "preparer")
    clock.advance(minutes=5, seconds=1)
    assert not logged_in(person)


def test_a_busy_session_ends_at_its_lifetime(demo, clock):
    person = browser(demo, "preparer")
    for _ in range(35):  # a request every 20 minutes, 11 h 40 min
        clock.advance(minutes=20)
        assert logged_in(person)
    clock.advance(minutes=20)  # 12 h after the log-in
    assert not logged_in(person)
    with demo.app_context():
        assert db.session.scalar(select(LoginSession.end_reason)) == "lifetime"


def test_last_seen_is_written_at_most_once_a_minute(demo, clock):
    person = browser(demo, "preparer")
    with demo.app_context():
        started = db.session.scalar(select(LoginSession.last_seen_at))
    clock.advance(seconds=30)
    assert logged_in(person)
    with demo.app_context():
        assert db.session.scalar(select(LoginSession.last_seen_at)) == started
    clock.advance(seconds=31)
    assert logged_in(person)
    with demo.app_context():
        assert db.session.scalar(select(LoginSession.last_seen_at)) == clock.now


# --- the account page ---------------------------------------------------------------------


def test_the_account_page_lists_the_sessions_and_ends_one(demo):
    here = browser(demo, "preparer", EDGE)
    there = browser(demo, "preparer", FIREFOX)
    page = here.get("/account").get_data(as_text=True)
    assert "Edge 131, Windows" in page and "Firefox 140, Linux" in page
    assert page.count("this session") == 1
    with demo.app_context():
        rows = db.session.scalars(select(LoginSession).order_by(LoginSession.id)).all()
        theirs = rows[1].id

    response = post(here, f"/account/sessions/{theirs}/end")
    assert response.status_code == 302
    assert not logged_in(there)
    assert logged_in(here)
    assert "Firefox 140, Linux" not in here.get("/account").get_data(as_text=True)
    assert [e.changes[1]["new"] for e in events(demo, "session.ended")] == ["ended"]


def test_end_all_other_sessions(demo):
    here = browser(demo, "preparer")
    others = [browser(demo, "preparer", FIREFOX), browser(demo, "preparer", EDGE)]
    assert post(here, "/account/sessions/end-others").status_code == 302
    assert logged_in(here)
    assert not any(logged_in(o) for o in others)
    assert len(events(demo, "session.ended")) == 2


def test_ending_this_session_logs_out(demo):
    here = browser(demo, "preparer")
    with demo.app_context():
        mine = db.session.scalar(select(LoginSession.id))
    response = post(here, f"/account/sessions/{mine}/end")
    assert response.headers["Location"].startswith("/login")
    assert not logged_in(here)


def test_nobody_ends_another_persons_session_from_their_account_page(demo):
    victim = browser(demo, "preparer")
    attacker = browser(demo, "reviewer")
    with demo.app_context():
        victims = db.session.scalar(select(LoginSession.id).order_by(LoginSession.id))
    response = post(attacker, f"/account/sessions/{victims}/end", follow_redirects=True)
    assert "You have no session with id" in response.get_data(as_text=True)
    assert logged_in(victim)
    assert events(demo, "session.ended") == []


# --- administrators -------------------------------------------------------------------


def test_an_administrator_ends_a_persons_sessions_and_revokes_their_tokens(demo):
    admin = browser(demo, "admin")
    person = browser(demo, "secretary")
    with demo.app_context():
        target = user("secretary")
        token = issue_token(target)
        target_id = target.id
    page = admin.get(f"/admin/users/{target_id}").get_data(as_text=True)
    assert "End all sessions" in page and "Revoke all API tokens" in page

    assert post(admin, f"/admin/users/{target_id}/sessions/end").status_code == 302
    assert not logged_in(person)
    assert post(admin, f"/admin/users/{target_id}/tokens/revoke").status_code == 302
    assert api_status(admin, token) == 401
    ended, revoked = events(demo, "session.ended"), events(demo, "token.revoked")
    with demo.app_context():
        admin_id = user("admin").id
    assert [(e.actor_id, e.object_id) for e in ended + revoked] == [(admin_id, target_id)] * 2
    assert [e.changes[1]["new"] for e in ended + revoked] == ["admin", "admin"]
    assert chain_intact(demo)


def test_an_administrator_ends_one_session_and_one_token(demo):
    admin = browser(demo, "admin")
    one = browser(demo, "secretary", FIREFOX)
    two = browser(demo, "secretary", EDGE)
    with demo.app_context():
        target = user("secretary")
        kept, revoked = issue_token(target), issue_token(target)
        first = db.session.scalars(
            select(LoginSession.id).where(LoginSession.user_id == target.id)
        ).first()
        token_id = user_ops.tokens_of(target)[0].id  # the newest: `revoked`
        target_id = target.id
    assert post(admin, f"/admin/users/{target_id}/sessions/{first}/end").status_code == 302
    assert post(admin, f"/admin/users/{target_id}/tokens/{token_id}/revoke").status_code == 302
    assert not logged_in(one) and logged_in(two)
    assert api_status(admin, revoked) == 401 and api_status(admin, kept) == 200


def test_only_administrators_end_other_peoples_sessions(demo):
    person = browser(demo, "preparer")
    reviewer = browser(demo, "reviewer")
    with demo.app_context():
        target_id = user("preparer").id
    assert post(reviewer, f"/admin/users/{target_id}/sessions/end").status_code == 403
    assert post(reviewer, f"/admin/users/{target_id}/tokens/revoke").status_code == 403
    assert logged_in(person)


def test_an_administrator_of_another_organisation_is_refused(demo):
    person = browser(demo, "preparer")
    with demo.app_context():
        other = Organisation(name_fi="Toinen kunta", name_sv="Annan kommun", bilingual=False)
        db.session.add_all([other, Body(organisation=other, name_fi="Hallitus", name_sv="Styr")])
        db.session.commit()
        create_user(
            organisation=other,
            email="admin@other.example",
            name="Other admin",
            roles=["admin"],
            password="long enough password",
        )
        target = user("preparer")
        token = issue_token(target)
        target_id = target.id
        session_id = db.session.scalar(select(LoginSession.id))
    stranger = demo.test_client()
    login(stranger, email="admin@other.example", password="long enough password")
    for url in (
        f"/admin/users/{target_id}/sessions/end",
        f"/admin/users/{target_id}/sessions/{session_id}/end",
        f"/admin/users/{target_id}/tokens/revoke",
        f"/admin/users/{target_id}/tokens/1/revoke",
    ):
        assert post(stranger, url).status_code == 404, url
    assert logged_in(person)
    assert api_status(person, token) == 200
    assert events(demo, "session.ended") == [] and events(demo, "token.revoked") == []


# --- token expiry ------------------------------------------------------------------------


def test_an_expired_token_is_refused_saying_so(demo, clock):
    client = demo.test_client()
    with demo.app_context():
        token = issue_token(user("preparer"), expires_in_days=30)
    clock.advance(days=29, hours=23)
    assert api_status(client, token) == 200
    clock.advance(hours=1)
    response = client.get("/api/v1/decisions", headers=bearer(token))
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "token_expired"
    assert "expired" in error["message"] and "new one" in error["message"]


def test_a_token_with_an_expiry_from_the_account_page(demo, clock):
    person = browser(demo, "preparer")
    page = person.get("/account").get_data(as_text=True)
    response = post(person, "/account/tokens", {"expires_in_days": "30"})
    assert response.status_code == 200
    token = response.get_data(as_text=True).split('id="new-token"')[1].split('value="')[1]
    token = token.split('"')[0]
    assert "until revoked" in page  # the choice of no expiry is offered
    assert api_status(person, token) == 200
    clock.advance(days=30)
    assert api_status(person, token) == 401
    assert login(person, "preparer").status_code == 302  # the session itself had timed out
    assert "expired" in person.get("/account").get_data(as_text=True)


def test_a_token_expiry_out_of_range_is_refused(demo):
    person = browser(demo, "preparer")
    response = post(person, "/account/tokens", {"expires_in_days": "99999"})
    assert response.status_code == 422
    with demo.app_context():
        assert user_ops.tokens_of(user("preparer")) == []
        with pytest.raises(ValidationFailed) as err:
            issue_token(user("preparer"), expires_in_days=0)
        assert "1 to 3650 days" in str(err.value)
        assert user_ops.tokens_of(user("preparer")) == []


def test_a_token_with_an_expiry_from_the_command_line(demo):
    runner = demo.test_cli_runner()
    result = runner.invoke(
        args=["users", "token", "preparer@demo.example", "--expires-in-days", "7"]
    )
    assert result.exit_code == 0, result.output
    with demo.app_context():
        (row,) = user_ops.tokens_of(user("preparer"))
        assert row.expires_at is not None
        assert timedelta(days=6, hours=23) < row.expires_at - row.created_at <= timedelta(days=7)
    refused = runner.invoke(
        args=["users", "token", "preparer@demo.example", "--expires-in-days", "0"]
    )
    assert refused.exit_code == 2 and "1 to 3650 days" in refused.output
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_a_session_checked_inside_reading_is_checked_but_not_written(demo, clock):
    # A request that only reads (reading()) must not fail because its session is due a
    # "last seen" note or has timed out: the check holds, the write waits.
    with demo.app_context():
        person = user("preparer")
        token = session_ops.start(person, address="10.0.0.1", user_agent=None)
        started = clock.now
        clock.advance(minutes=5)
        with reading():
            assert session_ops.resume(token, person.id).session is not None
        clock.advance(minutes=31)
        with reading():
            assert session_ops.resume(token, person.id) == (None, "idle")
        row = db.session.scalar(select(LoginSession))
        assert (row.last_seen_at, row.ended_at) == (started, None)
        assert session_ops.resume(token, person.id) == (None, "idle")  # outside: written
        db.session.refresh(row)
        assert row.end_reason == "idle"


def test_a_persons_old_sessions_are_deleted_at_their_next_log_in(demo, clock):
    person = browser(demo, "preparer")
    assert post(person, "/logout").status_code == 302  # ended now
    browser(demo, "preparer")  # left to time out
    other = browser(demo, "reviewer")  # another person's are not theirs to delete
    assert post(other, "/logout").status_code == 302
    clock.advance(days=89)
    browser(demo, "preparer")
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 4
    clock.advance(days=2)  # the first three are over for more than 90 days
    browser(demo, "preparer")
    with demo.app_context():
        owners = db.session.scalars(select(LoginSession.user_id).order_by(LoginSession.id)).all()
        assert owners == [user("reviewer").id, user("preparer").id, user("preparer").id]


@pytest.fixture
def empty_database_url(request, tmp_path):
    if ON_POSTGRES:
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'migrated.db'}"


def test_the_migration_revokes_the_tokens_of_people_already_inactive(empty_database_url):
    # Before it, deactivation left tokens in place; a reactivation would have revived them.
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO organisations (id, name_fi, name_sv, bilingual, "
                    "minority_language, settings) VALUES (1, 'K', 'K', false, 'none', '{}')"
                )
            )
            for user_id, active in ((1, True), (2, False)):
                conn.execute(
                    text(
                        "INSERT INTO users (id, organisation_id, email, name, password_hash, "
                        "active, created_at) VALUES (:id, 1, :email, 'N', 'x', :active, :at)"
                    ),
                    {"id": user_id, "email": f"u{user_id}@x.fi", "active": active, "at": utcnow()},
                )
                conn.execute(
                    text(
                        "INSERT INTO api_tokens (user_id, token_hash, prefix, created_at) "
                        "VALUES (:id, :hash, 'eva_abcd', :at)"
                    ),
                    {"id": user_id, "hash": f"{user_id:064d}", "at": utcnow()},
                )
        upgrade(revision="0007")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT user_id, revoked_at IS NOT NULL FROM api_tokens ORDER BY user_id")
            ).all()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(1, False), (2, True)]
