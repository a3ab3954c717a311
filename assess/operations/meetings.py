"""Meetings and agendas: board secretaries build an agenda, attach the assessment
documents, publish it once every item is ready, and record what the body decided.

The gate: an agenda is published only when every item's decision has an approved
assessment (or a confirmed screening-out) and its documents attached. Otherwise the
refusal lists each item with what it lacks and who must act.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from ..definitions import localized
from ..extensions import db
from ..i18n import lazy_text as _l
from ..input_shape import strip_control
from ..models import (
    OUTCOMES,
    AgendaItem,
    Assessment,
    Body,
    Decision,
    Document,
    Meeting,
    Organisation,
    Revision,
    User,
)
from ..models._types import utcnow
from . import agenda_documents as agenda_docs
from . import assessments as assessment_ops
from . import attachment_copies, required_levels
from ._audit import record
from ._check import row_id
from ._tx import transaction
from .attachment_numbers import COPY_KIND
from .context import (
    HELSINKI,
    active_assessment,
    changing,
    check_version,
    engine_for,
    today,
)
from .errors import Conflict, Forbidden, NotFound, OperationError, ValidationFailed

# A meeting's number within its year, and the years a meeting can be in (as the API's schema).
MAX_NUMBER = 9999
YEARS = (2000, 2100)

OUTCOME_LABELS = {
    "approved": _l("approved as proposed"),
    "approved_amended": _l("approved amended"),
    "returned": _l("returned for preparation"),
    "tabled": _l("tabled"),
    "rejected": _l("rejected"),
}
STATE_LABELS = {
    "planned": _l("planned"),
    "published": _l("agenda published"),
    "held": _l("held"),
    "minutes_approved": _l("minutes approved"),
    "cancelled": _l("cancelled"),
}


class AgendaNotReady(OperationError):
    """Publishing refused: ``details`` lists each item and what it lacks."""

    code = "agenda_not_ready"


@dataclass(frozen=True)
class Lack:
    what: object  # a lazy text
    who: object  # the person's name, or a role (a lazy text)


def _secretary(user: User) -> None:
    if not user.has_role("secretary"):
        raise Forbidden(_l("Only board secretaries can change meetings and agendas."))


def now() -> datetime:
    """The present instant, read by the rule that a meeting's outcomes wait for its start
    (a test moves it instead of waiting for the meeting)."""
    return utcnow()


def starts_text(meeting: Meeting) -> str:
    """The meeting's start in Finnish time, as the agenda prints it (15.12.2026 14:00)."""
    return meeting.starts_at.astimezone(HELSINKI).strftime("%d.%m.%Y %H:%M")


def _started(meeting: Meeting, *, held: bool = False) -> None:
    # Issue 20: an outcome or "held" typed in 18 days early was accepted; the body cannot
    # have decided anything before it met.
    if now() >= meeting.starts_at:
        return
    if held:
        message = _l(
            "Meeting %(label)s starts on %(when)s: it can be marked held only from its start.",
            label=meeting.label,
            when=starts_text(meeting),
        )
    else:
        message = _l(
            "Meeting %(label)s starts on %(when)s: outcomes can be recorded only from its start.",
            label=meeting.label,
            when=starts_text(meeting),
        )
    raise Conflict(message)


def _touch(meeting: Meeting) -> None:
    # The agenda's version moves with every change of its items, so two secretaries
    # editing one agenda do not overwrite each other.
    meeting.state  # noqa: B018  (loads it if the last commit expired it)
    flag_modified(meeting, "state")
    db.session.flush()


# --- meetings ---------------------------------------------------------------------


