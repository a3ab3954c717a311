"""Archival PDF/A (issue 19): one document's conversion by the long-running converter
(unoserver, LibreOffice kept running) against a fresh LibreOffice start per document, the
way `documents pdf` worked before, side by side on the same .docx.

The documents: the fi .docx of a light assessment (a few pages), of the demo's approved full
assessment as stored (the health station's closure: what a board typically gets) and of the
realistic full assessment of bench/documents_bench.py (8 groups x 6 dimensions x 3
alternatives, every cell filled: a long one). The
runs alternate (one fresh, one long-running) so the host's load falls on both alike. Run:
`python -m bench.pdfa_bench [runs]` (default 7 each).
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from assess import create_app, pdfa
from assess.extensions import db
from assess.operations.demo import load_demo
from assess.operations.demo_scenario import load_scenario
from bench.common import machine
from bench.documents_bench import REALISTIC, realistic_snapshot


def documents() -> dict[str, bytes]:
    """The fi .docx of a light assessment (short), the demo's full one and the realistic one."""
    from sqlalchemy import select

    from assess.models import Decision, Document
    from assess.operations import assessments as ops
    from assess.operations import documents as doc_ops
    from tests.support import acknowledge_high, to_review, user

    tmp = Path(tempfile.mkdtemp())
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.db'}")
    with app.app_context(), app.test_request_context():
        db.create_all()
        load_demo()
        a = to_review(user("preparer"), db.session.get(Decision, 2), "light")
        acknowledge_high(user("reviewer"), a)
        ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
        light = doc_ops.render_snapshot(a.revisions[-1].snapshot, "fi")
        snapshot, _ = realistic_snapshot(*REALISTIC, decision_id=1)
        realistic = doc_ops.render_snapshot(snapshot, "fi")
    # The demo scenario approves decision 1 itself: on a database of its own.
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'demo.db'}")
    with app.app_context(), app.test_request_context():
        db.create_all()
        load_demo()
        load_scenario()
        demo = db.session.scalar(
            select(Document.content).where(Document.kind == "assessment", Document.language == "fi")
        )
    return {"light": light, "demo": demo, "realistic": realistic}


def pages(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def main(runs: int = 7) -> dict:
    docs = documents()
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is not installed"
    local = pdfa.LocalConverter()
    start = time.perf_counter()
    local.start()
    started_ms = (time.perf_counter() - start) * 1000
    results = {}
    try:
        for name, content in docs.items():
            pdf = local.convert(content, 120)  # the first loads Writer's filters: not counted
            fresh, kept = [], []
            for _ in range(runs):
                t = time.perf_counter()
                pdfa.convert_fresh(soffice, content, 120)
                fresh.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                local.convert(content, 120)
                kept.append((time.perf_counter() - t) * 1000)
            fresh_ms, kept_ms = statistics.median(fresh), statistics.median(kept)
            results[name] = {
                "docx_bytes": len(content),
                "pdf_pages": pages(pdf),
                "fresh_start_median_ms": round(fresh_ms),
                "fresh_start_min_max_ms": [round(min(fresh)), round(max(fresh))],
                "long_running_median_ms": round(kept_ms),
                "long_running_min_max_ms": [round(min(kept)), round(max(kept))],
                "ratio": round(fresh_ms / kept_ms, 1),
            }
    finally:
        local.stop()
    return {
        "machine": machine(),
        "load_average": os.getloadavg(),
        "runs": runs,
        "converter_start_ms": round(started_ms),
        **results,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7), indent=2))
