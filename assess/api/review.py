"""The review loop in the API (issue 20): who may review an assessment (to choose one when
submitting, POST .../transitions with ``reviewer_id``), the last return's comment, and the
comments per section between the preparer and the reviewer. Documented in docs/api.md."""

from __future__ import annotations

from datetime import datetime

from flask import g
from pydantic import BaseModel, Field

from ..operations import assessments as ops
from ..operations import comments as comment_ops
from ..operations import review as review_ops
from . import endpoint, iso, language
from .schemas import Request

ERRORS = (400, 401, 403, 404, 422)


class ReviewerOut(BaseModel):
    id: int
    name: str
    # Preselected when submitting without saying (the reviewer chosen last time).
    default: bool


class ReturnedOut(BaseModel):
    by: str
    at: str
    step: str
    comment: str
    revision: int


class ReviewersOut(BaseModel):
    # The chosen reviewer (a user id; None: any reviewer of the body).
    reviewer: int | None
    reviewers: list[ReviewerOut]
    # The reviewer's last return while the assessment is being prepared again, else None.
    returned: ReturnedOut | None = None


class CommentOut(BaseModel):
    id: int
    section: str
    revision: int | None
    author: str
    body: str
    created_at: str


class CommentPage(BaseModel):
    sections: list[str]
    items: list[CommentOut]


class CommentIn(Request):
    section: str = Field(max_length=60)
    body: str


def _comment(c) -> dict:
    return {
        "id": c.id,
        "section": c.section,
        "revision": c.revision_seq,
        "author": c.author.name,
        "body": c.body,
        "created_at": iso(c.created_at),
    }


def _moment(at: datetime) -> str:
    return iso(at) or ""


@endpoint("/assessments/<int:assessment_id>/reviewers", response=ReviewersOut, errors=ERRORS)
def reviewers(assessment_id: int):
    """Who may review the assessment (to choose one when submitting), the chosen one, and
    the last return's comment while it is being prepared again."""
    a = ops.get_assessment(g.api_user, assessment_id)
    default = review_ops.default_reviewer(g.api_user, a)
    back = review_ops.returned(a, language())
    return {
        "reviewer": a.reviewer_id,
        "reviewers": [
            {"id": p.id, "name": p.name, "default": default is not None and p.id == default.id}
            for p in review_ops.candidates(g.api_user, a)
        ],
        "returned": None
        if back is None
        else {
            "by": back.by,
            "at": _moment(back.at),
            "step": back.step,
            "comment": back.comment,
            "revision": back.revision_seq,
        },
    }


@endpoint("/assessments/<int:assessment_id>/comments", response=CommentPage, errors=ERRORS)
def comments(assessment_id: int):
    """The comments per section, oldest first, with the sections that can have them."""
    a = ops.get_assessment(g.api_user, assessment_id)
    items = [c for s in comment_ops.sections(a) for c in comment_ops.thread(a, s)]
    items.sort(key=lambda c: c.id)
    return {"sections": comment_ops.sections(a), "items": [_comment(c) for c in items]}


@endpoint(
    "/assessments/<int:assessment_id>/comments",
    "POST",
    request=CommentIn,
    response=CommentOut,
    status=201,
    roles=comment_ops.ROLES,
    errors=ERRORS,
)
def add_comment(assessment_id: int, payload: CommentIn):
    """Comment on a section (or ``general``): kept with the latest revision, audited."""
    a = ops.get_assessment(g.api_user, assessment_id)
    return _comment(comment_ops.add_comment(g.api_user, a, payload.section, payload.body))
