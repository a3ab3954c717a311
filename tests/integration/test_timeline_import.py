"""An import from the case-management system in the readers' words (issue 22): the
`decisions.imported` event's summary and counts, and the meeting date and outcome an import
gives an assessed decision, on its assessment's timeline in Finnish, Swedish and English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.extensions import db
from assess.models import Assessment, AuditEvent
from assess.operations import decisions as decision_ops
from assess.operations import timeline_words as words
from assess.operations.timeline import timeline
from tests.support import prepared, user

ADMIN = "admin@demo.example"
HEADER = "case_number;title;body;decision_type;meeting_date;outcome;language"

SUMMARY = {
    "fi": "Päätökset tuotu asianhallintajärjestelmästä",
    "sv": "Beslut importerade från ärendehanteringssystemet",
    "en": "Decisions imported from the case-management system",
}
MEETING_DATE = {"fi": "Kokouspäivä", "sv": "Mötesdatum", "en": "Meeting date"}
OUTCOME = {"fi": "hyväksytty", "sv": "godkänt", "en": "approved as proposed"}
VIA = {"fi": "CSV-tiedosto", "sv": "CSV-fil", "en": "CSV file"}


def words_of(entry) -> str:
    return " ".join(
        [entry.summary] + [f"{d.label} {d.old or ''} {d.new or ''}" for d in entry.details]
    )


@pytest.fixture
def imported(demo, tmp_path):
    """A demo assessment's decision given a meeting date and an outcome by an import."""
    with demo.app_context():
        preparer = user("preparer")
        d = decision_ops.create_decision(
            preparer, case_number="TLI/1", title="Asia TLI/1", language="fi", body_id=1, proposal=""
        )
        a = prepared(preparer, d, level="light")
        row = ";".join(
            [
                d.case_number,
                d.title,
                d.body.key,
                d.decision_type.key if d.decision_type else "",
                "3.2.2027",
                "approved",
                d.language,
            ]
        )
        assessment_id = a.id
    path = tmp_path / "decisions.csv"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    result = demo.test_cli_runner().invoke(args=["decisions", "import", str(path), "--as", ADMIN])
    assert result.exit_code == 0, result.output
    return demo, assessment_id


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_import_event_in_words(imported, language):
    demo, _ = imported
    assert words.action_text("decisions.imported", language) == SUMMARY[language]
    with demo.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "decisions.imported")
        ).one()
        fields = {c["field"]: c["new"] for c in event.changes}
    # Every count and the way it came has a label; the way is a word, not a code.
    assert set(fields) == {"created", "updated", "unchanged", "kept", "via"}
    for name in fields:
        assert words.FIELDS[name].render(language) != name
    assert words.VIA[fields["via"]].render(language) == VIA[language]
    assert words.VIA["api"].render(language) != "api"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_an_imported_meeting_date_and_outcome_on_the_timeline(imported, language):
    demo, assessment_id = imported
    with demo.app_context():
        a = db.session.get(Assessment, assessment_id)
        entries = timeline(a, language, per_page=100).entries
        changed = [e for e in entries if e.action == "decision.updated"]
        assert changed, [e.action for e in entries]
        text = " ".join(words_of(e) for e in changed)
    assert MEETING_DATE[language] in text and OUTCOME[language] in text.lower()
    # Never the stored codes in place of words.
    assert "meeting_date" not in text and "outcome" not in text
    # The date as the reader writes it (Babel's short form in each language).
    assert {"fi": "3.2.2027", "sv": "2027-02-03", "en": "2/3/27"}[language] in text
