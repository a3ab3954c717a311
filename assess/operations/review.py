"""The review loop (issue 20): who may review, submitting to a chosen reviewer, what the
reviewer's return says to the preparer, and acknowledging several flags at once.

Choosing a reviewer addresses the review; it does not narrow who may approve (the four-eyes
rule and the policy's reviewer bodies do that, as before): a colleague can still take over
when the chosen reviewer is away. The chosen one sees the assessment first in their queue
and is the one notified.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Decision, Revision, User, UserRole
from ..workflow import Actor, four_eyes_reasons
from ..workflow.guards import review_reasons
from . import assessments
from . import flags as flag_ops
from ._audit import record
from ._check import row_id
from ._stale import changing, check_version
from .context import engine_for, facts, transition_if_return
from .errors import ValidationFailed

# Absent in a request: the default reviewer (the one who last reviewed, while they still may).
DEFAULT = object()


def submits_for_review(assessment: Assessment, trigger: str) -> bool:
    """Whether ``trigger`` sends the assessment from its state to a reviewer."""
    definition = engine_for(assessment).definition
    taken = definition.transition(trigger, assessment.state)
    return taken is not None and definition.awaits_review(taken.dest)


def candidates(user: User, assessment: Assessment) -> list[User]:
    """The people who may review this assessment, by name: active, with the role the policy
    names (a reviewer by default), linked to the policy's reviewer body when it names one,
    and not anyone the four-eyes rule excludes (who prepared it, the decision's preparer,
    whoever changed the content since the last return) - nor the person submitting."""
    known = facts(assessment)
    role = known.review_role or "reviewer"
    people = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.organisation_id == assessment.organisation_id,
            User.active.is_(True),
            UserRole.role == role,
        )
        # All their roles in the same statement: the four-eyes rule reads them.
        .options(joinedload(User.role_rows))
        .order_by(User.name, User.id)
    ).unique()
    found = []
    for person in people:
        if person.id == user.id:
            continue
        who = Actor(id=person.id, roles=frozenset(person.roles))
        if four_eyes_reasons(known, who) or review_reasons(known, who):
            continue
        found.append(person)
    return found


def default_reviewer(
    user: User, assessment: Assessment, people: Sequence[User] | None = None
) -> User | None:
    """The reviewer preselected on submission: the one chosen last time, else the one who
    returned it, while they may still review it; None (any reviewer of the body the policy
    names, or of the organisation) otherwise. ``people``: ``candidates`` if the caller has
    them already."""
    people = candidates(user, assessment) if people is None else people

    def who_returned() -> int | None:
        back = returned(assessment, "en")
        return back.by_id if back is not None else None

    for wanted in (lambda: assessment.reviewer_id, who_returned):
        wanted_id = wanted()
        found = next((p for p in people if p.id == wanted_id), None)
        if wanted_id is not None and found is not None:
            return found
    return None


def submit(
    user: User,
    assessment: Assessment,
    trigger: str,
    reviewer_id: Any = DEFAULT,
    comment: str = "",
    *,
    expected_version: int | None,
) -> Assessment:
    """Fire ``trigger`` (a step to review) and address it to ``reviewer_id`` (None: any
    reviewer; DEFAULT: ``default_reviewer``), both in one transaction.

    A reviewer given with a step that goes to no reviewer, or a person who may not review
    this assessment, is refused (``ValidationFailed`` on ``reviewer_id``) before anything
    is looked at or written.
    """
    if not submits_for_review(assessment, trigger):
        if reviewer_id is DEFAULT:
            return assessments.fire(
                user, assessment, trigger, comment=comment, expected_version=expected_version
            )
        raise ValidationFailed(
            {
                "reviewer_id": [
                    _l(
                        "A reviewer is chosen only with a step that sends the assessment for "
                        "review; leave the reviewer out of this step."
                    )
                ]
            }
        )
    check_version(assessment, expected_version)
    chosen = _chosen(user, assessment, reviewer_id)
    before = assessment.reviewer_id
    new = chosen.id if chosen is not None else None
    with changing(assessment, expected_version) as session:
        # Not flushed before the step: the reviewer and the new state are written in one
        # update, so the version moves by one as for any other step (the step flushes itself
        # where its own writes must be seen).
        with session.no_autoflush:
            # Both: the notification of the step reads the relationship (issue 20, notify).
            assessment.reviewer, assessment.reviewer_id = chosen, new
            assessments.fire(user, assessment, trigger, comment=comment, expected_version=None)
        if before != new:
            record(
                session,
                user,
                "assessment.reviewer_chosen",
                "assessment",
                assessment.id,
                changes=[
                    {
                        "field": "reviewer",
                        "old": before,
                        "new": new,
                        "name": chosen.name if chosen is not None else None,
                    }
                ],
            )
    return assessment


def _chosen(user: User, assessment: Assessment, reviewer_id: Any) -> User | None:
    if reviewer_id is DEFAULT:
        return default_reviewer(user, assessment)
    if reviewer_id is None or reviewer_id == "":
        return None
    number = row_id(reviewer_id)
    found = next((p for p in candidates(user, assessment) if p.id == number), None)
    if found is None:
        raise ValidationFailed(
            {
                "reviewer_id": [
                    _l(
                        "That person may not review this assessment: choose one of the "
                        "reviewers offered (not anyone who prepared or changed it, as the "
                        "four-eyes principle says), or leave it to any reviewer."
                    )
                ]
            }
        )
    return found


@dataclass(frozen=True)
class Returned:
    """The reviewer's return of an assessment, shown to the preparer until it is submitted
    again: who returned it, when, by which step, and what they said."""

    by: str
    by_id: int | None
    at: datetime
    step: str  # the transition's label in the reader's language
    comment: str
    revision_seq: int


def returned(assessment: Assessment | None, language: str) -> Returned | None:
    """The last return to preparation while it is still the latest step (None otherwise).

    A return is a step from a state that is not editable into one that is, with the comment
    it requires (returned for revision, a screen-out refused, reopened, returned by the
    meeting); submitting again is a newer step, and the notice goes away.

    Read once per version of the assessment in a database session: a page asks for it
    several times (the notice, the reviewer preselected, the changes since the return),
    and any new step changes the version.
    """
    if assessment is None or assessment.id is None:
        return None
    memo = db.session.info.setdefault(_RETURNED, {})
    key = (assessment.id, assessment.version)
    if key not in memo:
        memo[key] = _raw_returns([assessment]).get(assessment.id)
    raw = memo[key]
    return _labelled(raw, language) if raw is not None else None


_RETURNED = "assess.returned"  # session.info: (assessment id, version) -> _Raw or None


def returned_to(user: User, language: str, limit: int = 20) -> list[tuple[Assessment, Returned]]:
    """The assessments this preparer prepares that a reviewer returned and that were not
    submitted again, newest return first: the dashboard's first section for them."""
    rows = db.session.scalars(
        select(Assessment)
        .where(
            Assessment.organisation_id == user.organisation_id,
            Assessment.active,
            Assessment.prepared_by_id == user.id,
        )
        # Not their answers: up to 200 rows for a notice on a few of them.
        .options(defer(Assessment.data), defer(Assessment.policy))
        .order_by(Assessment.updated_at.desc())
        .limit(200)
    ).all()
    notices = _returns(rows, language)
    found = [(a, notices[a.id]) for a in rows if a.id in notices]
    found.sort(key=lambda pair: pair[1].at, reverse=True)
    found = found[:limit]
    # Their decisions, which the notices name, in one statement rather than one each.
    if found:
        decisions = {
            d.id: d
            for d in db.session.scalars(
                select(Decision).where(Decision.id.in_([a.decision_id for a, _ in found]))
            )
        }
        for a, _ in found:
            set_committed_value(a, "decision", decisions[a.decision_id])
    return found


