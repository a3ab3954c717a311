"""Decision drafts: create and edit, scoped to the actor's organisation.

Above the assessments (issue 17): a decision of a type the policy exempts gets its
assessment with the screen-out proposed as it is created, and a change of the decision's
type, body or amount re-applies the policy to its assessment.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload

from ..definitions import localized
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Body, Decision, DecisionType, User
from ..policy import Applied
from ..questionnaire.answers import clean_screening
from ..roles import ROLE_LABELS
from ..translation import joined
from ..workflow import WorkflowDefinition
from ..workflow.definition import ANY_OPEN_STATE
from . import flags as flag_ops
from . import required_levels
from ._audit import record
from ._check import choice, row_id, text
from ._stale import changing, check_version
from ._tx import transaction
from .assessments import create_assessment, fire, save_answers
from .context import active_assessment, engine_for, form_for, org_settings
from .decision_outcomes import meeting_date, outcome
from .decision_texts import clean_translations
from .errors import Conflict, Errors, Forbidden, NotFound
from .organisation_data import decision_type_by_key, decision_types_of
from .policies import policy_in_force
from .policy_applied import applied_of, apply_to, version_of, view

# Above any public body's purchase or investment; more is a typing error (and a JSON client
# could not read back beyond 2**53 exactly).
MAX_AMOUNT_EUR = 10**12

# The guard of the step that proposes a screen-out (workflow.guards.screen_out_justified).
SCREEN_OUT_GUARD = "screen_out_justified"

LANGUAGES = ("fi", "sv")
PROPOSAL_MAX = 20_000


def _validate(actor: User, data: dict, *, decision: Decision | None = None) -> dict:
    errors = Errors()
    clean: dict[str, Any] = {
        "case_number": text(errors, "case_number", data.get("case_number"), max_length=60),
        "title": text(errors, "title", data.get("title"), max_length=300),
        "language": choice(errors, "language", data.get("language"), LANGUAGES),
        "proposal": text(
            errors, "proposal", data.get("proposal"), max_length=PROPOSAL_MAX, required=False
        ),
    }
    body = None
    body_id = data.get("body_id")
    if body_id in (None, ""):
        errors.add("body_id", _l("Choose the body that decides."))
    else:
        body = db.session.get(Body, number) if (number := row_id(body_id)) else None
        if body is None or body.organisation_id != actor.organisation_id:
            errors.add(
                "body_id",
                _l("Body %(id)s is not one of your organisation's bodies.", id=body_id),
            )
            body = None
        elif not body.active and (decision is None or decision.body_id != body.id):
            errors.add(
                "body_id",
                _l(
                    "The body %(name)s is retired: it cannot be chosen for a new decision.",
                    name=body.name_fi,
                ),
            )
    clean["body"] = body
    if decision is None or "decision_type" in data:
        clean["decision_type"] = _decision_type(errors, actor, data.get("decision_type"), decision)
    if decision is None or "amount_eur" in data:
        clean["amount_eur"] = _amount(errors, data.get("amount_eur"))
    # Given when the case-management system or the secretary knows them (issue 22).
    for field, check in (("meeting_date", meeting_date), ("outcome", outcome)):
        if field in data:
            clean[field] = check(errors, field, data[field])
    if decision is None or "translations" in data:
        clean["translations"] = clean_translations(
            errors, data.get("translations"), clean["language"]
        )
    if clean["case_number"]:
        clash = db.session.scalar(
            select(Decision.id).where(
                Decision.organisation_id == actor.organisation_id,
                Decision.case_number == clean["case_number"],
            )
        )
        if clash is not None and (decision is None or clash != decision.id):
            errors.add(
                "case_number",
                _l(
                    "Case number %(n)s is already used by another decision.",
                    n=clean["case_number"],
                ),
            )
    errors.raise_if_any()
    return clean


def _decision_type(
    errors: Errors, actor: User, key, decision: Decision | None
) -> DecisionType | None:
    """The type named by its key; required once the organisation has active types."""
    active = decision_types_of(actor.organisation_id, active_only=True)
    keys = ", ".join(t.key for t in active)
    if key in (None, ""):
        if active:
            errors.add(
                "decision_type",
                _l("Choose the decision type, one of: %(keys)s.", keys=keys),
            )
        return None
    found = decision_type_by_key(actor.organisation_id, key) if isinstance(key, str) else None
    if found is None:
        if active:
            errors.add(
                "decision_type",
                _l(
                    "%(key)r is not one of your organisation's decision types; choose one "
                    "of: %(keys)s.",
                    key=key,
                    keys=keys,
                ),
            )
        else:
            errors.add(
                "decision_type",
                _l(
                    "%(key)r is not a decision type: your organisation has none, so leave "
                    "the decision type out.",
                    key=key,
                ),
            )
        return None
    # A retired type stays on the decisions that have it, and only there.
    if not found.active and (decision is None or decision.decision_type_id != found.id):
        errors.add(
            "decision_type",
            _l(
                "The decision type %(key)s is retired and cannot be chosen; choose one of: "
                "%(keys)s.",
                key=key,
                keys=keys or "-",
            ),
        )
        return None
    return found


def _amount(errors: Errors, value) -> int | None:
    """Whole euros, none or more; a form's "150 000" is read as 150000."""
    if value is None or value == "":
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        digits = "".join(value.split())  # spaces and no-break spaces between thousands
        if digits.isascii() and digits.isdigit() and len(digits) <= 13:
            number = int(digits)
    if number is None or not 0 <= number <= MAX_AMOUNT_EUR:
        errors.add(
            "amount_eur",
            _l(
                "Enter the amount in whole euros without cents, 0 or more, for example "
                "150000; leave it empty if the decision has none."
            ),
        )
        return None
    return number


