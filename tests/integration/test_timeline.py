"""The timeline of one assessment (issue 21): a scripted life in which every kind of entry
happens, read back in order with its words in fi, sv and en; the filters, the role each
person held at the time, pagination, and reading recorded by the page and the API."""

import json
import re

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent
from assess.operations import ValidationFailed, meeting_changes
from assess.operations import assessments as ops
from assess.operations import comments as comment_ops
from assess.operations import decisions as decision_ops
from assess.operations import meetings as meeting_ops
from assess.operations import review as review_ops
from assess.operations import users as user_ops
from assess.operations.access_log import record_access
from assess.operations.timeline import KINDS, timeline
from assess.operations.users import issue_token
from tests.support import (
    acknowledge_high,
    complete_follow_up,
    login,
    prepared,
    use_language,
    user,
)

pytestmark = pytest.mark.usefixtures("meetings_started")


def _meeting(number, when):
    return meeting_ops.create_meeting(
        user("secretary"), body_id=1, number=number, year=2026, starts_at=when, place="Kokkola"
    )


def _on_published_agenda(m, d):
    secretary = user("secretary")
    meeting_ops.add_item(secretary, m, d.id, expected_version=m.version)
    meeting_ops.attach_documents(secretary, m, expected_version=m.version)
    meeting_ops.publish(secretary, m, expected_version=m.version)


def live():
    """One assessment's whole life, every kind of entry at least once; returns it and the
    id of the event that gave the preparer a second role."""
    preparer, reviewer, secretary = user("preparer"), user("reviewer"), user("secretary")
    d = decision_ops.create_decision(
        preparer, case_number="TL/1", title="Asia TL/1", language="fi", body_id=1, proposal=""
    )
    a = prepared(preparer, d, level="full")  # started, steps, answers, hearings, flags
    decision_ops.update_decision(
        preparer,
        d,
        expected_version=d.version,
        case_number="TL/1",
        title="Asia TL/1, tarkennettu",
        language="fi",
        body_id=1,
        proposal="",
    )
    comment_ops.add_comment(preparer, a, "scoping", "Rajaus on tarkistettu.")
    review_ops.submit(preparer, a, "submit", reviewer_id=reviewer.id, expected_version=a.version)
    ops.fire(reviewer, a, "return_for_revision", comment="Täydennä.", expected_version=a.version)
    user_ops.update_user(
        preparer,
        name=preparer.name,
        roles=["preparer", "reviewer"],
        active=True,
        actor=user("admin"),
    )
    promoted = db.session.scalar(
        select(func.max(AuditEvent.id)).where(AuditEvent.action == "user.updated")
    )
    ops.fire(preparer, a, "submit", expected_version=a.version)
    acknowledge_high(reviewer, a, comment="Palvelubussi kantaa sen.")
    ops.fire(reviewer, a, "approve", expected_version=a.version)  # the documents
    ops.fire(reviewer, a, "reopen", comment="Luvut muuttuivat.", expected_version=a.version)
    ops.fire(preparer, a, "submit", expected_version=a.version)
    ops.fire(reviewer, a, "approve", expected_version=a.version)
    first = _meeting(5, "2026-12-01T14:00")
    _on_published_agenda(first, d)
    meeting_changes.cancel_meeting(
        secretary, first, "Kokous ei ole päätösvaltainen.", expected_version=first.version
    )
    second = _meeting(6, "2026-12-15T14:00")
    _on_published_agenda(second, d)
    meeting_ops.record_outcome(
        secretary, second, second.items[0].id, "approved", expected_version=second.version
    )
    ops.fire(reviewer, a, "start_follow_up", expected_version=a.version)
    complete_follow_up(reviewer, a)
    record_access(user("auditor"), "access.history_viewed", "assessment", a.id, {"page": 1})
    return a, promoted


@pytest.fixture
def life(ctx):
    return live()


def everything(a, language):
    return timeline(a, language, per_page=100).entries + [
        e for p in range(2, 10) for e in timeline(a, language, page=p, per_page=100).entries
    ]


def words_of(entry):
    return " ".join(
        [entry.summary, entry.comment or ""]
        + [f"{d.label} {d.old or ''} {d.new or ''}" for d in entry.details]
    )


