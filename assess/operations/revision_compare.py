"""An assessment's revisions side by side (issue 21): the list of its frozen revisions,
the differences between any two (field by field, cell by cell of the impact matrix, in the
reader's language: ``assess.described``), "what changed since the return", and each
revision's document.

Reading here records nothing; the fronts record the access (``access_log``) once they
have answered, outside ``reading()``: ``record_compared`` and ``revision_document`` do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .. import described, documents
from ..described import Difference
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Document, Revision, User
from . import access_log
from .context import engine_for, form_for, form_of, transition_if_return
from .documents import filename, render_snapshot
from .errors import NotFound, ValidationFailed

# The value of ``from``/``to`` that names the assessment as it stands now, not a revision.
CURRENT = "current"
DOCUMENT_LANGUAGES = ("fi", "sv", "en")
STORED_KINDS = ("assessment", "attachment")


@dataclass(frozen=True)
class RevisionRow:
    """One frozen revision, as the list shows it."""

    seq: int
    state: str
    state_label: str
    trigger: str | None
    step: str  # the transition's label in the reader's language ("" for a follow-up summary)
    comment: str
    at: datetime  # aware, in the organisation's time zone
    by: str
    sha256: str
    # The languages of the stored documents made from this revision (the approved ones).
    stored_languages: tuple[str, ...]


@dataclass(frozen=True)
class SinceReturn:
    """What changed since the assessment was last returned to its preparer."""

    returned: RevisionRow  # the revision the return made: what the reviewer sent back
    against: RevisionRow | None  # the newest revision; None: the answers as they stand now
    differences: list[Difference]


def zone_of(assessment: Assessment) -> ZoneInfo:
    return ZoneInfo(assessment.decision.organisation.time_zone or "Europe/Helsinki")


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` (UTC, naive on SQLite) in ``zone``."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def revisions(assessment: Assessment, language: str) -> list[RevisionRow]:
    """The assessment's revisions, oldest first."""
    rows = db.session.scalars(
        select(Revision).where(Revision.assessment_id == assessment.id).order_by(Revision.seq)
    ).all()
    return _rows(assessment, rows, language)


def _rows(assessment: Assessment, rows, language: str) -> list[RevisionRow]:
    definition = engine_for(assessment).definition
    zone = zone_of(assessment)
    stored: dict[int, list[str]] = {}
    for revision_id, doc_language in db.session.execute(
        select(Document.revision_id, Document.language)
        .where(Document.assessment_id == assessment.id, Document.kind == "assessment")
        .order_by(Document.language)
    ):
        stored.setdefault(revision_id, []).append(doc_language)
    people = {
        u.id: u.name
        for u in db.session.scalars(
            select(User).where(User.id.in_({r.created_by_id for r in rows if r.created_by_id}))
        )
    }
    out = []
    for r in rows:
        transition = (r.snapshot or {}).get("transition") or {}
        came = transition.get("from")
        taken = definition.transition(r.trigger, came) if r.trigger and came else None
        out.append(
            RevisionRow(
                seq=r.seq,
                state=r.state,
                state_label=definition.state_label(r.state, language)
                if r.state in definition.states
                else r.state,
                trigger=r.trigger,
                step=taken.labels.get(language) if taken is not None else (r.trigger or ""),
                comment=transition.get("comment") or "",
                at=local(r.created_at, zone),
                by=people.get(r.created_by_id or 0)
                or ((r.snapshot or {}).get("by") or {}).get("name", ""),
                sha256=r.sha256,
                stored_languages=tuple(stored.get(r.id, ())),
            )
        )
    return out


def get_revision(assessment: Assessment, seq: int) -> Revision:
    found = db.session.scalar(
        select(Revision).where(Revision.assessment_id == assessment.id, Revision.seq == seq)
    )
    if found is None:
        raise NotFound(_l("The assessment has no revision %(n)s.", n=seq))
    return found


def parse_pair(
    assessment: Assessment, given_from: Any, given_to: Any
) -> tuple[int | str, int | str]:
    """The revisions ``from`` and ``to`` name (a number, or "current"); ValidationFailed
    naming each bad parameter with what would be right."""
    known = list(
        db.session.scalars(
            select(Revision.seq)
            .where(Revision.assessment_id == assessment.id)
            .order_by(Revision.seq)
        )
    )
    errors: dict[str, list] = {}
    chosen: dict[str, int | str] = {}
    for name, value in (("from", given_from), ("to", given_to)):
        text = str(value).strip() if value is not None else ""
        if text == CURRENT:
            chosen[name] = CURRENT
        elif text.isdigit() and int(text) in known:
            chosen[name] = int(text)
        elif not text:
            errors[name] = [
                _l(
                    "Say which revision to compare: '%(name)s' is one of %(known)s, or "
                    "'current' for the answers as they stand now.",
                    name=name,
                    known=", ".join(str(k) for k in known) or "-",
                )
            ]
        else:
            errors[name] = [
                _l(
                    "There is no revision '%(value)s' of this assessment: '%(name)s' is one of "
                    "%(known)s, or 'current' for the answers as they stand now.",
                    value=text[:20],
                    name=name,
                    known=", ".join(str(k) for k in known) or "-",
                )
            ]
    if errors:
        raise ValidationFailed(errors)
    return chosen["from"], chosen["to"]


def _data_and_form(assessment: Assessment, which: int | str):
    if which == CURRENT:
        return assessment.data or {}, form_for(assessment), None
    snapshot = get_revision(assessment, int(which)).snapshot
    return (
        snapshot.get("data") or {},
        form_of(snapshot),
        snapshot.get("plan_objectives"),
    )


