"""An agenda of 40 items with their attachments: the agenda page and the agenda document.

Run: `.venv/bin/python -m bench.meetings_bench` (or `make bench`).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from assess import create_app
from assess.extensions import db
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import meetings as meeting_ops
from assess.operations.demo import load_demo
from bench.common import machine, median_ms
from tests.support import (
    acknowledge_high,
    login,
    to_review,
    user,
)

ITEMS = 40


def seed() -> int:
    m = meeting_ops.create_meeting(
        user("secretary"),
        body_id=1,
        number=40,
        year=2026,
        starts_at="2026-12-15T14:00",
        place="Kokkola",
    )
    for n in range(ITEMS):
        d = decision_ops.create_decision(
            user("preparer"),
            case_number=f"KPHA/{600 + n}/2026",
            language="fi",
            body_id=1,
            title=f"Päätösasia {n + 1}: palveluverkon muutos alueella {n + 1}",
            proposal="",
        )
        a = to_review(user("preparer"), d)
        fire = lambda who, t, a=a: ops.fire(user(who), a, t, expected_version=a.version)  # noqa: E731
        acknowledge_high(user("reviewer"), a)
        fire("reviewer", "approve")
        meeting_ops.add_item(user("secretary"), m, d.id, expected_version=m.version)
    meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    return m.id


def main() -> dict:
    tmp = Path(tempfile.mkdtemp())
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.db'}")
    with app.app_context(), app.test_request_context():
        db.create_all()
        load_demo()
        meeting_id = seed()
    client = app.test_client()
    login(client, "secretary")
    url = f"/meetings/{meeting_id}"
    page = client.get(url).get_data(as_text=True)
    attachments = len(re.findall(r'href="/documents/\d+"', page))
    page_ms, _ = median_ms(lambda: client.get(url), 21)
    doc_ms, _ = median_ms(lambda: client.get(url + "/agenda.docx?language=fi"), 21)
    with app.app_context(), app.test_request_context():
        m = meeting_ops.get_meeting(user("secretary"), meeting_id)
        render_ms, _ = median_ms(
            lambda: meeting_ops.agenda_document(user("secretary"), m, "fi"), 21
        )
    return {
        "machine": machine(),
        "items": ITEMS,
        "attachments": attachments,
        "page_ms": page_ms,
        "document_request_ms": doc_ms,
        "document_render_ms": render_ms,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=2))