def test_every_kind_appears_in_the_chains_order(life):
    a, _ = life
    entries = everything(a, "en")
    assert {e.kind for e in entries} == set(KINDS)
    ids = [e.event_id for e in entries]
    assert ids == sorted(ids)
    # Every event of the assessment is in it, and nothing of another assessment's.
    own = set(
        db.session.scalars(
            select(AuditEvent.id).where(
                AuditEvent.object_type == "assessment", AuditEvent.object_id == a.id
            )
        )
    )
    assert own <= set(ids)
    first = [e for e in entries if e.kind == "transition"][0]
    assert first.action == "assessment.created" and first.revision is None
    assert [e.revision for e in entries][-1] is not None


WORDS = {
    # kind: {language: a text the entry must carry}
    "transition": {
        "fi": "Palauta korjattavaksi: Tarkastettavana → Arviointi käynnissä",
        "sv": "Returnera för komplettering",
        "en": "Return for revision: In review → In assessment Täydennä.",
    },
    "reopened": {"fi": "Avaa uudelleen", "sv": "Öppna på nytt", "en": "Reopen"},
    "comment": {
        "fi": "Rajaus Rajaus on tarkistettu.",
        "sv": "Avgränsning Rajaus on tarkistettu.",
        "en": "Comment on the section Scoping",
    },
    "reviewer": {"fi": "Rasmus Backman", "sv": "Rasmus Backman", "en": "Rasmus Backman"},
    "decision": {
        "fi": "Päätöksen tiedot muuttuivat  Otsikko Asia TL/1 Asia TL/1, tarkennettu",
        "sv": "Beslutets uppgifter ändrades  Rubrik Asia TL/1 Asia TL/1, tarkennettu",
        "en": "Title Asia TL/1 Asia TL/1, tarkennettu",
    },
    "agenda": {
        "fi": "peruttiin",
        "sv": "ställdes in",
        "en": "was cancelled",
    },
    "access": {"fi": "Luki historian", "sv": "Läste historiken", "en": "Read the history"},
    "flag": {"fi": "kuitattu", "sv": "kvitterad", "en": "acknowledged"},
    "document": {"fi": "SHA-256", "sv": "SHA-256", "en": "SHA-256"},
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_entry_in_the_readers_words(life, language):
    a, _ = life
    entries = everything(a, language)
    for kind, texts in WORDS.items():
        assert any(texts[language] in words_of(e) for e in entries if e.kind == kind), (
            kind,
            [words_of(e) for e in entries if e.kind == kind],
        )
    agenda = " ".join(words_of(e) for e in entries if e.kind == "agenda")
    for action in (
        "meeting.item_added",
        "meeting.documents_attached",
        "meeting.published",
        "meeting.cancelled",
        "meeting.outcome_recorded",
    ):
        assert action in {e.action for e in entries if e.kind == "agenda"}
    assert {"fi": "hyväksytty", "sv": "godkänt", "en": "approved as proposed"}[language] in (
        agenda.lower()
    )
    # The documents with their checksums, and never an id in place of a word.
    assert any(re.fullmatch(r"[0-9a-f]{64}", d.new or "") for e in entries for d in e.details)
    for e in entries:
        text = words_of(e)
        assert not re.search(r"\b(screening|answers|impacts)\.\w+", text), text
        assert "assessment." not in e.summary and "meeting." not in e.summary
        assert e.kind_label and e.via_label and e.at.tzinfo is not None
        assert e.at.utcoffset() is not None and e.at_text.endswith(("EET", "EEST"))


def test_each_person_with_the_roles_they_held_then(life):
    a, promoted = life
    preparer = user("preparer")
    mine = [e for e in everything(a, "fi") if e.who_id == preparer.id]
    before = [e for e in mine if e.event_id < promoted]
    after = [e for e in mine if e.event_id > promoted]
    assert before and after
    assert {e.roles for e in before} == {("preparer",)}
    assert {e.roles for e in after} == {("preparer", "reviewer")}
    assert after[0].role_labels == ("valmistelija", "tarkastaja")
    assert {e.via for e in mine} == {"command_line"}
    system = [e for e in everything(a, "fi") if e.actor_type == "system"]
    assert all(e.via == "system" and e.roles == () for e in system)


def test_filters_by_kind_person_and_section(life):
    a, _ = life
    all_entries = everything(a, "en")
    flags = timeline(a, "en", kinds=["flag"])
    assert flags.total == sum(1 for e in all_entries if e.kind == "flag") > 0
    assert {e.kind for e in flags.entries} == {"flag"}
    two = timeline(a, "en", kinds=["agenda", "reopened"])
    assert {e.kind for e in two.entries} == {"agenda", "reopened"}
    reviewer = user("reviewer")
    theirs = timeline(a, "en", person=reviewer.id)
    assert theirs.total > 0 and {e.who_id for e in theirs.entries} == {reviewer.id}
    assert (reviewer.id, "Rasmus Backman") in theirs.people
    hearings = timeline(a, "en", section="hearings")
    assert hearings.total > 0
    assert all("hearings" in e.sections for e in hearings.entries)
    assert {e.kind for e in hearings.entries} >= {"hearing"}
    scope = timeline(a, "en", section="scope")
    assert "comment" in {e.kind for e in scope.entries}
    both = timeline(a, "en", kinds=["flag"], person=reviewer.id)
    assert both.entries and all(e.kind == "flag" and e.who_id == reviewer.id for e in both.entries)


def test_bad_filters_are_named(life):
    a, _ = life
    with pytest.raises(ValidationFailed) as refused:
        timeline(a, "en", kinds=["gossip"], section="nowhere", page=0, per_page=500)
    assert set(refused.value.errors) == {"kind", "section", "page", "per_page"}
    assert "transition" in str(refused.value.errors["kind"][0])


def test_pages_and_groups(life):
    a, _ = life
    whole = everything(a, "en")
    first = timeline(a, "en", per_page=7)
    second = timeline(a, "en", page=2, per_page=7)
    assert first.total == len(whole) and first.pages == -(-len(whole) // 7)
    assert [e.event_id for e in first.entries + second.entries] == [e.event_id for e in whole[:14]]
    assert first.has_next and not first.has_prev and second.has_prev
    beyond = timeline(a, "en", page=first.pages + 1, per_page=7)
    assert beyond.entries == []
    # Grouped by the version each entry belongs to, the groups in order.
    big = timeline(a, "en", per_page=100)
    revisions = [g.revision for g in big.groups]
    assert revisions[0] is None and revisions[1:] == sorted(revisions[1:])
    assert big.groups[1].label.startswith("Version 1")
    assert sum(len(g.entries) for g in big.groups) == len(big.entries)


def _history_views():
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "access.history_viewed")
    )


