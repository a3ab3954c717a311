"""Every form refuses a post without the session's CSRF token, and changes nothing."""

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Decision, User
from tests.support import login

FORMS = [
    ("/decisions/new", {"case_number": "X/1", "title": "t", "language": "fi", "body_id": "1"}),
    (
        "/decisions/1/edit",
        {"case_number": "X/1", "title": "t", "language": "fi", "body_id": "1", "version": "1"},
    ),
    (
        "/admin/users/new",
        {"name": "N", "email": "n@example.fi", "roles": "preparer", "password": "a" * 14},
    ),
    ("/admin/users/1", {"name": "N", "roles": "admin", "active": "y"}),
    ("/account", {"current": "demo-admin-2026", "password": "b" * 14, "confirm": "b" * 14}),
    ("/language", {"language": "sv"}),
    ("/logout", {}),
]


def _snapshot(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Decision)),
            db.session.scalar(select(func.count()).select_from(User)),
            tuple(db.session.scalars(select(Decision.title).order_by(Decision.id))),
            tuple(db.session.scalars(select(User.name).order_by(User.id))),
        )


@pytest.mark.parametrize("url, data", FORMS, ids=[u for u, _ in FORMS])
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_post_without_valid_csrf_token_is_refused(demo, client, url, data, token):
    # The admin has every page; the preparer is the owner of decision 1.
    login(client, "admin")
    before = _snapshot(demo)
    if token:
        data = {**data, "csrf_token": token}
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert _snapshot(demo) == before
    assert client.get("/").status_code == 200  # still logged in: /logout did not happen
