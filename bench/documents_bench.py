"""The assessment document: rendering a full realistic assessment, against a floor.

The floor is a minimal python-docx document with the same number of paragraphs and
table cells and no styling, fields or zip normalisation: what python-docx itself costs.
Run: `.venv/bin/python -m bench.documents_bench` (or `make bench`).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import docx

from assess import create_app
from assess.documents import render
from assess.extensions import db
from assess.models import Decision
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations.demo import load_demo
from bench.common import machine, median_ms
from tests.support import acknowledge_high, prepared, user

DIMENSIONS = [
    "health",
    "wellbeing",
    "access_to_services",
    "participation",
    "livelihood",
    "language_rights",
    "safety",
    "equality",
    "employment",
    "living_environment",
]


REALISTIC = (
    [
        "children",
        "older_people",
        "disabled",
        "swedish_speakers",
        "low_income",
        "rural_residents",
        "informal_carers",
        "staff",
    ],
    ["health", "wellbeing", "access_to_services", "participation", "livelihood", "language_rights"],
)


def realistic_snapshot(groups=None, dimensions=None, decision_id=1) -> tuple[dict, object]:
    """A full assessment, three alternatives, approved: by default every group and ten
    dimensions (the maximum), or the groups and dimensions given."""
    a = prepared(user("preparer"), db.session.get(Decision, decision_id), level="full")
    fire = lambda who, t: ops.fire(user(who), a, t, expected_version=a.version)  # noqa: E731
    alts = [
        *a.data["alternatives"],
        {"id": "ve2", "label": "VE2", "description": "A mobile clinic twice a week."},
    ]
    answer_ops.save_section(
        user("preparer"), a, "alternatives", {"alternatives": alts}, expected_version=a.version
    )
    form = answer_ops.form_for(a)
    groups = groups or [g.id for g in form.groups]
    dimensions = dimensions or DIMENSIONS
    answer_ops.save_section(
        user("preparer"),
        a,
        "scoping",
        {
            "answers": {
                "groups_in_scope": groups,
                "dimensions_in_scope": dimensions,
                "time_horizons": ["budget_year"],
            }
        },
        expected_version=a.version,
    )
    cells = [
        {
            "alternative": alt,
            "group": g,
            "dimension": d,
            "direction": ["positive", "negative", "neutral", "unknown"][(i + j) % 4],
            "magnitude": None if (i + j) % 4 == 2 else ["small", "moderate", "large"][j % 3],
            "likelihood": "likely",
            "rationale": f"Rationale for {g} / {d}.",
            "evidence": "Visit statistics 2025",
            "mitigation": "A service bus twice a week.",
        }
        for alt in ("ve0", "ve1", "ve2")
        for i, g in enumerate(groups)
        for j, d in enumerate(dimensions)
    ]
    data = dict(a.data)
    data["impacts"] = cells  # the operations check each cell; here only the volume matters
    a.data = data
    db.session.commit()
    answer_ops.save_section(
        user("preparer"),
        a,
        "summary",
        {"summary": {"fi": "Tiivistelmä. " * 40, "sv": "Sammandrag. " * 40}},
        expected_version=a.version,
    )
    fire("preparer", "submit")
    acknowledge_high(user("reviewer"), a)
    fire("reviewer", "approve")
    return a.revisions[-1].snapshot, form


def floor(paragraphs: int, tables: list[tuple[int, int]]) -> bytes:
    d = docx.Document()
    for _ in range(paragraphs):
        d.add_paragraph("Lorem ipsum dolor sit amet, consectetur adipiscing elit.")
    for rows, cols in tables:
        t = d.add_table(rows=rows, cols=cols)
        for row in t.rows:
            for cell in row.cells:
                cell.paragraphs[0].add_run("▼ kielteinen, suuri")
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


def measure(snapshot, form) -> dict:
    content = render(snapshot, form, "fi")
    d = docx.Document(io.BytesIO(content))
    shape = [(len(t.rows), len(t.columns)) for t in d.tables]
    paragraphs = len(d.paragraphs)
    full_ms, _ = median_ms(lambda: render(snapshot, form, "fi"), 31)
    floor_ms, _ = median_ms(lambda: floor(paragraphs, shape), 31)
    return {
        "cells_in_matrix": len(snapshot["data"]["impacts"]),
        "paragraphs": paragraphs,
        "tables": len(shape),
        "table_cells": sum(r * c for r, c in shape),
        "bytes": len(content),
        "render_ms": full_ms,
        "floor_ms": floor_ms,
        "ratio": full_ms / floor_ms,
    }


def main() -> dict:
    tmp = Path(tempfile.mkdtemp())
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.db'}")
    with app.app_context(), app.test_request_context():
        db.create_all()
        load_demo()
        realistic = measure(*realistic_snapshot(*REALISTIC, decision_id=1))
        maximal = measure(*realistic_snapshot(decision_id=2))
        return {"machine": machine(), "realistic": realistic, "maximal": maximal}


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=2))
