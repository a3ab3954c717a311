"""What the busiest pages and writes read (issue 16, the load benchmark's p95): no more rows
and statements than they show, whatever an assessment's history. Each test fails on the
code before it (the numbers in the docstrings are what that code read)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, select

from assess.models import AuditEvent
from tests.support import login, prepared, use_language, user


@contextmanager
def statements(app):
    """The SQL statements sent inside the block."""
    from assess.extensions import db

    sent: list[str] = []

    def note(conn, cursor, statement, *args):
        sent.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


@contextmanager
def loaded(model):
    """The instances of ``model`` loaded from rows inside the block."""
    found: list = []

    def note(target, context):
        found.append(target)

    event.listen(model, "load", note)
    try:
        yield found
    finally:
        event.remove(model, "load", note)


def _returned(rounds: int, case: str):
    """A decision whose assessment was submitted and returned ``rounds`` times."""
    from assess.operations import assessments as ops
    from assess.operations import decisions as decision_ops

    d = decision_ops.create_decision(
        user("preparer"), case_number=case, title=case, language="fi", body_id=1, proposal=""
    )
    a = prepared(user("preparer"), d)
    for n in range(rounds):
        ops.fire(user("preparer"), a, "submit", expected_version=a.version)
        ops.fire(
            user("reviewer"),
            a,
            "return_for_revision",
            comment=f"Korjaa kohta {n + 1}.",
            expected_version=a.version,
        )
    return d.id


def test_the_decision_page_loads_two_revisions_whole_however_often_it_went_round(demo, monkeypatch):
    """The changes since the return compare two revisions; it loaded every revision with its
    snapshot (14 after six rounds), and the returned notice was read twice per page (the
    notice and the reviewer preselected)."""
    from assess.models import Revision
    from assess.operations import review

    with demo.app_context():
        few = _returned(1, "READS/1")
        many = _returned(6, "READS/6")
    client = demo.test_client()
    login(client, "preparer")
    use_language(client, "en")
    client.get("/")  # the session's first use after log-in notes it (a write)
    reads = []
    original = review._raw_returns
    monkeypatch.setattr(review, "_raw_returns", lambda a: reads.append(a) or original(a))
    counts = {}
    for decision_id, rounds in ((few, 1), (many, 6)):
        reads.clear()
        with loaded(Revision) as revisions, statements(demo) as sent:
            page = client.get(f"/decisions/{decision_id}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert f"Korjaa kohta {rounds}." in text  # the notice, and what changed since
        assert "since the return" in text
        assert len(revisions) <= 2, [r.seq for r in revisions]
        assert len(reads) == 1
        counts[rounds] = len(sent)
    assert counts[1] == counts[6]


def test_the_preparers_dashboard_reads_no_answers_for_the_next_steps(demo):
    """The next step of each decision needs its assessment's state and process: it read
    every active assessment's answers (its largest column) as well."""
    from assess.models import Assessment

    with demo.app_context():
        for n in range(3):
            _returned(0, f"NEXT/{n}")
    client = demo.test_client()
    login(client, "preparer")
    client.get("/")
    with loaded(Assessment) as assessments:
        page = client.get("/")
    assert page.status_code == 200
    assert len(assessments) >= 3
    assert [a.id for a in assessments if "data" in a.__dict__] == []


def test_the_reviewers_offered_come_with_their_roles_in_one_statement(demo):
    """The four-eyes rule reads each candidate's roles: they came in a second statement."""
    from assess.extensions import db
    from assess.operations import review

    with demo.app_context():
        d = _returned(0, "CANDIDATES/1")
        from assess.operations.context import active_assessment
        from assess.operations.decisions import get_decision

        a = active_assessment(get_decision(user("preparer"), d))
        preparer = user("preparer")
        db.session.expunge_all()
        db.session.add_all([a, preparer])
        with statements(demo) as sent:
            people = review.candidates(preparer, a)
            roles = [p.roles for p in people]
        assert people and all("reviewer" in r for r in roles)
        assert not [s for s in sent if "FROM user_roles WHERE" in s]


