"""The paragraph for the decision proposal (issue 19): the level, the most affected groups
and the direction of the recommended alternative's effects against the zero option, the
hearings (or why none), the first follow-up date and where the assessment is attached;
Finnish and Swedish; under 1,000 characters, for three realistic assessments and the
largest one possible."""

from pathlib import Path

import pytest

from assess.assessment_data import Snapshot
from assess.documents import decision_paragraph
from assess.questionnaire import load_forms

ROOT = Path(__file__).resolve().parents[2]
IVA = load_forms(ROOT / "forms").latest("iva")


def snapshot(data: dict, *, approved: bool = True, translations=None) -> dict:
    snap = {
        "assessment": 7,
        "revision": 6,
        "state": "approved",
        "workflow": {"key": "standard", "version": 1},
        "form": {"key": "iva", "version": IVA.version},
        "decision": {
            "id": 3,
            "case_number": "KPHA/412/2026",
            "title": "Halsuan terveysaseman vastaanoton lakkauttaminen",
            "language": "fi",
            "body": {"id": 1, "fi": "Aluehallitus", "sv": "Välfärdsområdesstyrelsen"},
            "proposal": "",
        },
        "organisation": {"fi": "Keski-Pohjanmaan hyvinvointialue", "sv": "Mellersta Österbotten"},
        "data": data,
        "prepared_by": {"id": 2, "name": "Paula Peltonen"},
        "by": {"id": 3, "name": "Rasmus Backman"},
        "at": "2026-11-03T10:00:00+00:00",
    }
    if approved:
        snap["approved_by"] = {"id": 3, "name": "Rasmus Backman"}
    if translations:
        snap["data"]["translations"] = translations
    return Snapshot.load(snap).dump()


def cell(alt, group, dimension, direction, magnitude=None):
    return {
        "alternative": alt,
        "group": group,
        "dimension": dimension,
        "direction": direction,
        "magnitude": magnitude,
        "rationale": "Perustelu.",
    }


def health_station() -> dict:
    """A full assessment: closing a health station's reception, three alternatives."""
    return {
        "screening": {"level": "full", "answers": {}},
        "answers": {
            "groups_in_scope": ["older_people", "disabled", "working_age", "children"],
            "dimensions_in_scope": ["health", "access_to_services", "livelihood", "safety"],
        },
        "alternatives": [
            {"id": "ve0", "label": "Nykytila", "zero_option": True},
            {"id": "ve1", "label": "Vastaanoton lakkautus", "recommended": True},
            {"id": "ve2", "label": "Aukiolon supistus"},
        ],
        "impacts": [
            cell("ve1", "older_people", "access_to_services", "negative", "large"),
            cell("ve1", "older_people", "health", "negative", "moderate"),
            cell("ve1", "disabled", "access_to_services", "negative", "moderate"),
            cell("ve1", "working_age", "livelihood", "positive", "small"),
            cell("ve1", "children", "health", "neutral"),
            # The other alternative's effects are not the recommended one's.
            cell("ve2", "children", "safety", "negative", "large"),
        ],
        "hearings": [
            {
                "id": "h1",
                "council": "older_people_council",
                "requested_on": "2026-09-01",
                "answered_on": "2026-10-02",
                "statement": "Vanhusneuvosto vastustaa.",
                "taken_into_account": "Kotikäynnit lisätään.",
            },
            {
                "id": "h2",
                "council": "disability_council",
                "not_heard_reason": "Neuvosto ei kokoontunut määräajassa.",
            },
        ],
        "indicators": [
            {"id": "i1", "name": "Käynnit", "review_date": "2027-06-30"},
            {"id": "i2", "name": "Matka-aika", "review_date": "2027-03-31"},
            {"id": "i3", "name": "Palaute"},
        ],
        "summary": {"fi": "Tiivistelmä.", "sv": "Sammandrag."},
    }


def school_transport() -> dict:
    """A light assessment: the proposal only, no zero option, no hearings (and why)."""
    return {
        "screening": {"level": "light", "answers": {}},
        "answers": {"groups_in_scope": ["children"], "dimensions_in_scope": ["safety"]},
        "alternatives": [{"id": "p", "label": ""}],
        "impacts": [cell("p", "children", "safety", "positive", "small")],
        "no_hearings_reason": "Muutos koskee vain kuljetusreittien aikataulua.",
        "indicators": [{"id": "i1", "name": "Kuljetusmatkat", "review_date": "2027-08-15"}],
    }


def screened_out() -> dict:
    return {
        "screening": {
            "level": "none",
            "answers": {},
            "level_reason": "Päätös koskee vain sisäistä työnjakoa.",
        }
    }


