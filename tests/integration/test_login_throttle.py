"""Log-in throttling that cannot be dodged or abused (issue 15, item 6).

The attacks of the issue, each reproduced first: rotating X-Forwarded-For to get a fresh
address for every guess (with no trusted proxy and with one), trying a few passwords on
many accounts from one address, guessing again through the password-change form, and the
attempts' rows that were never purged. Time is moved by a clock the tests hold, never by
sleeping.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import LoginAttempt, User
from assess.operations import LockedOut
from assess.operations import users as user_ops
from assess.operations.demo import load_demo
from tests.conftest import fresh_app, release_app
from tests.support import DEMO_PASSWORDS, csrf_token, login, post, use_language

EMAIL, PASSWORD = DEMO_PASSWORDS["preparer"]
WRONG = "not the password at all"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    # The throttle reads its time here; the old code read it in the users' module.
    for name in ("assess.operations.throttle", "assess.operations.users"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "utcnow"):
            monkeypatch.setattr(module, "utcnow", clock)
    return clock


def site_with(request, **config):
    app = fresh_app(request, **config)
    with app.app_context():
        load_demo()
    request.addfinalizer(lambda: release_app(app))
    return app


@pytest.fixture
def site(request, clock):
    """The demo with a small per-address limit (10), so the tests stay short."""
    proxies = getattr(request, "param", 0)
    return site_with(request, TRUSTED_PROXY_COUNT=proxies, LOGIN_ADDRESS_MAX_FAILURES=10)


def attempts() -> int:
    return db.session.scalar(select(func.count()).select_from(LoginAttempt))


def web_login(client, email, password, *, forwarded=None, remote="192.0.2.1"):
    page = client.get("/login", environ_base={"REMOTE_ADDR": remote})
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
        headers=headers,
        environ_base={"REMOTE_ADDR": remote},
    )


def fail(n, email=EMAIL, address="10.0.0.1"):
    for _ in range(n):
        assert user_ops.authenticate(email, WRONG, address) is None


# --- rotating X-Forwarded-For -------------------------------------------------------------


def test_forwarded_for_is_ignored_without_a_trusted_proxy(site):
    client = site.test_client()
    use_language(client, "en")
    # One client, a new forged address and a new account for every guess.
    for i in range(10):
        response = web_login(client, f"person{i}@demo.example", WRONG, forwarded=f"10.9.{i}.1")
        assert response.status_code == 401
    response = web_login(client, EMAIL, PASSWORD, forwarded="10.9.99.1")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed log-ins from your network address" in response.get_data(as_text=True)
    # Another client is not affected.
    assert web_login(client, EMAIL, PASSWORD, remote="192.0.2.2").status_code == 302


@pytest.mark.parametrize("site", [1], indirect=True)
def test_behind_one_proxy_the_address_it_saw_is_counted(site):
    client = site.test_client()
    # The proxy appends the address it saw; what the client wrote stays on its left.
    for i in range(10):
        forged = f"10.9.{i}.1, 203.0.113.7"
        response = web_login(client, f"person{i}@demo.example", WRONG, forwarded=forged)
        assert response.status_code == 401
    assert web_login(client, EMAIL, PASSWORD, forwarded="10.9.99.1, 203.0.113.7").status_code == 429
    assert web_login(client, EMAIL, PASSWORD, forwarded="203.0.113.8").status_code == 302
    with site.app_context():
        addresses = set(db.session.scalars(select(LoginAttempt.address)))
    assert addresses == {"203.0.113.7", "203.0.113.8"}


@pytest.mark.parametrize("site", [1], indirect=True)
def test_a_forged_address_does_not_dodge_the_accounts_delay(site, clock):
    # The application reached directly, past the proxy: every address is the client's
    # invention, and still the account slows down.
    client = site.test_client()
    use_language(client, "en")
    for i in range(5):
        assert web_login(client, EMAIL, WRONG, forwarded=f"10.8.{i}.1").status_code == 401
    with site.app_context():
        before = attempts()
    response = web_login(client, EMAIL, PASSWORD, forwarded="10.8.99.1")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    page = response.get_data(as_text=True)
    assert "Too many failed log-ins with this e-mail address" in page
    assert "2 seconds" in page
    with site.app_context():
        assert attempts() == before  # refused before the password was even looked at
    clock.advance(seconds=2)
    assert web_login(client, EMAIL, PASSWORD, forwarded="10.8.99.2").status_code == 302


# --- per account ----------------------------------------------------------------------------


def test_the_right_password_during_the_delay_is_refused_and_not_recorded(site, clock):
    with site.app_context():
        fail(5)
        before = attempts()
        with pytest.raises(LockedOut) as err:
            user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.1")
        assert err.value.retry_after == 2
        assert err.value.until == clock.now + timedelta(seconds=2)
        assert attempts() == before
        clock.advance(seconds=1)
        with pytest.raises(LockedOut):
            user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.2")
        clock.advance(seconds=1)
        assert user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.2") is not None


def test_four_failures_cost_nothing(site):
    with site.app_context():
        fail(4)
        assert user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.1") is not None


def test_the_delay_doubles_with_each_failure_up_to_fifteen_minutes(site, clock):
    waits = []
    with site.app_context():
        fail(5, address="10.0.0.1")
        for i in range(12):  # from ever new addresses, below the per-address limit
            with pytest.raises(LockedOut) as err:
                user_ops.authenticate(EMAIL, WRONG, f"10.0.{i}.2")
            waits.append(err.value.retry_after)
            clock.advance(seconds=err.value.retry_after)
            assert user_ops.authenticate(EMAIL, WRONG, f"10.0.{i}.2") is None
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]


def test_a_success_starts_the_count_again(site, clock):
    with site.app_context():
        fail(4)
        assert user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.1") is not None
        fail(4, address="10.0.0.3")
        assert user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.3") is not None


def test_failures_older_than_the_window_no_longer_count(site, clock):
    with site.app_context():
        fail(5)
        clock.advance(hours=24, seconds=1)
        fail(4)
        assert user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.1") is not None


def test_an_address_without_an_account_is_answered_alike(site):
    # The wait says nothing about whether the account exists.
    with site.app_context():
        fail(5, email=EMAIL)
        fail(5, email="nobody@demo.example")
        with pytest.raises(LockedOut) as real:
            user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.1")
        with pytest.raises(LockedOut) as nobody:
            user_ops.authenticate("nobody@demo.example", PASSWORD, "10.0.0.1")
    assert real.value.message.render("fi") == nobody.value.message.render("fi")


def test_someone_elsewhere_cannot_keep_a_person_out(site, clock):
    with site.app_context():
        # The person logs in from their office.
        assert user_ops.authenticate(EMAIL, PASSWORD, "192.0.2.50") is not None
        clock.advance(hours=1)
        # Someone else fails on their account all day, from ever new addresses.
        for i in range(40):
            try:
                user_ops.authenticate(EMAIL, WRONG, f"10.7.{i}.1")
            except LockedOut as exc:
                clock.advance(seconds=exc.retry_after)
                assert user_ops.authenticate(EMAIL, WRONG, f"10.7.{i}.1") is None
        # Elsewhere even the right password must wait now ...
        with pytest.raises(LockedOut):
            user_ops.authenticate(EMAIL, PASSWORD, "10.7.99.1")
        # ... but from the office the person is not slowed down at all.
        assert user_ops.authenticate(EMAIL, PASSWORD, "192.0.2.50") is not None


def test_failures_at_a_known_address_count_there(site, clock):
    # A colleague behind the same office address gains nothing from its being known.
    with site.app_context():
        assert user_ops.authenticate(EMAIL, PASSWORD, "192.0.2.50") is not None
        clock.advance(seconds=1)
        fail(5, address="192.0.2.50")
        with pytest.raises(LockedOut):
            user_ops.authenticate(EMAIL, PASSWORD, "192.0.2.50")


def test_an_address_is_known_for_thirty_days(site, clock):
    with site.app_context():
        assert user_ops.authenticate(EMAIL, PASSWORD, "192.0.2.50") is not None
        clock.advance(days=30, seconds=1)
        fail(5, address="10.7.0.1")
        with pytest.raises(LockedOut):
            user_ops.authenticate(EMAIL, PASSWORD, "192.0.2.50")


# --- per address ----------------------------------------------------------------------------


def test_one_address_cannot_try_many_accounts(site, clock):
    with site.app_context():
        for i in range(10):
            fail(1, email=f"person{i}@demo.example", address="10.0.0.9")
        with pytest.raises(LockedOut) as err:
            user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.9")
        assert err.value.retry_after == 15 * 60
        assert "network address" in err.value.message.render("en")
        assert user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.10") is not None
        clock.advance(minutes=15)
        assert user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.9") is not None


def test_the_addresses_of_one_ipv6_network_share_the_limit(site):
    with site.app_context():
        for i in range(10):
            fail(1, email=f"person{i}@demo.example", address=f"2001:db8:0:7::{i + 1:x}")
        with pytest.raises(LockedOut):
            user_ops.authenticate(EMAIL, PASSWORD, "2001:db8:0:7:ffff::1")
        assert user_ops.authenticate(EMAIL, PASSWORD, "2001:db8:0:8::1") is not None


def test_the_limit_for_an_address_is_the_default_fifty(request, clock):
    app = site_with(request)
    with app.app_context():
        for i in range(49):
            fail(1, email=f"person{i}@demo.example", address="10.0.0.9")
        assert user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.9") is not None
        fail(1, email="person49@demo.example", address="10.0.0.9")
        with pytest.raises(LockedOut):
            user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.9")


# --- the password-change form: the same throttle ------------------------------------------


def test_the_current_password_cannot_be_guessed_on_the_account_page(site, clock):
    client = site.test_client()
    assert login(client, "preparer").status_code == 302
    clock.advance(seconds=1)
    use_language(client, "en")
    new = "copper lantern meadow 77"
    for _ in range(5):
        response = post(client, "/account", {"current": WRONG, "password": new, "confirm": new})
        assert response.status_code == 422
    response = post(client, "/account", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == 2
    assert "Too many failed log-ins" in response.get_data(as_text=True)
    with site.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        assert user_ops.verify_password(user, PASSWORD)
    clock.advance(seconds=2)
    response = post(client, "/account", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302


# --- old rows are purged ----------------------------------------------------------------------


def test_recording_an_attempt_purges_the_rows_no_rule_reads(site, clock):
    with site.app_context():
        assert user_ops.authenticate(EMAIL, PASSWORD, "192.0.2.50") is not None
        fail(3)
        clock.advance(hours=24, seconds=1)
        assert user_ops.authenticate(EMAIL, PASSWORD, "192.0.2.50") is not None
        # The failures are gone; the successes still say which addresses are known.
        assert [a.succeeded for a in db.session.scalars(select(LoginAttempt))] == [True, True]
        clock.advance(days=30)
        fail(1, address="10.0.0.2")
        rows = db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.at)).all()
        assert [(a.address, a.succeeded) for a in rows] == [
            ("192.0.2.50", True),
            ("10.0.0.2", False),
        ]


def test_the_command_purges_old_attempts(site, clock):
    with site.app_context():
        fail(3)
        assert user_ops.authenticate(EMAIL, PASSWORD, "192.0.2.50") is not None
    clock.advance(hours=25)
    result = site.test_cli_runner().invoke(args=["users", "purge-attempts"])
    assert result.exit_code == 0, result.output
    assert "Removed 3 old log-in attempt(s)." in result.output
    with site.app_context():
        assert attempts() == 1
    clock.advance(days=31)
    result = site.test_cli_runner().invoke(args=["users", "purge-attempts"])
    assert "Removed 1 old log-in attempt(s)." in result.output
    with site.app_context():
        assert attempts() == 0


def test_a_forwarded_for_with_no_trusted_proxy_is_logged_once(site, caplog):
    # A proxy the operator forgot to declare makes everyone one address: say so.
    client = site.test_client()
    with caplog.at_level("WARNING", logger="assess.web.proxies"):
        client.get("/login", headers={"X-Forwarded-For": "10.9.0.1"})
        client.get("/login", headers={"X-Forwarded-For": "10.9.0.2"})
    warnings = [r for r in caplog.records if "TRUSTED_PROXY_COUNT" in r.getMessage()]
    assert len(warnings) == 1


# --- parallel attempts on one account -------------------------------------------------------


@pytest.mark.postgres
def test_parallel_attempts_on_one_account_wait_for_each_other(pg_app, monkeypatch):
    # While one worker checks a password, another attempt on the same account cannot pass
    # the throttle's check: it would not yet see the first one's record.
    from sqlalchemy import text

    from assess.operations import throttle

    seen = []
    real = user_ops.verify_password

    def verify_while_another_worker_tries(user, password):
        with db.engine.connect() as other:
            args = {"c": throttle.LOCK_CLASS, "k": throttle.account_lock_key(user.email)}
            got = other.execute(text("SELECT pg_try_advisory_lock(:c, :k)"), args).scalar()
            seen.append(got)
            if got:
                other.execute(text("SELECT pg_advisory_unlock(:c, :k)"), args)
            other.commit()
        return real(user, password)

    monkeypatch.setattr(user_ops, "verify_password", verify_while_another_worker_tries)
    with pg_app.app_context():
        assert user_ops.authenticate(EMAIL, PASSWORD, "10.0.0.1") is not None
        assert user_ops.authenticate(EMAIL, WRONG, "10.0.0.1") is None
        with db.engine.connect() as other:  # and the lock ends with the attempt
            args = {"c": throttle.LOCK_CLASS, "k": throttle.account_lock_key(EMAIL)}
            assert other.execute(text("SELECT pg_try_advisory_lock(:c, :k)"), args).scalar()
            other.execute(text("SELECT pg_advisory_unlock(:c, :k)"), args)
    assert seen == [False, False]