def _require_preparer(actor: User) -> None:
    if not actor.has_role("preparer", "admin"):
        raise Forbidden(_l("Only preparers and admins can create or edit decision drafts."))


def create_decision(actor: User, **data) -> Decision:
    _require_preparer(actor)
    clean = _validate(actor, data)
    with transaction() as session:
        decision = Decision(organisation_id=actor.organisation_id, preparer=actor, **clean)
        required_levels.keep(decision)
        session.add(decision)
        session.flush()
        record(
            session,
            actor,
            "decision.created",
            "decision",
            decision.id,
            changes=[{"field": k, "old": None, "new": v} for k, v in _audited(clean).items()],
        )
        if actor.has_role("preparer"):
            propose_if_exempt(actor, decision)
    return decision


def propose_if_exempt(actor: User, decision: Decision) -> Assessment | None:
    """When the policy in force exempts ``decision``, start its assessment and propose the
    screen-out with the policy's exempt category (level "no assessment"). A reviewer then
    confirms it (four eyes) or rejects it back to screening. The screening's guards pass as
    they do for a person who chose the category: nothing is skipped. Returns the
    assessment, or None when the decision is not exempt."""
    applied = apply_to(decision, policy_in_force(decision.organisation))
    if applied.rule != "exempt" or applied.exempt_category is None:
        return None
    assessment = create_assessment(actor, decision)
    screening, errors = clean_screening(
        form_for(assessment),
        {"answers": {}, "level": "none", "exempt_category": applied.exempt_category},
        org_settings(assessment),
    )
    if errors:
        raise Conflict(
            _l(
                "The assessment policy exempts this decision as %(category)r, which is not "
                "one of the organisation's exempt categories. Ask an admin to correct the "
                "policy or the settings.",
                category=applied.exempt_category,
            )
        )
    save_answers(actor, assessment, {"screening": screening}, expected_version=None)
    for trigger in _route_to_screen_out(engine_for(assessment).definition, assessment.state):
        fire(actor, assessment, trigger, expected_version=None)
    return assessment


def _route_to_screen_out(definition: WorkflowDefinition, state: str) -> list[str]:
    """The preparer's steps from ``state`` through states still being prepared, ending with
    the step that proposes the screen-out (the one its justification guards); empty when
    the process has no such way."""
    routes: dict[str, list[str]] = {state: []}
    queue = [state]
    while queue:
        here = queue.pop(0)
        for t in definition.transitions:
            if t.source == ANY_OPEN_STATE or here not in t.source or "preparer" not in t.roles:
                continue
            if SCREEN_OUT_GUARD in t.guards:
                return [*routes[here], t.trigger]
            if definition.is_editable(t.dest) and t.dest not in routes:
                routes[t.dest] = [*routes[here], t.trigger]
                queue.append(t.dest)
    return []


def _audited(values: dict) -> dict:
    return {k: _audit_value(v) for k, v in values.items()}


def _audit_value(value):
    if isinstance(value, Body):
        return value.id
    if isinstance(value, DecisionType):
        return value.key
    if isinstance(value, date):
        return value.isoformat()
    return value


def update_decision(actor: User, decision: Decision, *, expected_version: int, **data) -> Decision:
    _require_preparer(actor)
    if decision.organisation_id != actor.organisation_id:
        raise NotFound(_l("No such decision."))
    check_version(decision, expected_version)
    clean = _validate(actor, data, decision=decision)
    before = _audited({key: getattr(decision, key) for key in clean})
    after = _audited(clean)
    changes = [
        {"field": k, "old": before[k], "new": after[k]} for k in clean if before[k] != after[k]
    ]
    if not changes:
        return decision
    _check_not_held(decision, [c["field"] for c in changes])
    with changing(decision, expected_version) as session:
        for key, value in clean.items():
            setattr(decision, key, value)
        required_levels.keep(decision)
        session.flush()
        record(session, actor, "decision.updated", "decision", decision.id, changes=changes)
        reapply_policy(actor, decision)
        if {"title", "proposal", "translations"} & {c["field"] for c in changes}:
            recompute_flags(actor, decision)
    return decision


