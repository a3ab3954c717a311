"""Sign-in through the organisation's identity provider (issue 16), against the small
OpenID provider the tests start on loopback (tests/oidc_provider.py). The Flask test client
follows the redirects through the provider's real HTTP endpoints; the app fetches the
provider's discovery document, keys and tokens over HTTP as it would in production."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, LoginSession, User
from assess.operations import users as user_ops
from tests.conftest import fresh_app, release_app, restore_demo
from tests.oidc_provider import Provider
from tests.support import csrf_token, login, use_language

MAPPING = {
    "organisation": 1,
    "groups": {
        "eva-preparers": {"roles": ["preparer"]},
        "eva-reviewers": {"roles": ["reviewer"]},
        "eva-admins": {"roles": ["admin"]},
    },
}


@pytest.fixture(scope="module")
def provider():
    provider = Provider().start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_app(request, provider):
    provider.person = {}
    provider.tamper = {}
    provider.with_end_session = True
    app = fresh_app(
        request,
        OIDC_ISSUER=provider.url,
        OIDC_CLIENT_ID=provider.client_id,
        OIDC_CLIENT_SECRET=provider.client_secret,
        OIDC_PROVIDER_NAME="Test ID",
        OIDC_GROUP_ROLES=json.dumps(MAPPING),
    )
    with app.app_context():
        restore_demo()
    yield app
    release_app(app)


def person(sub="sub-1", groups=("eva-preparers",), email="olli.oidc@demo.example"):
    return {"sub": sub, "email": email, "name": "Olli Oidc", "groups": list(groups)}


def sign_in(client, provider, who=None):
    """The whole round: the login page's button, the provider, the callback."""
    if who is not None:
        provider.person = who
    start = client.get("/login/provider")
    assert start.status_code == 302, start.get_data(as_text=True)
    authorize = start.headers["Location"]
    assert authorize.startswith(provider.url + "/authorize")
    answer = requests.get(authorize, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_login_page_offers_the_provider(oidc_app):
    client = oidc_app.test_client()
    use_language(client, "en")
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Test ID" in page
    assert 'href="/login/provider' in page


def test_login_page_without_provider_has_no_button(client):
    use_language(client, "en")
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/provider").status_code == 302


def test_the_authorisation_request_carries_state_nonce_and_pkce(oidc_app, provider):
    start = oidc_app.test_client().get("/login/provider")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["state"][0] and query["nonce"][0]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["scope"] == ["openid email profile"]


def test_first_sign_in_creates_the_user_with_the_groups_roles(oidc_app, provider):
    client = oidc_app.test_client()
    answer = sign_in(client, provider, person(groups=["eva-preparers", "eva-reviewers", "x"]))
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert "Olli Oidc" in client.get("/").get_data(as_text=True)
    with oidc_app.app_context():
        user = db.session.scalar(select(User).where(User.oidc_subject == "sub-1"))
        assert user is not None
        assert (user.oidc_issuer, user.email) == (provider.url, "olli.oidc@demo.example")
        assert user.roles == ["preparer", "reviewer"] and user.organisation_id == 1
        created = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "user.created", AuditEvent.object_id == user.id
            )
        )
        assert created is not None
        # No password opens the account: it has none anyone knows.
        assert not user_ops.verify_password(user, "")
    # The PKCE verifier went to the token endpoint (the provider refuses a wrong one).
    assert provider.token_requests[-1]["code_verifier"]


def test_the_same_subject_is_the_same_user_even_with_a_new_address(oidc_app, provider):
    sign_in(oidc_app.test_client(), provider, person())
    answer = sign_in(oidc_app.test_client(), provider, person(email="olli.new@demo.example"))
    assert answer.status_code == 302
    with oidc_app.app_context():
        assert db.session.scalars(select(User).where(User.oidc_subject == "sub-1")).all()
        assert len(db.session.scalars(select(User).where(User.name == "Olli Oidc")).all()) == 1


