"""Who changed an assessment's content since its last return to preparation: what the
four-eyes rule weighs (``workflow.guards.four_eyes``), read from the audit log.

The audit events of content changes carry their actor, what changed and when; the
transitions carry where they came from and went to. A return to preparation is a
transition from a state that is not editable into one that is (returned for revision,
reopened, returned by the meeting, a screen-out refused): what was reviewed before it has
been sent back, and whoever changes it afterwards is the next review's author.
"""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import Assessment, AuditEvent
from ..questionnaire import FormDefinition
from ..workflow import ContentChange, WorkflowDefinition

# The audit actions that change an assessment's content. Acknowledging a flag, a
# transition's comment, a generated document are not content: the reviewer's own work.
CONTENT_ACTIONS = ("assessment.answers_saved", "assessment.form_migrated")
TRANSITION = "assessment.transition"
HELSINKI = ZoneInfo("Europe/Helsinki")


def content_changes(
    assessment: Assessment, definition: WorkflowDefinition, form: FormDefinition
) -> tuple[ContentChange, ...]:
    """Each person who changed the content since the last return, what and when (newest).

    Read once per (assessment, version) in a session: a step asks it for its guards and
    again for its own facts. Not while an audit event waits to be written: it may be one
    of these changes, and the version moves only when it is."""
    if assessment.id is None:
        return ()
    session = db.session()
    key = (assessment.id, assessment.version, id(definition), id(form))
    memo = session.info.setdefault(_MEMO, {})
    if any(isinstance(pending, AuditEvent) for pending in session.new):
        memo.pop(key, None)
        return _read(assessment, definition, form)
    if key not in memo:
        memo[key] = _read(assessment, definition, form)
    return memo[key]


_MEMO = "assess.content_changes"  # session.info: (id, version, definitions) -> the changes


def _read(
    assessment: Assessment, definition: WorkflowDefinition, form: FormDefinition
) -> tuple[ContentChange, ...]:
    since = _last_return(assessment.id, definition)
    rows = db.session.execute(_content_events(), {"id": assessment.id, "since": since}).all()
    section_of = {q.id: s for s in form.sections for q in s.questions}
    found: dict[int, ContentChange] = {}
    for actor_id, at, changes in rows:
        if actor_id is None:  # the system's own changes (none today) are no one's review
            continue
        parts: list[str] = []
        sections: list = []
        for change in changes or ():
            path = str(change.get("field", "")).split(".")
            if path[0] == "flags":  # recomputed with the answers, not written by anyone
                continue
            section = section_of.get(path[1]) if path[0] == "answers" and len(path) > 1 else None
            if section is not None:
                sections.append(section.labels)
            else:
                parts.append(path[0])
        if not parts and not sections:
            continue
        before = found.get(actor_id)
        found[actor_id] = ContentChange(
            actor_id=actor_id,
            at=at.astimezone(HELSINKI),
            parts=_merged(before.parts if before else (), parts),
            sections=_merged(before.sections if before else (), sections),
        )
    return tuple(found.values())


def _merged(old: tuple, new: list) -> tuple:
    out = list(old)
    out.extend(item for item in new if item not in out)
    return tuple(out)


def _last_return(assessment_id: int, definition: WorkflowDefinition) -> int:
    """The id of the audit event of the last return to preparation (0: never returned)."""
    transitions = db.session.execute(_transitions(), {"id": assessment_id}).all()
    for event_id, transition in transitions:
        came, went = (transition or {}).get("from"), (transition or {}).get("to")
        if (
            came in definition.states
            and went in definition.states
            and not definition.is_editable(came)
            and definition.is_editable(went)
        ):
            return event_id
    return 0


# Built once and run with parameters: building a statement costs more than running it here.
@functools.cache
def _content_events():
    return (
        select(AuditEvent.actor_id, AuditEvent.at, AuditEvent.changes)
        .where(
            AuditEvent.object_type == "assessment",
            AuditEvent.object_id == bindparam("id"),
            AuditEvent.id > bindparam("since"),
            AuditEvent.action.in_(CONTENT_ACTIONS),
        )
        .order_by(AuditEvent.id)
    )


@functools.cache
def _transitions():
    return (
        select(AuditEvent.id, AuditEvent.transition)
        .where(
            AuditEvent.object_type == "assessment",
            AuditEvent.object_id == bindparam("id"),
            AuditEvent.action == TRANSITION,
        )
        .order_by(AuditEvent.id.desc())
    )