def test_the_page_filters_and_records_who_read_it(demo):
    with demo.app_context():
        a, _ = live()
        assessment_id = a.id
        before = _history_views()
    client = demo.test_client()
    login(client, "auditor")
    use_language(client, "sv")
    page = client.get(f"/assessments/{assessment_id}/history?kind=flag")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Postens slag" in html and "Anmärkningar" in html
    assert "kvitterad" in html and "Rasmus Backman (granskare)" in html
    assert "Påbörja bedömningen" not in html  # a step, filtered out
    bad = client.get(f"/assessments/{assessment_id}/history?kind=gossip&person=x")
    bad_html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "gossip" in bad_html and "Välj en person" in bad_html
    with demo.app_context():
        assert _history_views() == before + 2
        last = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "access.history_viewed")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        assert last.actor_name == "Aino Auvinen" and last.object_id == assessment_id
        read = timeline(a_of(assessment_id), "sv", kinds=["access"]).entries
        assert read[-1].who == "Aino Auvinen" and read[-1].via == "web"
        assert "Användes via" in words_of(read[-2]) and "webben" in words_of(read[-2])
        assert "Slag  Anmärkningar" in words_of(read[-2])


def a_of(assessment_id):
    from assess.models import Assessment

    return db.session.get(Assessment, assessment_id)