def test_an_existing_password_account_is_not_taken_over_by_its_address(oidc_app, provider):
    client = oidc_app.test_client()
    use_language(client, "en")
    answer = sign_in(client, provider, person(email="preparer@demo.example"))
    assert answer.status_code == 403
    assert "exists already and is not linked to Test ID" in answer.get_data(as_text=True)
    with oidc_app.app_context():
        assert user_ops.user_by_email("preparer@demo.example").oidc_subject is None


def test_roles_follow_the_groups_and_a_removed_group_ends_the_sessions(oidc_app, provider):
    first = oidc_app.test_client()
    sign_in(first, provider, person(groups=["eva-preparers", "eva-admins"]))
    assert first.get("/admin/users").status_code == 200
    # The administrators' group is taken away at the provider; the next sign-in sees it.
    second = oidc_app.test_client()
    assert sign_in(second, provider, person(groups=["eva-preparers"])).status_code == 302
    with oidc_app.app_context():
        user = db.session.scalar(select(User).where(User.oidc_subject == "sub-1"))
        assert user.roles == ["preparer"]
        ended = db.session.scalars(
            select(LoginSession).where(LoginSession.user_id == user.id)
        ).all()
        assert sorted(s.ended_at is None for s in ended) == [False, True]
    # The session that had the admin role is over at once; the new one works.
    assert first.get("/admin/users").status_code == 302
    assert second.get("/").status_code == 200
    assert second.get("/admin/users").status_code == 403


def test_no_group_left_refuses_and_ends_every_session(oidc_app, provider):
    first = oidc_app.test_client()
    sign_in(first, provider, person())
    second = oidc_app.test_client()
    use_language(second, "en")
    answer = sign_in(second, provider, person(groups=["someone-elses"]))
    assert answer.status_code == 403
    assert "in no group that gives a role" in answer.get_data(as_text=True)
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 302


@pytest.mark.parametrize(
    "tamper",
    [
        {"aud": "another-client"},
        {"aud": ["another-client"], "azp": "eva-test-client"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
        {"nonce": "not-the-nonce"},
        {"iss": "https://impostor.example"},
    ],
    ids=["wrong audience", "audience list without us", "expired", "wrong nonce", "wrong issuer"],
)
def test_a_bad_id_token_is_refused_with_a_clear_message(oidc_app, provider, tamper, caplog):
    provider.tamper = tamper
    client = oidc_app.test_client()
    use_language(client, "en")
    answer = sign_in(client, provider, person())
    assert answer.status_code == 400
    assert "Signing in with Test ID did not succeed" in answer.get_data(as_text=True)
    assert "identity provider failed at callback" in caplog.text
    assert client.get("/").status_code == 302
    with oidc_app.app_context():
        assert db.session.scalar(select(User).where(User.oidc_subject == "sub-1")) is None


def test_a_wrong_state_is_refused(oidc_app, provider):
    client = oidc_app.test_client()
    provider.person = person()
    start = client.get("/login/provider")
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    query = parse_qs(back.query)
    forged = client.get(f"{back.path}?code={query['code'][0]}&state=forged")
    assert forged.status_code == 400
    # A callback in another browser (no state in its session) is refused as well.
    other = oidc_app.test_client().get(f"{back.path}?{back.query}")
    assert other.status_code == 400
    assert client.get("/").status_code == 302


def test_the_provider_saying_no_is_a_message_not_an_error(oidc_app, provider):
    client = oidc_app.test_client()
    client.get("/login/provider")
    answer = client.get("/login/provider/callback?error=access_denied&state=x")
    assert answer.status_code == 400


def test_logout_ends_the_providers_session_too(oidc_app, provider):
    client = oidc_app.test_client()
    sign_in(client, provider, person())
    token = csrf_token(client.get("/").get_data(as_text=True))
    answer = client.post("/logout", data={"csrf_token": token})
    assert answer.status_code == 302
    target = urlsplit(answer.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider.url + "/end_session"
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/login"]
    assert query["id_token_hint"][0].count(".") == 2
    assert query["client_id"] == [provider.client_id]
    assert client.get("/").status_code == 302  # our session is over already
    back = requests.get(answer.headers["Location"], allow_redirects=False, timeout=10)
    assert back.headers["Location"].startswith("http://localhost/login?state=")
    assert provider.ended


def test_logout_without_end_session_endpoint_stays_here(oidc_app, provider):
    provider.with_end_session = False
    client = oidc_app.test_client()
    sign_in(client, provider, person())
    token = csrf_token(client.get("/").get_data(as_text=True))
    answer = client.post("/logout", data={"csrf_token": token})
    assert answer.headers["Location"] == "/login"


def test_a_password_log_out_does_not_visit_the_provider(oidc_app):
    client = oidc_app.test_client()
    login(client, "preparer")
    answer = client.post("/logout", data={"csrf_token": client.csrf})
    assert answer.headers["Location"] == "/login"


# --- password sign-in switched off for an organisation ----------------------------------


def _organisation(app):
    from assess.models import Organisation

    return db.session.get(Organisation, 1)


def test_admin_switches_password_sign_in_off_and_passwords_are_refused(oidc_app):
    admin = oidc_app.test_client()
    use_language(admin, "en")
    login(admin, "admin")
    page = admin.get("/admin/organisation").get_data(as_text=True)
    assert 'id="password_sign_in"' in page and "Allow sign-in with a password" in page
    answer = admin.post("/admin/organisation/sign-in", data={"csrf_token": admin.csrf})
    assert answer.status_code == 302
    with oidc_app.app_context():
        assert _organisation(oidc_app).password_sign_in is False
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "organisation.password_sign_in_changed")
        )
        assert event is not None
    # The right password now gets a message naming the provider, and no session.
    other = oidc_app.test_client()
    use_language(other, "en")
    refused = login(other, "preparer")
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert "has switched password sign-in off: sign in with Test ID" in text
    assert other.get("/").status_code == 302
    # A wrong password still says only that it is wrong: the refusal reveals no account.
    assert login(other, email="preparer@demo.example", password="wrong one!!").status_code == 401
    # On again.
    admin.post(
        "/admin/organisation/sign-in", data={"csrf_token": admin.csrf, "password_sign_in": "y"}
    )
    assert login(oidc_app.test_client(), "preparer").status_code == 302


