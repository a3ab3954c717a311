"""An id in a URL that no row can have is a 404, never a server error (issue 15, item 7).

Primary keys are 32-bit on PostgreSQL and 64-bit on SQLite; a larger number in a URL made
the database refuse the query (a 500). This suite runs on both (make test-postgres).
"""

import pytest

from assess.operations.users import issue_token
from tests.support import login, user

TOO_LARGE = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("number", TOO_LARGE)
def test_a_page_with_an_id_no_row_can_have_is_not_found(client, number):
    login(client, "preparer")
    for path in (f"/assessments/{number}", f"/decisions/{number}", f"/documents/{number}"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("number", TOO_LARGE)
def test_the_api_answers_an_id_no_row_can_have_with_its_404(demo, number):
    with demo.app_context():
        headers = {"Authorization": f"Bearer {issue_token(user('preparer'))}"}
    response = demo.test_client().get(f"/api/v1/assessments/{number}", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"]


def test_the_largest_id_a_row_can_have_still_reaches_the_page(client):
    login(client, "preparer")
    # Routed (and then not found as a row), not refused by the route.
    assert client.get(f"/decisions/{2**31 - 1}").status_code == 404
    assert client.get("/decisions/1").status_code == 200