def get_meeting(user: User, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.organisation_id != user.organisation_id:
        raise NotFound(_l("No meeting with id %(id)s.", id=meeting_id))
    return meeting


def meetings(user: User, *, body_id: int | None = None) -> Sequence[Meeting]:
    query = select(Meeting).where(Meeting.organisation_id == user.organisation_id)
    if body_id:
        query = query.where(Meeting.body_id == body_id)
    return db.session.scalars(query.order_by(Meeting.starts_at.desc())).all()


def create_meeting(
    user: User,
    *,
    body_id,
    number=None,
    year=None,
    starts_at,
    place: str = "",
    place_sv: str = "",
) -> Meeting:
    """A meeting of a body. Without a year, the year of its date; without a number, the
    body's next number of that year. ``place_sv``: the place as the Swedish agenda names it."""
    _secretary(user)
    if year in (None, "") and isinstance(starts_at, str):
        with contextlib.suppress(ValueError):
            year = datetime.fromisoformat(starts_at).year
    body = db.session.get(Body, given) if (given := row_id(body_id)) else None
    try:
        year = int(year)
        if not YEARS[0] <= year <= YEARS[1]:
            raise ValueError
    except (TypeError, ValueError):
        year = None
    if number in (None, "") and body is not None and year is not None:
        number = (
            db.session.scalar(
                select(func.max(Meeting.number)).where(
                    Meeting.body_id == body.id, Meeting.year == year
                )
            )
            or 0
        ) + 1
    errors: dict[str, list] = {}
    if body is None or body.organisation_id != user.organisation_id:
        errors["body_id"] = [_l("Choose one of the organisation's deciding bodies.")]
    try:
        number = int(number)
        if not 1 <= number <= MAX_NUMBER:
            raise ValueError
    except (TypeError, ValueError):
        errors["number"] = [
            _l(
                "Enter the meeting's number as a whole number from 1 to %(max)d, for example 12.",
                max=MAX_NUMBER,
            )
        ]
    if year is None:
        errors["year"] = [_l("Enter the year, for example 2026.")]
    if isinstance(starts_at, str):
        try:
            starts_at = datetime.fromisoformat(starts_at)
        except ValueError:
            starts_at = None
    if not isinstance(starts_at, datetime):
        errors["starts_at"] = [_l("Enter the date and time, for example 2026-12-15 14:00.")]
    place = strip_control(place or "").strip()
    if len(place) > 200:
        errors["place"] = [_l("The place may have at most 200 characters.")]
    place_sv = strip_control(place_sv or "").strip()
    if len(place_sv) > 200:
        errors["place_sv"] = [_l("The place may have at most 200 characters.")]
    # A missing body or date has its error above.
    if errors or body is None or not isinstance(starts_at, datetime):
        raise ValidationFailed(errors)
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=HELSINKI)
    exists = db.session.scalar(
        select(Meeting.id).where(
            Meeting.body_id == body.id, Meeting.year == year, Meeting.number == number
        )
    )
    if exists:
        raise ValidationFailed(
            {
                "number": [
                    _l(
                        "%(body)s already has meeting %(number)d/%(year)d.",
                        body=body.name_fi,
                        number=number,
                        year=year,
                    )
                ]
            }
        )
    with transaction() as session:
        meeting = Meeting(
            organisation_id=user.organisation_id,
            body=body,
            number=number,
            year=year,
            starts_at=starts_at,
            place=place,
            place_sv=place_sv,
        )
        session.add(meeting)
        session.flush()
        record(
            session,
            user,
            "meeting.created",
            "meeting",
            meeting.id,
            changes=[
                {
                    "field": "meeting",
                    "old": None,
                    "new": {
                        "body": body.id,
                        "number": number,
                        "year": year,
                        "starts_at": starts_at.isoformat(),
                        "place": place,
                        "place_sv": place_sv,
                    },
                }
            ],
        )
    return meeting


# --- readiness -----------------------------------------------------------------------


def approved_documents(assessment: Assessment | None) -> Sequence[Document]:
    """The documents of the assessment's latest approving revision, one per language."""
    if assessment is None:
        return []
    latest = db.session.scalar(
        select(func.max(Revision.seq))
        .join(Document, Document.revision_id == Revision.id)
        .where(Revision.assessment_id == assessment.id, Document.kind != COPY_KIND)
    )
    if latest is None:
        return []
    return db.session.scalars(
        select(Document)
        .join(Revision, Document.revision_id == Revision.id)
        .where(
            Revision.assessment_id == assessment.id,
            Revision.seq == latest,
            Document.kind != COPY_KIND,  # an agenda's copy (issue 19) is not the approved one
        )
        .order_by(Document.language)
    ).all()


def readiness(items) -> dict[int, tuple[Assessment | None, list[Lack]]]:
    """For each item: its decision's active assessment and what the item lacks.

    A few queries for the whole agenda, not a few per item: a 40-item agenda page
    stays fast.
    """
    decision_ids = [i.decision_id for i in items]
    assessments = {
        a.decision_id: a
        for a in db.session.scalars(
            select(Assessment).where(Assessment.decision_id.in_(decision_ids), Assessment.active)
        )
    }
    # The documents of each assessment's latest revision that has documents.
    latest: dict[int, tuple[int, set[int]]] = {}
    for doc_id, assessment_id, seq in db.session.execute(
        select(Document.id, Document.assessment_id, Revision.seq)
        .join(Revision, Document.revision_id == Revision.id)
        .where(
            Document.assessment_id.in_([a.id for a in assessments.values()]),
            Document.kind != COPY_KIND,
        )
    ):
        best = latest.get(assessment_id)
        if best is None or seq > best[0]:
            latest[assessment_id] = (seq, {doc_id})
        elif seq == best[0]:
            best[1].add(doc_id)
    out = {}
    for item in items:
        assessment = assessments.get(item.decision_id)
        wanted = latest.get(assessment.id, (0, set()))[1] if assessment else set()
        out[item.id] = (assessment, _lacks(item, assessment, wanted))
    return out


