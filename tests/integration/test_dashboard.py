"""Each role's dashboard shows what that role works on."""

import pytest

from tests.support import login, use_language

EXPECT = {
    "preparer": (["My decisions", "New decision draft", "KPHA/412/2026"], ["Manage users"]),
    "reviewer": (
        ["Recently changed decisions", "All decisions"],
        ["New decision draft", "Manage users"],
    ),
    "secretary": (
        ["Decisions by deciding body", "Välfärdsnämnden"],
        ["My decisions", "Manage users"],
    ),
    "auditor": (["Recently changed decisions"], ["New decision draft", "Manage users"]),
    "admin": (["Administration", "Manage users", "6 users"], ["My decisions"]),
}


@pytest.mark.parametrize("role", EXPECT)
def test_dashboard_fits_the_role(client, role):
    login(client, role)
    use_language(client, "sv" if role == "secretary" else "en")
    page = client.get("/").get_data(as_text=True)
    present, absent = EXPECT[role]
    if role == "secretary":
        present = ["Beslutsärenden per beslutande organ", "Välfärdsnämnden"]
    for text in present:
        assert text in page, (role, text)
    for text in absent:
        assert text not in page, (role, text)


def test_language_choice_is_remembered_for_the_user(demo):
    first = demo.test_client()
    login(first, "preparer")
    use_language(first, "sv")
    second = demo.test_client()  # another browser, a new session
    login(second, "preparer")
    assert '<html lang="sv">' in second.get("/").get_data(as_text=True)


def _decisions_with_assessments(n, returned):
    from assess.operations import assessments as ops
    from assess.operations import decisions as decision_ops
    from tests.support import prepared, user

    for i in range(n):
        d = decision_ops.create_decision(
            user("preparer"),
            case_number=f"DASH/{n}/{i}",
            title=f"Dashboard {i}",
            language="fi",
            body_id=1,
            proposal="",
        )
        a = prepared(user("preparer"), d)
        if i < returned:
            ops.fire(user("preparer"), a, "submit", expected_version=a.version)
            ops.fire(
                user("reviewer"),
                a,
                "return_for_revision",
                comment="Fix.",
                expected_version=a.version,
            )


def _statements(app, client):
    from sqlalchemy import event

    from assess.extensions import db

    sent = []

    def count(*args):
        sent.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert page.status_code == 200
    return len(sent), page.get_data(as_text=True)


def test_the_preparers_dashboard_reads_as_much_for_3_assessments_as_for_23(demo):
    """Its "returned to you" and "next step" read every assessment's notice in a fixed
    number of statements (it sent 80 for 50 assessments, one or two per assessment)."""
    client = demo.test_client()
    login(client, "preparer")
    use_language(client, "en")
    with demo.app_context():
        _decisions_with_assessments(3, returned=1)
    client.get("/")  # the session's first use after log-in notes it (a write)
    few, page = _statements(demo, client)
    assert page.count("Fix.") == 1
    with demo.app_context():
        _decisions_with_assessments(20, returned=4)
    many, page = _statements(demo, client)
    assert page.count("Fix.") == 5
    assert many == few