@dataclass(frozen=True)
class _Raw:
    """A return as stored, before it is put in a reader's words."""

    seq: int
    at: datetime
    by_id: int | None
    by: str
    taken: Any  # the TransitionDef taken, or None
    trigger: str
    comment: str


def _labelled(raw: _Raw, language: str) -> Returned:
    return Returned(
        by=raw.by,
        by_id=raw.by_id,
        at=raw.at,
        step=raw.taken.labels.get(language) if raw.taken is not None else raw.trigger,
        comment=raw.comment,
        revision_seq=raw.seq,
    )


def _returns(assessments: Sequence[Assessment], language: str) -> dict[int, Returned]:
    """``returned`` of each assessment, in two queries whatever their number. The
    preparer's dashboard asks for up to 200."""
    return {a: _labelled(raw, language) for a, raw in _raw_returns(assessments).items()}


@functools.cache
def _latest_steps():
    """Each assessment's latest revision: its few fields and, only where its step may be a
    return, the transition it records. Built once and run with parameters: building it
    cost more than running it."""
    newest = (
        select(Revision.assessment_id, func.max(Revision.seq).label("seq"))
        .where(Revision.assessment_id.in_(bindparam("ids", expanding=True)))
        .group_by(Revision.assessment_id)
        .subquery()
    )
    transition = transition_if_return(bindparam("returning", expanding=True))
    return select(
        Revision.assessment_id,
        Revision.seq,
        Revision.trigger,
        Revision.created_at,
        Revision.created_by_id,
        transition,
    ).join(
        newest,
        (Revision.assessment_id == newest.c.assessment_id) & (Revision.seq == newest.c.seq),
    )


