"""Meetings and agendas through the operations: the gate, reordering, moving, the lock,
outcomes firing transitions, the agenda document, and bad input refused with nothing changed."""

import io

import docx
import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent
from assess.operations import Conflict, Forbidden, ValidationFailed
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import meetings as meeting_ops
from tests.support import acknowledge_high, user
from tests.support import to_review as submitted


def step(who, a, trigger, comment=""):
    return ops.fire(user(who), a, trigger, comment=comment, expected_version=a.version)


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def meeting(number=1, body_id=1, when="2026-12-15T14:00"):
    return meeting_ops.create_meeting(
        user("secretary"),
        body_id=body_id,
        number=number,
        year=2026,
        starts_at=when,
        place="Kokkola",
    )


def decision(case, body_id=1):
    return decision_ops.create_decision(
        user("preparer"),
        case_number=case,
        title=f"Asia {case}",
        language="fi",
        body_id=body_id,
        proposal="",
    )


def to_review(d):
    return submitted(user("preparer"), d)


def approve(a):
    acknowledge_high(user("reviewer"), a)
    step("reviewer", a, "approve")


def add(m, d):
    return meeting_ops.add_item(user("secretary"), m, d.id, expected_version=m.version)


def test_the_gate_refuses_and_lists_then_allows_after_approval(ctx):
    m = meeting()
    ready, waiting, bare = decision("G/1"), decision("G/2"), decision("G/3")
    approve(to_review(ready))
    in_review = to_review(waiting)
    for d in (ready, waiting, bare):
        add(m, d)
    meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    before = (events(), m.version)
    with pytest.raises(meeting_ops.AgendaNotReady) as refused:
        meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    details = refused.value.details
    assert any("G/2" in d and "waiting for a reviewer" in d for d in details)
    assert any(
        "G/3" in d and "No impact assessment" in d and "Paula Peltonen" in d for d in details
    )
    assert not any("G/1" in d for d in details)
    assert (events(), m.version, m.state) == (*before, "planned")

    approve(in_review)
    meeting_ops.remove_item(user("secretary"), m, m.items[2].id, expected_version=m.version)
    with pytest.raises(meeting_ops.AgendaNotReady) as still:
        meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    assert any("not attached" in d for d in still.value.details)
    meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    assert m.state == "published" and m.published_at is not None
    published = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "meeting.published")
    )
    shas = [d["sha256"] for i in published.changes[1]["new"] for d in i["documents"]]
    # Two items, fi and sv each: the approved originals and the agenda's attachment copies
    # (issue 19).
    assert len(shas) == 8
    kinds = [d["kind"] for i in published.changes[1]["new"] for d in i["documents"]]
    assert sorted(kinds) == ["assessment"] * 4 + ["attachment"] * 4


def test_reordering_by_position(ctx):
    m = meeting()
    ds = [decision(f"R/{i}") for i in range(1, 5)]
    for d in ds:
        add(m, d)
    meeting_ops.move_item(user("secretary"), m, m.items[3].id, 1, expected_version=m.version)
    assert [i.decision.case_number for i in m.items] == ["R/4", "R/1", "R/2", "R/3"]
    meeting_ops.move_item(user("secretary"), m, m.items[0].id, 3, expected_version=m.version)
    assert [(i.position, i.decision.case_number) for i in m.items] == [
        (1, "R/1"),
        (2, "R/2"),
        (3, "R/4"),
        (4, "R/3"),
    ]
    with pytest.raises(ValidationFailed):
        meeting_ops.move_item(user("secretary"), m, m.items[0].id, 9, expected_version=m.version)


def published_with(d):
    m = meeting(number=7)
    add(m, d)
    meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    return m


def test_tabled_decision_moves_to_a_later_meeting_and_keeps_its_assessment(ctx):
    d = decision("T/1")
    a = to_review(d)
    approve(a)
    first = published_with(d)
    item = first.items[0]
    meeting_ops.record_outcome(
        user("secretary"), first, item.id, "tabled", expected_version=first.version
    )
    assert a.state == "approved"
    later = meeting(number=8, when="2027-01-12T14:00")
    assert d in meeting_ops.candidates(later)
    add(later, d)
    meeting_ops.attach_documents(user("secretary"), later, expected_version=later.version)
    originals = lambda i: [x.id for x in i.documents if x.kind == "assessment"]  # noqa: E731
    assert originals(later.items[0]) == originals(item)
    # The first meeting's attachment copy stays that meeting's (one copy per revision and
    # language, issue 19): the later agenda hands out the approved original.
    from assess.models import Document
    from assess.operations.agenda_documents import attachment_numbers

    def listed_kinds(i):
        listed = [a["document"] for a in attachment_numbers(i) if a["kind"] == "assessment"]
        return {db.session.get(Document, x).kind for x in listed}

    assert listed_kinds(item) == {"attachment"}
    assert listed_kinds(later.items[0]) == {"assessment"}
    meeting_ops.publish(user("secretary"), later, expected_version=later.version)
    meeting_ops.record_outcome(
        user("secretary"), later, later.items[0].id, "approved", expected_version=later.version
    )
    assert a.state == "decided"
    assert len([r for r in a.revisions if r.state == "approved"]) == 1  # history kept


