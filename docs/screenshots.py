"""Take the screenshots in docs/ from a running demo: `make screenshots`.

Uses Debian's Chromium through Playwright, against the app on a temporary database.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess import create_app  # noqa: E402
from assess.operations.demo import load_demo  # noqa: E402

SHOTS = [
    ("preparer@demo.example", "demo-preparer-2026", "/", "dashboard-preparer.png"),
    ("admin@demo.example", "demo-admin-2026", "/admin/users", "admin-users.png"),
    ("secretary@demo.example", "demo-secretary-2026", "/meetings/1", "agenda-page.png"),
    ("secretary@demo.example", "demo-secretary-2026", "/", "dashboard-secretary.png"),
    ("reviewer@demo.example", "demo-reviewer-2026", "/assessments/2/flags", "flags-review.png"),
    ("auditor@demo.example", "demo-auditor-2026", "/cumulative", "cumulative.png"),
]


def main() -> None:
    from flask_migrate import upgrade

    tmp = Path(tempfile.mkdtemp())
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'shots.db'}")
    with app.app_context():
        upgrade()
        load_demo()
    with app.app_context(), app.test_request_context():
        from assess.operations.demo_scenario import load_scenario

        load_scenario()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for email, password, path, name in SHOTS:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(url + "/login")
            page.fill("#email", email)
            page.fill("#password", password)
            page.press("#password", "Enter")
            page.goto(url + path)
            page.screenshot(path=str(ROOT / "docs" / name), full_page=True)
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
