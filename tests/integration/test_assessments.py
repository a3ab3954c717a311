"""Assessments through the operations layer: one transaction, one audit event per change."""

import pytest
from sqlalchemy import func, select

from assess import audit
from assess.extensions import db
from assess.models import Assessment, AuditEvent, Decision, Revision
from assess.operations import Conflict, Forbidden
from assess.operations import assessments as ops
from assess.workflow import TransitionBlocked
from tests.support import (
    acknowledge_high,
    complete_assessment,
    complete_follow_up,
    complete_screening,
    user,
)


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def assessment(ctx):
    decision = db.session.get(Decision, 1)
    return ops.create_assessment(user("preparer"), decision)


def step(who, a, trigger, comment=""):
    return ops.fire(user(who), a, trigger, comment=comment, expected_version=a.version)


def to_review(a):
    step("preparer", a, "start_screening")
    complete_screening(user("preparer"), a)
    step("preparer", a, "start_assessment")
    complete_assessment(user("preparer"), a)
    step("preparer", a, "submit")
    return a


def test_create_pins_workflow_and_form_and_is_audited(assessment):
    assert assessment.state == "draft"
    assert (assessment.workflow_key, assessment.workflow_version) == ("eva-standard", 1)
    assert (assessment.form_key, assessment.form_version) == ("iva", 1)
    last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert last.action == "assessment.created" and last.object_id == assessment.id
    assert last.actor_name == "Paula Peltonen"


def test_one_active_assessment_per_decision(assessment):
    before = events()
    with pytest.raises(Conflict):
        ops.create_assessment(user("preparer"), assessment.decision)
    assert events() == before


def test_only_preparers_start_assessments(ctx):
    with pytest.raises(Forbidden):
        ops.create_assessment(user("reviewer"), db.session.get(Decision, 2))


def test_the_whole_standard_process(assessment):
    a = to_review(assessment)
    step("reviewer", a, "return_for_revision", "Add the zero option.")
    step("preparer", a, "submit")
    with pytest.raises(TransitionBlocked) as blocked:
        step("reviewer", a, "approve")  # older people are vulnerable: a moderate effect is high
    assert any("older people" in str(r).lower() for r in blocked.value.reasons)
    assert acknowledge_high(user("reviewer"), a)
    step("reviewer", a, "approve")
    step("secretary", a, "record_decision")
    step("preparer", a, "start_follow_up")
    with pytest.raises(TransitionBlocked):
        step("reviewer", a, "close")  # nothing followed up yet (issue 18)
    complete_follow_up(user("reviewer"), a)
    step("reviewer", a, "close")
    assert a.state == "closed"
    # The council's follow-up summary froze its own revision (in the follow-up state).
    assert [r.seq for r in a.revisions] == list(range(1, 11))
    assert [r.state for r in a.revisions][-4:] == ["decided", "follow_up", "follow_up", "closed"]
    history = ops.history(a)
    transitions = [e.transition["trigger"] for e in history if e.transition]
    assert transitions[:5] == [
        "start_screening",
        "start_assessment",
        "submit",
        "return_for_revision",
        "submit",
    ]
    returned = next(
        e for e in history if e.transition and e.transition["trigger"] == "return_for_revision"
    )
    assert returned.transition["comment"] == "Add the zero option."
    assert returned.actor_name == "Rasmus Backman"
    assert audit.verify(db.session).intact


def test_blocked_transition_changes_nothing(assessment):
    a = to_review(assessment)
    before = (a.state, a.version, events(), len(a.revisions))
    with pytest.raises(TransitionBlocked) as err:
        step("preparer", a, "approve")  # the preparer is not a reviewer
    assert err.value.reasons
    db.session.refresh(a)
    assert (a.state, a.version, events(), len(a.revisions)) == before


def test_stale_version_is_refused_and_changes_nothing(assessment):
    old_version = assessment.version
    step("preparer", assessment, "start_screening")
    before = (assessment.state, events())
    with pytest.raises(Conflict) as err:
        ops.fire(
            user("preparer"), assessment, "withdraw", comment="x", expected_version=old_version
        )
    assert "Someone else changed this assessment" in str(err.value)
    with pytest.raises(Conflict):
        ops.save_answers(user("preparer"), assessment, {"x": 1}, expected_version=old_version)
    assert (assessment.state, events()) == before


