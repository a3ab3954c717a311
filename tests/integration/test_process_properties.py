"""Random sequences of triggers by random users keep the process's invariants."""

import hashlib
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from assess import audit
from assess.extensions import db
from assess.models import AuditEvent, Revision
from assess.operations import Conflict, Forbidden, OperationError
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.workflow import TransitionBlocked
from tests.support import user

PEOPLE = ["preparer", "reviewer", "secretary", "auditor", "admin"]
LEVELS = [None, "none", "light", "full"]

action = st.one_of(
    st.tuples(
        st.just("fire"),
        st.sampled_from(PEOPLE),
        st.sampled_from(
            [
                "start_screening",
                "propose_screen_out",
                "confirm_screen_out",
                "reject_screen_out",
                "start_assessment",
                "submit",
                "return_for_revision",
                "approve",
                "record_decision",
                "start_follow_up",
                "close",
                "reopen",
                "return_for_preparation",
                "withdraw",
                "no_such_trigger",
            ]
        ),
        st.sampled_from(["", "A comment."]),
    ),
    st.tuples(
        st.just("save"),
        st.sampled_from(PEOPLE),
        st.sampled_from(LEVELS),
        st.sampled_from(["", "Only for information."]),
    ),
    st.tuples(st.just("stale"), st.sampled_from(PEOPLE), st.just("withdraw"), st.just("c")),
)

_case = itertools.count(1)


def count_events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(action, max_size=30))
def test_random_sequences_keep_the_invariants(ctx, actions):
    decision = decision_ops.create_decision(
        user("preparer"),
        case_number=f"PROP/{next(_case)}",
        title="Property",
        language="fi",
        body_id=1,
        proposal="",
    )
    a = ops.create_assessment(user("preparer"), decision)
    states = set(ops.engine_for(a).definition.states)
    frozen: dict[int, str] = {}  # approved revisions: id -> sha256 when written
    for kind, who, arg, extra in actions:
        before = count_events()
        accepted = True
        try:
            if kind == "fire":
                ops.fire(user(who), a, arg, comment=extra, expected_version=a.version)
            elif kind == "save":
                ops.save_answers(
                    user(who),
                    a,
                    {"screening": {"level": arg, "level_reason": extra}},
                    expected_version=a.version,
                )
                accepted = count_events() > before  # an unchanged save records nothing
            else:
                ops.fire(user(who), a, arg, comment=extra, expected_version=a.version - 1)
        except (TransitionBlocked, Conflict, Forbidden, OperationError):
            accepted = False
        db.session.refresh(a)
        assert a.state in states
        assert count_events() == before + (1 if accepted else 0)
        if a.revisions and a.revisions[-1].state == "approved":
            frozen.setdefault(a.revisions[-1].id, a.revisions[-1].sha256)
    db.session.expire_all()
    for rev_id, sha in frozen.items():
        rev = db.session.get(Revision, rev_id)
        assert rev.sha256 == sha
        assert hashlib.sha256(audit.canonical_json(rev.snapshot)).hexdigest() == sha
    assert audit.verify(db.session).intact
