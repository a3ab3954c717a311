"""Browser tests: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import shutil
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from assess import create_app
from assess.extensions import db
from tests.conftest import ON_POSTGRES, suite_database_app
from tests.support import missing

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# CI runs the SQLite and PostgreSQL passes side by side on two cores: a page can take
# longer than Playwright's default 5 s to settle there. Waiting longer costs nothing when
# the page is fast, and a real failure still fails.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        missing("Chromium is not installed (Debian package 'chromium')")
    return {
        **browser_type_launch_args,
        # Never a downloaded browser: the one from Debian's package.
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def live_server(request, tmp_path):
    """The app on a real port, on a migrated database with the demo data: a SQLite file, or
    with TEST_DATABASE=postgresql the session's PostgreSQL database."""
    from flask_migrate import upgrade

    from assess.operations.demo import load_demo

    if ON_POSTGRES:
        app = suite_database_app(request.getfixturevalue("suite_database"))
    else:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e2e.db'}")
        with app.app_context():
            upgrade()
    with app.app_context():
        load_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.app = app
    yield server
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