def recompute_flags(actor: User, decision: Decision) -> None:
    """The assessment's flags again after its decision's texts changed: translation_missing
    reads the title and proposal in each document language (issue 19). Only while the
    answers may change; later the decision is held."""
    assessment = active_assessment(decision)
    if assessment is None or not engine_for(assessment).definition.is_editable(assessment.state):
        return
    data = assessment.content
    before = {f.id: f.message for f in data.flags}
    data.flags, flag_changes = flag_ops.evaluate(assessment, data)
    # A flag that stays may now count less: its message changes with no change of status.
    flag_changes += [
        {"field": f"flags.{f.id}.message", "old": before[f.id], "new": f.message}
        for f in data.flags
        if f.id in before and before[f.id] != f.message
    ]
    if not flag_changes:
        return
    with changing(assessment, None) as session:
        assessment.content = data
        session.flush()
        record(
            session,
            actor,
            "assessment.flags_recomputed",
            "assessment",
            assessment.id,
            changes=flag_changes,
        )


def applied_policy(decision: Decision, assessment: Assessment | None) -> Applied | None:
    """The rule recorded on ``assessment`` (None: started before policies), or with no
    assessment the one the policy in force gives the decision now."""
    if assessment is not None:
        return applied_of(assessment)
    return apply_to(decision, policy_in_force(decision.organisation))


def policy_view(decision: Decision, assessment: Assessment | None, language: str) -> dict | None:
    """What the API and the decision page say about the rule that applies."""
    return view(decision, applied_policy(decision, assessment), language)


def reapply_policy(actor: User, decision: Decision) -> None:
    """Apply the policy version the decision's assessment started under to the decision as
    it is now (its type, body or amount changed), and record the rule if it changed. The
    answers are never changed: a level now below the minimum blocks the next step until
    the preparer raises it."""
    assessment = active_assessment(decision)
    if assessment is None:
        return
    old = applied_of(assessment)
    new = apply_to(decision, version_of(assessment))
    if old is not None and old == new:
        return
    with changing(assessment, None) as session:
        assessment.policy = new.dump()
        session.flush()
        record(
            session,
            actor,
            "assessment.policy_applied",
            "assessment",
            assessment.id,
            changes=[{"field": "policy", "old": old.dump() if old else None, "new": new.dump()}],
        )


# What the assessment is reviewed against and what its approved documents show. The case
# number is the case-management system's reference, not part of what is weighed.
HELD = {
    "title": _l("title"),
    "language": _l("language"),
    "body": _l("deciding body"),
    "proposal": _l("proposal"),
    "translations": _l("title and proposal in the other national language"),
}


def held_by_assessment(decision: Decision):
    """Why the decision's proposal, body, language and title cannot change now (None: they
    can): its assessment is under review, approved, screened out or decided on."""
    assessment = active_assessment(decision)
    if assessment is None:
        return None
    definition = engine_for(assessment).definition
    if not definition.holds_decision(assessment.state):
        return None
    state = localized(definition.states[assessment.state].labels)
    steps = definition.back_to_preparation(assessment.state)
    if not steps:
        return _l(
            "The assessment of this decision is '%(state)s': its title, language, deciding "
            "body and proposal are what the body decided on, and can no longer change.",
            state=state,
        )
    return _l(
        "The assessment of this decision is '%(state)s': its title, language, deciding body "
        "and proposal are what the assessment was reviewed against, so they cannot change "
        "now. To correct them, the assessment must first go back to preparation with the "
        "step %(steps)s (with a comment; an agenda it is on shows it as changed). Then change "
        "the decision and submit the assessment for review again.",
        state=state,
        steps=joined(
            (
                _l(
                    "'%(step)s' (%(roles)s)",
                    step=localized(t.labels),
                    roles=joined((ROLE_LABELS.get(r, r) for r in t.roles), " / "),
                )
                for t in steps
            ),
            " / ",
        ),
    )


def _check_not_held(decision: Decision, fields: list[str]) -> None:
    held = [HELD[f] for f in fields if f in HELD]
    if not held:
        return
    reason = held_by_assessment(decision)
    if reason is not None:
        raise Conflict(reason, details=[_l("Not changed: %(fields)s.", fields=joined(held))])


@functools.cache
def _decision_by_id():
    # With its organisation and body, which every page and use of a decision reads: one
    # statement instead of three. Built once, run with the id as its parameter.
    return (
        select(Decision)
        .where(Decision.id == bindparam("id"))
        .options(joinedload(Decision.organisation), joinedload(Decision.body))
    )


def get_decision(actor: User, decision_id: int) -> Decision:
    decision = db.session.execute(_decision_by_id(), {"id": decision_id}).scalar()
    if decision is None or decision.organisation_id != actor.organisation_id:
        raise NotFound(_l("No decision with id %(id)s.", id=decision_id))
    return decision


def search_decisions(actor: User, query: str = "", *, preparer: User | None = None):
    stmt = select(Decision).where(Decision.organisation_id == actor.organisation_id)
    if preparer is not None:
        stmt = stmt.where(Decision.preparer_id == preparer.id)
    query = (query or "").strip()
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        stmt = stmt.where(
            or_(
                Decision.case_number.ilike(like, escape="\\"),
                Decision.title.ilike(like, escape="\\"),
            )
        )
    return stmt.order_by(Decision.updated_at.desc(), Decision.id.desc())
