"""Assessments: create, save answers, fire transitions (withdraw and reopen included).

Each function is one transaction: check the version, validate, change, snapshot,
append the audit event, commit. On any error nothing of it is kept.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..assessment_data import AssessmentData
from ..definitions import localized
from ..extensions import db
from ..i18n import lazy_text as _l
from ..input_shape import strip_control
from ..models import Assessment, AuditEvent, Decision, Revision, User
from ..workflow import Option
from . import flags as flag_ops
from . import notifications, policy_applied
from ._audit import record
from ._tx import committed_view, transaction
from .agenda_notes import note_assessment_change
from .context import (  # noqa: F401  (workflows, snapshot: read by the fronts here)
    active_assessment,
    actor,
    changing,
    check_version,
    completeness,
    engine_for,
    facts,
    forms,
    snapshot,
    workflows,
)
from .documents import attach, render_for
from .errors import Conflict, Forbidden, NotFound, ValidationFailed
from .policies import policy_in_force
from .report_facts_index import keep_report_times

DEFAULT_FORM_KEY = "iva"
COMMENT_MAX_LENGTH = 5000  # a transition's comment, kept in the revision and the audit log


def options(user: User, assessment: Assessment) -> list[Option]:
    """The transitions from the current state, each available or with its reasons.

    Only the completeness of the sections and the screening (``context.completeness``, the
    costliest part) is remembered, inside ``reading()``, per stored version of the
    assessment, the decision's language and whether the organisation is bilingual: exactly
    what it is computed from, all of it read in the same request, so every worker gives the
    same answer and none goes stale after another worker's write. Everything else the
    guards see (the user and roles, the decision's preparer, the reviewing body's members,
    follow-up summaries, who changed the content, the policy's labels) is read afresh on
    every call. Firing a transition checks everything afresh as well.
    """
    checked = None
    if committed_view() and not inspect(assessment).modified:
        decision = assessment.decision
        key = (
            assessment.id,
            assessment.version,
            decision.language,
            bool(decision.organisation.bilingual),
        )
        cache = current_app.extensions.get("assess.completeness")
        if cache is None:
            cache = current_app.extensions["assess.completeness"] = _Remembered(512)
        checked = cache.get(key)
        if checked is None:
            checked = completeness(assessment)
            cache.put(key, checked)
    return engine_for(assessment).options(facts(assessment, completeness=checked), actor(user))


class _Remembered:
    """A small least-recently-used map, safe to share between a process's threads."""

    def __init__(self, size: int):
        self.size, self._lock = size, threading.Lock()
        self._items: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            if len(self._items) > self.size:
                self._items.popitem(last=False)


@functools.cache
def _by_id():
    # With its decision, organisation and body: every use of an assessment needs them. Built
    # once and run with the id as its parameter: Session.get would build the statement,
    # its loader options and its cache key anew on every call, a quarter of its time.
    return (
        select(Assessment)
        .where(Assessment.id == bindparam("id"))
        .options(
            joinedload(Assessment.decision).options(
                joinedload(Decision.organisation), joinedload(Decision.body)
            )
        )
    )


def get_assessment(user: User, assessment_id: int) -> Assessment:
    assessment = db.session.execute(_by_id(), {"id": assessment_id}).scalar()
    if assessment is None or assessment.organisation_id != user.organisation_id:
        raise NotFound(_l("No assessment with id %(id)s.", id=assessment_id))
    return assessment


def create_assessment(
    user: User,
    decision: Decision,
    *,
    workflow: str | None = None,
    form: tuple[str, int] | None = None,
) -> Assessment:
    if not user.has_role("preparer"):
        raise Forbidden(_l("Only preparers can start an assessment."))
    if decision.organisation_id != user.organisation_id:
        raise NotFound(_l("No decision with id %(id)s.", id=decision.id))
    if active_assessment(decision) is not None:
        raise Conflict(_l("This decision already has an assessment in progress."))
    # The policy in force today applies, and stays with the assessment: a version published
    # later applies to assessments started later.
    in_force = policy_in_force(decision.organisation)
    applied = policy_applied.apply_to(decision, in_force)
    # A published policy names the process every assessment starts (and screens) in.
    key = workflow or (
        applied.processes.get("screening")
        if in_force is not None
        else decision.organisation.setting("default_workflow")
    )
    key = key or "eva-standard"
    try:
        engine = workflows().latest(key)
    except LookupError:
        raise NotFound(_l("There is no process called %(key)r.", key=key)) from None
    if form is None:
        key_ = decision.organisation.setting("default_form") or DEFAULT_FORM_KEY
        try:
            latest = forms().latest(key_)
        except LookupError:
            raise NotFound(_l("There is no questionnaire called %(key)r.", key=key_)) from None
        form = latest.ident
    form_key, form_version = form
    pinned = f"{engine.definition.key}@{engine.definition.version}"
    with transaction() as session:
        assessment = Assessment(
            organisation_id=decision.organisation_id,
            decision=decision,
            workflow_key=engine.definition.key,
            workflow_version=engine.definition.version,
            form_key=form_key,
            form_version=form_version,
            state=engine.definition.initial,
            data={},
            prepared_by=user,
            policy_version_id=in_force.id if in_force is not None else None,
            policy=applied.dump(),
        )
        session.add(assessment)
        session.flush()
        record(
            session,
            user,
            "assessment.created",
            "assessment",
            assessment.id,
            changes=[
                {"field": "state", "old": None, "new": assessment.state},
                {"field": "workflow", "old": None, "new": pinned},
                {"field": "form", "old": None, "new": f"{form_key}@{form_version}"},
                {"field": "decision", "old": None, "new": decision.id},
                {"field": "policy_version", "old": None, "new": applied.policy_version},
                {"field": "policy", "old": None, "new": applied.dump()},
            ],
        )
    return assessment


def save_answers(
    user: User,
    assessment: Assessment,
    changes: dict[str, Any],
    *,
    expected_version: int | None,
) -> Assessment:
    """Merge ``changes`` (top-level answer keys) into the answers, in an editable state."""
    if not user.has_role("preparer"):
        raise Forbidden(_l("Only preparers can change the answers of an assessment."))
    check_version(assessment, expected_version)
    state = engine_for(assessment).definition.states[assessment.state]
    if not state.editable:
        raise Conflict(
            _l(
                "The assessment cannot be changed while it is '%(state)s'.",
                state=localized(state.labels),
            )
        )
    old = assessment.data or {}
    # The parts given replace the stored ones; reading them through the model refuses a
    # malformed part before anything is written.
    new = AssessmentData.load({**old, **changes})
    if "screening" in changes:
        # The organisation's policy sets the lowest level; the answers stay as they were.
        policy_applied.check_level(assessment, new.screening.level)
    # Flags are not answers: they are recomputed here and audited as flags, with their texts.
    field_changes = audit.diff(_answers_only(old), _answers_only(new.dump()))
    if not field_changes:
        return assessment
    new.flags, flag_changes = flag_ops.evaluate(assessment, new)
    field_changes += flag_changes
    with changing(assessment, expected_version) as session:
        assessment.content = new
        assessment.last_edited_by_id = user.id
        session.flush()  # the version check happens here, before the audit lock
        record(
            session,
            user,
            "assessment.answers_saved",
            "assessment",
            assessment.id,
            changes=field_changes,
        )
    return assessment


def _answers_only(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "flags"}


def fire(
    user: User,
    assessment: Assessment,
    trigger: str,
    *,
    comment: str = "",
    expected_version: int | None,
) -> Assessment:
    """Fire ``trigger``; raises TransitionBlocked with every reason, or Conflict when stale."""
    comment = strip_control(comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        # Bad input, not a blocked step: refused before the version or any guard is looked at.
        raise ValidationFailed({"comment": [_l("A comment may have at most 5000 characters.")]})
    check_version(assessment, expected_version)
    engine = engine_for(assessment)
    old_state = assessment.state
    definition = engine.definition
    data, flag_changes = assessment.content, []
    if definition.is_editable(old_state) or definition.leads_to_approval(old_state):
        # Flags are recomputed before the guards see them: a submission may be late, the
        # organisation's settings may have changed, other decisions may have been approved.
        moving = next((t for t in definition.transitions if t.trigger == trigger), None)
        submitted = (
            flag_ops.today() if moving and definition.leads_to_approval(moving.dest) else None
        )
        data.flags, flag_changes = flag_ops.evaluate(assessment, data, submitted=submitted)
    new_state = engine.fire(trigger, facts(assessment, data), actor(user), comment)
    taken = definition.transition(trigger, old_state)
    assert taken is not None  # engine.fire refuses a trigger that is not possible here
    # The step that fixes the level hands the assessment over to the level's process.
    target = (
        policy_applied.process_for(assessment, data.screening.level, definition)
        if definition.hands_over_on(trigger)
        else None
    )
    handed_over = None
    if target is not None:
        handed_over = (_pinned(definition), _pinned(target))
        definition = target  # what the new state means is the new process's to say
    final = definition.states[new_state].final
    with changing(assessment, expected_version) as session:
        assessment.state = new_state
        if target is not None:
            assessment.workflow_key, assessment.workflow_version = target.ident
        if flag_changes:
            assessment.content = data
        if not definition.is_active(new_state):
            assessment.active = False
        keep_report_times(assessment, engine.definition, definition, old_state, new_state)
        if definition.is_approved(new_state):
            flag_ops.record_effects(session, assessment, flag_ops.today())
        elif definition.is_editable(new_state) or not assessment.active:
            flag_ops.forget_effects(session, assessment)
        session.flush()
        seq = (
            session.scalar(
                select(func.max(Revision.seq)).where(Revision.assessment_id == assessment.id)
            )
            or 0
        ) + 1
        transition: dict[str, Any] = {"trigger": trigger, "from": old_state, "to": new_state}
        if comment:
            transition["comment"] = comment
        if handed_over is not None:
            transition["workflow"] = {"old": handed_over[0], "new": handed_over[1]}
        snap = snapshot(
            assessment, seq=seq, user=user, transition=transition, approves=taken.documents
        )
        revision = Revision(
            assessment=assessment,
            seq=seq,
            state=new_state,
            trigger=trigger,
            snapshot=snap,
            sha256=hashlib.sha256(audit.canonical_json(snap)).hexdigest(),
            created_by_id=user.id,
        )
        session.add(revision)
        session.flush()
        changes: list[dict[str, Any]] = [{"field": "state", "old": old_state, "new": new_state}]
        if handed_over is not None:
            changes.append({"field": "workflow", "old": handed_over[0], "new": handed_over[1]})
        if final and not assessment.active:
            changes.append({"field": "active", "old": True, "new": False})
        changes += flag_changes
        # Rendered before the first audit event takes the chain's lock (documents.render_for).
        rendered = render_for(assessment, revision) if taken.documents else []
        record(
            session,
            user,
            "assessment.transition",
            "assessment",
            assessment.id,
            changes=changes,
            transition={**transition, "revision": seq},
        )
        if taken.documents:
            attach(session, user, assessment, revision, rendered)
        # Reopened after it was ready for the meeting, other than by the meeting itself.
        if (
            engine.definition.is_ready_for_agenda(old_state)
            and definition.is_editable(new_state)
            and trigger != engine.definition.outcome_trigger("returned")
        ):
            note_assessment_change(session, user, assessment)
        notifications.on_transition(session, user, assessment, old_state, new_state, comment)
    return assessment


def _pinned(definition) -> str:
    return f"{definition.key}@{definition.version}"


def history(assessment: Assessment) -> Sequence[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "assessment", AuditEvent.object_id == assessment.id)
        .order_by(AuditEvent.id)
    ).all()
