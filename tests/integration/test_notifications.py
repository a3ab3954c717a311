"""Notifications (issue 20): who is told of each step, in their language; preferences;
reminders once per person; the outbox that never loses a mail; the inbox pages."""

from __future__ import annotations

import socket
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from assess.extensions import db
from assess.models import Decision, Notification, OutboxMessage, User
from assess.models._types import utcnow
from assess.operations import assessments as ops
from assess.operations import demo_scenario, notifications, outbox, reminders
from assess.operations import meetings as meeting_ops
from assess.operations._tx import transaction
from assess.operations.context import today
from assess.operations.demo import load_demo
from assess.operations.users import create_user
from tests.conftest import fresh_app, release_app
from tests.support import login, post, user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mail_app(request):
    """The demo with e-mail configured (to a port where nothing listens, unless a test
    starts a sink there)."""
    app = fresh_app(
        request,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port(),
        MAIL_TIMEOUT_SECONDS=5,
        MAIL_FROM="eva@kunta.example",
        PUBLIC_BASE_URL="https://eva.kunta.example",
    )
    with app.app_context():
        load_demo()
    yield app
    release_app(app)


@pytest.fixture
def mctx(mail_app):
    with mail_app.app_context():
        yield mail_app


def decision(case_number: str) -> Decision:
    return db.session.scalars(select(Decision).where(Decision.case_number == case_number)).one()


def notes(person: User, kind: str | None = None) -> list[Notification]:
    q = select(Notification).where(Notification.user_id == person.id)
    if kind:
        q = q.where(Notification.kind == kind)
    return list(db.session.scalars(q.order_by(Notification.id)))


def mails(to: str | None = None) -> list[OutboxMessage]:
    q = select(OutboxMessage)
    if to:
        q = q.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(q.order_by(OutboxMessage.id)))


def test_a_submission_tells_the_reviewers_in_their_language_never_the_actor(mctx):
    preparer, reviewer = user("preparer"), user("reviewer")
    a = demo_scenario.to_review(preparer, decision("KPHA/388/2026"))

    [note] = notes(reviewer, "review_requested")
    assert note.assessment_id == a.id and note.actor_id == preparer.id
    assert note.params["case_number"] == "KPHA/388/2026"
    assert notes(preparer) == []  # the one who acted is not told of it
    [mail] = mails(reviewer.email)
    # The demo's reviewer reads Swedish.
    assert mail.language == "sv"
    assert mail.subject.startswith("Paula Peltonen ber dig granska bedömningen: KPHA/388/2026")
    assert f"https://eva.kunta.example/assessments/{a.id}" in mail.body
    assert "https://eva.kunta.example/account#notifications" in mail.body
    assert mail.sent_at is None and mail.attempts == 0


def test_without_a_mail_server_only_the_inbox(ctx):
    preparer, reviewer = user("preparer"), user("reviewer")
    demo_scenario.to_review(preparer, decision("KPHA/388/2026"))
    assert len(notes(reviewer, "review_requested")) == 1
    assert mails() == []


def test_open_high_flags_at_submission_are_flags_to_weigh(mctx):
    preparer, reviewer = user("preparer"), user("reviewer")
    a = demo_scenario.to_review(preparer, decision("KPHA/412/2026"), level="full")
    open_high = [f for f in a.content.flags if f.severity == "high" and f.status == "open"]
    assert open_high, "the full demo assessment should carry open high flags"
    [note] = notes(reviewer, "flags_to_weigh")
    assert note.params["count"] == len(open_high)
    # Inbox only by default: the review request's mail is enough.
    assert [m.subject for m in mails(reviewer.email) if "anmärkningar" in m.subject] == []


def test_returned_with_the_comment_and_approved_go_to_the_preparer(mctx):
    preparer, reviewer = user("preparer"), user("reviewer")
    a = demo_scenario.to_review(preparer, decision("KPHA/388/2026"))
    ops.fire(
        reviewer,
        a,
        "return_for_revision",
        comment="Lisää vaihtoehtojen vertailu.",
        expected_version=a.version,
    )
    [returned] = notes(preparer, "returned")
    assert returned.params["comment"] == "Lisää vaihtoehtojen vertailu."
    [mail] = mails(preparer.email)
    assert mail.language == "fi"
    assert "Rasmus Backman palautti sinulle arvioinnin" in mail.subject
    assert "Lisää vaihtoehtojen vertailu." in mail.body

    ops.fire(preparer, a, "submit", expected_version=a.version)
    assert len(notes(reviewer, "review_requested")) == 2  # asked again
    demo_scenario.acknowledge_high(reviewer, a)
    ops.fire(reviewer, a, "approve", expected_version=a.version)
    [approved] = notes(preparer, "approved")
    assert approved.actor_id == reviewer.id
    assert notes(reviewer, "approved") == []