def test_the_api_answers_labels_and_records_the_reading(demo):
    with demo.app_context():
        a, _ = live()
        assessment_id = a.id
        token = issue_token(user("auditor"))
        before = _history_views()
    client = demo.test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "fi"}
    answer = client.get(
        f"/api/v1/assessments/{assessment_id}/history?kind=transition,reopened&per_page=3",
        headers=headers,
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["per_page"] == 3 and body["time_zone"] == "Europe/Helsinki"
    assert body["total"] > 3 and body["pages"] == -(-body["total"] // 3)
    item = body["items"][1]
    assert item["kind"] == "transition" and item["kind_label"] == "Prosessin vaiheet"
    assert "Aloita arviointitarpeen tunnistaminen" in item["summary"]
    assert item["roles"] == ["preparer"] and item["role_labels"] == ["valmistelija"]
    assert item["transition"]["trigger"] == "start_screening" and len(item["hash"]) == 64
    assert item["at_local"].endswith(("+02:00", "+03:00"))
    answers = client.get(
        f"/api/v1/assessments/{assessment_id}/history?kind=answers&per_page=1", headers=headers
    ).get_json()["items"][0]
    assert answers["details"] and {"path", "label", "old", "new", "change", "section"} <= set(
        answers["details"][0]
    )
    assert not answers["details"][0]["label"].startswith("screening.")
    refused = client.get(
        f"/api/v1/assessments/{assessment_id}/history?kind=gossip&page=x", headers=headers
    )
    assert refused.status_code == 422
    assert "page" in json.dumps(refused.get_json())
    unknown = client.get(
        f"/api/v1/assessments/{assessment_id}/history?kind=gossip&section=nowhere",
        headers=headers,
    )
    assert unknown.status_code == 422
    named = json.dumps(unknown.get_json(), ensure_ascii=False)
    assert "kind" in named and "section" in named and "gossip" in named
    with demo.app_context():
        # Two readings answered; the refused one read nothing.
        assert _history_views() == before + 2
        read = timeline(a_of(assessment_id), "en", kinds=["access"]).entries[-1]
        assert read.via == "api" and read.who == "Aino Auvinen"
        assert read.role_labels == ("auditor",)


def test_a_recorded_filter_naming_no_person_reads_as_given(life):
    """A reading is recorded with the filters as the reader sent them; a person id beyond the
    id columns' range (PostgreSQL refused the whole history for it) is shown as sent."""
    a, _ = life
    huge = 203420790662164992
    record_access(user("auditor"), "access.history_exported", "assessment", a.id, {"person": huge})
    record_access(user("auditor"), "access.history_viewed", "assessment", a.id, {"person": "7x"})
    read = everything(a, "en")
    shown = [words_of(e) for e in read if e.kind == "access"]
    assert any(str(huge) in w for w in shown)
    assert any("7x" in w for w in shown)


REMOVED = {
    "fi": ("Lisätty kokouksen", "Poistettu kokouksen"),
    "sv": ("Lagt till", "Struket från"),
    "en": ("Added to the agenda of meeting", "Removed from the agenda of meeting"),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_an_agenda_item_removed_stays_in_the_history(ctx, language):
    """A decision taken off a meeting's agenda: the meeting no longer lists it, yet its
    history shows it added, its documents attached and its removal, in that order (the
    removal is recorded on the decision too, which is how the timeline finds the meeting)."""
    preparer, reviewer, secretary = user("preparer"), user("reviewer"), user("secretary")
    d = decision_ops.create_decision(
        preparer, case_number="TL/2", title="Asia TL/2", language="fi", body_id=1, proposal=""
    )
    a = prepared(preparer, d, level="full")
    review_ops.submit(preparer, a, "submit", reviewer_id=reviewer.id, expected_version=a.version)
    acknowledge_high(reviewer, a, comment="Kuitattu.")
    ops.fire(reviewer, a, "approve", expected_version=a.version)
    m = _meeting(7, "2026-12-08T14:00")
    meeting_ops.add_item(secretary, m, d.id, expected_version=m.version)
    meeting_ops.attach_documents(secretary, m, expected_version=m.version)
    meeting_ops.remove_item(secretary, m, m.items[0].id, expected_version=m.version)
    assert m.items == []
    pointer = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == meeting_ops.REMOVED_FROM_AGENDA)
    ).one()
    assert (pointer.object_type, pointer.object_id) == ("decision", d.id)
    assert pointer.changes == [{"field": "meeting", "old": m.id, "new": None}]

    agenda = [e for e in everything(a, language) if e.kind == "agenda"]
    assert [e.action for e in agenda] == [
        "meeting.item_added",
        "meeting.documents_attached",
        "meeting.item_removed",
    ]
    added, removed = REMOVED[language]
    assert added in agenda[0].summary and removed in agenda[-1].summary
    assert m.label in agenda[-1].summary
    # The pointer on the decision is not a second entry.
    shown = {e.event_id for e in everything(a, language)}
    assert pointer.id not in shown