def compare(
    user: User, assessment: Assessment, from_seq: int | str, to_seq: int | str, language: str
) -> list[Difference]:
    """The differences from revision ``from_seq`` to ``to_seq`` ("current": the answers as
    they stand), told in ``language`` with the newer one's questionnaire."""
    if assessment.organisation_id != user.organisation_id:
        raise NotFound(_l("No assessment with id %(id)s.", id=assessment.id))
    old, _, old_objectives = _data_and_form(assessment, from_seq)
    new, form, new_objectives = _data_and_form(assessment, to_seq)
    objectives: dict[str, Mapping] = {**(old_objectives or {}), **(new_objectives or {})}
    return described.compare(old, new, language, form, objectives=objectives)


def record_compared(
    user: User, assessment: Assessment, from_seq: int | str, to_seq: int | str, via: str
) -> None:
    """Comparing is reading data that may concern vulnerable groups: recorded (issue 21)."""
    access_log.record_access(
        user,
        "access.revisions_compared",
        "assessment",
        assessment.id,
        {"from": from_seq, "to": to_seq, "via": via},
    )


def _last_return(assessment: Assessment, steps) -> int | None:
    """The index in ``steps`` (oldest first: each revision's state and the state its step
    came from) of the revision the last return made: a step from a state that cannot be
    edited into one that can (returned for revision, reopened, returned by the meeting)."""
    definition = engine_for(assessment).definition
    for i in range(len(steps) - 1, -1, -1):
        went, came = steps[i]
        if (
            came in definition.states
            and went in definition.states
            and not definition.is_editable(came)
            and definition.is_editable(went)
        ):
            return i
    return None


def _steps(assessment: Assessment):
    """Each revision's seq, state and the state its step came from, oldest first. The
    snapshot's JSON is read only for the steps that may be returns (``returning_triggers``):
    an assessment that went round many times has many large snapshots."""
    came = transition_if_return(engine_for(assessment).definition.returning_triggers())
    return db.session.execute(
        select(Revision.seq, Revision.state, came)
        .where(Revision.assessment_id == assessment.id)
        .order_by(Revision.seq)
    ).all()


def since_return(assessment: Assessment | None, language: str) -> SinceReturn | None:
    """What changed since the last return to the preparer: the returned revision against the
    newest one once submitted again, or against the answers while being prepared again.
    None when the assessment was never returned."""
    if assessment is None or assessment.id is None:
        return None
    steps = _steps(assessment)
    at = _last_return(
        assessment,
        [(state, (t if isinstance(t, dict) else {}).get("from")) for _, state, t in steps],
    )
    if at is None:
        return None
    # The two revisions compared, whole; not every one in between.
    wanted = {steps[at][0], steps[-1][0]}
    rows = db.session.scalars(
        select(Revision)
        .where(Revision.assessment_id == assessment.id, Revision.seq.in_(wanted))
        .order_by(Revision.seq)
    ).all()
    returned, newest = rows[0], rows[-1]
    described_rows = _rows(
        assessment, [returned, newest] if newest is not returned else [returned], language
    )
    if newest is returned:
        to: int | str = CURRENT
        against = None
    else:
        to = newest.seq
        against = described_rows[-1]
    old = returned.snapshot.get("data") or {}
    if to == CURRENT:
        new, form = assessment.data or {}, form_for(assessment)
    else:
        new, form = newest.snapshot.get("data") or {}, form_of(newest.snapshot)
    objectives = {
        **(returned.snapshot.get("plan_objectives") or {}),
        **((newest.snapshot.get("plan_objectives") or {}) if to != CURRENT else {}),
    }
    return SinceReturn(
        returned=described_rows[0],
        against=against,
        differences=described.compare(old, new, language, form, objectives=objectives),
    )


@dataclass(frozen=True)
class RevisionDocument:
    content: bytes
    filename: str
    stored: bool  # True: the stored original's bytes; False: rendered from the snapshot now
    sha256: str | None  # the stored one's checksum


def revision_document(
    user: User, assessment: Assessment, seq: int, language: Any, via: str
) -> RevisionDocument:
    """The document of revision ``seq`` in ``language``: the stored original when the
    revision has one (approved), else rendered now from its snapshot (marked DRAFT unless
    the revision is an approved one). Records the access."""
    if assessment.organisation_id != user.organisation_id:
        raise NotFound(_l("No assessment with id %(id)s.", id=assessment.id))
    if language not in DOCUMENT_LANGUAGES:
        raise ValidationFailed(
            {
                "language": [
                    _l(
                        "Choose the document's language: fi (Finnish), sv (Swedish) or en "
                        "(English)."
                    )
                ]
            }
        )
    revision = get_revision(assessment, seq)
    doc = db.session.scalar(
        select(Document)
        .where(
            Document.revision_id == revision.id,
            Document.language == language,
            Document.kind == "assessment",
        )
        .limit(1)
    )
    if doc is not None:
        result = RevisionDocument(doc.content, doc.filename, True, doc.sha256)
    else:
        snapshot = revision.snapshot
        definition = engine_for(assessment).definition
        known = revision.state in definition.states
        # An approved revision's text stands as approved; any other is marked DRAFT.
        approved = bool(snapshot.get("approved_by")) or (
            known
            and (
                definition.is_approved(revision.state) or definition.is_in_follow_up(revision.state)
            )
        )
        draft = not approved
        content = render_snapshot(snapshot, language, draft=draft)
        reference = documents.document_id(revision.content, language, draft=draft)
        result = RevisionDocument(
            content,
            filename(reference, assessment.decision.case_number),
            False,
            None,
        )
    access_log.record_access(
        user,
        "access.revision_document",
        "assessment",
        assessment.id,
        {"revision": seq, "language": language, "stored": result.stored, "via": via},
    )
    return result