def test_password_sign_in_stays_on_without_a_provider(demo, client):
    use_language(client, "en")
    login(client, "admin")
    answer = client.post(
        "/admin/organisation/sign-in", data={"csrf_token": client.csrf}, follow_redirects=True
    )
    assert "can be switched off only when sign-in through" in answer.get_data(as_text=True)
    with demo.app_context():
        assert _organisation(demo).password_sign_in is True


def test_only_an_admin_switches_it(oidc_app):
    client = oidc_app.test_client()
    login(client, "preparer")
    answer = client.post("/admin/organisation/sign-in", data={"csrf_token": client.csrf})
    assert answer.status_code == 403
    with oidc_app.app_context():
        assert _organisation(oidc_app).password_sign_in is True


def test_the_command_line_switches_it(oidc_app):
    runner = oidc_app.test_cli_runner()
    result = runner.invoke(args=["org", "password-sign-in", "--off", "--organisation", "1"])
    assert result.exit_code == 0, result.output
    assert "is off" in result.output
    with oidc_app.app_context():
        assert _organisation(oidc_app).password_sign_in is False
    result = runner.invoke(
        args=["org", "password-sign-in", "--on", "--as", "preparer@demo.example"]
    )
    assert result.exit_code == 2 and "not an administrator" in result.output
    result = runner.invoke(args=["org", "password-sign-in", "--on", "--as", "admin@demo.example"])
    assert result.exit_code == 0 and "is on" in result.output


def test_the_command_line_refuses_off_without_a_provider(demo):
    result = demo.test_cli_runner().invoke(args=["org", "password-sign-in", "--off"])
    assert result.exit_code == 2
    assert "only when sign-in through the organisation's identity provider" in result.output


