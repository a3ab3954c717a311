"""Control characters are stripped from every stored free text, by every front, on every
database (issue 15, item 7).

A terminal escape (ESC, or C1's CSI U+009B), DEL, or a bidi override sent in a name, a
place, a comment, a note or an answer must not reach the rows or the audit log, where an
auditor's terminal (`flask audit`) or the history page would show coloured, moved or
reversed text. NUL is refused (test_hostile_input.py); the rest is removed, tab and newlines
kept. Each case sends the text through a front and reads back what was stored, and checks
that no audit event holds such a character. With TEST_DATABASE=postgresql it runs on
PostgreSQL: both databases must store the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from assess import audit
from assess.extensions import db
from assess.input_shape import CONTROL
from assess.models import Assessment, AuditEvent, Decision, Meeting, User
from assess.operations import decisions as decision_ops
from assess.operations import meetings as meeting_ops
from assess.operations.demo_scenario import prepared, to_review
from assess.operations.users import issue_token
from tests.support import login, post, user

# A colour, a reset, a right-to-left override that shows "gnp.exe" as "exe.png", C1's CSI
# clearing the screen, DEL, an isolate; a tab and a newline that a multi-line text keeps.
HOSTILE = "\x1b[31mred\x1b[0m \u202egnp.exe\x9b2J\x7f\u2066x\u2069\x01\x0c"
STRIPPED = "[31mred[0m gnp.exe2Jx"
MULTI_LINE = f"{HOSTILE}\tone\ntwo"
MULTI_LINE_STRIPPED = f"{STRIPPED}\tone\ntwo"
PASSWORD = "Kolme iloista sammakkoa hyppii 2026"


@dataclass
class World:
    app: object
    assessment: int  # answered, not yet submitted (the preparer's)
    version: int
    in_review: int  # submitted, with open high-severity flags (the reviewer's)
    flag: str
    tokens: dict

    def web(self, role: str):
        client = self.app.test_client()
        login(client, role)
        return client

    def api(self, role: str, method: str, path: str, **kw):
        headers = {"Authorization": f"Bearer {self.tokens[role]}", **kw.pop("headers", {})}
        return self.app.test_client().open(f"/api/v1{path}", method=method, headers=headers, **kw)


@pytest.fixture
def world(demo):
    with demo.app_context():
        a = prepared(user("preparer"), db.session.get(Decision, 1))
        other = decision_ops.create_decision(
            user("preparer"), case_number="C/2", title="Other", language="fi", body_id=1
        )
        r = to_review(user("preparer"), other)
        flag = next(f.id for f in r.content.flags if f.severity == "high" and f.status == "open")
        roles = ("preparer", "reviewer", "secretary", "admin")
        tokens = {role: issue_token(user(role)) for role in roles}
        return World(demo, a.id, a.version, r.id, flag, tokens)


def _version(w: World, assessment_id: int) -> str:
    with w.app.app_context():
        return str(db.session.get(Assessment, assessment_id).version)


def _newest(model, *where):
    return db.session.scalars(select(model).where(*where).order_by(model.id.desc())).first()


def _decision_title(w: World) -> str:
    return _newest(Decision).title


def _comment(w: World) -> str:
    event = _newest(AuditEvent, AuditEvent.transition.is_not(None))
    return event.transition["comment"]


def _place(w: World) -> str:
    return _newest(Meeting).place


def _acknowledgement(w: World) -> str:
    flags = db.session.get(Assessment, w.in_review).content.flags
    acknowledgement = next(f for f in flags if f.id == w.flag).acknowledged
    assert acknowledgement is not None
    return acknowledgement.comment


def _hearing(w: World) -> str:
    return db.session.get(Assessment, w.assessment).content.hearings[-1].statement


def _answer(w: World) -> str:
    return db.session.get(Assessment, w.assessment).content.answer("scope_notes")


def _user_name(w: World) -> str:
    return db.session.scalar(select(User).where(User.email == "new@demo.example")).name


def _user_form(text: str) -> dict:
    return {
        "email": "new@demo.example",
        "name": text,
        "roles": "preparer",
        "password": PASSWORD,
    }


# (front, field): (how the text is sent, where it is stored, what must be stored). A sender
# takes the world and the text and returns the response (or the CLI's result).
Send = Callable[[World, str], object]
CASES: dict[tuple[str, str], tuple[Send, Callable[[World], str], str]] = {
    ("web", "decision title"): (
        lambda w, t: post(
            w.web("preparer"),
            "/decisions/new",
            {"case_number": "C/9", "title": t, "language": "fi", "body_id": "1"},
        ),
        _decision_title,
        STRIPPED,
    ),
    ("api", "decision title"): (
        lambda w, t: w.api(
            "preparer",
            "POST",
            "/decisions",
            json={"case_number": "C/9", "title": t, "language": "fi", "body": 1},
        ),
        _decision_title,
        STRIPPED,
    ),
    ("web", "transition comment"): (
        lambda w, t: post(
            w.web("preparer"),
            f"/assessments/{w.assessment}/transitions",
            {"trigger": "submit", "comment": t, "version": str(w.version)},
        ),
        _comment,
        MULTI_LINE_STRIPPED,
    ),
    ("api", "transition comment"): (
        lambda w, t: w.api(
            "preparer",
            "POST",
            f"/assessments/{w.assessment}/transitions",
            json={"trigger": "submit", "comment": t},
        ),
        _comment,
        MULTI_LINE_STRIPPED,
    ),
    ("web", "meeting place"): (
        lambda w, t: post(
            w.web("secretary"),
            "/meetings",
            {"body_id": "1", "starts_at": "2027-01-10T14:00", "place": t},
        ),
        _place,
        STRIPPED,
    ),
    ("api", "meeting place"): (
        lambda w, t: w.api(
            "secretary",
            "POST",
            "/meetings",
            json={"body": 1, "starts_at": "2027-01-10T14:00", "place": t},
        ),
        _place,
        STRIPPED,
    ),
    ("web", "flag acknowledgement"): (
        lambda w, t: post(
            w.web("reviewer"),
            f"/assessments/{w.in_review}/flags/{w.flag}/acknowledge",
            {"comment": t, "version": _version(w, w.in_review)},
        ),
        _acknowledgement,
        MULTI_LINE_STRIPPED,
    ),
    ("api", "flag acknowledgement"): (
        lambda w, t: w.api(
            "reviewer",
            "POST",
            f"/assessments/{w.in_review}/flags/{w.flag}/acknowledge",
            json={"comment": t},
        ),
        _acknowledgement,
        MULTI_LINE_STRIPPED,
    ),
    ("api", "hearing statement"): (
        lambda w, t: w.api(
            "preparer",
            "POST",
            f"/assessments/{w.assessment}/hearings",
            json={"council": "older_people_council", "statement": t},
        ),
        _hearing,
        MULTI_LINE_STRIPPED,
    ),
    ("api", "questionnaire answer"): (
        lambda w, t: w.api(
            "preparer",
            "PATCH",
            f"/assessments/{w.assessment}",
            json={"answers": {"scope_notes": t}},
            headers={"If-Match": f'"{w.version}"'},
        ),
        _answer,
        MULTI_LINE_STRIPPED,
    ),
    ("web", "person's name"): (
        lambda w, t: post(w.web("admin"), "/admin/users/new", _user_form(t)),
        _user_name,
        STRIPPED,
    ),
    ("cli", "person's name"): (
        lambda w, t: w.app.test_cli_runner().invoke(
            args=[
                "users",
                "create",
                "new@demo.example",
                "--name",
                t,
                "--role",
                "preparer",
                "--password-stdin",
            ],
            input=PASSWORD + "\n",
        ),
        _user_name,
        STRIPPED,
    ),
}


def _accepted(response) -> bool:
    if hasattr(response, "exit_code"):  # the CLI's result
        return response.exit_code == 0
    return response.status_code < 400


@pytest.mark.parametrize("front, field", list(CASES), ids=[f"{f}: {x}" for f, x in CASES])
def test_control_characters_are_stripped_from_what_is_stored(world, front, field):
    send, stored, expected = CASES[front, field]
    text = MULTI_LINE if expected == MULTI_LINE_STRIPPED else HOSTILE
    response = send(world, text)
    detail = getattr(response, "output", None) or response.get_data(as_text=True)[:2000]
    assert _accepted(response), detail
    with world.app.app_context():
        assert stored(world) == expected
        shown = [
            (e.id, e.actor_name, e.changes, e.transition)
            for e in db.session.scalars(select(AuditEvent))
        ]
        assert not [e for e in shown if CONTROL.search(json.dumps(e, ensure_ascii=False))]
        assert audit.verify(db.session()).intact


def test_every_text_column_written_is_stripped_whatever_the_path(world):
    """The net under the use cases: a text column set by code that forgot to clean it."""
    with world.app.app_context():
        meeting = meeting_ops.create_meeting(
            user("secretary"), body_id=1, starts_at="2027-02-01T10:00", place="Hall"
        )
        meeting.place = HOSTILE
        person = user("preparer")
        person.name = f"Pia{HOSTILE}"
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Meeting, meeting.id).place == STRIPPED
        assert user("preparer").name == f"Pia{STRIPPED}"


def test_the_audit_log_holds_no_control_character_whatever_it_is_given(world):
    with world.app.app_context():
        event = audit.append(
            db.session(),
            actor=audit.AuditActor("user", 1, f"Pia{HOSTILE}"),
            action="test.escape",
            object_type="test",
            object_id=None,
            changes=[{"field": "place", "old": "Hall", "new": MULTI_LINE}],
            transition={"comment": HOSTILE},
        )
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get(AuditEvent, event.id)
        assert stored.actor_name == f"Pia{STRIPPED}"
        assert stored.changes[0]["new"] == MULTI_LINE_STRIPPED
        assert stored.transition == {"comment": STRIPPED}
        assert audit.verify(db.session()).intact
