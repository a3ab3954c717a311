"""The agenda of issue 19, read back with python-docx: Finnish time across a daylight-saving
change, the presenter chosen per item (audited, refused with nothing changed), the proposal
in the agenda's language, the attachments numbered with the hearings' statements, the
Swedish agenda in Swedish, and the published agenda kept byte for byte."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC

import docx
import pytest
from sqlalchemy import func, select

from assess.documents.texts import TEXTS, text
from assess.extensions import db
from assess.models import AuditEvent, Decision, MeetingDocument
from assess.operations import Conflict, Forbidden, ValidationFailed
from assess.operations import agenda_presenters as presenter_ops
from assess.operations import assessments as ops
from assess.operations import attachments as attachment_ops
from assess.operations import decisions as decision_ops
from assess.operations import meetings as meeting_ops
from tests.support import acknowledge_high, login, post, to_review, user

TITLE_SV = (
    "Nedläggning av mottagningen vid Halsua hälsostation och flytt av tjänsterna till Karleby"
)
PROPOSAL_SV = (
    "Välfärdsområdesstyrelsen beslutar att lägga ned mottagningen vid Halsua hälsostation "
    "från 1.6.2027 och flytta tjänsterna till Karleby hälsocentral."
)
PARAMS = {"n": 1, "name": "x", "date": "1.1.2027", "doc": "EVA-1-1-FI"}


def meeting(number=1, when="2026-12-15T14:00", place="Kokkola, valtuustosali", place_sv=""):
    return meeting_ops.create_meeting(
        user("secretary"),
        body_id=1,
        number=number,
        year=2026,
        starts_at=when,
        place=place,
        place_sv=place_sv,
    )


def decision(case: str) -> Decision:
    return db.session.scalar(select(Decision).where(Decision.case_number == case))


def approved(case: str, level: str = "light", statement: bytes | None = None):
    """The decision's assessment approved; with ``statement``, the first hearing's file."""
    a = to_review(user("preparer"), decision(case), level)
    if statement is not None:
        ops.fire(
            user("reviewer"), a, "return_for_revision", comment="Add the file.",
            expected_version=a.version,
        )  # fmt: skip
        hearing = a.data["hearings"][0]["id"]
        attachment_ops.attach_statement(
            user("preparer"), a, hearing, "lausunto.pdf", statement, expected_version=a.version
        )
        ops.fire(user("preparer"), a, "submit", expected_version=a.version)
    acknowledge_high(user("reviewer"), a)
    ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
    return a


def on_agenda(m, case: str):
    return meeting_ops.add_item_and_attach(
        user("secretary"), m, decision(case).id, expected_version=m.version
    )


def read(content: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(content))


def agenda(m, language: str) -> docx.Document:
    return read(meeting_ops.agenda_document(user("secretary"), m, language)[0])


def lines(d: docx.Document) -> list[str]:
    return [p.text for p in d.paragraphs]


def rows(d: docx.Document) -> list[list[str]]:
    return [[c.text for c in r.cells] for t in d.tables for r in t.rows[1:]]


def events(action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalar(query)


# --- time ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when, utc_hour",
    [
        ("2026-10-26T17:00", 15),  # the day after summer time ends: EET, UTC+2
        ("2026-03-30T17:00", 14),  # the day after it begins: EEST, UTC+3
        ("2026-03-30T14:00+00:00", 14),  # given in UTC by a system
    ],
)
def test_the_meeting_time_is_finnish_time_across_daylight_saving(ctx, when, utc_hour):
    m = meeting(when=when)
    assert m.starts_at.astimezone(UTC).hour == utc_hour  # stored as the instant it is
    day = {"10-26": "26.10.2026", "03-30": "30.3.2026"}[when[5:10]]
    for language, label in (("fi", "Aika"), ("sv", "Tid")):
        assert f"{label}: {day} 17.00" in lines(agenda(m, language))


# --- the presenter -----------------------------------------------------------------------


def test_the_secretary_chooses_the_presenter_with_a_title_and_it_is_audited(ctx):
    approved("KPHA/412/2026")
    m = meeting()
    item = on_agenda(m, "KPHA/412/2026")
    # Not the preparer, until someone is chosen.
    assert "Esittelijä: ei valittu" in lines(agenda(m, "fi"))
    assert "Föredragande: inte vald" in lines(agenda(m, "sv"))
    before = events("meeting.presenter_chosen")
    presenter_ops.choose(
        user("secretary"), m, item.id, user("reviewer").id, "hyvinvointialuejohtaja",
        "välfärdsområdesdirektör", expected_version=m.version,
    )  # fmt: skip
    assert "Esittelijä: Rasmus Backman, hyvinvointialuejohtaja" in lines(agenda(m, "fi"))
    assert "Föredragande: Rasmus Backman, välfärdsområdesdirektör" in lines(agenda(m, "sv"))
    assert events("meeting.presenter_chosen") == before + 1
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "meeting.presenter_chosen")
    )
    change = event.changes[0]
    assert change["field"] == "items.1.presenter" and change["old"] is None
    assert change["new"] == {
        "user": user("reviewer").id,
        "name": "Rasmus Backman",
        "title_fi": "hyvinvointialuejohtaja",
        "title_sv": "välfärdsområdesdirektör",
    }
    # The same choice again changes nothing and records nothing.
    version = m.version
    presenter_ops.choose(
        user("secretary"), m, item.id, user("reviewer").id, "hyvinvointialuejohtaja",
        "välfärdsområdesdirektör", expected_version=m.version,
    )  # fmt: skip
    assert (m.version, events("meeting.presenter_chosen")) == (version, before + 1)


def test_a_wrong_presenter_is_refused_and_nothing_changes(ctx):
    m = meeting()
    item = on_agenda(m, "KPHA/412/2026")
    before = (events(), m.version)

    def choose(who="secretary", presenter=None, fi="kunnanjohtaja", sv="kommundirektör"):
        presenter = user("reviewer").id if presenter is None else presenter
        presenter_ops.choose(user(who), m, item.id, presenter, fi, sv, expected_version=m.version)

    with pytest.raises(ValidationFailed) as refused:
        choose(presenter=999_999, fi="", sv="")
    # Every field named, and what would be right said.
    assert set(refused.value.errors) == {"presenter", "title_fi", "title_sv"}
    assert "kommundirektör" in str(refused.value.errors["title_sv"][0])
    with pytest.raises(ValidationFailed):
        choose(fi="x" * 201)
    with pytest.raises(Forbidden):
        choose(who="preparer")
    assert (events(), m.version, item.presenter_id) == (*before, None)


def test_a_published_agenda_s_presenter_cannot_change(ctx):
    approved("KPHA/412/2026")
    m = meeting()
    item = on_agenda(m, "KPHA/412/2026")
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    with pytest.raises(Conflict):
        presenter_ops.choose(
            user("secretary"), m, item.id, user("reviewer").id, "johtaja", "direktör",
            expected_version=m.version,
        )  # fmt: skip


# --- texts in the agenda's language --------------------------------------------------------


def test_the_proposal_is_printed_in_the_agenda_s_language_or_marked(ctx):
    approved("KPHA/412/2026")
    m = meeting()
    on_agenda(m, "KPHA/412/2026")
    proposal = decision("KPHA/412/2026").proposal
    fi, sv = lines(agenda(m, "fi")), lines(agenda(m, "sv"))
    assert fi[fi.index("Esittelijän ehdotus:") + 1] == proposal
    # Written in Finnish only: the Swedish agenda gives the original and says so.
    assert sv[sv.index("Föredragandens förslag:") + 1] == f"{proposal} (på finska)"


def test_a_swedish_decision_is_marked_on_the_finnish_agenda(ctx):
    # The demo's Swedish decision is for the wellbeing committee (body 2).
    a = to_review(user("preparer"), decision("MÖVO/95/2026"))
    acknowledge_high(user("reviewer"), a)
    ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
    m = meeting_ops.create_meeting(
        user("secretary"), body_id=2, number=1, year=2026, starts_at="2026-12-15T14:00"
    )
    on_agenda(m, "MÖVO/95/2026")
    title = decision("MÖVO/95/2026").title
    heads = [p.text for p in agenda(m, "fi").paragraphs if p.style.name == "Heading 3"]
    assert heads == [f"1. {title} (ruotsiksi)"]
    heads = [p.text for p in agenda(m, "sv").paragraphs if p.style.name == "Heading 3"]
    assert heads == [f"1. {title}"]


def test_the_swedish_agenda_is_in_swedish_throughout(ctx):
    # The decision's texts in Swedish too (decisions.translations), before its assessment.
    d = decision("KPHA/412/2026")
    decision_ops.update_decision(
        user("preparer"),
        d,
        case_number=d.case_number,
        title=d.title,
        language=d.language,
        body_id=d.body_id,
        proposal=d.proposal,
        translations={"sv": {"title": TITLE_SV, "proposal": PROPOSAL_SV}},
        expected_version=d.version,
    )
    approved("KPHA/412/2026")
    m = meeting(place="Kokkola, valtuustosali", place_sv="Karleby, fullmäktigesalen")
    item = on_agenda(m, "KPHA/412/2026")
    presenter_ops.choose(
        user("secretary"), m, item.id, user("reviewer").id, "hyvinvointialuejohtaja",
        "välfärdsområdesdirektör", expected_version=m.version,
    )  # fmt: skip
    sv = agenda(m, "sv")
    everything = "\n".join(lines(sv) + [c for r in rows(sv) for c in r])
    assert "Plats: Karleby, fullmäktigesalen" in lines(sv)
    assert "Organisation: Mellersta Österbottens välfärdsområde" in lines(sv)
    assert lines(sv)[0] == "Föredragningslista: Välfärdsområdesstyrelsen 1/2026"
    assert f"1. {TITLE_SV}" in lines(sv)
    assert lines(sv)[lines(sv).index("Föredragandens förslag:") + 1] == PROPOSAL_SV
    assert "Föredragande: Rasmus Backman, välfärdsområdesdirektör" in lines(sv)
    for finnish in ("valtuustosali", "Aluehallitus", "lakkauttaa", "hyvinvointialuejohtaja", "(på"):
        assert finnish not in everything
    # No fixed text of the Finnish agenda where the Swedish one differs.
    for key, message in TEXTS.items():
        params = {k: v for k, v in PARAMS.items() if f"%({k})" in message}
        finnish, swedish = text(key, "fi", **params), text(key, "sv", **params)
        if finnish != swedish and len(finnish) > 4:
            assert finnish not in everything, key
    assert "Paikka: Kokkola, valtuustosali" in lines(agenda(m, "fi"))


# --- attachments ---------------------------------------------------------------------------


def test_attachments_are_numbered_with_the_hearing_statements(ctx):
    statement = b"%PDF-1.4 the older people's council's statement"
    a = approved("KPHA/412/2026", "full", statement=statement)
    m = meeting()
    item = on_agenda(m, "KPHA/412/2026")
    council = a.content.hearings[0].council
    fi_docs = {d.language: d for d in item.documents}
    found = rows(agenda(m, "fi"))
    assert [r[0] for r in found] == ["Liite 1", "Liite 1", "Liite 2"]
    assert found[0][1].startswith("Vaikutusten ennakkoarviointi (suomi), EVA-")
    assert found[0][2:] == [fi_docs["fi"].filename, fi_docs["fi"].sha256]
    assert found[1][1].startswith("Vaikutusten ennakkoarviointi (ruotsi), EVA-")
    assert found[2][1].startswith("Lausunto: ") and council not in found[2][1]
    assert found[2][2:] == ["lausunto.pdf", hashlib.sha256(statement).hexdigest()]
    found = rows(agenda(m, "sv"))
    assert [r[0] for r in found] == ["Bilaga 1", "Bilaga 1", "Bilaga 2"]
    assert found[2][1].startswith("Utlåtande: ")
    # The checksum is explained in words.
    assert any(p.startswith("Filens kontrollsumma är SHA-256") for p in lines(agenda(m, "sv")))


# --- the published agenda is kept ----------------------------------------------------------


def test_the_published_agenda_is_kept_and_served_unchanged(ctx):
    approved("KPHA/412/2026")
    m = meeting()
    on_agenda(m, "KPHA/412/2026")
    assert db.session.scalar(select(func.count()).select_from(MeetingDocument)) == 0
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    kept = {k.language: k for k in db.session.scalars(select(MeetingDocument))}
    assert set(kept) == {"fi", "sv"}
    for language, row in kept.items():
        assert row.sha256 == hashlib.sha256(row.content).hexdigest() == row.sha256
        assert row.size == len(row.content) and row.pdf is None and row.pdf_sha256 is None
        content, name = meeting_ops.agenda_document(user("secretary"), m, language)
        assert content == row.content and name == row.filename
        assert any(p.startswith({"fi": "Julkaistu", "sv": "Publicerad"}[language])
                   for p in lines(read(content)))  # fmt: skip
    published = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "meeting.published")
    )
    assert published.changes[-1]["new"] == [
        {"language": "fi", "sha256": kept["fi"].sha256},
        {"language": "sv", "sha256": kept["sv"].sha256},
    ]
    # What the agenda would say now changes (the body renamed, an outcome recorded): the
    # published agenda does not.
    m.body.name_fi = "Aluehallitus (uusi nimi)"
    db.session.commit()
    meeting_ops.record_outcome(
        user("secretary"), m, m.items[0].id, "approved", expected_version=m.version
    )
    for language, row in kept.items():
        assert meeting_ops.agenda_document(user("secretary"), m, language)[0] == row.content


# --- the fronts ----------------------------------------------------------------------------


def test_the_meeting_page_chooses_the_presenter_and_serves_the_kept_agenda(app, demo, client):
    with app.app_context():
        approved("KPHA/412/2026")
        m = meeting()
        item = on_agenda(m, "KPHA/412/2026")
        meeting_id, item_id, version = m.id, item.id, m.version
        reviewer_id = user("reviewer").id
    login(client, "secretary")
    url = f"/meetings/{meeting_id}"
    page = client.get(url).get_data(as_text=True)
    assert f'id="presenter-{item_id}"' in page and f'id="title-sv-{item_id}"' in page
    refused = post(
        client,
        f"{url}/items/{item_id}/presenter",
        {"version": version, "presenter": reviewer_id, "title_fi": "", "title_sv": ""},
    )
    assert refused.status_code == 303  # Post/Redirect/Get (issue 20)
    assert "kunnanjohtaja" in client.get(refused.headers["Location"]).get_data(as_text=True)
    done = post(
        client,
        f"{url}/items/{item_id}/presenter",
        {
            "version": version,
            "presenter": reviewer_id,
            "title_fi": "hyvinvointialuejohtaja",
            "title_sv": "välfärdsområdesdirektör",
        },
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "Rasmus Backman, hyvinvointialuejohtaja" in done.get_data(as_text=True)
    with app.app_context():
        version = meeting_ops.get_meeting(user("secretary"), meeting_id).version
    post(client, f"{url}/publish", {"version": version, "confirmed": "yes"})
    page = client.get(url).get_data(as_text=True)
    with app.app_context():
        kept = {k.language: k.sha256 for k in db.session.scalars(select(MeetingDocument))}
        stored = db.session.scalar(
            select(MeetingDocument).where(MeetingDocument.language == "sv")
        ).content
    assert kept["fi"] in page and kept["sv"] in page
    assert client.get(f"{url}/agenda.docx?language=sv").data == stored


def test_the_api_sets_the_presenter_and_lists_the_kept_agendas(app, demo, client):
    from assess.operations.users import issue_token

    with app.app_context():
        approved("KPHA/412/2026")
        token = {"Authorization": f"Bearer {issue_token(user('secretary'))}"}
        reviewer_id = user("reviewer").id
        decision_id = decision("KPHA/412/2026").id
    m = client.post(
        "/api/v1/meetings",
        headers=token,
        json={
            "body": 1,
            "starts_at": "2026-03-30T17:00",
            "place": "Kokkola",
            "place_sv": "Karleby",
        },
    ).get_json()
    assert m["place_sv"] == "Karleby" and m["agendas"] == []
    m = client.post(
        f"/api/v1/meetings/{m['id']}/items", headers=token, json={"decision": decision_id}
    ).get_json()
    item = m["items"][0]
    assert item["presenter"] is None
    path = f"/api/v1/meetings/{m['id']}/items/{item['id']}/presenter"
    refused = client.put(path, headers=token, json={"user": 999_999, "title_fi": "johtaja"})
    assert refused.status_code == 422
    assert {d["path"] for d in refused.get_json()["error"]["details"]} == {"user", "title_sv"}
    answer = client.put(
        path,
        headers=token,
        json={"user": reviewer_id, "title_fi": "johtaja", "title_sv": "direktör"},
    )
    assert answer.status_code == 200
    assert answer.get_json()["items"][0]["presenter"] == {
        "user": reviewer_id,
        "name": "Rasmus Backman",
        "title": {"fi": "johtaja", "sv": "direktör"},
    }
    m = client.post(f"/api/v1/meetings/{m['id']}/publish", headers=token).get_json()
    assert [a["language"] for a in m["agendas"]] == ["fi", "sv"]
    sv = client.get(f"/api/v1/meetings/{m['id']}/agenda?language=sv", headers=token).data
    assert hashlib.sha256(sv).hexdigest() == m["agendas"][1]["sha256"]
    assert "Tid: 30.3.2026 17.00" in lines(read(sv))
    assert "Plats: Karleby" in lines(read(sv))


def test_documents_verify_checks_the_kept_agendas(ctx):
    approved("KPHA/412/2026")
    m = meeting()
    on_agenda(m, "KPHA/412/2026")
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    runner = ctx.test_cli_runner()
    assert runner.invoke(args=["documents", "verify"]).exit_code == 0
    kept = db.session.scalar(select(MeetingDocument).where(MeetingDocument.language == "sv"))
    kept.content = kept.content + b"tampered"
    db.session.commit()
    bad = runner.invoke(args=["documents", "verify"])
    assert bad.exit_code == 1
    assert f"agenda of meeting {m.id}, {kept.filename}" in bad.output


# Outcomes and "held" wait for a meeting's start (issue 20); these meetings are dated ahead.
pytestmark = pytest.mark.usefixtures("meetings_started")
