"""The policy printed for the board (assess/documents/policy.py), read back with python-docx
in Finnish and Swedish: the title, a row per decision type with the rule in words, the
exemptions, the screening questions in use, a table per process, the legal bases by the
organisation's type, the draft's mark, and the same bytes for the same version."""

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from assess.documents.policy import PolicyContext, document_id, render_policy
from assess.documents.policy_texts import TEXTS, text
from assess.policy import BUILTIN, Known, check
from assess.questionnaire import load_forms
from assess.workflow import load_workflows

ROOT = Path(__file__).resolve().parents[2]
FORM = load_forms(ROOT / "forms").latest("iva")
WORKFLOWS = {e.definition.key: e.definition for e in load_workflows(ROOT / "workflows")}
TYPES = {
    "service_network_change": {
        "fi": "Palveluverkon muutos",
        "sv": "Ändring av servicenätet",
        "en": "Service network change",
    },
    "procurement": {"fi": "Hankinta", "sv": "Upphandling", "en": "Procurement"},
    "filling_post": {"fi": "Viran täyttö", "sv": "Tillsättning av tjänst", "en": "Filling a post"},
    "strategy": {"fi": "Strategia", "sv": "Strategi", "en": "Strategy"},
}
BODIES = {
    "executive_board": {"fi": "Aluehallitus", "sv": "Välfärdsområdesstyrelsen"},
    "council": {"fi": "Aluevaltuusto", "sv": "Välfärdsområdesfullmäktige"},
}
OWN = {
    "fi": "Muuttaako päätös henkilöstön työoloja?",
    "sv": "Ändrar beslutet personalens arbetsförhållanden?",
    "en": "Does it change the staff's working conditions?",
}
DATA = {
    "format": 1,
    "default": {"rule": "screen"},
    "rules": [
        {"decision_type": "service_network_change", "rule": "full"},
        {"decision_type": "procurement", "rule": "screen", "threshold_eur": 100000},
        {"decision_type": "procurement", "body": "executive_board", "rule": "light"},
        {"decision_type": "filling_post", "rule": "exempt", "exempt_category": "filling_posts"},
    ],
    "processes": {"screening": "eva-standard", "light": "eva-light", "full": "eva-standard"},
    "review": {"role": "reviewer", "body": "council"},
    "time_limits": {"submit_days_before_meeting": 21},
    "screening": {
        "investment_threshold_eur": 150000,
        "questions_off": ["s_staff"],
        "own_questions": [{"id": "x_working_conditions", "labels": OWN, "recommends": "full"}],
    },
    "reporting": {
        "text": {
            "fi": "Hyvinvointilautakunta seuraa mallin soveltamista.",
            "sv": "Välfärdsnämnden följer upp hur modellen tillämpas.",
            "en": "The wellbeing board follows how the model is applied.",
        }
    },
}
KNOWN = Known(
    decision_types=set(TYPES),
    bodies=set(BODIES),
    workflows=WORKFLOWS,
    exempt_categories={c.id for c in FORM.screening.exempt_categories},
    screening_questions={q.id for q in FORM.screening.questions},
)
WHEN = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


def policy():
    checked, problems = check(DATA, KNOWN, source="policy.yaml")
    assert problems == []
    return checked


def context(**changes) -> PolicyContext:
    values = dict(
        organisation={"fi": "Esimerkin hyvinvointialue", "sv": "Exempels välfärdsområde"},
        organisation_kind="wellbeing_county",
        form=FORM,
        workflows=WORKFLOWS,
        when=WHEN,
        version=3,
        starts_on=date(2027, 1, 1),
        decision_types=TYPES,
        bodies=BODIES,
    )
    values.update(changes)
    return PolicyContext(**values)


def read(content: bytes):
    return docx.Document(io.BytesIO(content))


def all_text(d) -> str:
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
    for section in d.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def table_with(d, first_header: str, second_header: str):
    return [
        t
        for t in d.tables
        if t.rows[0].cells[0].text == first_header and t.rows[0].cells[1].text == second_header
    ]