def test_a_decision_comes_with_its_organisation_and_body_in_one_statement(demo):
    """Every page of a decision names its body and reads its organisation's settings: three
    statements."""
    from assess.extensions import db
    from assess.operations.decisions import get_decision

    with demo.app_context():
        d = _returned(0, "ONE/1")
        preparer = user("preparer")
        db.session.expunge_all()
        db.session.add(preparer)
        with statements(demo) as sent:
            decision = get_decision(preparer, d)
            names = (decision.body.name_fi, decision.organisation.time_zone)
        assert all(names)
        assert len(sent) == 1


def test_a_save_reads_the_organisations_time_zone_from_what_it_loaded(demo):
    """The report's facts are kept on every write in the organisation's time zone; the
    write has the organisation loaded already, and read its time zone again."""
    from assess.operations import answers
    from assess.operations.assessments import get_assessment
    from assess.operations.context import active_assessment
    from assess.operations.decisions import get_decision

    with demo.app_context():
        d = _returned(0, "ZONE/1")
        a = active_assessment(get_decision(user("preparer"), d))
        a = get_assessment(user("preparer"), a.id)
        with statements(demo) as sent:
            answers.patch(
                user("preparer"),
                a,
                {"answers": {"scope_notes": "Rajaus."}},
                expected_version=a.version,
            )
        assert any("INSERT INTO audit_events" in s for s in sent)  # it did write
        assert not [s for s in sent if "organisations.time_zone" in s]


def test_the_flags_context_reads_the_submission_and_the_meeting_in_one_statement(demo):
    """Both days every flag evaluation asks, as the two questions answer them one by one."""
    from assess.operations import assessments as ops
    from assess.operations import flags as flag_ops
    from assess.operations import meetings as meeting_ops
    from assess.operations.context import active_assessment
    from assess.operations.decisions import get_decision

    with demo.app_context():
        d = _returned(0, "DAYS/1")
        decision = get_decision(user("preparer"), d)
        a = active_assessment(decision)
        assert flag_ops._submitted_and_meeting(a) == (None, None)
        ops.fire(user("preparer"), a, "submit", expected_version=a.version)
        m = meeting_ops.create_meeting(
            user("secretary"), body_id=decision.body_id, starts_at="2027-01-12T14:00"
        )
        meeting_ops.add_item(user("secretary"), m, d, expected_version=m.version)
        both = flag_ops._submitted_and_meeting(a)
        assert both == (flag_ops.submitted_on(a), flag_ops.meeting_date(a))
        assert str(both[1]) == "2027-01-12" and both[0] is not None
        with statements(demo) as sent:
            flag_ops._submitted_and_meeting(a)
        assert len(sent) == 1


def test_the_filters_people_come_in_one_statement_with_names_only(demo):
    """The reviewer's queue and the decisions list offer preparers and reviewers to filter
    by: each role's people were read whole, and each person's roles in another statement
    (four statements on every reviewer's dashboard)."""
    client = demo.test_client()
    login(client, "reviewer")
    use_language(client, "en")
    client.get("/")
    with statements(demo) as sent:
        page = client.get("/")
    assert page.status_code == 200
    with demo.app_context():
        for role in ("preparer", "reviewer"):
            assert f">{user(role).name}</option>" in page.get_data(as_text=True)
    # Besides the log-in session's own (its person with their roles, on every page).
    people = [s for s in sent if ("user_roles" in s) and not s.startswith("SELECT login_sessions")]
    assert len(people) == 1 and "user_roles.role IN" in people[0], people