def test_the_chosen_reviewer_alone_is_asked(mctx):
    preparer, reviewer = user("preparer"), user("reviewer")
    other = create_user(
        organisation=preparer.organisation,
        email="toinen.tarkastaja@demo.example",
        name="Toinen Tarkastaja",
        roles=["reviewer"],
        password="a long enough password for the test",
    )
    a = demo_scenario.prepared(preparer, decision("KPHA/388/2026"))
    with transaction():
        a.reviewer_id = other.id
    ops.fire(preparer, a, "submit", expected_version=a.version)
    assert len(notes(other, "review_requested")) == 1
    assert notes(reviewer, "review_requested") == []


def test_without_a_chosen_reviewer_every_reviewer_of_the_organisation(mctx):
    preparer = user("preparer")
    other = create_user(
        organisation=preparer.organisation,
        email="toinen.tarkastaja@demo.example",
        name="Toinen Tarkastaja",
        roles=["reviewer"],
        password="a long enough password for the test",
    )
    demo_scenario.to_review(preparer, decision("KPHA/388/2026"))
    assert len(notes(other, "review_requested")) == 1
    assert len(notes(user("reviewer"), "review_requested")) == 1


def test_preferences_decide_the_mail_not_the_inbox(mctx):
    preparer, reviewer = user("preparer"), user("reviewer")
    assert notifications.preferences(reviewer)["review_requested"] is True
    notifications.set_preferences(reviewer, {"review_requested": False})
    assert notifications.preferences(reviewer)["review_requested"] is False
    demo_scenario.to_review(preparer, decision("KPHA/388/2026"))
    assert len(notes(reviewer, "review_requested")) == 1
    assert mails(reviewer.email) == []


def test_unknown_preference_is_refused_and_nothing_changes(mctx):
    from assess.operations import ValidationFailed

    reviewer = user("reviewer")
    with pytest.raises(ValidationFailed) as caught:
        notifications.set_preferences(reviewer, {"everything": True, "approved": False})
    assert "everything" in str(caught.value.errors["notifications"][0])
    assert reviewer.notification_preferences is None


def test_a_deduplicated_reminder_is_written_once_per_person(mctx):
    secretary = user("secretary")
    for _ in range(3):
        with transaction() as session:
            notifications.notify(
                session,
                kind="meeting_deadline",
                users=[secretary],
                actor=None,
                params={"meeting": "1/2027", "date": "2027-01-15", "count": 2},
                dedupe_key="meeting_deadline:test",
            )
    assert len(notes(secretary, "meeting_deadline")) == 1
    assert len(mails(secretary.email)) == 1


def _meeting_in(days: int, preparer_decision: str):
    secretary = user("secretary")
    d = decision(preparer_decision)
    when = datetime.combine(today() + timedelta(days=days), datetime.min.time()).replace(hour=14)
    m = meeting_ops.create_meeting(
        secretary,
        body_id=d.body_id,
        number=40,
        year=when.year,
        starts_at=when.isoformat(timespec="minutes"),
        place="Kokkola",
    )
    meeting_ops.add_item(secretary, m, d.id, expected_version=m.version)
    return m


def test_remind_a_meeting_near_tells_the_secretary_and_the_preparer_once(mctx):
    preparer, secretary = user("preparer"), user("secretary")
    m = _meeting_in(5, "KPHA/388/2026")  # no assessment started: the preparer's to fix
    first = reminders.remind()
    assert first.written["meeting_deadline"] == 2
    [to_secretary] = notes(secretary, "meeting_deadline")
    assert to_secretary.meeting_id == m.id and to_secretary.params["count"] == 1
    [to_preparer] = notes(preparer, "meeting_deadline")
    assert to_preparer.params["case_number"] == "KPHA/388/2026"
    again = reminders.remind()
    assert again.written["meeting_deadline"] == 0
    assert len(notes(secretary)) == 1 and len(notes(preparer)) == 1


