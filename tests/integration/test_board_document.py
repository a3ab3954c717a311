"""The assessment document as the board reads it (issue 19), read back with python-docx:
the one-page comparison with the alternatives as columns, the Swedish document's free texts
in Swedish where given and marked where not, no id of the forms printed as text, the points
weighed in the review instead of flags, and the appendix's neutral cells collapsed."""

import io
import re
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from sqlalchemy import select

from assess.documents import columns
from assess.extensions import db
from assess.models import Decision, Document
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from tests.support import acknowledge_high, prepared, user

ROOT = Path(__file__).resolve().parents[2]
COMMENT = "Hyväksytty: vaikutus on punnittu päätösesityksessä."


def step(who, a, trigger):
    return ops.fire(user(who), a, trigger, expected_version=a.version)


def approve(a, translations=None):
    if translations is not None:
        data = dict(a.data)
        data["translations"] = translations
        a.data = data
        db.session.commit()
    step("preparer", a, "submit")
    acknowledge_high(user("reviewer"), a, comment=COMMENT)
    step("reviewer", a, "approve")
    return a


def document(a, language):
    row = db.session.scalar(
        select(Document).where(Document.assessment_id == a.id, Document.language == language)
    )
    return docx.Document(io.BytesIO(row.content))


def all_text(d) -> str:
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
    for s in d.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts)


