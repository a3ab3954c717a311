"""Sign-in through the organisation's identity provider in the browser (issue 16): the
login page's button (axe at 1200 and 375 px, reached by keyboard) takes the person through
the test provider on loopback and back, signed in with the roles of their groups."""

from __future__ import annotations

import json
import threading

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from werkzeug.serving import make_server

from assess import create_app
from assess.extensions import db
from assess.operations.demo import load_demo
from tests.browser.axe import axe_at_both_widths
from tests.oidc_provider import Provider


@pytest.fixture
def provider_server(tmp_path):
    provider = Provider().start()
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'oidc.db'}",
        OIDC_ISSUER=provider.url,
        OIDC_CLIENT_ID=provider.client_id,
        OIDC_CLIENT_SECRET=provider.client_secret,
        OIDC_PROVIDER_NAME="Test ID",
        OIDC_GROUP_ROLES=json.dumps(
            {"organisation": 1, "groups": {"eva-preparers": {"roles": ["preparer"]}}}
        ),
    )
    with app.app_context():
        upgrade()
        load_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server, provider
    server.shutdown()
    provider.stop()
    with app.app_context():
        db.engine.dispose()


def test_the_button_signs_in_through_the_provider(page, provider_server):
    server, provider = provider_server
    provider.person = {
        "sub": "browser-1",
        "email": "selma.sso@demo.example",
        "name": "Selma Sso",
        "groups": ["eva-preparers"],
    }
    page.goto(server.url + "/login")
    button = page.get_by_role("link", name="Kirjaudu: Test ID")
    expect(button).to_be_visible()
    axe_at_both_widths(page)
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/")
    expect(page.get_by_text("Selma Sso").first).to_be_visible()
