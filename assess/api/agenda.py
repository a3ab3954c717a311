"""The agenda's presenters through the API (issue 19): a case management system sets who
presents each item (esittelijä) and in which title."""

from __future__ import annotations

from flask import g
from pydantic import Field

from ..operations import agenda_presenters as presenter_ops
from ..operations import meetings as meeting_ops
from . import endpoint
from . import schemas as s
from .endpoints import meeting_out


class PresenterIn(s.Request):
    user: s.Id = Field(description="The person who presents the item: one of the organisation's.")
    title_fi: str = Field(description="The title they present in, in Finnish (kunnanjohtaja).")
    title_sv: str = Field(
        "", description="In Swedish (kommundirektör): required when the agenda is bilingual."
    )


@endpoint(
    "/meetings/<int:meeting_id>/items/<int:item_id>/presenter",
    "PUT",
    request=PresenterIn,
    response=s.MeetingOut,
    roles=("secretary",),
    errors=(400, 401, 403, 404, 409, 422),
    fields={"presenter": "user"},
)
def set_presenter(meeting_id: int, item_id: int, payload: PresenterIn):
    """Choose the presenter of an agenda item, with their title; only while the agenda is
    being built (a published agenda is kept as it was)."""
    m = meeting_ops.get_meeting(g.api_user, meeting_id)
    presenter_ops.choose(
        g.api_user,
        m,
        item_id,
        payload.user,
        payload.title_fi,
        payload.title_sv,
        expected_version=m.version,
    )
    return meeting_out(m)
