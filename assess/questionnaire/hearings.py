"""Who must be heard, and whether a recorded hearing counts as heard (pure).

A council is called for by a non-neutral effect on a group that names it (``Group.council``
or the council's ``called_for.groups``) or by a "yes"/"don't know" screening answer it is
``called_for``, and only where the organisation's type has it (``Council.kinds``). A
hearing counts when its statement reached the meeting in time, or when it records an
acceptable coded reason for not hearing (with the free text the reason needs).
"""

from __future__ import annotations

from datetime import date

from ..assessment_data import AssessmentData, Hearing
from .definition import FormDefinition
from .organisation import OrgSettings, council_for

SCREENING_CALLS = ("yes", "unknown")


def councils_for_group(form: FormDefinition, group_id: str, org: OrgSettings) -> list[str]:
    """The councils an effect on ``group_id`` calls for, in the form's order."""
    named = council_for(form, group_id, org)
    return [
        c.id
        for c in form.councils
        if c.id == named or (group_id in c.called_for.groups and c.exists_in(org.kind))
    ]


def councils_for_screening(
    form: FormDefinition, data: AssessmentData, org: OrgSettings
) -> dict[str, list[str]]:
    """council id -> the screening questions whose answer calls for it.

    Only an assessment that is made (light or full) has hearings to record.
    """
    if data.level not in ("light", "full"):
        return {}
    answers = data.screening.answers
    found: dict[str, list[str]] = {}
    for c in form.councils:
        if not c.exists_in(org.kind):
            continue
        asked = [q for q in c.called_for.screening if answers.get(q) in SCREENING_CALLS]
        if asked:
            found[c.id] = asked
    return found


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


def statement_given(h: Hearing) -> bool:
    """A statement is recorded: its text, the day it came, or its file."""
    return bool(h.statement.strip() or h.answered_on or h.attachment)


def late(h: Hearing, meeting: date | None) -> date | None:
    """The day that makes the statement late for the meeting, or None.

    Received on the meeting day or after, or (with no day of receipt) asked for only
    then: it could not inform the decision.
    """
    if meeting is None or not (statement_given(h) or h.requested_on):
        return None
    answered, requested = _day(h.answered_on), _day(h.requested_on)
    if answered is not None:
        return answered if answered >= meeting else None
    if requested is not None and requested >= meeting:
        return requested
    return None


def reason_counts(h: Hearing, form: FormDefinition) -> bool:
    """The coded reason for not hearing is acceptable, with the text it needs."""
    reason = form.not_heard_reason(h.not_heard_code or "")
    if reason is None or not reason.acceptable:
        return False
    return not reason.needs_text or bool(h.not_heard_reason.strip())


def counts_as_heard(h: Hearing, form: FormDefinition, meeting: date | None) -> bool:
    """A statement in time, or an acceptable reason why not (also beside a late one: a
    statutory deadline may not wait for it)."""
    if statement_given(h) and late(h, meeting) is None:
        return True
    return reason_counts(h, form)


def heard_councils(data: AssessmentData, form: FormDefinition, meeting: date | None) -> set[str]:
    return {h.council for h in data.hearings if h.council and counts_as_heard(h, form, meeting)}