def rows(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows[1:]]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_title_version_start_and_status(language):
    d = read(render_policy(policy(), context(), language))
    title = {
        "fi": "Päätösten vaikutusten ennakkoarvioinnin toimintamalli",
        "sv": "Modell för förhandsbedömning av konsekvenserna av beslut",
    }[language]
    first = d.paragraphs[0]
    assert (first.style.name, first.text) == ("Heading 1", title)
    head = [p.text for p in d.paragraphs[1:8]]
    assert f"{text('version', language)}: 3" in head
    assert f"{text('starts_on', language)}: 1.1.2027" in head
    assert f"{text('status', language)}: {text('status_published', language)}" in head
    assert d.core_properties.language == {"fi": "fi-FI", "sv": "sv-FI"}[language]
    assert d.core_properties.identifier == f"EVA-POLICY-3-{language.upper()}"
    assert d.core_properties.created == WHEN


def test_the_rules_table_has_a_row_per_decision_type_and_body_with_the_rule_in_words():
    d = read(render_policy(policy(), context(), "fi"))
    (table,) = table_with(d, "Päätöstyyppi", "Päättävä toimielin")
    assert [r[:3] for r in rows(table)] == [
        ["Palveluverkon muutos", "kaikki", "laaja arviointi"],
        ["Hankinta", "kaikki", "arviointitarpeen tunnistaminen ratkaisee"],
        ["Hankinta", "Aluehallitus", "vähintään suppea arviointi"],
        ["Viran täyttö", "kaikki", "ei arvioida (vapautettu)"],
        # A type without a rule of its own: the default, said so.
        ["Strategia", "kaikki", "arviointitarpeen tunnistaminen ratkaisee"],
        [
            "Muut päätökset (ei tyyppiä, tai tyypillä ei omaa sääntöä)",
            "kaikki",
            "arviointitarpeen tunnistaminen ratkaisee",
        ],
    ]
    details = {r[0] + "/" + r[1]: r[3] for r in rows(table)}
    # The threshold as Finns write money (a narrow no-break space between thousands).
    assert re.fullmatch(
        r"100\s000 eurosta alkaen vähintään suppea arviointi", details["Hankinta/kaikki"]
    )
    assert details["Viran täyttö/kaikki"] == (
        "arvioinnista vapautettu asiaryhmä: viran tai tehtävän täyttäminen"
    )
    assert details["Strategia/kaikki"] == "sama kuin muille päätöksille"