def _lacks(item: AgendaItem, assessment: Assessment | None, wanted: set[int]) -> list[Lack]:
    preparer = item.decision.preparer.name
    if assessment is None:
        return [Lack(_l("No impact assessment has been started."), preparer)]
    state, definition = assessment.state, engine_for(assessment).definition
    if not definition.is_ready_for_agenda(state):
        awaited = definition.not_ready(state)
        what = localized(awaited) if awaited else _l("The assessment is not approved.")
        who = _l("a reviewer") if definition.awaits_review(state) else preparer
        return [Lack(what, who)]
    if not wanted:
        return [Lack(_l("The approved assessment has no documents."), preparer)]
    if not wanted <= {d.id for d in item.documents}:
        return [
            Lack(
                _l("The assessment documents are not attached to the item."),
                _l("the board secretary"),
            )
        ]
    return []


def candidates(meeting: Meeting) -> Sequence[Decision]:
    """Decisions of the meeting's body that are not on an agenda still waiting for them."""
    busy = (
        select(AgendaItem.decision_id)
        .join(Meeting)
        .where(Meeting.state.in_(("planned", "published", "held")), AgendaItem.outcome.is_(None))
    )
    decided = select(AgendaItem.decision_id).where(
        AgendaItem.outcome.in_(("approved", "approved_amended", "rejected"))
    )
    return db.session.scalars(
        select(Decision)
        .where(
            Decision.body_id == meeting.body_id,
            Decision.id.not_in(busy),
            Decision.id.not_in(decided),
        )
        .order_by(Decision.case_number)
    ).all()


# --- building the agenda ------------------------------------------------------------


def _not_cancelled(meeting: Meeting) -> None:
    if meeting.state == "cancelled":
        raise Conflict(
            _l(
                "Meeting %(label)s is cancelled: %(reason)s",
                label=meeting.label,
                reason=meeting.cancel_reason,
            )
        )


def _planned(meeting: Meeting, correction: str = "") -> None:
    """The agenda may change: it is planned, or published and being corrected with a reason
    (issue 20: only an explicit correction that says why changes a published agenda)."""
    _not_cancelled(meeting)
    if meeting.state == "published" and correction.strip():
        return
    if meeting.state == "published":
        raise Conflict(
            _l(
                "The agenda of meeting %(label)s is published; to change it, correct the "
                "published agenda and say why.",
                label=meeting.label,
            )
        )
    if meeting.state != "planned":
        raise Conflict(
            _l(
                "The agenda of meeting %(label)s is published; it can no longer be changed.",
                label=meeting.label,
            )
        )


def _correction(correction: str) -> list[dict]:
    # The reason travels with each change it made, so the history shows why.
    return [{"field": "correction", "old": None, "new": correction}] if correction else []


def _item(meeting: Meeting, item_id) -> AgendaItem:
    item = next((i for i in meeting.items if str(i.id) == str(item_id)), None)
    if item is None:
        raise NotFound(
            _l("Meeting %(label)s has no agenda item %(id)s.", label=meeting.label, id=item_id)
        )
    return item