def test_a_planned_meetings_presenters_come_without_their_roles(demo):
    """The presenters offered need a name: each person's roles came in another statement."""
    from assess.operations import meetings as meeting_ops

    with demo.app_context():
        m = meeting_ops.create_meeting(
            user("secretary"), body_id=1, starts_at="2027-02-09T14:00", place="Kokkola"
        )
        meeting_ops.add_item(
            user("secretary"), m, _returned(0, "MEET/1"), expected_version=m.version
        )
        meeting_id = m.id
        names = [user(r).name for r in ("preparer", "reviewer", "secretary")]
    client = demo.test_client()
    login(client, "secretary")
    client.get("/")
    with statements(demo) as sent:
        page = client.get(f"/meetings/{meeting_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert all(f">{name}</option>" in text for name in names)
    offered = next(n for n, s in enumerate(sent) if "FROM users WHERE users.organisation_id" in s)
    assert "user_roles" not in sent[offered + 1]


def test_an_api_change_answers_with_what_it_wrote_without_reading_it_again(demo):
    """A PATCH answers with the changed assessment: after its commit it read the assessment,
    the token's person and more back from the database (three statements). A refused change
    still answers from the database (its rollback forgets what was in memory)."""
    from assess.operations.context import active_assessment
    from assess.operations.decisions import get_decision
    from assess.operations.users import issue_token

    with demo.app_context():
        a = active_assessment(get_decision(user("preparer"), _returned(0, "PATCH/1")))
        assessment_id, version = a.id, a.version
        auth = {"Authorization": f"Bearer {issue_token(user('preparer'))}"}
    client = demo.test_client()
    path = f"/api/v1/assessments/{assessment_id}"
    with statements(demo) as sent:
        r = client.patch(
            path,
            json={"answers": {"scope_notes": "Rajattu."}},
            headers={**auth, "If-Match": f'"{version}"'},
        )
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.json["answers"]["scope_notes"] == "Rajattu."
    assert r.json["version"] == version + 1 and r.headers["ETag"] == f'"{version + 1}"'
    last_write = max(n for n, s in enumerate(sent) if s.startswith(("INSERT", "UPDATE")))
    again = ("SELECT assessments.", "SELECT users.", "SELECT decisions.", "SELECT bodies.")
    assert [s[:40] for s in sent[last_write + 1 :] if s.startswith(again)] == []
    # Its answer is what the next GET reads.
    fresh = client.get(path, headers=auth)
    assert fresh.json == r.json
    stale = client.patch(
        path,
        json={"answers": {"scope_notes": "Myöhässä."}},
        headers={**auth, "If-Match": f'"{version}"'},
    )
    assert stale.status_code == 412
    assert client.get(path, headers=auth).json["answers"]["scope_notes"] == "Rajattu."


def test_a_saved_impact_cell_and_a_submission_are_not_read_back_for_the_redirect(demo):
    """The form's save and the step to review end in a message and a redirect: after the
    commit they read the assessment and the person back (two statements each)."""
    from assess.operations.context import active_assessment
    from assess.operations.decisions import get_decision
    from bench.load_mix import form_fields

    with demo.app_context():
        d = _returned(0, "FORM/1")
        assessment_id = active_assessment(get_decision(user("preparer"), d)).id
    client = demo.test_client()
    login(client, "preparer")
    use_language(client, "en")
    path = f"/assessments/{assessment_id}/impacts/proposal/older_people/access_to_services"
    token, version = form_fields(client.get(path).get_data(as_text=True))
    form = {
        "csrf_token": token,
        "version": version,
        "direction": "negative",
        "magnitude": "moderate",
        "likelihood": "likely",
        "rationale": "Matkat pitenevät.",
        "evidence": "Palveluverkkoselvitys 2026.",
        "mitigation": "Kotikäynnit.",
    }
    again = ("SELECT assessments.", "SELECT users.", "SELECT decisions.")
    for post in (
        lambda: client.post(path, data=form),
        lambda: client.post(
            f"/assessments/{assessment_id}/transitions",
            data={**form_for_step(client, d), "trigger": "submit"},
        ),
    ):
        with statements(demo) as sent:
            r = post()
        assert r.status_code == 302, r.get_data(as_text=True)[:2000]
        last_write = max(n for n, s in enumerate(sent) if s.startswith(("INSERT", "UPDATE")))
        assert [s[:40] for s in sent[last_write + 1 :] if s.startswith(again)] == []
    page = client.get(f"/decisions/{d}").get_data(as_text=True)
    assert "Done: Submit for review" in page


def form_for_step(client, decision_id) -> dict:
    from bench.load_mix import form_fields

    token, version = form_fields(client.get(f"/decisions/{decision_id}").get_data(as_text=True))
    return {"csrf_token": token, "version": version, "comment": ""}


def test_flags_acknowledged_together_lock_and_read_the_chain_once(demo):
    """Each acknowledgement is its own audit event; each locked the chain and read its head
    again (two statements per flag), though the transaction held the lock and had written
    the head itself; each was inserted alone, and each asked whether a checkpoint was due.
    The chain still verifies, and the next transaction reads the head."""
    from assess import audit
    from assess.extensions import db
    from assess.operations import decisions as decision_ops
    from assess.operations import review
    from assess.operations._tx import transaction
    from tests.support import to_review

    with demo.app_context():
        d = decision_ops.create_decision(
            user("preparer"), case_number="ACK/1", title="ACK", language="fi", body_id=1
        )
        a = to_review(user("preparer"), d)
        open_flags = [f.id for f in a.content.flags if f.status == "open"]
        assert len(open_flags) >= 2
        with statements(demo) as sent:
            review.acknowledge_many(
                user("reviewer"), a, open_flags, "Punnittu.", expected_version=a.version
            )
        events = [s for s in sent if s.startswith("INSERT INTO audit_events")]
        heads = [s for s in sent if s.startswith("SELECT audit_events.hash")]
        assert len(heads) == 1
        assert len([s for s in sent if "pg_advisory_xact_lock" in s]) <= 1
        assert len([s for s in sent if "FROM audit_checkpoints" in s]) <= 1
        if db.engine.dialect.name == "postgresql":  # one INSERT with RETURNING, in order
            assert len(events) == 1
        added = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "assessment.flag_acknowledged")
            .order_by(AuditEvent.id)
        ).all()
        assert len(added) == len(open_flags)
        assert all(b.prev_hash == a.hash for a, b in zip(added, added[1:], strict=False))
        # The next transaction locks and reads the head again: it is no longer its own.
        with statements(demo) as sent, transaction() as session:
            audit.append(
                session,
                actor=audit.AuditActor("system", None, "test"),
                action="test.next",
                object_type="test",
                object_id=None,
            )
        assert len([s for s in sent if s.startswith("SELECT audit_events.hash")]) == 1
        assert audit.verify(db.session).intact