def test_the_rules_table_in_swedish():
    d = read(render_policy(policy(), context(), "sv"))
    (table,) = table_with(d, "Beslutstyp", "Beslutande organ")
    assert [r[:3] for r in rows(table)][:4] == [
        ["Ändring av servicenätet", "alla", "omfattande bedömning"],
        ["Upphandling", "alla", "behovsbedömningen avgör"],
        ["Upphandling", "Välfärdsområdesstyrelsen", "minst en begränsad bedömning"],
        ["Tillsättning av tjänst", "alla", "bedöms inte (undantaget)"],
    ]
    assert "undantagen ärendekategori: tillsättning av tjänst eller befattning" in rows(table)[3][3]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_exemptions_name_the_type_and_the_form_s_categories(language):
    d = read(render_policy(policy(), context(), language))
    bullets = [p.text for p in d.paragraphs if p.style.name == "List Bullet"]
    category = {c.id: c.labels.get(language) for c in FORM.screening.exempt_categories}
    assert f"{TYPES['filling_post'][language]}: {category['filling_posts']}" in bullets
    assert set(category.values()) <= set(bullets)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_screening_questions_in_use_and_the_organisation_s_own(language):
    d = read(render_policy(policy(), context(), language))
    (table,) = table_with(d, text("step", language), text("question", language))
    questions = [r[1] for r in rows(table)]
    used = [q for q in FORM.screening.questions if q.id != "s_staff"]
    assert questions[: len(used)] == [q.labels.get(language) for q in used]
    staff = next(q for q in FORM.screening.questions if q.id == "s_staff")
    assert staff.labels.get(language) not in questions
    assert questions[-1] == f"{OWN[language]} ({text('own_question', language)})"
    assert rows(table)[-1][2] == text("level_full", language)
    children = next(
        r for r in rows(table) if r[1] == FORM.screening.questions[1].labels.get(language)
    )
    assert children[2] == text("level_full", language)  # s_children is in full_if_any
    assert text("questions_off", language, n=1) in [p.text for p in d.paragraphs]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_each_process_is_a_numbered_table_of_stages_with_who_acts(language):
    d = read(render_policy(policy(), context(), language))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 3"]
    assert headings == [WORKFLOWS[k].labels.get(language) for k in ("eva-standard", "eva-light")]
    tables = table_with(d, text("step", language), text("state", language))
    assert len(tables) == 2
    standard = rows(tables[0])
    states = WORKFLOWS["eva-standard"].states
    assert [r[0] for r in standard] == [str(n) for n in range(1, len(states) + 1)]
    assert {r[1] for r in standard} == {s.labels.get(language) for s in states.values()}
    in_review = next(r for r in standard if r[1] == states["in_review"].labels.get(language))
    assert in_review[2] == text("role_reviewer", language)
    approve = next(t for t in WORKFLOWS["eva-standard"].transitions if t.trigger == "approve")
    assert approve.labels.get(language) in in_review[3]
    assert text("guard_four_eyes", language) in in_review[3]
    closed = next(r for r in standard if r[1] == states["closed"].labels.get(language))
    assert closed[3] == text("end", language)
    # Every table's first row repeats on every page.
    for table in d.tables:
        first = table._tbl.findall(qn("w:tr"))[0]
        assert first.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_review_time_limits_and_reporting(language):
    d = read(render_policy(policy(), context(), language))
    paragraphs = [p.text for p in d.paragraphs]
    assert text("review_text", language, role=text("role_reviewer", language)) in paragraphs
    assert text("review_body", language, body=BODIES["council"][language]) in paragraphs
    assert text("time_limit_text", language, days=21) in paragraphs
    assert DATA["reporting"]["text"][language] in paragraphs
    assert any(p.startswith(text("audit_none", language)[:-1] + " (") for p in paragraphs)


@pytest.mark.parametrize(
    ("kind", "duty", "audit"),
    [
        ("municipality", "(612/2021) 6 §:n 2 momentti", "(kuntalaki (410/2015) 121 §)"),
        ("helsinki", "(612/2021) 6 §:n 2 momentti", "(kuntalaki (410/2015) 121 §)"),
        ("wellbeing_county", "(612/2021) 7 §:n 2 momentti", "(611/2021) 125 §)"),
    ],
)
def test_the_legal_bases_are_the_content_s_for_the_organisation_s_type(kind, duty, audit):
    paragraphs = [
        p.text
        for p in read(render_policy(policy(), context(organisation_kind=kind), "fi")).paragraphs
    ]
    (basis,) = [p for p in paragraphs if p.startswith("Velvollisuus ottaa päätöksenteossa")]
    assert basis.endswith(duty + ".")
    (reported,) = [p for p in paragraphs if p.startswith("Tiedot annetaan tarkastuslautakunnalle")]
    assert reported.endswith(audit + ".")
    other = "7 §:n" if "6 §:n" in duty else "6 §:n"
    assert not any(other in p for p in paragraphs)


def test_no_act_is_cited_where_the_content_cites_none():
    # legal-bases.md verifies neither duty for a joint municipal authority itself.
    body = all_text(
        read(render_policy(policy(), context(organisation_kind="joint_authority"), "fi"))
    )
    assert "612/2021" not in body and "410/2015" not in body
    assert text("basis_none", "fi") in body and text("audit_none", "fi") in body