def _raw_returns(assessments: Sequence[Assessment]) -> dict[int, _Raw]:
    """The latest revision's few fields and, only where its step may be a return, the
    transition it records (a snapshot's JSON is read for those alone, not for every
    assessment being prepared); then the names of those who returned them."""
    editable = {
        a.id: engine_for(a).definition
        for a in assessments
        if engine_for(a).definition.is_editable(a.state)
    }
    if not editable:
        return {}
    returning = set().union(*(d.returning_triggers() for d in editable.values()))
    lasts = db.session.execute(
        _latest_steps(), {"ids": list(editable), "returning": sorted(returning)}
    ).all()
    notices: dict[int, tuple] = {}
    for assessment_id, seq, trigger, at, by_id, step in lasts:
        definition = editable[assessment_id]
        step = step if isinstance(step, dict) else {}
        came, comment = step.get("from"), step.get("comment") or ""
        if not comment or came not in definition.states or definition.is_editable(came):
            continue
        notices[assessment_id] = (
            seq,
            at,
            by_id,
            definition.transition(trigger or "", came),
            trigger or "",
            comment,
        )
    ids = {n[2] for n in notices.values() if n[2]}
    names = (
        {
            uid: name
            for uid, name in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
        }
        if ids
        else {}
    )
    return {
        assessment_id: _Raw(
            seq=seq,
            at=at,
            by_id=by_id if by_id in names else None,
            by=names.get(by_id, "") if by_id else "",
            taken=taken,
            trigger=trigger,
            comment=comment,
        )
        for assessment_id, (seq, at, by_id, taken, trigger, comment) in notices.items()
    }


def acknowledge_many(
    user: User,
    assessment: Assessment,
    flag_ids: Sequence[str],
    comment: str,
    *,
    expected_version: int | None,
) -> Assessment:
    """Acknowledge several flags with one reasoning (they share a cause), all or none, each
    audited as its own acknowledgement."""
    wanted = list(dict.fromkeys(f for f in flag_ids if f))
    if not wanted:
        raise ValidationFailed(
            {"flags": [_l("Choose at least one flag to acknowledge with this comment.")]}
        )
    return flag_ops.acknowledge_several(
        user, assessment, wanted, comment, expected_version=expected_version
    )