def test_outcomes_fire_the_assessments_transitions(ctx):
    cases = {
        "approved": "decided",
        "approved_amended": "decided",
        "rejected": "decided",
        "returned": "in_assessment",
        "tabled": "approved",
    }
    m = meeting(number=3)
    assessments = {}
    for n, outcome in enumerate(cases):
        d = decision(f"O/{n}")
        a = to_review(d)
        approve(a)
        add(m, d)
        assessments[outcome] = a
    meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    for item, outcome in zip(m.items, cases, strict=True):
        meeting_ops.record_outcome(
            user("secretary"), m, item.id, outcome, "Pykälä muutettiin.", expected_version=m.version
        )
    for outcome, state in cases.items():
        assert assessments[outcome].state == state, outcome
    meeting_ops.set_state(user("secretary"), m, "held", expected_version=m.version)
    meeting_ops.set_state(user("secretary"), m, "minutes_approved", expected_version=m.version)
    assert m.state == "minutes_approved"


def test_publication_locks_and_reopening_is_marked_and_audited(ctx):
    d = decision("L/1")
    a = to_review(d)
    approve(a)
    m = published_with(d)
    with pytest.raises(Conflict):  # the agenda is locked
        add(m, decision("L/2"))
    with pytest.raises(Conflict):
        meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    assert not ops.engine_for(a).definition.states[a.state].editable  # approved: read-only
    step("reviewer", a, "reopen", "The proposal changed after publication.")
    db.session.refresh(m.items[0])
    assert m.items[0].assessment_changed is True
    marked = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "meeting.assessment_changed")
    )
    assert marked.object_id == m.id and marked.changes[0]["case_number"] == "L/1"


def test_agenda_document_lists_items_in_order_with_checksums(ctx):
    m = meeting()
    ds = [decision(f"D/{i}") for i in (1, 2)]
    for d in ds:
        approve(to_review(d))
        add(m, d)
    meeting_ops.move_item(user("secretary"), m, m.items[1].id, 1, expected_version=m.version)
    meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    for language, title in (("fi", "Esityslista"), ("sv", "Föredragningslista")):
        content, name = meeting_ops.agenda_document(user("secretary"), m, language)
        d = docx.Document(io.BytesIO(content))
        heads = [p.text for p in d.paragraphs if p.style.name == "Heading 3"]
        # The titles are Finnish only: the Swedish agenda says so (issue 19).
        mark = {"fi": "", "sv": " (på finska)"}[language]
        assert heads == [f"1. Asia D/2{mark}", f"2. Asia D/1{mark}"]
        assert d.paragraphs[0].text.startswith(title)
        cells = [c.text for t in d.tables for row in t.rows[1:] for c in row.cells]
        for item in m.items:
            # The files handed out: the attachment copies with "Liite 1" (issue 19).
            for doc in item.documents:
                if doc.kind == "attachment":
                    assert doc.sha256 in cells and doc.filename in cells
                else:
                    assert doc.sha256 not in cells
        assert d.core_properties.language == {"fi": "fi-FI", "sv": "sv-FI"}[language]
        text = "\n".join(p.text for p in d.paragraphs)
        # The decision paragraph (issue 19 puts the level in brackets after the head).
        assert {"fi": "Vaikutusten ennakkoarviointi", "sv": "Förhandsbedömning av konsekvenser"}[
            language
        ] in text
        assert name.endswith(f"_{language}.docx")


def test_late_submission_is_flagged_against_the_meeting(ctx):
    d = decision("LATE/1")
    from assess.operations import flags as flag_ops

    # The meeting is today in Finland (the date the rule counts in), late in the evening.
    m = meeting(number=11, when=f"{flag_ops.today().isoformat()}T23:00")
    add(m, d)
    a = to_review(d)
    late = [f for f in a.data["flags"] if f["rule"] == "late_assessment"]
    assert late and "0 days before the meeting" in late[0]["message"]["en"]


# --- bad input -------------------------------------------------------------------------


def test_bad_input_is_refused_with_a_message_and_nothing_changes(ctx):
    m = meeting()
    other_body = decision("X/1", body_id=2)
    d = decision("X/2")
    add(m, d)
    before = (events(), m.version, len(m.items))
    with pytest.raises(ValidationFailed) as wrong_body:
        add(m, other_body)
    assert "Hyvinvointilautakunta" in str(wrong_body.value)
    with pytest.raises(Conflict) as twice:
        add(m, d)
    assert "already item 1" in str(twice.value)
    with pytest.raises(Conflict) as early:
        meeting_ops.record_outcome(
            user("secretary"), m, m.items[0].id, "approved", expected_version=m.version
        )
    assert "once the agenda is published" in str(early.value)
    with pytest.raises(Forbidden):
        meeting_ops.add_item(user("preparer"), m, d.id, expected_version=m.version)
    with pytest.raises(Conflict):  # stale
        meeting_ops.remove_item(user("secretary"), m, m.items[0].id, expected_version=m.version - 1)
    assert (events(), m.version, len(m.items)) == before

    approve(to_review(d))
    meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    with pytest.raises(Conflict) as again:
        meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    assert "already published" in str(again.value)
    with pytest.raises(ValidationFailed):
        meeting_ops.record_outcome(
            user("secretary"), m, m.items[0].id, "postponed", expected_version=m.version
        )
    with pytest.raises(ValidationFailed):  # a return needs its reason
        meeting_ops.record_outcome(
            user("secretary"), m, m.items[0].id, "returned", expected_version=m.version
        )


def test_creating_a_meeting_checks_its_fields(ctx):
    with pytest.raises(ValidationFailed) as refused:
        meeting_ops.create_meeting(
            user("secretary"), body_id=999, number="x", year=1900, starts_at="tomorrow", place=""
        )
    assert set(refused.value.errors) == {"body_id", "number", "year", "starts_at"}
    meeting(number=5)
    with pytest.raises(ValidationFailed) as duplicate:
        meeting(number=5)
    assert "already has meeting 5/2026" in str(duplicate.value)


# Outcomes and "held" wait for a meeting's start (issue 20); these meetings are dated ahead.
pytestmark = pytest.mark.usefixtures("meetings_started")
