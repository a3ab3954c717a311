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
    ("admin@demo.example", "demo-admin-2026", "/admin/users", "admin-users.png"),
    ("secretary@demo.example", "demo-secretary-2026", "/meetings/1", "agenda-page.png"),
    ("secretary@demo.example", "demo-secretary-2026", "/", "dashboard-secretary.png"),
    ("reviewer@demo.example", "demo-reviewer-2026", "/assessments/2/flags", "flags-review.png"),
    ("auditor@demo.example", "demo-auditor-2026", "/cumulative", "cumulative.png"),
    ("preparer@demo.example", "demo-preparer-2026", "/assessments/1/comparison", "comparison.png"),
]

# Taken after the reviewer returned the assessment in review with a comment (issue 20): the
# preparer's dashboard, decision page, matrix row and check-your-answers as they then look.
PREPARER = ("preparer@demo.example", "demo-preparer-2026")
RETURNED_SHOTS = [
    (*PREPARER, "/", "dashboard-preparer.png", 1200),
    (*PREPARER, "/decisions/5", "decision-page.png", 1200),
    (*PREPARER, "/decisions/5", "decision-page-375.png", 375),
    (*PREPARER, "/assessments/2/rows/proposal/older_people", "matrix-row.png", 1200),
    (*PREPARER, "/assessments/2/check", "check-answers.png", 1200),
]
RETURN_COMMENT = (
    "Vanhusneuvostoa ei ole kuultu. Kuvaa myös, miten iltakäynnit korvataan yksin asuville."
)


def return_for_revision() -> None:
    """The reviewer sends the scenario's assessment in review back to its preparer."""
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Assessment, User
    from assess.operations.assessments import fire

    reviewer = db.session.scalar(select(User).where(User.email == "reviewer@demo.example"))
    assessment = db.session.get(Assessment, 2)
    assert reviewer is not None and assessment is not None
    fire(
        reviewer,
        assessment,
        "return_for_revision",
        comment=RETURN_COMMENT,
        expected_version=assessment.version,
    )


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
        shots = [(*shot, 1200) for shot in SHOTS]
        for email, password, path, name, width in shots:
            take(browser, url, email, password, path, name, width)
        with app.app_context(), app.test_request_context():
            return_for_revision()
        for email, password, path, name, width in RETURNED_SHOTS:
            take(browser, url, email, password, path, name, width)
        browser.close()
    server.shutdown()


def take(browser, url, email, password, path, name, width) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.press("#password", "Enter")
    page.goto(url + path)
    page.screenshot(path=str(ROOT / "docs" / name), full_page=True)
    page.close()


if __name__ == "__main__":
    main()
