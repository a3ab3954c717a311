"""The follow-up of a decided assessment (issue 18): GET/PUT /assessments/<id>/follow-up and
POST /assessments/<id>/follow-up/summaries. Documented in docs/api.md."""

from __future__ import annotations

from typing import Any, Literal

from flask import g, url_for
from pydantic import BaseModel

from ..operations import assessments as ops
from ..operations import follow_up as fu
from ..operations.context import facts, form_for
from ..questionnaire import follow_up as rules
from . import endpoint, etag, if_match, iso
from .endpoints import public_url
from .schemas import Request

ROLES = ("preparer", "reviewer")
ERRORS = (400, 401, 403, 404, 409, 412, 422, 428)


class ObservationOut(BaseModel):
    on: str | None = None
    value: str = ""
    note: str = ""


class IndicatorFollowUp(BaseModel):
    id: str
    name: str = ""
    baseline: str = ""
    target: str = ""
    observations: list[ObservationOut] = []


class EffectFollowed(BaseModel):
    group: str
    dimension: str
    direction: str | None = None


class ExPostOut(BaseModel):
    group: str
    dimension: str
    outcome: Literal["as_expected", "better", "worse", "not_known"] | None = None
    lesson: str = ""


class SummaryOut(BaseModel):
    id: int
    council: str
    language: Literal["fi", "sv"]
    reference: str
    revision: int
    sha256: str
    created_at: str
    # Whether it reports the follow-up as it is now (a later change needs a new summary).
    up_to_date: bool
    url: str


class FollowUpOut(BaseModel):
    assessment: int
    state: str
    version: int
    # True in the workflow's follow-up states, for preparers and reviewers.
    may_record: bool
    indicators: list[IndicatorFollowUp]
    effects_followed: list[EffectFollowed]
    ex_post: list[ExPostOut]
    heard: list[str]
    summaries: list[SummaryOut]
    # Why the follow-up may not close yet, in the client's language (empty: it may).
    missing: list[str]


class FollowUpIn(Request):
    indicators: list[dict[str, Any]] | None = None
    ex_post: list[dict[str, Any]] | None = None


class SummaryIn(Request):
    council: str
    language: str


def _follow_up(a) -> tuple[dict, dict]:
    data = a.content
    current = fu.up_to_date(a)
    summaries: list[dict[str, Any]] = []
    for d in fu.summaries(a):
        council = fu.council_of(d)
        newest = not any(s["council"] == council for s in summaries)
        summaries.append(
            {
                "id": d.id,
                "council": council,
                "language": d.language,
                "reference": d.reference,
                "revision": d.revision.seq,
                "sha256": d.sha256,
                "created_at": iso(d.created_at),
                "up_to_date": newest and current.get(council, False),
                "url": public_url(url_for("api.document", document_id=d.id)),
            }
        )
    in_follow_up = ops.engine_for(a).definition.is_in_follow_up(a.state)
    form_for(a)  # the form must load: its labels name the missing parts
    return {
        "assessment": a.id,
        "state": a.state,
        "version": a.version,
        "may_record": fu.may_record(g.api_user, a),
        "indicators": [
            {
                "id": i.id,
                "name": i.name,
                "baseline": i.baseline,
                "target": i.target,
                "observations": [o.dump() for o in i.observations],
            }
            for i in data.indicators
        ],
        "effects_followed": [
            {"group": c.group, "dimension": c.dimension, "direction": c.direction}
            for c in rules.followed_effects(data)
        ],
        "ex_post": [e.dump() for e in data.ex_post],
        "heard": rules.heard_councils(data),
        "summaries": summaries,
        "missing": [str(m) for m in facts(a).follow_up_missing] if in_follow_up else [],
    }, {"ETag": etag(a.version)}


@endpoint(
    "/assessments/<int:assessment_id>/follow-up",
    response=FollowUpOut,
    errors=(401, 404),
)
def get_follow_up(assessment_id: int):
    """The follow-up: observations, outcomes, summaries made and what is still missing."""
    return _follow_up(ops.get_assessment(g.api_user, assessment_id))


@endpoint(
    "/assessments/<int:assessment_id>/follow-up",
    "PUT",
    request=FollowUpIn,
    response=FollowUpOut,
    roles=ROLES,
    if_match=True,
    errors=ERRORS,
)
def put_follow_up(assessment_id: int, payload: FollowUpIn):
    """Record observations (per indicator, its list replaced) and the ex-post outcomes
    (the list replaced), in the follow-up states."""
    a = ops.get_assessment(g.api_user, assessment_id)
    version = if_match(a.version)
    fu.save(g.api_user, a, payload.model_dump(exclude_unset=True), expected_version=version)
    return _follow_up(a)


@endpoint(
    "/assessments/<int:assessment_id>/follow-up/summaries",
    "POST",
    request=SummaryIn,
    response=FollowUpOut,
    roles=ROLES,
    if_match=True,
    status=201,
    errors=ERRORS,
)
def make_summary(assessment_id: int, payload: SummaryIn):
    """Make and store the follow-up summary (.docx) for a council heard, in fi or sv."""
    a = ops.get_assessment(g.api_user, assessment_id)
    version = if_match(a.version)
    fu.make_summary(g.api_user, a, payload.council, payload.language, expected_version=version)
    return _follow_up(a)
