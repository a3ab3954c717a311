"""Flags in the life of an assessment: recomputed on every change, acknowledged by reviewers.

The rules are pure (``assess.flags``); this module gathers their context from the
database (the organisation's settings, when the assessment was submitted, the other
approved assessments with negative effects on the same groups) and keeps the
``negative_effects`` table that makes the cumulative rule and view fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import delete, distinct, func, select
from sqlalchemy.orm import Session

from .. import flags
from ..assessment_data import Acknowledgement, AssessmentData, SnapshotDecision
from ..extensions import db
from ..i18n import lazy_text as _l
from ..input_shape import strip_control
from ..models import AgendaItem, Assessment, Decision, Meeting, NegativeEffect, Revision, User
from ..models._types import utcnow
from ..questionnaire.organisation import OrgSettings
from ..workflow import Facts, WorkflowDefinition, four_eyes_reasons
from . import plan, policy_applied
from ._audit import record
from ._changes import content_changes

# today is looked up here when called, so a test (or a benchmark) may set the date.
from .context import (
    actor,
    changing,
    check_version,
    decision_part,
    document_languages,
    engine_for,
    form_for,
    forms,
    local_date,
    today,
)
from .errors import Conflict, Forbidden, NotFound, ValidationFailed

COMMENT_MAX = 2000


# --- context -----------------------------------------------------------------------


def _definition(assessment: Assessment) -> WorkflowDefinition:
    return engine_for(assessment).definition


def _submitted(assessment: Assessment):
    return (
        select(Revision.created_at)
        .where(
            Revision.assessment_id == assessment.id,
            Revision.trigger == _definition(assessment).submit_trigger,
        )
        .order_by(Revision.seq.desc())
        .limit(1)
    )


def _meeting_starts(assessment: Assessment):
    return (
        select(func.min(Meeting.starts_at))
        .join(AgendaItem)
        .where(
            AgendaItem.decision_id == assessment.decision_id,
            AgendaItem.outcome.is_(None),
            Meeting.state.in_(("planned", "published", "held")),
        )
    )


def submitted_on(assessment: Assessment) -> date | None:
    """The day of the latest submission for review (the workflow's ``submit`` trigger)."""
    moment = db.session.scalar(_submitted(assessment))
    return local_date(moment) if moment else None


def meeting_date(assessment: Assessment) -> date | None:
    """The day of the meeting whose agenda the decision is on, still waiting for it."""
    starts = db.session.scalar(_meeting_starts(assessment))
    return local_date(starts) if starts else None


def _submitted_and_meeting(assessment: Assessment) -> tuple[date | None, date | None]:
    """``submitted_on`` and ``meeting_date`` in one statement: every write asks both."""
    moment, starts = db.session.execute(
        select(
            _submitted(assessment).scalar_subquery(), _meeting_starts(assessment).scalar_subquery()
        )
    ).one()
    return (local_date(moment) if moment else None, local_date(starts) if starts else None)


def others(assessment: Assessment, groups, *, on: date, window_days: int):
    """Other approved assessments of the organisation with negative effects on ``groups``.

    Only the indexed effects table is read for all of them; case numbers are fetched
    for the few the flag's text names (the most recent per group).
    """
    if not groups:
        return ()
    ne = NegativeEffect
    rows = db.session.execute(
        select(ne.assessment_id, ne.group_id, ne.approved_on).where(
            ne.organisation_id == assessment.organisation_id,
            ne.group_id.in_(list(groups)),
            ne.approved_on >= on - timedelta(days=window_days),
            ne.approved_on <= on,
            ne.assessment_id != assessment.id,
        )
    ).all()
    found: dict[int, tuple[date, set[str]]] = {}
    for assessment_id, group, approved_on in rows:
        found.setdefault(assessment_id, (approved_on, set()))[1].add(group)
    named: set[int] = set()
    for group in groups:
        ids = [i for i, (_, gs) in found.items() if group in gs]
        ids.sort(key=lambda i: (found[i][0], i), reverse=True)
        named.update(ids[: flags.rules.CASES_LISTED])
    cases = (
        dict(
            db.session.execute(
                select(Assessment.id, Decision.case_number)
                .join(Decision, Decision.id == Assessment.decision_id)
                .where(Assessment.id.in_(named))
            ).all()
        )
        if named
        else {}
    )
    return tuple(
        flags.OtherAssessment(
            id=i, case_number=cases.get(i, ""), approved_on=d, negative_groups=frozenset(gs)
        )
        for i, (d, gs) in sorted(found.items())
    )


def context(assessment: Assessment, data: AssessmentData, *, submitted: date | None = None):
    form = form_for(assessment)
    org = OrgSettings.of(assessment.decision.organisation)
    on = today()
    window = org.threshold(form, "cumulative_window_days")
    negative = {c.group for c in flags.rules.negative_cells(data)}
    submitted_day, meeting_day = _submitted_and_meeting(assessment)
    found = flags.FlagContext.of(
        form,
        org,
        today=on,
        submitted_on=submitted or submitted_day,
        meeting_date=meeting_day,
        others=others(assessment, negative, on=on, window_days=window),
        plan_objectives=plan.active_keys(assessment.decision.organisation_id),
        decision=SnapshotDecision.load(decision_part(assessment.decision)),
        document_languages=tuple(document_languages(assessment.decision)),
    )
    # A published policy's time limit for the rule that applied wins over the settings'.
    applied = policy_applied.applied_of(assessment)
    if applied is not None and applied.policy_version is not None:
        found = replace(found, late_days=applied.submit_days_before_meeting)
    return found


def evaluate(assessment: Assessment, data: AssessmentData, *, submitted: date | None = None):
    """(the flags to store with ``data``, audit entries for the flags that changed)."""
    stored = data.flags
    current = flags.stored_form(flags.compute(data, context(assessment, data, submitted=submitted)))
    merged = flags.merge(stored, current)
    return merged, flags.changes(stored, merged)


# --- acknowledging -------------------------------------------------------------------


def _check_may_acknowledge(user: User, assessment: Assessment) -> None:
    if not user.has_role("reviewer"):
        raise Forbidden(_l("Only reviewers can acknowledge flags."))
    # The review that leads to approval is where flags are weighed.
    if not _definition(assessment).leads_to_approval(assessment.state):
        raise Conflict(
            _l("Flags are acknowledged during the review; this assessment is not in review.")
        )
    # Acknowledging is part of the review: the same second pair of eyes as the approval.
    changed = Facts(
        state=assessment.state,
        content_changes=content_changes(assessment, _definition(assessment), form_for(assessment)),
    )
    reasons = four_eyes_reasons(changed, actor(user))
    if reasons:
        raise Forbidden(reasons[0])
    if user.id in (
        assessment.prepared_by_id,
        assessment.last_edited_by_id,
        assessment.decision.preparer_id,
    ):
        raise Forbidden(
            _l(
                "You prepared or last edited this assessment, so another reviewer "
                "must acknowledge its flags (four-eyes principle)."
            )
        )


def acknowledge_refusal(user: User, assessment: Assessment):
    """Why this reviewer may not acknowledge the flags now, when it is who they are (the
    four-eyes rule) rather than the state: what the review page tells them. None: they may,
    or it is not their role or not the time."""
    if not user.has_role("reviewer"):
        return None
    try:
        _check_may_acknowledge(user, assessment)
    except Forbidden as exc:
        return exc.message
    except Conflict:
        return None
    return None


def may_acknowledge(user: User, assessment: Assessment) -> bool:
    """Whether ``user`` may acknowledge this assessment's flags now (for showing the control)."""
    try:
        _check_may_acknowledge(user, assessment)
    except (Forbidden, Conflict):
        return False
    return True


def acknowledge(
    user: User, assessment: Assessment, flag_id: str, comment: str, *, expected_version
) -> Assessment:
    """A reviewer accepts a flag knowingly; the comment says why. Audited."""
    return acknowledge_several(
        user, assessment, [flag_id], comment, expected_version=expected_version
    )


def acknowledge_several(
    user: User, assessment: Assessment, flag_ids: Sequence[str], comment: str, *, expected_version
) -> Assessment:
    """``acknowledge`` for several flags with one comment, all or none: the answers are
    read, changed and written once, and each acknowledgement is audited as its own event
    (one write per flag held the audit chain's lock through the others' writes)."""
    _check_may_acknowledge(user, assessment)
    check_version(assessment, expected_version)
    data = assessment.content
    by_id = {f.id: f for f in data.flags}
    targets = []
    for flag_id in dict.fromkeys(flag_ids):
        target = by_id.get(flag_id)
        if target is None:
            raise NotFound(_l("This assessment has no flag %(id)r.", id=flag_id))
        if target.status == flags.RESOLVED:
            raise Conflict(_l("This flag no longer applies; there is nothing to acknowledge."))
        if target.status == flags.ACKNOWLEDGED:
            who = target.acknowledged.name if target.acknowledged else ""
            raise Conflict(_l("%(name)s already acknowledged this flag.", name=who))
        targets.append(target)
    comment = _acknowledgement_comment(comment)
    ack = Acknowledgement(
        by=user.id, name=user.name, at=utcnow().isoformat(timespec="seconds"), comment=comment
    )
    chosen = {t.id for t in targets}
    data.flags = flags.lifecycle.sort(
        f.model_copy(update={"status": flags.ACKNOWLEDGED, "acknowledged": ack})
        if f.id in chosen
        else f
        for f in data.flags
    )
    with changing(assessment, expected_version) as session:
        assessment.content = data
        session.flush()
        for target in targets:
            record(
                session,
                user,
                "assessment.flag_acknowledged",
                "assessment",
                assessment.id,
                changes=[
                    {
                        "field": f"flags.{target.id}",
                        "old": flags.OPEN,
                        "new": flags.ACKNOWLEDGED,
                        "rule": target.rule,
                        "severity": target.severity,
                        "message": target.message,
                        "comment": comment,
                    }
                ],
            )
    return assessment


def _acknowledgement_comment(comment: str) -> str:
    comment = strip_control(comment or "").strip()
    if not comment:
        raise ValidationFailed(
            {
                "comment": [
                    _l(
                        "Say why the flag is acceptable, for example how the effect is taken "
                        "into account in the proposal. The comment is required and goes into "
                        "the history."
                    )
                ]
            }
        )
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            {
                "comment": [
                    _l(
                        "The comment has %(n)d characters; at most %(max)d are allowed.",
                        n=len(comment),
                        max=COMMENT_MAX,
                    )
                ]
            }
        )
    return comment