def add_item(
    user: User, meeting: Meeting, decision_id, *, expected_version, correction: str = ""
) -> AgendaItem:
    """``correction``: why a published agenda is changed (``meeting_changes.correct``)."""
    _secretary(user)
    check_version(meeting, expected_version)
    _planned(meeting, correction)
    decision = db.session.get(Decision, given) if (given := row_id(decision_id)) else None
    if decision is None or decision.organisation_id != user.organisation_id:
        raise ValidationFailed({"decision": [_l("Choose a decision of this organisation.")]})
    if decision.body_id != meeting.body_id:
        raise ValidationFailed(
            {
                "decision": [
                    _l(
                        "%(case)s is for %(other)s, not for %(body)s; it cannot be on this agenda.",
                        case=decision.case_number,
                        other=decision.body.name_fi,
                        body=meeting.body.name_fi,
                    )
                ]
            }
        )
    same = next((i for i in meeting.items if i.decision_id == decision.id), None)
    if same is not None:
        raise Conflict(
            _l(
                "%(case)s is already item %(n)d of this agenda.",
                case=decision.case_number,
                n=same.position,
            )
        )
    elsewhere = db.session.scalar(
        select(Meeting)
        .join(AgendaItem)
        .where(
            AgendaItem.decision_id == decision.id,
            AgendaItem.outcome.is_(None),
            Meeting.state.in_(("planned", "published", "held")),
            Meeting.id != meeting.id,
        )
    )
    if elsewhere is not None:
        raise Conflict(
            _l(
                "%(case)s is already on the agenda of meeting %(label)s; remove it "
                "there, or record its outcome, first.",
                case=decision.case_number,
                label=elsewhere.label,
            )
        )
    with changing(meeting, expected_version) as session:
        item = AgendaItem(
            meeting=meeting,
            decision=decision,
            position=len(meeting.items) + 1,
            # The preparer is not the presenter: the secretary chooses one (issue 19).
            presenter="",
        )
        session.add(item)
        _touch(meeting)
        record(
            session,
            user,
            "meeting.item_added",
            "meeting",
            meeting.id,
            changes=[
                {
                    "field": f"items.{item.position}",
                    "old": None,
                    "new": {"decision": decision.id, "case_number": decision.case_number},
                }
            ]
            + _correction(correction),
        )
    return item


# Recorded on the decision when its item is removed from a meeting's agenda.
REMOVED_FROM_AGENDA = "decision.removed_from_agenda"


def check_remove(user: User, meeting: Meeting, item_id) -> AgendaItem:
    """What removing the item would refuse, without removing it (before the confirmation)."""
    _secretary(user)
    _planned(meeting)
    return _item(meeting, item_id)


def remove_item(
    user: User, meeting: Meeting, item_id, *, expected_version, correction: str = ""
) -> None:
    _secretary(user)
    check_version(meeting, expected_version)
    _planned(meeting, correction)
    item = _item(meeting, item_id)
    decision = item.decision
    case = decision.case_number
    with changing(meeting, expected_version) as session:
        copies = attachment_copies.discard(session, item)
        meeting.items.remove(item)
        session.delete(item)
        for n, other in enumerate(meeting.items, start=1):
            other.position = n
        _touch(meeting)
        record(
            session,
            user,
            "meeting.item_removed",
            "meeting",
            meeting.id,
            changes=[{"field": "items", "old": case, "new": None}]
            + ([{"field": "attachment_copies", "old": copies, "new": None}] if copies else [])
            + _correction(correction),
        )
        # On the decision too: its history finds the meeting that no longer lists it by the
        # decision's own indexed events (timeline._events), not by reading every meeting's.
        record(
            session,
            user,
            REMOVED_FROM_AGENDA,
            "decision",
            decision.id,
            changes=[{"field": "meeting", "old": meeting.id, "new": None}],
        )


def move_item(user: User, meeting: Meeting, item_id, to_position, *, expected_version) -> None:
    """Put the item at ``to_position`` (1-based); the others keep their order."""
    _secretary(user)
    check_version(meeting, expected_version)
    _planned(meeting)
    item = _item(meeting, item_id)
    items = list(meeting.items)
    try:
        target = int(to_position)
    except (TypeError, ValueError):
        raise ValidationFailed({"position": [_l("Give the new position as a number.")]}) from None
    if not 1 <= target <= len(items):
        raise ValidationFailed({"position": [_l("Give a position from 1 to %(n)d.", n=len(items))]})
    old = item.position
    if old == target:
        return
    items.remove(item)
    items.insert(target - 1, item)
    with changing(meeting, expected_version) as session:
        # Positions carry no unique constraint, so renumbering needs no shuffling.
        for n, other in enumerate(items, start=1):
            other.position = n
        _touch(meeting)
        record(
            session,
            user,
            "meeting.item_moved",
            "meeting",
            meeting.id,
            changes=[
                {
                    "field": "position",
                    "old": old,
                    "new": target,
                    "case_number": item.decision.case_number,
                }
            ],
        )
    db.session.expire(meeting, ["items"])


