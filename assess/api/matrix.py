"""One row of the impact matrix (issue 20): an alternative's cells for one group, every
dimension in scope, read with its fingerprint as ETag and replaced with it in If-Match, so
that two clients changing different rows never collide (``operations.matrix``)."""

from __future__ import annotations

from typing import Literal

from flask import g, request
from pydantic import BaseModel, Field

from ..i18n import lazy_text as _l
from ..operations import assessments as ops
from ..operations import matrix as matrix_ops
from . import ApiError, endpoint
from .schemas import CellOut, Request

ROW = "/assessments/<int:assessment_id>/impacts/<alternative>/<group>"


class CellFields(Request):
    """One dimension's cell: the scales' value ids and the texts; all left out = no cell."""

    direction: str | None = None
    magnitude: str | None = None
    likelihood: str | None = None
    duration: str | None = None
    reversibility: str | None = None
    confidence: str | None = None
    rationale: str = ""
    evidence: str = ""
    mitigation: str = ""


class RowIn(Request):
    cells: dict[str, CellFields] = Field(
        default_factory=dict,
        description="The row's cells by dimension id; a dimension in scope left out has no "
        "cell afterwards.",
    )


class RowOut(BaseModel):
    alternative: str
    group: str
    dimensions: list[str] = Field(description="The dimensions in scope, in the form's order.")
    state: Literal["empty", "partly", "done"]
    fingerprint: str = Field(description="The row as it is now; also the ETag.")
    cells: list[CellOut]


def _row(a, alternative: str, group: str) -> tuple[dict, dict]:
    form, data = matrix_ops.form_for(a), a.content
    row = matrix_ops.row_of(form, data, alternative, group)
    stored = matrix_ops.row_cells(data, alternative, group)
    fp = matrix_ops.fingerprint(data, alternative, group)
    out = {
        "alternative": alternative,
        "group": group,
        "dimensions": [d.id for d in row.dimensions],
        "state": matrix_ops.row_state(form, data, row),
        "fingerprint": fp,
        "cells": [stored[d.id].dump() for d in row.dimensions if d.id in stored],
    }
    return out, {"ETag": f'"{fp}"'}


@endpoint(ROW, response=RowOut, errors=(401, 404))
def get_impact_row(assessment_id: int, alternative: str, group: str):
    """One row of the impact matrix, its fingerprint as ETag."""
    return _row(ops.get_assessment(g.api_user, assessment_id), alternative, group)


@endpoint(
    ROW,
    "PUT",
    request=RowIn,
    response=RowOut,
    roles=("preparer",),
    if_match=True,
    errors=(400, 401, 403, 404, 409, 412, 422, 428),
)
def put_impact_row(assessment_id: int, alternative: str, group: str, payload: RowIn):
    """Replace one row; If-Match is the row's ETag, refused (412) only if that row changed."""
    a = ops.get_assessment(g.api_user, assessment_id)
    header = (request.headers.get("If-Match") or "").strip()
    if not header or header.startswith("W/"):
        raise ApiError(
            428,
            "precondition_required",
            _l(
                "Send the row's ETag (from GET of the row) in If-Match, so that a change "
                "based on an old row is refused instead of overwriting someone else's."
            ),
        )
    cells = {dim: cell.model_dump() for dim, cell in payload.cells.items()}
    matrix_ops.save_row(g.api_user, a, alternative, group, cells, loaded=header.strip('"'))
    return _row(a, alternative, group)
