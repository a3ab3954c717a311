"""Flags in the life of an assessment: recomputed on every change, acknowledged by reviewers.

The rules are pure (``assess.flags``); this module gathers their context from the
database (the organisation's settings, when the assessment was submitted, the other
approved assessments with negative effects on the same groups) and keeps the
``negative_effects`` table that makes the cumulative rule and view fast.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import flags
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Decision, NegativeEffect, Revision, User
from ..models._types import utcnow
from ..questionnaire.organisation import OrgSettings
from ._audit import record
from ._tx import transaction
from .errors import Conflict, Forbidden, NotFound, ValidationFailed

HELSINKI = ZoneInfo("Europe/Helsinki")
COMMENT_MAX = 2000
APPROVAL_GUARD = "no_unresolved_high_flags"


def today() -> date:
    """The date in Finland: a decision approved at 00:30 Finnish time is of that day."""
    return datetime.now(HELSINKI).date()


def _local_date(moment: datetime) -> date:
    return moment.astimezone(HELSINKI).date()


# --- context -----------------------------------------------------------------------


def submitted_on(assessment: Assessment) -> date | None:
    """The day of the latest submission for review (the workflow's ``submit``)."""
    moment = db.session.scalar(
        select(Revision.created_at)
        .where(Revision.assessment_id == assessment.id, Revision.trigger == "submit")
        .order_by(Revision.seq.desc())
        .limit(1)
    )
    return _local_date(moment) if moment else None


def others(assessment: Assessment, groups, *, on: date, window_days: int):
    """Other approved assessments of the organisation with negative effects on ``groups``."""
    if not groups:
        return ()
    rows = db.session.execute(
        select(NegativeEffect.assessment_id, NegativeEffect.group_id,
               NegativeEffect.approved_on, Decision.case_number)
        .join(Assessment, Assessment.id == NegativeEffect.assessment_id)
        .join(Decision, Decision.id == Assessment.decision_id)
        .where(
            NegativeEffect.organisation_id == assessment.organisation_id,
            NegativeEffect.group_id.in_(list(groups)),
            NegativeEffect.approved_on >= on - timedelta(days=window_days),
            NegativeEffect.approved_on <= on,
            NegativeEffect.assessment_id != assessment.id,
        )
    ).all()  # fmt: skip
    found: dict[int, tuple] = {}
    for assessment_id, group, approved_on, case_number in rows:
        _, _, prior = found.get(assessment_id, (None, None, frozenset()))
        found[assessment_id] = (case_number, approved_on, prior | {group})
    return tuple(
        flags.OtherAssessment(id=i, case_number=c, approved_on=d, negative_groups=g)
        for i, (c, d, g) in sorted(found.items())
    )


def context(assessment: Assessment, data: dict, *, submitted: date | None = None):
    from .answers import form_for

    form = form_for(assessment)
    org = OrgSettings.of(assessment.decision.organisation)
    on = today()
    window = org.threshold(form, "cumulative_window_days")
    negative = {c["group"] for c in flags.rules.negative_cells(data)}
    return flags.FlagContext.of(
        form, org, today=on,
        submitted_on=submitted or submitted_on(assessment),
        meeting_date=None,  # the meeting a decision is on comes with the agendas
        others=others(assessment, negative, on=on, window_days=window),
    )  # fmt: skip


def evaluate(assessment: Assessment, data: dict, *, submitted: date | None = None):
    """(the flags to store with ``data``, audit entries for the flags that changed)."""
    stored = data.get("flags") or []
    current = flags.stored_form(flags.compute(data, context(assessment, data, submitted=submitted)))
    merged = flags.merge(stored, current)
    return merged, flags.changes(stored, merged)


# --- acknowledging -------------------------------------------------------------------


def review_states(assessment: Assessment) -> set[str]:
    """States from which an approval (a transition guarded by the flags) leaves."""
    from .assessments import engine_for

    definition = engine_for(assessment).definition
    return {
        s for t in definition.transitions if APPROVAL_GUARD in t.guards and t.source != "*"
        for s in t.source
    }  # fmt: skip


def acknowledge(
    user: User, assessment: Assessment, flag_id: str, comment: str, *, expected_version
) -> Assessment:
    """A reviewer accepts a flag knowingly; the comment says why. Audited."""
    from .assessments import _check_version, _stale

    if not user.has_role("reviewer"):
        raise Forbidden(_l("Only reviewers can acknowledge flags."))
    _check_version(assessment, expected_version)
    if assessment.state not in review_states(assessment):
        raise Conflict(_l("Flags are acknowledged during the review; this assessment is not "
                          "in review."))  # fmt: skip
    if user.id in (assessment.prepared_by_id, assessment.last_edited_by_id,
                   assessment.decision.preparer_id):  # fmt: skip
        raise Forbidden(_l("You prepared or last edited this assessment, so another reviewer "
                           "must acknowledge its flags (four-eyes principle)."))  # fmt: skip
    data = assessment.data or {}
    stored = data.get("flags") or []
    target = next((f for f in stored if f["id"] == flag_id), None)
    if target is None:
        raise NotFound(_l("This assessment has no flag %(id)r.", id=flag_id))
    if target["status"] == flags.RESOLVED:
        raise Conflict(_l("This flag no longer applies; there is nothing to acknowledge."))
    if target["status"] == flags.ACKNOWLEDGED:
        raise Conflict(_l("%(name)s already acknowledged this flag.",
                          name=target["acknowledged"]["name"]))  # fmt: skip
    comment = (comment or "").strip()
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
        raise ValidationFailed({"comment": [_l(
            "The comment has %(n)d characters; at most %(max)d are allowed.",
            n=len(comment), max=COMMENT_MAX)]})  # fmt: skip
    ack = {"by": user.id, "name": user.name, "at": utcnow().isoformat(timespec="seconds"),
           "comment": comment}  # fmt: skip
    new_flags = [
        {**copy.deepcopy(f), "status": flags.ACKNOWLEDGED, "acknowledged": ack}
        if f["id"] == flag_id else f
        for f in stored
    ]  # fmt: skip
    from sqlalchemy.orm.exc import StaleDataError

    try:
        with transaction() as session:
            assessment.data = {**data, "flags": flags.lifecycle.sort(new_flags)}
            session.flush()
            record(
                session, user, "assessment.flag_acknowledged", "assessment", assessment.id,
                changes=[{"field": f"flags.{flag_id}", "old": flags.OPEN,
                          "new": flags.ACKNOWLEDGED, "rule": target["rule"],
                          "severity": target["severity"], "message": target["message"],
                          "comment": comment}],
            )  # fmt: skip
    except StaleDataError:
        db.session.refresh(assessment)
        raise Conflict(_stale(assessment, expected_version)) from None
    return assessment


# --- approved negative effects --------------------------------------------------------


def record_effects(session: Session, assessment: Assessment, on: date) -> None:
    """Keep the approved assessment's negative cells for the cumulative rule and view."""
    session.execute(delete(NegativeEffect).where(NegativeEffect.assessment_id == assessment.id))
    session.add_all(
        NegativeEffect(
            organisation_id=assessment.organisation_id, assessment_id=assessment.id,
            group_id=c["group"], dimension_id=c["dimension"], magnitude=c.get("magnitude"),
            approved_on=on,
        )
        for c in flags.rules.negative_cells(assessment.data or {})
    )  # fmt: skip


def forget_effects(session: Session, assessment: Assessment) -> None:
    """Reopened or withdrawn: the assessment no longer counts as approved."""
    session.execute(delete(NegativeEffect).where(NegativeEffect.assessment_id == assessment.id))


@dataclass
class Burden:
    """The approved decisions of the window with negative effects on one group."""

    group: str
    decisions: list[dict] = field(default_factory=list)

    @property
    def magnitudes(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in self.decisions:
            for _, magnitude in d["effects"]:
                out[magnitude or ""] = out.get(magnitude or "", 0) + 1
        return out


def cumulative(user: User, *, on: date | None = None, window_days: int | None = None):
    """Per group, the organisation's approved decisions of the window that burden it.

    Returns (window in days, first day, [Burden]) with the most burdened group first.
    """
    if not (user.has_role("reviewer") or user.has_role("auditor")):
        raise Forbidden(_l("The cumulative view is for reviewers and auditors."))
    from .answers import forms

    org = OrgSettings.of(user.organisation)
    form = forms().latest(user.organisation.setting("default_form") or "iva")
    on = on or today()
    window = window_days or org.threshold(form, "cumulative_window_days")
    first = on - timedelta(days=window)  # the same window as the rule: 365 days old counts
    rows = db.session.execute(
        select(NegativeEffect.group_id, NegativeEffect.dimension_id, NegativeEffect.magnitude,
               NegativeEffect.approved_on, Assessment.id, Decision.id, Decision.case_number,
               Decision.title, Decision.language)
        .join(Assessment, Assessment.id == NegativeEffect.assessment_id)
        .join(Decision, Decision.id == Assessment.decision_id)
        .where(NegativeEffect.organisation_id == user.organisation_id,
               NegativeEffect.approved_on >= first, NegativeEffect.approved_on <= on)
        .order_by(NegativeEffect.approved_on.desc(), Decision.case_number)
    ).all()  # fmt: skip
    burdens: dict[str, Burden] = {}
    entries: dict[tuple[str, int], dict] = {}
    for group, dim, magnitude, approved_on, a_id, d_id, case, title, language in rows:
        burden = burdens.setdefault(group, Burden(group))
        entry = entries.get((group, a_id))
        if entry is None:
            entry = entries[(group, a_id)] = {
                "assessment": a_id, "decision": d_id, "case_number": case, "title": title,
                "language": language, "approved_on": approved_on, "effects": [],
            }  # fmt: skip
            burden.decisions.append(entry)
        entry["effects"].append((dim, magnitude))
    order = {g.id: i for i, g in enumerate(form.groups)}
    ranked = sorted(burdens.values(), key=lambda b: (-len(b.decisions), order.get(b.group, 99)))
    return window, first, ranked