def test_the_swedish_legal_bases_of_a_county():
    body = all_text(read(render_policy(policy(), context(), "sv")))
    assert "lagen om ordnande av social- och hälsovård (612/2021) 7 § 2 mom." in body
    assert "(lagen om välfärdsområden (611/2021) 125 §)" in body


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_no_raw_id_is_printed_where_a_label_exists(language):
    body = all_text(read(render_policy(policy(), context(), language)))
    ids = (
        set(TYPES)
        | set(BODIES)
        | set(WORKFLOWS)
        | {q.id for q in FORM.screening.questions}
        | {c.id for c in FORM.screening.exempt_categories}
        | {"x_working_conditions"}
        | {s for w in WORKFLOWS.values() for s in w.states}
        | {t.trigger for w in WORKFLOWS.values() for t in w.transitions}
        | {g for w in WORKFLOWS.values() for t in w.transitions for g in t.guards}
        | {"wellbeing_county", "screen", "exempt"}
    )
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_-]*", body))
    assert sorted(ids & words) == []


def test_the_same_version_gives_the_same_bytes_and_another_version_other_bytes():
    first = render_policy(policy(), context(), "fi")
    assert render_policy(policy(), context(), "fi") == first
    assert render_policy(DATA, context(), "fi") == first  # the stored dict as the model
    assert render_policy(policy(), context(version=4), "fi") != first


@pytest.mark.parametrize(
    ("language", "mark", "other"), [("fi", "LUONNOS", "UTKAST"), ("sv", "UTKAST", "LUONNOS")]
)
def test_a_draft_is_marked_in_the_document_s_language_only(language, mark, other):
    content = render_policy(policy(), context(draft=True, version=None, starts_on=None), language)
    d = read(content)
    header = d.sections[0].header.paragraphs[0].text
    assert header == mark
    body = all_text(d)
    assert other not in body and "DRAFT" not in body
    assert f"{text('starts_on', language)}: {text('not_set', language)}" in body
    assert document_id(context(draft=True), language) == f"EVA-POLICY-{mark}-{language.upper()}"


def test_the_built_in_default_policy_prints_too():
    d = read(render_policy(BUILTIN, context(decision_types={}, bodies={}), "fi"))
    (table,) = table_with(d, "Päätöstyyppi", "Päättävä toimielin")
    assert [r[2] for r in rows(table)] == ["arviointitarpeen tunnistaminen ratkaisee"]
    assert text("no_exempt_types", "fi") in [p.text for p in d.paragraphs]


def test_control_characters_are_left_out_and_counted():
    data = dict(DATA, reporting={"text": {"fi": "Raportti\x01", "sv": "Rapport", "en": "R"}})
    d = read(render_policy(data, context(), "fi"))
    paragraphs = [p.text for p in d.paragraphs]
    assert "Raportti" in paragraphs
    assert paragraphs[-1] == text("dropped", "fi", n=1)


def test_the_document_s_own_words_never_say_tarveharkinta():
    # In statutes "tarveharkinta" is means-testing (legal-bases.md, section 8).
    for key in TEXTS:
        assert "tarveharkin" not in text(key, "fi").lower(), key
        assert "behovspröv" not in text(key, "sv").lower(), key
        assert text(key, "fi") != TEXTS[key] or key == "goes_to", key


def test_the_investment_threshold_is_the_policy_s_else_the_organisation_s_setting():
    def threshold_line(data, **changes):
        d = read(render_policy(data, context(**changes), "fi"))
        (line,) = [p.text for p in d.paragraphs if p.text.startswith("Hankinnat ja investoinnit")]
        return re.sub(r"\s", " ", line)

    assert (
        threshold_line(DATA)
        == "Hankinnat ja investoinnit katsotaan suuriksi 150 000 eurosta alkaen."
    )
    without = {k: v for k, v in DATA.items() if k != "screening"}
    assert threshold_line(without, investment_threshold_eur=80000).startswith(
        "Hankinnat ja investoinnit katsotaan suuriksi 80 000 eurosta"
    )
    assert "100 000" in threshold_line(without)
