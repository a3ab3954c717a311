"""Changing a meeting after it was made (issue 20): its time and place, cancelling it with a
reason, and correcting a published agenda, which only an explicit correction that says why
may do. Every change is audited; a refused one stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..input_shape import strip_control
from ..models import AuditEvent, Meeting, User
from ..models._types import utcnow
from . import meetings
from ._audit import record
from ._tx import transaction
from .context import HELSINKI, changing, check_version
from .errors import Conflict, Forbidden, ValidationFailed

MAX_REASON = 2000


def _secretary(user: User) -> None:
    if not user.has_role("secretary"):
        raise Forbidden(_l("Only board secretaries can change meetings and agendas."))


def _reason(text: str, field: str, message) -> str:
    text = strip_control(text or "").strip()
    if not text:
        raise ValidationFailed({field: [message]})
    if len(text) > MAX_REASON:
        raise ValidationFailed({field: [_l("Write at most %(n)d characters.", n=MAX_REASON)]})
    return text


def _when(value) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise ValidationFailed(
            {"starts_at": [_l("Enter the date and time, for example 2026-12-15 14:00.")]}
        )
    return value if value.tzinfo else value.replace(tzinfo=HELSINKI)


def _place(value: str, field: str) -> str:
    value = strip_control(value or "").strip()
    if len(value) > 200:
        raise ValidationFailed({field: [_l("The place may have at most 200 characters.")]})
    return value


def edit_meeting(
    user: User,
    meeting: Meeting,
    *,
    starts_at,
    place: str = "",
    place_sv: str = "",
    correction: str = "",
    expected_version,
) -> Meeting:
    """A new time or place. A planned meeting changes freely; a published one only as a
    correction of the published agenda, with its reason (the published agenda named the old
    time and place)."""
    _secretary(user)
    check_version(meeting, expected_version)
    if meeting.state not in ("planned", "published"):
        raise Conflict(
            _l(
                "Meeting %(label)s is %(state)s; its time and place can no longer be changed.",
                label=meeting.label,
                state=meetings.STATE_LABELS[meeting.state],
            )
        )
    errors: dict[str, list] = {}
    new: dict[str, object] = {}
    for field, read in (
        ("starts_at", lambda: _when(starts_at)),
        ("place", lambda: _place(place, "place")),
        ("place_sv", lambda: _place(place_sv, "place_sv")),
    ):
        try:
            new[field] = read()
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if meeting.state == "published":
        try:
            correction = _reason(
                correction,
                "correction",
                _l("Say why the published agenda is corrected; the reason is recorded."),
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    old = {
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "place_sv": meeting.place_sv,
    }
    changed = [f for f in old if old[f] != new[f]]
    if not changed:
        return meeting
    with changing(meeting, expected_version) as session:
        for field in changed:
            setattr(meeting, field, new[field])
        session.flush()

        def shown(value):
            return value.isoformat() if isinstance(value, datetime) else value

        record(
            session,
            user,
            "meeting.corrected" if meeting.state == "published" else "meeting.edited",
            "meeting",
            meeting.id,
            changes=[{"field": f, "old": shown(old[f]), "new": shown(new[f])} for f in changed]
            + ([{"field": "correction", "old": None, "new": correction}] if correction else []),
        )
    return meeting


def cancel_meeting(user: User, meeting: Meeting, reason: str, *, expected_version) -> Meeting:
    """The meeting will not be held. Its items stay in its history but no longer hold their
    decisions: they go back to the decisions waiting for a meeting."""
    _secretary(user)
    check_version(meeting, expected_version)
    if meeting.state not in ("planned", "published"):
        raise Conflict(
            _l(
                "Meeting %(label)s is %(state)s; only a meeting not yet held can be cancelled.",
                label=meeting.label,
                state=meetings.STATE_LABELS[meeting.state],
            )
        )
    reason = _reason(
        reason, "reason", _l("Say why the meeting is cancelled; the reason is recorded.")
    )
    old = meeting.state
    with changing(meeting, expected_version) as session:
        meeting.state = "cancelled"
        meeting.cancelled_at = utcnow()
        meeting.cancel_reason = reason
        session.flush()
        record(
            session,
            user,
            "meeting.cancelled",
            "meeting",
            meeting.id,
            changes=[
                {"field": "state", "old": old, "new": "cancelled"},
                {"field": "cancel_reason", "old": None, "new": reason},
                {
                    "field": "items_released",
                    "old": [i.decision.case_number for i in meeting.items if i.outcome is None],
                    "new": None,
                },
            ],
        )
    return meeting


def correct_agenda(
    user: User,
    meeting: Meeting,
    reason: str,
    *,
    remove=(),
    add=None,
    expected_version,
) -> Meeting:
    """Correct a published agenda: remove items and/or add a decision (with its approved
    documents), all with the one reason, or nothing at all."""
    _secretary(user)
    check_version(meeting, expected_version)
    if meeting.state != "published":
        raise Conflict(
            _l(
                "Only a published agenda is corrected; meeting %(label)s is %(state)s.",
                label=meeting.label,
                state=meetings.STATE_LABELS[meeting.state],
            )
        )
    reason = _reason(
        reason,
        "correction",
        _l("Say why the published agenda is corrected; the reason is recorded."),
    )
    remove = [r for r in remove if str(r).strip()]
    if not remove and not add:
        raise ValidationFailed(
            {"correction": [_l("Choose an item to remove or a decision to add.")]}
        )
    with transaction():
        for item_id in remove:
            meetings.remove_item(
                user, meeting, item_id, expected_version=meeting.version, correction=reason
            )
        if add:
            meetings.add_item(
                user, meeting, add, expected_version=meeting.version, correction=reason
            )
            meetings.attach_documents(
                user, meeting, expected_version=meeting.version, correction=reason
            )
    return meeting


@dataclass(frozen=True)
class Correction:
    at: datetime
    by: str
    action: str  # the audit event's action: what was changed
    reason: str
    what: object  # the changed item's case number, or the fields changed


def corrections(meeting: Meeting) -> list[Correction]:
    """The corrections of the published agenda, oldest first, from the audit log: each
    change made with its reason."""
    if meeting.published_at is None:
        return []
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == "meeting",
            AuditEvent.object_id == meeting.id,
            AuditEvent.action.in_(CORRECTING),
            AuditEvent.at >= meeting.published_at,
        )
        .order_by(AuditEvent.id)
    )
    found = []
    for event in events:
        reason = next((c["new"] for c in event.changes if c.get("field") == "correction"), None)
        if not reason:
            continue
        what = [
            c.get("new") or c.get("old")
            for c in event.changes
            if c.get("field") not in ("correction", "attachment_copies", "documents")
        ]
        found.append(Correction(event.at, event.actor_name, event.action, reason, what))
    return found


CORRECTING = (
    "meeting.corrected",
    "meeting.item_added",
    "meeting.item_removed",
    "meeting.documents_attached",
)