def test_remind_no_meeting_reminder_when_far(mctx):
    _meeting_in(30, "KPHA/388/2026")
    assert reminders.remind().written["meeting_deadline"] == 0


def test_remind_a_follow_up_due_tells_the_preparer_once(mctx):
    from assess.operations.demo_scenario import load_scenario

    assert load_scenario()
    preparer = user("preparer")
    before = len(notes(preparer, "follow_up_due"))
    # The demo's indicator is to be reviewed on 2027-12-31: not yet a month before it.
    assert reminders.remind(on=date(2027, 11, 1)).written["follow_up_due"] == 0
    assert reminders.remind(on=date(2027, 12, 20)).written["follow_up_due"] == 1
    assert reminders.remind(on=date(2028, 1, 5)).written["follow_up_due"] == 0
    [due] = notes(preparer, "follow_up_due")[before:]
    assert due.params["date"] == "2027-12-31"


# --- the outbox ----------------------------------------------------------------------------


def test_a_failing_mail_server_keeps_the_mail_and_backs_off(mctx):
    preparer, reviewer = user("preparer"), user("reviewer")
    demo_scenario.to_review(preparer, decision("KPHA/388/2026"))
    [mail] = mails(reviewer.email)

    report = outbox.run_once()  # nothing listens on the port
    assert (report.sent, report.failed) == (0, 1)
    db.session.refresh(mail)
    assert mail.sent_at is None and mail.attempts == 1
    assert mail.last_error
    first_wait = mail.next_attempt_at - utcnow()
    assert timedelta(seconds=30) < first_wait <= timedelta(minutes=1)

    # Not due yet: the next run leaves it alone.
    assert (outbox.run_once().failed, outbox.run_once().sent) == (0, 0)

    with transaction():
        mail.next_attempt_at = utcnow() - timedelta(seconds=1)
    outbox.run_once()
    db.session.refresh(mail)
    assert mail.attempts == 2 and mail.sent_at is None
    assert timedelta(minutes=1) < mail.next_attempt_at - utcnow() <= timedelta(minutes=2)
    assert db.session.get(OutboxMessage, mail.id) is not None  # never deleted


def test_backoff_is_capped(mctx):
    mctx.config["OUTBOX_MAX_BACKOFF_MINUTES"] = 360
    assert outbox.backoff(1) == timedelta(minutes=1)
    assert outbox.backoff(4) == timedelta(minutes=8)
    assert outbox.backoff(40) == timedelta(minutes=360)


def test_a_failing_mail_never_blocks_the_step(mctx):
    preparer = user("preparer")
    a = demo_scenario.to_review(preparer, decision("KPHA/388/2026"))
    outbox.run_once()
    # The step is done whatever the mail server did.
    assert ops.engine_for(a).definition.awaits_review(a.state)


# --- the pages -----------------------------------------------------------------------------


def test_inbox_page_unread_count_open_and_mark_read(client, demo):
    with demo.app_context():
        demo_scenario.to_review(user("preparer"), decision("KPHA/388/2026"))
        mine = notes(user("reviewer"))
        asked = notes(user("reviewer"), "review_requested")[0]
        theirs = db.session.scalars(
            select(Notification).where(Notification.user_id != user("reviewer").id)
        ).first()
    assert len(mine) == 2  # asked to review, and the open high flags to weigh
    login(client, "reviewer")
    page = client.get("/inbox").get_data(as_text=True)
    assert 'aria-label="Inkorg, 2 olästa"' in page
    assert "2 olästa</span>" in page  # the header's count, in the reviewer's Swedish
    assert "ber dig granska bedömningen: KPHA/388/2026" in page
    assert page.count("Oläst</span>") == 2
    # Newest first.
    assert page.index(f'id="notification-{mine[1].id}"') < page.index(
        f'id="notification-{mine[0].id}"'
    )

    opened = client.get(f"/inbox/{asked.id}")
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/assessments/{asked.assessment_id}")
    assert "1 oläst</span>" in client.get("/inbox").get_data(as_text=True)

    # Someone else's notification is not there for this reader.
    if theirs is not None:
        assert client.get(f"/inbox/{theirs.id}").status_code == 404
        assert post(client, f"/inbox/{theirs.id}/read").status_code == 302
        with demo.app_context():
            assert db.session.get(Notification, theirs.id).read_at is None

    other = next(n for n in mine if n.id != asked.id)
    assert post(client, f"/inbox/{other.id}/read").status_code == 302
    page = client.get("/inbox").get_data(as_text=True)
    assert "oläst</span>" not in page and "Oläst</span>" not in page
    assert "Du har inga olästa aviseringar." in page