def test_a_provider_without_its_settings_stops_the_start_up(request):
    from assess.config import ConfigError

    with pytest.raises(ConfigError, match="OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"):
        fresh_app(request, OIDC_ISSUER="https://id.example")
    with pytest.raises(ConfigError, match="neither OIDC_GROUP_ROLES nor OIDC_GROUP_ROLES_FILE"):
        fresh_app(
            request, OIDC_ISSUER="https://id.example", OIDC_CLIENT_ID="c", OIDC_CLIENT_SECRET="s"
        )
    with pytest.raises(ConfigError, match="unknown role 'boss'"):
        fresh_app(
            request,
            OIDC_ISSUER="https://id.example",
            OIDC_CLIENT_ID="c",
            OIDC_CLIENT_SECRET="s",
            OIDC_GROUP_ROLES='{"organisation": 1, "groups": {"g": {"roles": ["boss"]}}}',
        )


def overage(sub="sub-1", email="olli.oidc@demo.example"):
    """What Entra ID sends for a person in more than 200 groups: no groups, a reference."""
    return {
        "sub": sub,
        "email": email,
        "name": "Olli Oidc",
        "_claim_names": {"groups": "src1"},
        "_claim_sources": {
            "src1": {"endpoint": "https://graph.windows.net/tenant/users/x/getMemberObjects"}
        },
    }


def test_a_group_overage_token_is_refused_and_changes_nothing(oidc_app, provider, caplog):
    first = oidc_app.test_client()
    assert sign_in(first, provider, person(groups=["eva-preparers", "eva-admins"])).status_code == (
        302
    )
    with oidc_app.app_context():
        user = db.session.scalar(select(User).where(User.oidc_subject == "sub-1"))
        uid, roles = user.id, user.roles
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    second = oidc_app.test_client()
    use_language(second, "en")
    answer = sign_in(second, provider, overage())
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "Test ID did not send your groups" in page
    assert "Nothing was changed in your account" in page
    # The operator is told what is wrong and how to fix it.
    assert "group overage" in caplog.text and "Groups assigned to the application" in caplog.text
    # Nothing changed: the roles, the open session, the audit log.
    with oidc_app.app_context():
        user = db.session.get(User, uid)
        assert user.roles == roles == ["admin", "preparer"]
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert first.get("/admin/users").status_code == 200
    assert second.get("/").status_code == 302


def test_a_group_overage_token_on_first_sign_in_creates_no_account(oidc_app, provider):
    client = oidc_app.test_client()
    use_language(client, "fi")
    answer = sign_in(client, provider, overage(sub="sub-overage"))
    assert answer.status_code == 403
    assert "ei lähettänyt ryhmiäsi" in answer.get_data(as_text=True)
    with oidc_app.app_context():
        assert db.session.scalar(select(User).where(User.oidc_subject == "sub-overage")) is None


def link(app, *args):
    return app.test_cli_runner().invoke(args=["users", "link-identity", *args])


def identity_events(app, email):
    with app.app_context():
        uid = user_ops.user_by_email(email).id
        return db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action.in_(("user.identity_linked", "user.identity_unlinked")),
                AuditEvent.object_id == uid,
            )
            .order_by(AuditEvent.id)
        ).all()


