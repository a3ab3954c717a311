"""GET /api/v1/policy: the organisation's published assessment policy in force."""

from __future__ import annotations

from datetime import date

from flask import g, request
from pydantic import BaseModel

from ..i18n import lazy_text as _l
from ..operations import policies as policy_ops
from ..policy import Policy
from . import ApiError, endpoint, iso


class PolicyOut(BaseModel):
    id: int
    version: int
    starts_on: date
    published_at: str
    # The policy file's content (docs/policy.md), every key given, defaults included.
    policy: Policy


@endpoint(
    "/policy",
    response=PolicyOut,
    errors=(401, 404, 422),
    query={"on": ("string", "A day (YYYY-MM-DD): the version in force then; default today")},
)
def policy_in_force():
    """The published policy version in force (today, or on the day given)."""
    on = request.args.get("on")
    day = None
    if on is not None:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise ApiError(
                422,
                "validation_failed",
                _l("Give the day as YYYY-MM-DD, for example 2027-01-01."),
                [{"path": "on", "message": "YYYY-MM-DD"}],
            ) from None
    org = g.api_user.organisation
    version = policy_ops.policy_in_force(org, day)
    if version is None:
        raise ApiError(
            404,
            "not_found",
            _l(
                "No assessment policy is in force: the built-in default applies (the screening "
                "decides the level of every decision). An administrator publishes a policy on "
                "the policy pages or with 'flask --app wsgi policy import FILE --publish'."
            ),
        )
    return {
        "id": version.id,
        "version": version.version,
        "starts_on": version.starts_on,
        "published_at": iso(version.published_at),
        "policy": Policy.load(version.data),
    }