def test_concurrent_write_is_caught_by_the_version_column(assessment, demo):
    """Two sessions read version N; the second write is refused, not silently applied."""
    step("preparer", assessment, "start_screening")
    other_session = db.session.session_factory()
    try:
        theirs = other_session.get(Assessment, assessment.id)
        theirs.data = {"screening": {"level": "light"}}
        other_session.commit()
    finally:
        other_session.close()
    with pytest.raises(Conflict):
        ops.save_answers(
            user("preparer"),
            assessment,
            {"screening": {"level": "full"}},
            expected_version=assessment.version,
        )
    db.session.refresh(assessment)
    assert assessment.data == {"screening": {"level": "light"}}


def test_answers_cannot_change_outside_editable_states(assessment):
    a = to_review(assessment)
    with pytest.raises(Conflict, match="cannot be changed while it is"):
        ops.save_answers(user("preparer"), a, {"summary": "x"}, expected_version=a.version)


def test_saving_answers_records_field_level_changes(assessment):
    step("preparer", assessment, "start_screening")
    ops.save_answers(
        user("preparer"),
        assessment,
        {"screening": {"level": "light", "answers": {"s_children": "yes"}}},
        expected_version=assessment.version,
    )
    ops.save_answers(
        user("preparer"),
        assessment,
        {"screening": {"level": "full", "answers": {"s_children": "yes"}}},
        expected_version=assessment.version,
    )
    last = ops.history(assessment)[-1]
    assert last.action == "assessment.answers_saved"
    answers = [c for c in last.changes if not c["field"].startswith("flags.")]
    assert answers == [{"field": "screening.level", "old": "light", "new": "full"}]
    # The lower level had raised screening_override; the full level resolved it.
    flags = {
        c["rule"]: (c["old"], c["new"]) for c in last.changes if c["field"].startswith("flags.")
    }
    assert flags["screening_override"] == ("open", "resolved")
    assert flags["no_follow_up"] == (None, "open")  # a full assessment needs follow-up
    assert assessment.last_edited_by_id == user("preparer").id


def test_saving_the_same_answers_adds_no_event(assessment):
    step("preparer", assessment, "start_screening")
    ops.save_answers(user("preparer"), assessment, {"a": 1}, expected_version=assessment.version)
    before = (events(), assessment.version)
    ops.save_answers(user("preparer"), assessment, {"a": 1}, expected_version=assessment.version)
    assert (events(), assessment.version) == before


def test_reopen_keeps_the_approved_revision(assessment):
    a = to_review(assessment)
    assert acknowledge_high(user("reviewer"), a)
    step("reviewer", a, "approve")
    approved = a.revisions[-1]
    frozen = (approved.seq, approved.state, approved.sha256, dict(approved.snapshot))
    step("reviewer", a, "reopen", "The proposal changed.")
    ops.save_answers(user("preparer"), a, {"summary": {"fi": "new"}}, expected_version=a.version)
    db.session.expire_all()
    again = db.session.get(Revision, approved.id)
    assert (again.seq, again.state, again.sha256, again.snapshot) == frozen
    assert a.state == "in_assessment" and a.revisions[-1].trigger == "reopen"
    assert audit.canonical_json(again.snapshot)  # still canonical JSON
    import hashlib

    assert hashlib.sha256(audit.canonical_json(again.snapshot)).hexdigest() == again.sha256


def test_withdraw_frees_the_decision_for_a_new_assessment(assessment):
    step("preparer", assessment, "withdraw", "Wrong decision.")
    assert assessment.state == "withdrawn" and not assessment.active
    again = ops.create_assessment(user("preparer"), assessment.decision)
    assert again.id != assessment.id and again.active


def test_an_error_mid_transaction_keeps_nothing(assessment, monkeypatch):
    before = (assessment.state, events())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(RuntimeError):
        step("preparer", assessment, "start_screening")
    db.session.expire_all()
    a = db.session.get(Assessment, assessment.id)
    assert (a.state, events()) == before
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 0


def test_other_organisations_assessments_are_not_found(assessment):
    from assess.models import Organisation
    from assess.operations import NotFound
    from assess.operations.users import create_user

    org = Organisation(name_fi="Muu", name_sv="Annan")
    db.session.add(org)
    db.session.commit()
    stranger = create_user(
        organisation=org,
        email="x@muu.example",
        name="X",
        roles=["reviewer"],
        password="long enough password",
    )
    with pytest.raises(NotFound):
        ops.get_assessment(stranger, assessment.id)