def test_an_existing_password_account_is_linked_by_the_command_and_kept(oidc_app, provider):
    # The switch-over: the preparer has history and roles under a password account.
    with oidc_app.app_context():
        before = user_ops.user_by_email("preparer@demo.example")
        uid, count = before.id, db.session.scalar(select(func.count()).select_from(User))
    result = link(oidc_app, "preparer@demo.example", "--subject", "sub-preparer")
    assert result.exit_code == 0, result.output
    assert f"linked to subject sub-preparer of {provider.url}" in result.output
    (event,) = identity_events(oidc_app, "preparer@demo.example")
    assert event.action == "user.identity_linked"
    assert {c["field"]: c["new"] for c in event.changes} == {
        "identity_provider": provider.url,
        "identity_subject": "sub-preparer",
    }
    # The first provider sign-in finds that account (even with another address there).
    client = oidc_app.test_client()
    who = person(sub="sub-preparer", email="p.someone@demo.example", groups=["eva-preparers"])
    assert sign_in(client, provider, who).status_code == 302
    with oidc_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == count
        assert db.session.scalar(select(User).where(User.oidc_subject == "sub-preparer")).id == uid
    assert client.get("/").status_code == 200
    # Unlinked: the session signed in through the link ends with it, and the next provider
    # sign-in is refused as before (the address exists).
    use_language(client, "en")
    result = link(oidc_app, "preparer@demo.example", "--unlink")
    assert result.exit_code == 0, result.output
    with oidc_app.app_context():
        ended = db.session.scalars(
            select(LoginSession.end_reason).where(LoginSession.user_id == uid)
        ).all()
    assert "identity" in ended, ended
    out = client.get("/", follow_redirects=True)
    assert "/login" in out.request.path
    assert "sign-in was removed, which ended this session" in out.get_data(as_text=True)
    assert [e.action for e in identity_events(oidc_app, "preparer@demo.example")] == [
        "user.identity_linked",
        "user.identity_unlinked",
    ]
    again = oidc_app.test_client()
    use_language(again, "en")
    assert sign_in(again, provider, person(email="preparer@demo.example")).status_code == 403


def test_the_link_command_refuses_clearly_and_changes_nothing(oidc_app, provider):
    assert link(oidc_app, "preparer@demo.example", "--subject", "sub-x").exit_code == 0
    cases = [
        (["nobody@demo.example", "--subject", "s"], 2, "No user has the e-mail address"),
        (["reviewer@demo.example", "--subject", "sub-x"], 1, "already linked to the account"),
        (["preparer@demo.example", "--subject", "sub-y"], 1, "already linked to another"),
        (["reviewer@demo.example"], 2, "give --subject"),
        (["reviewer@demo.example", "--unlink"], 1, "is not linked to an identity"),
        (["reviewer@demo.example", "--subject", " "], 1, "subject: Give the person's subject"),
        (
            ["reviewer@demo.example", "--subject", "s", "--as", "preparer@demo.example"],
            2,
            "not an administrator",
        ),
    ]
    for args, code, message in cases:
        result = link(oidc_app, *args)
        assert result.exit_code == code and message in result.output, (args, result.output)
    assert len(identity_events(oidc_app, "preparer@demo.example")) == 1
    assert identity_events(oidc_app, "reviewer@demo.example") == []
    # Linking again to the same identity is no change, and nothing is audited.
    assert link(oidc_app, "preparer@demo.example", "--subject", "sub-x").exit_code == 0
    assert len(identity_events(oidc_app, "preparer@demo.example")) == 1


def test_the_link_command_explains_itself_in_english(oidc_app):
    result = link(oidc_app, "--help")
    assert result.exit_code == 0
    for text in ("Link the existing account EMAIL", "--issuer", "--subject", "--unlink", "--as"):
        assert text in result.output


def test_the_link_command_warns_of_another_issuer(oidc_app):
    result = link(
        oidc_app, "preparer@demo.example", "--issuer", "https://other.example", "--subject", "s"
    )
    assert result.exit_code == 0 and "differs from OIDC_ISSUER" in result.output


def test_link_by_email_when_the_provider_is_trusted_for_it(oidc_app, provider):
    oidc_app.config["OIDC_LINK_BY_EMAIL"] = True
    with oidc_app.app_context():
        uid = user_ops.user_by_email("preparer@demo.example").id
    client = oidc_app.test_client()
    answer = sign_in(client, provider, person(sub="sub-trusted", email="preparer@demo.example"))
    assert answer.status_code == 302
    with oidc_app.app_context():
        assert db.session.scalar(select(User).where(User.oidc_subject == "sub-trusted")).id == uid
    (event,) = identity_events(oidc_app, "preparer@demo.example")
    assert event.action == "user.identity_linked" and event.actor_type == "system"
    assert {c["field"]: c["new"] for c in event.changes}["identity_subject"] == "sub-trusted"
