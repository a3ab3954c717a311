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
