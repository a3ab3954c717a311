"""`flask --app wsgi org ...`, `bodies create/deactivate` and `users list/roles/deactivate`
(issue 16): an operator sets up an organisation from nothing, every change audited, bad input
refused with a message that names it and nothing stored."""

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import ApiToken, AuditEvent, Body, Organisation, User
from assess.operations import users as user_ops
from tests.support import login

PASSWORD = "Kuusi kaunista kanervaa 2026"


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def counts(app):
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Organisation, Body, User, AuditEvent)
        )


def events(app, action):
    with app.app_context():
        return [
            (e.actor_type, e.organisation_id, e.object_id, e.changes)
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        ]


def test_an_organisation_from_nothing_to_its_first_people(demo):
    made = run(
        demo,
        "org",
        "create",
        "--name-fi",
        "Kokkolan kaupunki",
        "--name-sv",
        "Karleby stad",
        "--minority-language",
        "sv",
    )
    assert made.exit_code == 0, made.output
    assert "Created organisation 2: Kokkolan kaupunki / Karleby stad (municipality)." in made.output
    listed = run(demo, "org", "list").output.splitlines()
    assert listed[1].split("\t") == [
        "2",
        "municipality",
        "fi+sv (sv minority)",
        "0 bodies",
        "0 people",
        "Kokkolan kaupunki",
        "Karleby stad",
    ]
    [(actor, org_id, object_id, changes)] = events(demo, "organisation.created")
    assert (actor, org_id, object_id) == ("system", 2, 2)
    assert {"field": "minority_language", "old": None, "new": "sv"} in changes

    body = run(
        demo,
        "bodies",
        "create",
        "kasvatus",
        "--kind",
        "board",
        "--name-fi",
        "Kasvatus- ja opetuslautakunta",
        "--name-sv",
        "Fostrings- och utbildningsnämnden",
        "--organisation",
        "2",
    )
    assert body.exit_code == 0, body.output
    person = run(
        demo,
        "users",
        "create",
        "rehtori@kokkola.example",
        "--name",
        "Rehtori Rantanen",
        "--role",
        "preparer",
        "--organisation",
        "2",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert person.exit_code == 0, person.output
    assert run(demo, "org", "list").output.splitlines()[1].split("\t")[3:5] == [
        "1 bodies",
        "1 people",
    ]
    assert run(demo, "users", "list", "--organisation", "2").output == (
        "rehtori@kokkola.example\tpreparer\tactive\tRehtori Rantanen\n"
    )
    gone = run(demo, "bodies", "deactivate", "kasvatus", "--organisation", "2")
    assert gone.exit_code == 0 and "is retired" in gone.output


def test_roles_change_and_end_the_sessions_that_had_them(demo):
    browser = demo.test_client()
    login(browser, "reviewer")
    assert browser.get("/").status_code == 200
    changed = run(
        demo,
        "users",
        "roles",
        "reviewer@demo.example",
        "--add",
        "coordinator",
        "--remove",
        "reviewer",
        "--as",
        "admin@demo.example",
    )
    assert changed.exit_code == 0, changed.output
    assert changed.output == "reviewer@demo.example: coordinator.\n"
    [(actor, _, _, changes)] = events(demo, "user.updated")
    assert actor == "user"  # the administrator named by --as
    assert changes == [{"field": "roles", "old": ["reviewer"], "new": ["coordinator"]}]
    # The session that had the removed role has ended: the person signs in again.
    assert browser.get("/").status_code == 302


def test_deactivate_and_undo(demo):
    with demo.app_context():
        token = user_ops.issue_token(user_ops.user_by_email("preparer@demo.example"))
    off = run(demo, "users", "deactivate", "preparer@demo.example")
    assert off.exit_code == 0 and off.output == "preparer@demo.example is deactivated.\n"
    assert run(demo, "users", "list").output.count("deactivated") == 1
    with demo.app_context():
        stored = db.session.scalar(select(ApiToken).where(ApiToken.prefix == token[:8]))
        assert stored.revoked_at is not None  # its API tokens stop working too
    on = run(demo, "users", "deactivate", "preparer@demo.example", "--undo")
    assert on.output == "preparer@demo.example is active.\n"
    assert [c[0]["field"] for *_, c in events(demo, "user.updated")] == ["active", "active"]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (
            ["org", "create", "--name-fi", "X", "--name-sv", "X", "--time-zone", "Helsinki"],
            1,
            "time-zone: 'Helsinki' is not a time zone; write one such as Europe/Helsinki.",
        ),
        (
            ["org", "create", "--name-fi", "Keski-Pohjanmaan hyvinvointialue", "--name-sv", "X"],
            1,
            "name-fi: An organisation named Keski-Pohjanmaan hyvinvointialue exists already.",
        ),
        (
            ["org", "create", "--name-fi", " ", "--name-sv", "X"],
            1,
            "name-fi: This field is required.",
        ),
        (
            ["org", "create", "--name-fi", "X", "--name-sv", "X", "--kind", "city"],
            2,
            "'city' is not one of 'municipality', 'wellbeing_county'",
        ),
        (
            ["users", "roles", "reviewer@demo.example"],
            2,
            "say which roles to change: --add ROLE or --remove ROLE",
        ),
        (
            ["users", "roles", "reviewer@demo.example", "--add", "admin", "--remove", "admin"],
            2,
            "admin: given both to --add and to --remove.",
        ),
        (["users", "roles", "nobody@demo.example", "--add", "admin"], 2, "nobody@demo.example"),
        (
            ["users", "roles", "reviewer@demo.example", "--remove", "reviewer"],
            1,
            "roles: Choose at least one role.",
        ),
        (
            ["users", "deactivate", "reviewer@demo.example", "--as", "preparer@demo.example"],
            2,
            "preparer@demo.example is not an administrator.",
        ),
    ],
)
def test_bad_input_is_named_and_stores_nothing(demo, args, code, message):
    before = counts(demo)
    result = run(demo, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert counts(demo) == before


def test_help_is_in_english_and_says_what_each_command_does(demo):
    for group, words in (("org", "create"), ("users", "deactivate"), ("bodies", "deactivate")):
        shown = run(demo, group, "--help")
        assert shown.exit_code == 0 and words in shown.output
