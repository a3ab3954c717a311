"""Who may see what: every role against every page (table-driven)."""

import pytest

from tests.support import login

ROLES = ["anonymous", "preparer", "reviewer", "secretary", "auditor", "admin"]

# URL -> expected status per role, in the order of ROLES. 302 = sent to log in.
# {decision} and {user} are filled with a demo decision and a demo user.
MATRIX = {
    "/healthz": [200, 200, 200, 200, 200, 200],
    "/readyz": [200, 200, 200, 200, 200, 200],
    "/login": [200, 302, 302, 302, 302, 302],
    "/": [302, 200, 200, 200, 200, 200],
    "/decisions": [302, 200, 200, 200, 200, 200],
    "/decisions?q=KPHA": [302, 200, 200, 200, 200, 200],
    "/decisions/new": [302, 200, 403, 403, 403, 200],
    "/decisions/{decision}": [302, 200, 200, 200, 200, 200],
    "/decisions/{decision}/edit": [302, 200, 403, 403, 403, 200],
    "/decisions/999999": [302, 404, 404, 404, 404, 404],
    "/admin/users": [302, 403, 403, 403, 403, 200],
    "/admin/users/new": [302, 403, 403, 403, 403, 200],
    "/admin/users/{user}": [302, 403, 403, 403, 403, 200],
    "/admin/users/999999": [302, 403, 403, 403, 403, 404],
    "/admin/organisation": [302, 403, 403, 403, 403, 200],
    # The printed policy: with none published or drafted, the page says so (302 back).
    "/admin/policy/document?language=fi": [302, 302, 302, 302, 302, 302],
    "/admin/policy/document?draft=1&language=fi": [302, 403, 403, 403, 403, 302],
    "/account": [302, 200, 200, 200, 200, 200],
    "/cumulative": [302, 403, 200, 403, 200, 403],
    "/meetings": [302, 200, 200, 200, 200, 200],
    "/meetings/999999": [302, 404, 404, 404, 404, 404],
    "/no-such-page": [404, 404, 404, 404, 404, 404],
}

CASES = [
    (url, role, statuses[i]) for url, statuses in MATRIX.items() for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize("url, role, expected", CASES, ids=[f"{r}:{u}" for u, r, _ in CASES])
def test_role_can_see_page(client, url, role, expected):
    if role != "anonymous":
        assert login(client, role).status_code == 302
    url = url.format(decision=1, user=1)
    response = client.get(url)
    assert response.status_code == expected, (role, url)
    if expected == 302 and role == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_forbidden_page_explains_who_may_see_it(client):
    login(client, "auditor")
    from tests.support import use_language

    use_language(client, "en")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "You do not have access to this page" in page
    assert "administrator" in page  # the role that may
    assert "Aino Auvinen" in page  # who they are logged in as