def test_a_return_reads_who_changed_the_content_once_and_no_roles(demo):
    """A reviewer's return asks who changed the content since the last return twice (its
    guards' facts and the step's own: four statements on the audit log), and loaded the
    preparer's roles to write the preparer's name into the revision."""
    from assess.operations.context import active_assessment
    from assess.operations.decisions import get_decision

    with demo.app_context():
        d = _returned(1, "RET/1")
        a = active_assessment(get_decision(user("preparer"), d))
        from assess.operations import assessments as ops

        ops.fire(user("preparer"), a, "submit", expected_version=a.version)
        assessment_id = a.id
    client = demo.test_client()
    login(client, "reviewer")
    use_language(client, "en")
    form = {**form_for_step(client, d), "trigger": "return_for_revision", "comment": "Tarkenna."}
    with statements(demo) as sent:
        r = client.post(f"/assessments/{assessment_id}/transitions", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    changes = [s for s in sent if s.startswith("SELECT audit_events.actor_id")]
    assert len(changes) == 1
    assert [s[:60] for s in sent if "FROM user_roles" in s] == []
    page = client.get(f"/decisions/{d}").get_data(as_text=True)
    assert "Tarkenna." in page


def test_a_submission_writes_its_notifications_together(demo):
    """The reviewers' two notifications of a submission with open high flags (the review
    asked, the flags to weigh) went in two INSERTs, one after each kind."""
    from assess.extensions import db
    from assess.models import Notification
    from assess.operations import assessments as ops
    from assess.operations.context import active_assessment
    from assess.operations.decisions import get_decision

    with demo.app_context():
        d = _returned(0, "NOTE/1")
        a = active_assessment(get_decision(user("preparer"), d))
        assert any(f.severity == "high" and f.status == "open" for f in a.content.flags)
        with statements(demo) as sent:
            ops.fire(user("preparer"), a, "submit", expected_version=a.version)
        kinds = db.session.scalars(
            select(Notification.kind).where(Notification.assessment_id == a.id)
        ).all()
    assert {"review_requested", "flags_to_weigh"} <= set(kinds)
    if demo.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert len([s for s in sent if s.startswith("INSERT INTO notifications")]) == 1


def test_acknowledging_flags_is_not_read_back_for_the_redirect(demo):
    """The flags acknowledged end in a message and a redirect to the flag page: after the
    commit they read the reviewer and the assessment back (two statements)."""
    from bench.load_mix import _FLAG_FORM, form_fields
    from tests.support import to_review

    with demo.app_context():
        from assess.operations import decisions as decision_ops

        d = decision_ops.create_decision(
            user("preparer"), case_number="ACK/2", title="ACK", language="fi", body_id=1
        )
        assessment_id = to_review(user("preparer"), d).id
    client = demo.test_client()
    login(client, "reviewer")
    use_language(client, "en")
    page = client.get(f"/assessments/{assessment_id}/flags").get_data(as_text=True)
    token, version = form_fields(page)
    chosen = _FLAG_FORM.findall(page)
    assert len(chosen) >= 2
    form = {"csrf_token": token, "version": version, "comment": "Punnittu.", "flag": chosen}
    with statements(demo) as sent:
        r = client.post(f"/assessments/{assessment_id}/flags/acknowledge", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    last_write = max(n for n, s in enumerate(sent) if s.startswith(("INSERT", "UPDATE")))
    again = ("SELECT assessments.", "SELECT users.")
    assert [s[:40] for s in sent[last_write + 1 :] if s.startswith(again)] == []
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "The chosen flags are acknowledged" in page


def test_a_step_without_confirmation_does_not_weigh_every_step_first(demo, monkeypatch):
    """Before taking a step, the web asked whether it needs a confirmation page by weighing
    every step's guards (who changed the content, the completeness, the reviewers); a
    return or a submission needs none. A step that does still gets its page."""
    from assess.operations import assessments as ops
    from assess.operations.context import active_assessment
    from assess.operations.decisions import get_decision

    with demo.app_context():
        d = _returned(0, "CONF/1")
        a = active_assessment(get_decision(user("preparer"), d))
        ops.fire(user("preparer"), a, "submit", expected_version=a.version)
        open_flags = [f.id for f in a.content.flags if f.status == "open"]
        if open_flags:
            from assess.operations import review

            review.acknowledge_many(
                user("reviewer"), a, open_flags, "Punnittu.", expected_version=a.version
            )
        assessment_id = a.id
    weighed = []
    real = ops.options
    monkeypatch.setattr(ops, "options", lambda *args: weighed.append(args) or real(*args))
    client = demo.test_client()
    login(client, "reviewer")
    use_language(client, "en")
    path = f"/assessments/{assessment_id}/transitions"
    form = form_for_step(client, d)
    weighed.clear()
    asked = client.post(path, data={**form, "trigger": "approve"})
    assert asked.status_code == 200 and "confirmed" in asked.get_data(as_text=True)
    assert weighed  # the approval's confirmation page weighs the steps
    weighed.clear()
    r = client.post(path, data={**form, "trigger": "return_for_revision", "comment": "Lisää."})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    assert weighed == []