def attach_documents(
    user: User, meeting: Meeting, *, expected_version, correction: str = ""
) -> int:
    """Attach to every item the documents of its approved assessment. Returns how many."""
    _secretary(user)
    check_version(meeting, expected_version)
    _planned(meeting, correction)
    wanted = [
        (item, doc)
        for item in meeting.items
        for doc in approved_documents(active_assessment(item.decision))
        if doc.id not in {d.id for d in item.documents}
    ]
    if not wanted:
        return 0
    with changing(meeting, expected_version) as session:
        for item, doc in wanted:
            item.documents.append(doc)
        # The copies handed out with the agenda, "Liite 1" in their header (issue 19).
        copies = [
            (item, copy)
            for item in dict.fromkeys(item for item, _ in wanted)
            for copy in attachment_copies.make(session, user, item)
        ]
        _touch(meeting)
        added = [
            {
                "item": item.position,
                "document": doc.id,
                "reference": doc.reference,
                "kind": doc.kind,
                "sha256": doc.sha256,
            }
            for item, doc in wanted + copies
        ]
        record(
            session,
            user,
            "meeting.documents_attached",
            "meeting",
            meeting.id,
            changes=[{"field": "documents", "old": None, "new": added}] + _correction(correction),
        )
    return len(wanted)


def add_item_and_attach(
    user: User, meeting: Meeting, decision_id, *, expected_version
) -> AgendaItem:
    """Put a decision on the agenda with its approved documents: both, or neither."""
    with transaction():
        item = add_item(user, meeting, decision_id, expected_version=expected_version)
        attach_documents(user, meeting, expected_version=meeting.version)
    return item


# --- publishing and after ------------------------------------------------------------


def check_publish(user: User, meeting: Meeting) -> None:
    """What publishing would refuse, without publishing: the web asks this before it shows
    the confirmation, so an agenda that is not ready is refused at once."""
    _secretary(user)
    _not_cancelled(meeting)
    if meeting.state != "planned":
        raise Conflict(
            _l("The agenda of meeting %(label)s is already published.", label=meeting.label)
        )
    if not meeting.items:
        raise AgendaNotReady(_l("The agenda has no items."))
    ready = readiness(meeting.items)
    problems = [(item, ready[item.id][1]) for item in meeting.items if ready[item.id][1]]
    if problems:
        details = [
            _l(
                "Item %(n)d, %(case)s: %(what)s (to act: %(who)s)",
                n=item.position,
                case=item.decision.case_number,
                what=lack.what,
                who=lack.who,
            )
            for item, found in problems
            for lack in found
        ]
        raise AgendaNotReady(
            _l("The agenda cannot be published: %(n)d item(s) are not ready.", n=len(problems)),
            details=details,
        )


def publish(user: User, meeting: Meeting, *, expected_version) -> Meeting:
    _secretary(user)
    check_version(meeting, expected_version)
    check_publish(user, meeting)
    with changing(meeting, expected_version) as session:
        meeting.state = "published"
        meeting.published_at = utcnow()
        session.flush()
        kept = agenda_docs.store_published(session, user, meeting)
        record(
            session,
            user,
            "meeting.published",
            "meeting",
            meeting.id,
            changes=[
                {"field": "state", "old": "planned", "new": "published"},
                {
                    "field": "items",
                    "old": None,
                    "new": [
                        {
                            "position": i.position,
                            "case_number": i.decision.case_number,
                            "documents": [
                                {"reference": d.reference, "kind": d.kind, "sha256": d.sha256}
                                for d in i.documents
                            ],
                        }
                        for i in meeting.items
                    ],
                },
                {
                    "field": "agenda",
                    "old": None,
                    "new": [{"language": k.language, "sha256": k.sha256} for k in kept],
                },
            ],
        )
    return meeting


def attach_and_publish(user: User, meeting: Meeting, *, expected_version) -> Meeting:
    """Attach what is missing, then publish: both, or neither (a refused agenda stays as
    it was)."""
    with transaction():
        if meeting.state == "planned":
            attach_documents(user, meeting, expected_version=expected_version)
            expected_version = meeting.version
        publish(user, meeting, expected_version=expected_version)
    return meeting


