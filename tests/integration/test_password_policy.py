"""The password policy wherever a password is set (issue 15, item 10): an administrator
creating or editing a user, a person changing their own, the command line. A weak password
is refused with a message that says what is wrong, and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess import audit
from assess.extensions import db
from assess.models import AuditEvent, User
from assess.operations import ValidationFailed
from assess.operations import users as user_ops
from tests.support import DEMO_PASSWORDS, login, post, use_language


def counts():
    return (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def new_user_form(password, **fields):
    return {
        "name": "Maija Meikäläinen",
        "email": "maija.meikalainen@demo.example",
        "roles": "preparer",
        "active": "y",
        "password": password,
        **fields,
    }


@pytest.mark.parametrize(
    "password, language, message",
    [
        ("aaaaaaaaaaaa", "en", "repeats one character"),
        ("aaaaaaaaaaaa", "fi", "toistaa yhtä merkkiä"),
        ("Password2026!", "en", "20,000 most common passwords"),
        ("Password2026!", "sv", "de 20 000 vanligaste lösenorden"),
        ("meikalainen kesä 2026", "en", "contains “meikalainen”"),
        ("maija ja kesä 2026 on", "fi", "tässä on ”maija”"),
    ],
)
def test_an_administrator_cannot_give_a_weak_password(demo, password, language, message):
    client = demo.test_client()
    login(client, "admin")
    use_language(client, language)
    with demo.app_context():
        before = counts()
    response = post(client, "/admin/users/new", new_user_form(password))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with demo.app_context():
        assert counts() == before
        assert audit.verify(db.session).intact


def test_an_administrator_can_give_a_good_password(demo):
    client = demo.test_client()
    login(client, "admin")
    response = post(client, "/admin/users/new", new_user_form("copper lantern meadow 77"))
    assert response.status_code == 302


def test_an_administrator_cannot_reset_a_password_to_a_weak_one(demo):
    client = demo.test_client()
    login(client, "admin")
    use_language(client, "en")
    with demo.app_context():
        target = user_ops.user_by_email("auditor@demo.example")
        target_id, before = target.id, target.password_hash
    response = post(
        client,
        f"/admin/users/{target_id}",
        {"name": "Aino Auvinen", "roles": "auditor", "active": "y", "password": "auvinen-2026!"},
    )
    assert response.status_code == 422
    assert "contains “auvinen”" in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(User, target_id).password_hash == before


@pytest.mark.parametrize(
    "new, message",
    [
        ("aaaaaaaaaaaa", "repeats one character"),
        ("iloveyou2026", "20,000 most common passwords"),
        ("Peltonen pitää kesästä", "contains “peltonen”"),
    ],
)
def test_a_person_cannot_choose_a_weak_password(demo, new, message):
    client = demo.test_client()
    login(client, "preparer")
    use_language(client, "en")
    current = DEMO_PASSWORDS["preparer"][1]
    response = post(client, "/account", {"current": current, "password": new, "confirm": new})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with demo.app_context():
        assert user_ops.verify_password(user_ops.user_by_email("preparer@demo.example"), current)


@pytest.mark.parametrize(
    "password, message",
    [
        ("aaaaaaaaaaaa\n", "repeats one character"),
        ("password2026\n", "20,000 most common passwords"),
        ("maija meikalainen 1\n", "contains “maija”"),
    ],
)
def test_the_command_line_refuses_a_weak_password(demo, password, message):
    with demo.app_context():
        before = counts()
    result = demo.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "maija@example.fi",
            "--name",
            "Maija Meikäläinen",
            "--role",
            "preparer",
            "--password-stdin",
        ],
        input=password,
    )
    assert result.exit_code != 0
    assert message in result.output
    with demo.app_context():
        assert counts() == before


def test_the_demo_loads_with_its_published_passwords(demo, client):
    # The demo's passwords contain the accounts' names (they are in the README); only
    # the demo may keep them, and every one still logs in.
    for role in DEMO_PASSWORDS:
        assert login(demo.test_client(), role).status_code == 302
    with demo.app_context(), pytest.raises(ValidationFailed):
        user_ops.set_password(user_ops.user_by_email("preparer@demo.example"), "demo-preparer-2027")