def test_mark_all_read_needs_csrf(client, demo):
    with demo.app_context():
        demo_scenario.to_review(user("preparer"), decision("KPHA/388/2026"))
    login(client, "reviewer")
    assert client.post("/inbox/read-all").status_code == 400
    assert post(client, "/inbox/read-all").status_code == 302
    with demo.app_context():
        assert all(n.read_at for n in notes(user("reviewer")))


def test_preferences_on_the_account_page(client, demo):
    login(client, "preparer")
    page = client.get("/account").get_data(as_text=True)
    assert 'name="email_returned" checked' in page
    assert 'name="email_comment">' in page  # off by default
    response = post(client, "/account/notifications", {"email_comment": "on"})
    assert response.status_code == 302
    with demo.app_context():
        prefs = notifications.preferences(user("preparer"))
    assert prefs["comment"] is True and prefs["returned"] is False


def test_inbox_pages_newest_first(client, demo):
    with demo.app_context():
        reviewer = user("reviewer")
        with transaction() as session:
            for n in range(35):
                notifications.notify(
                    session,
                    kind="follow_up_due",
                    users=[reviewer],
                    actor=None,
                    params={"date": "2027-01-01", "indicator": f"Mittari {n:02d}"},
                )
    login(client, "reviewer")
    first = client.get("/inbox").get_data(as_text=True)
    assert first.count("Oläst</span>") == 30
    assert "Mittari 34" in first and "Mittari 04" not in first
    second = client.get("/inbox?page=2").get_data(as_text=True)
    assert second.count("Oläst</span>") == 5 and "Mittari 00" in second
    beyond = client.get("/inbox?page=99").get_data(as_text=True)

    def main(page: str) -> str:
        return page[page.index("<main") : page.index("</main>")]

    assert main(beyond) == main(second)
    assert 'aria-current="page" aria-label="' in second  # the pagination's current page


def test_every_kind_has_its_texts():
    from assess import notification_texts as texts
    from assess.models.notification import NOTIFICATION_KINDS

    assert tuple(texts.KIND_LABELS) == NOTIFICATION_KINDS
    assert set(notifications.EMAIL_BY_DEFAULT) == set(NOTIFICATION_KINDS)


def test_a_comment_tells_the_other_party(mctx):
    from assess.operations.comments import add_comment

    preparer, reviewer = user("preparer"), user("reviewer")
    other = create_user(
        organisation=preparer.organisation,
        email="toinen.tarkastaja@demo.example",
        name="Toinen Tarkastaja",
        roles=["reviewer"],
        password="a long enough password for the test",
    )
    # While preparing, a note to self calls no reviewer.
    draft = demo_scenario.prepared(preparer, decision("MÖVO/95/2026"))
    add_comment(preparer, draft, "general", "Muistiinpano itselle.")
    assert notes(reviewer, "comment") == [] and notes(other, "comment") == []

    a = demo_scenario.to_review(preparer, decision("KPHA/388/2026"))
    add_comment(reviewer, a, "general", "Perustele vaikutus lapsiin.")
    [to_preparer] = notes(preparer, "comment")
    assert to_preparer.params["comment"] == "Perustele vaikutus lapsiin."
    assert to_preparer.params["section"] == "general"
    assert notes(other, "comment") == []  # only the preparer: the other reviewer is not in it

    add_comment(preparer, a, "general", "Lisätty.")
    [to_reviewer] = notes(reviewer, "comment")
    assert to_reviewer.actor_id == preparer.id
    assert len(notes(preparer, "comment")) == 1  # never told of one's own comment
    # Inbox only by default.
    assert [m for m in mails() if "kommentoi" in m.subject or "kommenterade" in m.subject] == []