def test_a_full_assessment_in_finnish_with_its_attachment_number():
    text = decision_paragraph(snapshot(health_station()), IVA, "fi", attachment=1)
    assert text == (
        "Vaikutusten ennakkoarviointi (laaja arviointi): Nollavaihtoehtoon (Nykytila) "
        "verrattuna suositeltu vaihtoehto (Vastaanoton lakkautus) vaikuttaa eniten seuraaviin: "
        "ikääntyneet (kielteinen: palvelujen saatavuus ja saavutettavuus, terveys (fyysinen ja "
        "psyykkinen)), vammaiset henkilöt (kielteinen: palvelujen saatavuus ja "
        "saavutettavuus), "
        "työikäiset (myönteinen: toimeentulo). "
        "Kuultiin: vanhusneuvosto (2.10.2026). Ei kuultu: vammaisneuvosto. "
        "Vaikutusten seurannan ensimmäinen tarkastelu on 31.3.2027. "
        "Arvioinnin hyväksyi Rasmus Backman 3.11.2026 (liite 1)."
    )
    assert len(text) < 1000


def test_the_swedish_paragraph_uses_swedish_labels_and_the_translated_names():
    translations = {
        "sv": {
            "alternatives.ve0.label": {"text": "Nuläget"},
            "alternatives.ve1.label": {"text": "Mottagningen läggs ned"},
        }
    }
    text = decision_paragraph(
        snapshot(health_station(), translations=translations), IVA, "sv", attachment=2
    )
    assert text.startswith(
        "Förhandsbedömning av konsekvenser (omfattande bedömning): Jämfört med nollalternativet "
        "(Nuläget) påverkar det rekommenderade alternativet (Mottagningen läggs ned) mest: äldre "
        "(negativ: "
    )
    assert "Hörda: äldreråd (2.10.2026)." in text
    assert "Den första uppföljningen av konsekvenserna görs 31.3.2027." in text
    assert text.endswith("Bedömningen godkändes av Rasmus Backman 3.11.2026 (bilaga 2).")
    assert "kielteinen" not in text and "ikääntyneet" not in text


def test_a_light_assessment_without_hearings_refers_to_the_document_before_an_agenda():
    text = decision_paragraph(snapshot(school_transport()), IVA, "fi")
    assert text == (
        "Vaikutusten ennakkoarviointi (suppea arviointi): Suositeltu vaihtoehto (Esitys) "
        "vaikuttaa eniten seuraaviin: lapset (myönteinen: turvallisuus). "
        "Kuulemisia ei järjestetty: Muutos koskee vain kuljetusreittien aikataulua. "
        "Vaikutusten seurannan ensimmäinen tarkastelu on 15.8.2027. "
        "Arvioinnin hyväksyi Rasmus Backman 3.11.2026 (asiakirja EVA-7-6-FI)."
    )


def test_a_screened_out_decision_says_why_and_where():
    fi = decision_paragraph(snapshot(screened_out()), IVA, "fi", attachment=1)
    assert fi == (
        "Vaikutusten ennakkoarviointi: Päätöksen vaikutuksia ei tarvinnut arvioida: "
        "Päätös koskee vain sisäistä työnjakoa. Arvioinnin hyväksyi Rasmus Backman "
        "3.11.2026 (liite 1)."
    )
    sv = decision_paragraph(snapshot(screened_out()), IVA, "sv")
    assert sv.startswith("Förhandsbedömning av konsekvenser: Beslutets konsekvenser behövde inte")
    assert sv.endswith("(dokument EVA-7-6-SV).")


def test_no_effects_and_no_follow_up_are_said_in_words():
    data = health_station()
    data["impacts"] = [cell("ve1", "children", "health", "neutral")]
    data["indicators"] = []
    data["hearings"] = []
    text = decision_paragraph(snapshot(data), IVA, "fi")
    assert "Arvioinnissa ei havaittu merkittäviä vaikutuksia väestöryhmiin." in text
    assert "Seurannalle ei ole asetettu päivämäärää." in text
    assert "Kuulemisia ei järjestetty." in text


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_largest_assessment_stays_under_1000_characters(language):
    groups = [g.id for g in IVA.groups]
    dims = [d.id for d in IVA.dimensions]
    data = health_station()
    data["answers"] = {"groups_in_scope": groups, "dimensions_in_scope": dims}
    data["alternatives"][1]["label"] = "Vaihtoehto " + "pitkä nimi " * 40
    data["impacts"] = [
        cell("ve1", g, d, ["negative", "positive"][n % 2], "large")
        for n, (g, d) in enumerate((g, d) for g in groups for d in dims)
    ]
    data["hearings"] = [
        {"id": f"h{n}", "council": c.id, "answered_on": "2026-10-02", "statement": "x"}
        for n, c in enumerate(IVA.councils)
    ]
    text = decision_paragraph(snapshot(data), IVA, language, attachment=12)
    assert len(text) <= 1000
    # The reference is never what gets cut.
    assert text.endswith({"fi": "(liite 12).", "sv": "(bilaga 12)."}[language])
