"""The presenter of each agenda item (esittelijä / föredragande), chosen by the secretary.

The presenter is the official who puts the proposal to the body, in the title of the
office they present in ("kunnanjohtaja" / "kommundirektör"); not the preparer, who
drafted it. The title is kept on the item in both national languages: the Swedish agenda
prints it in Swedish.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from ..extensions import db
from ..i18n import lazy_text as _l
from ..input_shape import strip_control
from ..models import AgendaItem, Meeting, User
from ._audit import record
from ._check import row_id
from ._stale import changing
from .agenda_documents import agenda_languages
from .errors import Conflict, Forbidden, NotFound, ValidationFailed

MAX_TITLE = 200


def candidates(meeting: Meeting) -> Sequence[User]:
    """Who may present: the organisation's active people, by name."""
    return db.session.scalars(
        select(User)
        .where(User.organisation_id == meeting.organisation_id, User.active)
        .order_by(User.name, User.id)
    ).all()


def suggestion(meeting: Meeting) -> AgendaItem | None:
    """The body's latest chosen presenter, offered (never stored) for an item without one:
    a body is usually presented to by the same official."""
    return db.session.scalar(
        select(AgendaItem)
        .join(Meeting)
        .where(Meeting.body_id == meeting.body_id, AgendaItem.presenter_id.is_not(None))
        .order_by(Meeting.starts_at.desc(), AgendaItem.position.desc())
        .limit(1)
    )


def _title(value, field: str, errors: dict, *, required: bool) -> str:
    title = " ".join(strip_control(value or "").split())
    if required and not title:
        errors[field] = [
            _l("Enter the presenter's title in Finnish, for example kunnanjohtaja.")
            if field == "title_fi"
            else _l("Enter the presenter's title in Swedish, for example kommundirektör.")
        ]
    elif len(title) > MAX_TITLE:
        errors[field] = [_l("The title may have at most %(n)d characters.", n=MAX_TITLE)]
    return title


def choose(
    user: User,
    meeting: Meeting,
    item_id,
    presenter_id,
    title_fi: str = "",
    title_sv: str = "",
    *,
    expected_version,
) -> AgendaItem:
    """Make ``presenter_id`` the presenter of the item, with their title in Finnish (and in
    Swedish when the agenda is made in Swedish too)."""
    if not user.has_role("secretary"):
        raise Forbidden(_l("Only board secretaries can change meetings and agendas."))
    if meeting.state != "planned":
        raise Conflict(
            _l(
                "The agenda of meeting %(label)s is published; it can no longer be changed.",
                label=meeting.label,
            )
        )
    item = next((i for i in meeting.items if str(i.id) == str(item_id)), None)
    if item is None:
        raise NotFound(
            _l("Meeting %(label)s has no agenda item %(id)s.", label=meeting.label, id=item_id)
        )
    errors: dict[str, list] = {}
    person = db.session.get(User, given) if (given := row_id(presenter_id)) else None
    if person is None or person.organisation_id != meeting.organisation_id or not person.active:
        errors["presenter"] = [_l("Choose the presenter among the organisation's people.")]
    fi = _title(title_fi, "title_fi", errors, required=True)
    sv = _title(title_sv, "title_sv", errors, required="sv" in agenda_languages(meeting))
    if errors or person is None:
        raise ValidationFailed(errors)
    old = (
        {
            "user": item.presenter_id,
            "name": item.presenter_user.name if item.presenter_user else item.presenter,
            "title_fi": item.presenter_title_fi,
            "title_sv": item.presenter_title_sv,
        }
        if item.presenter_id or item.presenter
        else None
    )
    new = {"user": person.id, "name": person.name, "title_fi": fi, "title_sv": sv}
    if old == new:
        return item
    with changing(meeting, expected_version) as session:
        item.presenter_id = person.id
        item.presenter_user = person
        item.presenter = person.name
        item.presenter_title_fi = fi
        item.presenter_title_sv = sv
        # The agenda's version moves with its items' (as meetings._touch does).
        flag_modified(meeting, "state")
        session.flush()
        record(
            session,
            user,
            "meeting.presenter_chosen",
            "meeting",
            meeting.id,
            changes=[
                {
                    "field": f"items.{item.position}.presenter",
                    "old": old,
                    "new": new,
                    "case_number": item.decision.case_number,
                }
            ],
        )
    return item
