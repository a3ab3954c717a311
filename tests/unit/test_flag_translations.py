"""translation_missing (issue 19): a bilingual organisation's documents lack a text in one
of their languages; high, one flag per language, counting what is missing."""

from assess.assessment_data import AssessmentData, SnapshotDecision
from assess.flags.rules import compute
from tests.unit.test_flags import ctx

DECISION = {
    "id": 1,
    "case_number": "KPHA/1/2026",
    "title": "Vastaanoton lakkauttaminen",
    "language": "fi",
    "body": {"id": 1, "fi": "Aluehallitus", "sv": "Regionstyrelsen"},
    "proposal": "Aluehallitus päättää lakkauttaa vastaanoton.",
}
DATA = {
    "screening": {"level": "full", "level_reason": "Palveluverkko muuttuu."},
    "alternatives": [{"id": "a1", "label": "Lakkautus", "description": ""}],
    "summary": {"fi": "Matkat pitenevät.", "sv": ""},
}
SWEDISH = {"translations": {"sv": {"title": "Indragning", "proposal": "Regionstyrelsen beslutar."}}}


def flags(data=DATA, decision=None, languages=("fi", "sv")):
    snap = SnapshotDecision.load({**DECISION, **(decision or {})})
    found = compute(
        AssessmentData.load(data), ctx(decision=snap, document_languages=tuple(languages))
    )
    return [f for f in found if f.rule == "translation_missing"]


def test_everything_missing_in_swedish_is_counted_in_one_high_flag():
    [flag] = flags()
    assert flag.severity == "high" and flag.field == "translations.sv"
    text = flag.text("en")
    for part in ("title", "proposal", "summary", "2 of the assessment's texts"):
        assert part in text, text
    assert "Translations page" in flag.resolution("en")
    assert "ruotsiksi" in flag.text("fi") and "på svenska" in flag.text("sv")


def test_nothing_is_flagged_when_all_is_in_swedish_or_the_organisation_is_not_bilingual():
    translated = {
        **DATA,
        "summary": {"fi": "Matkat pitenevät.", "sv": "Resorna blir längre."},
        "translations": {
            "sv": {
                "screening.level_reason": {"text": "Servicenätet ändras."},
                "alternatives.a1.label": {"text": "Indragning"},
            }
        },
    }
    assert flags(translated, SWEDISH) == []
    assert flags(DATA, languages=("fi",)) == []


def test_a_copy_still_counts_missing():
    copied = {
        **DATA,
        "summary": {"fi": "Matkat pitenevät.", "sv": "Resorna blir längre."},
        "translations": {
            "sv": {
                "screening.level_reason": {"text": "Servicenätet ändras."},
                "alternatives.a1.label": {"text": "Lakkautus", "copied": True},
            }
        },
    }
    [flag] = flags(copied, SWEDISH)
    assert "one of the assessment's texts" in flag.text("en")
    assert "title" not in flag.text("en")


def test_a_swedish_decision_needs_its_finnish_texts():
    [flag] = flags(
        {"screening": {"level": "light"}},
        {"language": "sv", "title": "Indragning", "proposal": ""},
    )
    assert flag.field == "translations.fi"
    assert "title" in flag.text("en") and "proposal" not in flag.text("en")