def comparison(d, language):
    title = {"fi": "Vaihtoehtojen vertailu", "sv": "Jämförelse av alternativen"}[language]
    assert title in [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    group = {"fi": "Väestöryhmä", "sv": "Befolkningsgrupp"}[language]
    return next(t for t in d.tables if t.rows[0].cells[0].text == group)


def large_case(decision_id=2):
    """Every group and every dimension, three alternatives, effects of every kind, the
    texts in Finnish: the largest document an organisation can make."""
    a = prepared(user("preparer"), db.session.get(Decision, decision_id), level="full")
    form = answer_ops.form_for(a)
    alts = [
        *a.data["alternatives"],
        {"id": "ve2", "label": "VE2", "description": "Liikkuva vastaanotto kahdesti viikossa."},
    ]
    answer_ops.save_section(
        user("preparer"), a, "alternatives", {"alternatives": alts}, expected_version=a.version
    )
    groups = [g.id for g in form.groups]
    dims = [d.id for d in form.dimensions]
    answer_ops.save_section(
        user("preparer"),
        a,
        "scoping",
        {
            "answers": {
                "groups_in_scope": groups,
                "dimensions_in_scope": dims,
                "time_horizons": ["budget_year", "beyond"],
            }
        },
        expected_version=a.version,
    )
    cells = [
        {
            "alternative": alt,
            "group": g,
            "dimension": d,
            "direction": ["positive", "negative", "neutral", "neutral", "unknown"][(i + j + k) % 5],
            "magnitude": ["small", "moderate", "large"][j % 3],
            "likelihood": "likely",
            "duration": "permanent" if j % 2 else None,
            "rationale": f"Perustelu {i}.{j}.",
            "evidence": "Käyntitilastot 2025",
            "mitigation": "Palvelubussi kahdesti viikossa.",
        }
        for k, alt in enumerate(("ve0", "ve1", "ve2"))
        for i, g in enumerate(groups)
        for j, d in enumerate(dims)
    ]
    data = dict(a.data)
    data["impacts"] = cells
    a.data = data
    db.session.commit()
    return a


@pytest.fixture
def demo_approved(ctx):
    return approve(prepared(user("preparer"), db.session.get(Decision, 1), level="full"))


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_comparison_has_the_alternatives_as_columns_zero_option_first(demo_approved, language):
    d = document(demo_approved, language)
    table = comparison(d, language)
    header = [c.text for c in table.rows[0].cells]
    baseline = {"fi": "nollavaihtoehto, vertailukohta", "sv": "nollalternativ, jämförelsegrund"}
    recommended = {"fi": "suositeltu", "sv": "rekommenderat"}
    assert header[1] == {"fi": "Vaikutusalue", "sv": "Konsekvensområde"}[language]
    assert header[2] == f"VE0 ({baseline[language]})"
    assert header[3].startswith("VE1 (")
    assert recommended[language] in header[3]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    # The two groups the demo assesses, on access to services, negative in VE1: word and symbol.
    negative = {"fi": "▼ kielteinen, kohtalainen", "sv": "▼ negativ, måttlig"}[language]
    assert sum(1 for r in rows if r[3] == negative) == 2
    # Then the costs: net over the five years, VE1 saves.
    nb = "\u00a0"
    net = next(r for r in rows if r[1].startswith({"fi": "Netto", "sv": "Netto"}[language]))
    assert net[3] == f"−1{nb}125{nb}000{nb}€"
    # On a landscape page of its own.
    section = next(s for s in d.sections if s.page_width > s.page_height)
    assert section.page_width > section.page_height


def test_only_pairs_with_an_effect_other_than_neutral_are_rows(ctx):
    a = approve(large_case())
    d = document(a, "fi")
    form = answer_ops.form_for(a)
    table = comparison(d, "fi")
    assert [c.text.split(" (")[0] for c in table.rows[0].cells[2:]] == ["VE0", "VE1", "VE2"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    neutral = form.scale_value("direction", "neutral").labels.fi
    effect_rows = [r for r in rows if r[2:] and "€" not in "".join(r[2:]) and r[1]]
    for r in effect_rows:
        assert any(neutral not in cell and cell != "—" for cell in r[2:]) or not r[2:], r
    # The group's name once, on its first row.
    named = [r[0] for r in rows if r[0]]
    assert len(named) == len(set(named))


def test_the_swedish_document_prints_swedish_where_given_and_marks_the_rest(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1), level="full")
    data = a.content
    hearing = data.hearings[0]
    reason = data.answer("recommendation_reason")
    sv = {
        f"hearings.{hearing.id}.statement": {
            "text": "Äldrerådet förutsätter att transporten ordnas innan mottagningen upphör.",
            "copied": False,
        },
        f"hearings.{hearing.id}.taken_into_account": {
            "text": "Servicebussen två gånger i veckan togs in i beslutsförslaget.",
            "copied": False,
        },
        "answers.recommendation_reason": {"text": reason, "copied": True},  # only a copy
    }
    approve(a, {"sv": sv})
    text = all_text(document(a, "sv"))
    assert sv[f"hearings.{hearing.id}.statement"]["text"] in text
    assert hearing.statement not in text and hearing.taken_into_account not in text
    # The copy counts as untranslated: the original, marked.
    assert f"{reason} (på finska)" in text
    # Every other free text is the Finnish original, marked.
    indicator = data.indicators[0]
    assert f"{indicator.name} (på finska)" in text
    assert f"{data.alternatives[0].description} (på finska)" in text
    # Texts that have no translation field (a cost line's note, a source's title) too.
    note = next(line.note for alt in data.alternatives for line in alt.costs if line.note)
    assert f"{note} (på finska)" in text
    title = data.answer("sources")[0]["title"]
    assert f"{title} (på finska)" in text
    # The title, when not given in Swedish.
    assert f"{a.decision.title} (på finska)" in text
    # The Finnish document prints the originals without a mark.
    fi = all_text(document(a, "fi"))
    assert hearing.statement in fi and "(suomeksi)" not in fi and "(på finska)" not in fi
    # The draft mark and the headings are Swedish only.
    assert "Hörande" in text and "Kuulemiset" not in text


def form_ids() -> set[str]:
    """Every id the forms define (questions, options, groups, dimensions, scale values …)."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("id", "key") and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in (ROOT / "forms").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def label_words(language: str) -> set[str]:
    """The words of every label in ``language``: an id that is also a word of the language
    ("neutral" in Swedish) is printed as that word, not as the id."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            labels = node.get("labels")
            if isinstance(labels, dict) and isinstance(labels.get(language), str):
                found.update(re.findall(r"[\w-]+", labels[language]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in (ROOT / "forms").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def printed_ids(d, language) -> set[str]:
    text = all_text(d)
    ids = form_ids() - label_words(language)
    return {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_no_id_of_the_forms_is_printed_in_the_demo_document(demo_approved, language):
    assert len(form_ids()) > 100
    assert printed_ids(document(demo_approved, language), language) == set()


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_no_id_of_the_forms_is_printed_in_a_large_document(ctx, language):
    a = approve(large_case())
    assert printed_ids(document(a, language), language) == set()


def test_points_weighed_in_the_review_replace_the_flags(demo_approved):
    d = document(demo_approved, "fi")
    text = all_text(d)
    flags = demo_approved.content.flags
    weighed = [f for f in flags if f.severity == "high" and f.acknowledged]
    assert weighed
    assert "Tarkastuksessa punnitut seikat" in text
    assert text.count("Tarkastajan perustelu (Rasmus Backman, ") == len(weighed)
    assert COMMENT in text
    assert not any(f.message["fi"] in text for f in flags)
    assert "Huomautukset ja niiden käsittely" not in text


def test_the_appendix_collapses_neutral_cells_into_one_sentence_per_group(ctx):
    a = approve(large_case())
    d = document(a, "fi")
    paragraphs = [p.text for p in d.paragraphs]
    assert any(p.startswith("Ei olennaista vaikutusta: ") for p in paragraphs)
    neutral = "neutraali (ei olennaista vaikutusta)"
    assert not any(neutral in p for p in paragraphs if p.startswith(("terveys", "Terveys")))
    appendix = paragraphs.index("Liiteosa: arviointi yksityiskohtaisesti")
    assert paragraphs.index("Tarkastuksessa punnitut seikat") < appendix


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_table_column_is_as_wide_as_its_header_s_longest_word(demo_approved, language):
    d = document(demo_approved, language)
    for table in d.tables:
        grid = [int(c.get(qn("w:w"))) / 567 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        run = table.rows[0].cells[0].paragraphs[0].runs
        size = run[0].font.size.pt if run and run[0].font.size else 11
        for cell, width in zip(table.rows[0].cells, grid, strict=True):
            assert columns.word_cm([cell.text], size) <= width + 0.01, (cell.text, width)


def test_a_light_assessment_shows_the_proposal_s_key_effects_in_one_column(ctx):
    a = approve(prepared(user("preparer"), db.session.get(Decision, 1), level="light"))
    d = document(a, "fi")
    assert "Esityksen keskeiset vaikutukset" in [p.text for p in d.paragraphs]
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "Väestöryhmä")
    assert [c.text for c in table.rows[0].cells] == ["Väestöryhmä", "Vaikutusalue", "Esitys"]
    assert [r.cells[2].text for r in table.rows[1:]] == ["▼ kielteinen, kohtalainen"] * 2