# --- approved negative effects --------------------------------------------------------


def record_effects(session: Session, assessment: Assessment, on: date) -> None:
    """Keep the approved assessment's negative cells for the cumulative rule and view."""
    session.execute(delete(NegativeEffect).where(NegativeEffect.assessment_id == assessment.id))
    session.add_all(
        NegativeEffect(
            organisation_id=assessment.organisation_id,
            assessment_id=assessment.id,
            group_id=c.group,
            dimension_id=c.dimension,
            magnitude=c.magnitude,
            approved_on=on,
        )
        for c in flags.rules.negative_cells(assessment.content)
    )


def forget_effects(session: Session, assessment: Assessment) -> None:
    """Reopened or withdrawn: the assessment no longer counts as approved."""
    session.execute(delete(NegativeEffect).where(NegativeEffect.assessment_id == assessment.id))


@dataclass
class Burden:
    """The approved decisions of the window with negative effects on one group."""

    group: str
    count: int = 0  # decisions in the window
    magnitudes: dict[str, int] = field(default_factory=dict)  # effects by magnitude
    decisions: list[dict] = field(default_factory=list)  # the most recent, or all


def cumulative(user: User, *, on: date | None = None, group: str | None = None, limit: int = 20):
    """Per group, the organisation's approved decisions of the window that burden it.

    Returns (window in days, first day, [Burden]) with the most burdened group first.
    Each Burden lists its ``limit`` most recent decisions; with ``group``, only that
    group, with all of them. Counting is done by the database (an indexed table), so
    the page stays fast with many thousands of approved assessments.
    """
    if not user.has_role("reviewer", "auditor"):
        raise Forbidden(_l("The cumulative view is for reviewers and auditors."))
    org = OrgSettings.of(user.organisation)
    form = forms().latest(user.organisation.setting("default_form") or "iva")
    on = on or today()
    window = org.threshold(form, "cumulative_window_days")
    first = on - timedelta(days=window)  # the same window as the rule: 365 days old counts
    ne = NegativeEffect
    where = [
        ne.organisation_id == user.organisation_id,
        ne.approved_on >= first,
        ne.approved_on <= on,
    ]
    if group is not None:
        where.append(ne.group_id == group)
    burdens: dict[str, Burden] = {}
    for g, n in db.session.execute(
        select(ne.group_id, func.count(distinct(ne.assessment_id)))
        .where(*where)
        .group_by(ne.group_id)
    ):
        burdens[g] = Burden(g, count=n)
    for g, magnitude, n in db.session.execute(
        select(ne.group_id, ne.magnitude, func.count())
        .where(*where)
        .group_by(ne.group_id, ne.magnitude)
    ):
        burdens[g].magnitudes[magnitude or ""] = n

    pairs = (
        select(ne.group_id, ne.assessment_id, ne.approved_on).where(*where).distinct().subquery()
    )
    rank = func.row_number().over(
        partition_by=pairs.c.group_id,
        order_by=(pairs.c.approved_on.desc(), pairs.c.assessment_id.desc()),
    )
    ranked = select(pairs, rank.label("rank")).subquery()
    listed = select(
        ranked.c.group_id,
        ranked.c.assessment_id,
        ranked.c.approved_on,
        Decision.id,
        Decision.case_number,
        Decision.title,
        Decision.language,
    )
    listed = (
        listed.join(Assessment, Assessment.id == ranked.c.assessment_id)
        .join(Decision, Decision.id == Assessment.decision_id)
        .order_by(ranked.c.group_id, ranked.c.rank)
    )
    if group is None:
        listed = listed.where(ranked.c.rank <= limit)
    entries: dict[tuple[str, int], dict] = {}
    for g, a_id, approved_on, d_id, case, title, language in db.session.execute(listed):
        entries[(g, a_id)] = entry = {
            "assessment": a_id,
            "decision": d_id,
            "case_number": case,
            "title": title,
            "language": language,
            "approved_on": approved_on,
            "effects": [],
        }
        burdens[g].decisions.append(entry)
    ids = sorted({a_id for _, a_id in entries})
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for g, a_id, dim, magnitude in db.session.execute(
            select(ne.group_id, ne.assessment_id, ne.dimension_id, ne.magnitude)
            .where(*where, ne.assessment_id.in_(chunk))
            .order_by(ne.id)
        ):
            if (g, a_id) in entries:
                entries[(g, a_id)]["effects"].append((dim, magnitude))
    order = {g.id: i for i, g in enumerate(form.groups)}
    ranked_groups = sorted(burdens.values(), key=lambda b: (-b.count, order.get(b.group, 99)))
    return window, first, ranked_groups