def check_outcome(
    user: User, meeting: Meeting, item_id, outcome: str, note: str = ""
) -> tuple[AgendaItem, str]:
    """Everything recording ``outcome`` would refuse, without recording it: the web asks
    this before it shows the confirmation. Returns the item and the cleaned note."""
    _secretary(user)
    if meeting.state not in ("published", "held"):
        raise Conflict(
            _l(
                "Outcomes are recorded once the agenda is published; meeting "
                "%(label)s is %(state)s.",
                label=meeting.label,
                state=STATE_LABELS[meeting.state],
            )
        )
    _started(meeting)
    if outcome not in OUTCOMES:
        raise ValidationFailed(
            {
                "outcome": [
                    _l(
                        "Choose one of: %(choices)s.",
                        choices=", ".join(str(v) for v in OUTCOME_LABELS.values()),
                    )
                ]
            }
        )
    item = _item(meeting, item_id)
    if item.outcome is not None:
        raise Conflict(
            _l(
                "The outcome of item %(n)d is already recorded (%(outcome)s).",
                n=item.position,
                outcome=OUTCOME_LABELS[item.outcome],
            )
        )
    note = strip_control(note or "").strip()
    if outcome in ("approved_amended", "returned") and not note:
        raise ValidationFailed(
            {"note": [_l("Say what the body changed or why it returned the decision.")]}
        )
    return item, note


def record_outcome(
    user: User, meeting: Meeting, item_id, outcome: str, note: str = "", *, expected_version
) -> AgendaItem:
    """The body's decision on an item; fires the assessment's transition to match."""
    _secretary(user)
    check_version(meeting, expected_version)
    item, note = check_outcome(user, meeting, item_id, outcome, note)
    assessment = active_assessment(item.decision)
    trigger = engine_for(assessment).definition.outcome_trigger(outcome) if assessment else None
    # One use case: the assessment moves on and the item has its outcome, or neither.
    with changing(meeting, expected_version) as session:
        if trigger and assessment is not None:
            assessment_ops.fire(
                user,
                assessment,
                trigger,
                comment=note
                or str(
                    _l(
                        "Meeting %(label)s: %(outcome)s",
                        label=meeting.label,
                        outcome=OUTCOME_LABELS[outcome],
                    )
                ),
                expected_version=assessment.version,
            )
        item.outcome = outcome
        item.outcome_note = note
        item.outcome_at = utcnow()
        item.outcome_by_id = user.id
        decided(item.decision, meeting, outcome)
        _touch(meeting)
        record(
            session,
            user,
            "meeting.outcome_recorded",
            "meeting",
            meeting.id,
            changes=[
                {
                    "field": f"items.{item.position}.outcome",
                    "old": None,
                    "new": outcome,
                    "case_number": item.decision.case_number,
                    "note": note,
                }
            ],
        )
    return item


def decided(decision: Decision, meeting: Meeting, outcome: str) -> None:
    """The body decided ``decision`` at ``meeting``: the yearly report counts it in the year
    of the meeting's date where the organisation is (issue 22), with the body's outcome."""
    organisation = db.session.get(Organisation, meeting.organisation_id)
    zone = ZoneInfo((organisation.time_zone if organisation else None) or "Europe/Helsinki")
    decision.meeting_date = meeting.starts_at.astimezone(zone).date()
    decision.outcome = outcome
    required_levels.keep(decision)


def set_state(user: User, meeting: Meeting, state: str, *, expected_version) -> Meeting:
    """Mark the meeting held, or its minutes approved (every outcome recorded first)."""
    _secretary(user)
    check_version(meeting, expected_version)
    allowed = {"held": "published", "minutes_approved": "held"}
    if allowed.get(state) != meeting.state:
        raise Conflict(
            _l(
                "Meeting %(label)s is %(state)s; that step is not possible now.",
                label=meeting.label,
                state=STATE_LABELS[meeting.state],
            )
        )
    if state == "held":
        _started(meeting, held=True)
    if state == "minutes_approved":
        missing = [i.position for i in meeting.items if i.outcome is None]
        if missing:
            raise Conflict(
                _l(
                    "Record the outcome of every item first (items %(items)s).",
                    items=", ".join(map(str, missing)),
                )
            )
    old = meeting.state
    with changing(meeting, expected_version) as session:
        meeting.state = state
        session.flush()
        record(
            session,
            user,
            "meeting.state_changed",
            "meeting",
            meeting.id,
            changes=[{"field": "state", "old": old, "new": state}],
        )
    return meeting


def days_left(meeting: Meeting, on: date | None = None) -> int:
    return (meeting.starts_at.astimezone(HELSINKI).date() - (on or today())).days


# --- the agenda document ---------------------------------------------------------------
# In agenda_documents (what it shows, the attachments' numbers, the published one kept);
# named here too for the fronts and the bench that ask the meetings for it.
agenda_languages = agenda_docs.agenda_languages
agenda_data = agenda_docs.agenda_data
agenda_document = agenda_docs.agenda_document
