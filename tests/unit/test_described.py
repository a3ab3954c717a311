"""assess.described: every change in words, in fi, sv and en, lists item by item (issue 21)."""

from pathlib import Path

import pytest

from assess import described
from assess.described import SECTIONS, Difference, compare, describe_changes, section_choices
from assess.questionnaire import load_forms
from assess.translation import gettext

ROOT = Path(__file__).resolve().parents[2]
FORM = load_forms(ROOT / "forms").latest("iva")


def _by_path(diffs: list[Difference]) -> dict[str, Difference]:
    found = {d.path: d for d in diffs}
    assert len(found) == len(diffs), "each path is listed once"
    return found


def _names(kind, item_id, language):
    items = FORM.groups if kind == "group" else FORM.dimensions
    return next(i for i in items if i.id == item_id).labels.get(language)


OLD = {
    "screening": {"answers": {"s_children": "no", "s_language": "yes"}, "level": "light"},
    "answers": {
        "groups_in_scope": ["children", "youth"],
        "time_horizons": ["budget_year"],
        "scope_notes": "The first scope.",
        "sources": [{"title": "THL", "kind": "statistics"}],
    },
    "alternatives": [
        {"id": "ve1", "label": "VE1 Close the school"},
        {"id": "ve0", "label": "", "zero_option": True},
    ],
    "impacts": [
        {
            "alternative": "ve1",
            "group": "children",
            "dimension": "health",
            "direction": "positive",
            "rationale": "Shorter days.",
        },
    ],
    "hearings": [{"id": "h1", "council": "youth_council"}],
    "flags": [
        {
            "id": "f1",
            "rule": "missing_hearing",
            "severity": "high",
            "status": "open",
            "message": {"fi": "Kuuleminen puuttuu", "sv": "Hörande saknas", "en": "No hearing"},
        }
    ],
    "summary": {"fi": "Vanha tiivistelmä."},
}
NEW = {
    "screening": {"answers": {"s_children": "yes", "s_language": "yes"}, "level": "full"},
    "answers": {
        "groups_in_scope": ["children", "older_people"],
        "time_horizons": ["budget_year"],
        "scope_notes": "The second scope.",
        "sources": [{"title": "THL", "kind": "research"}, {"title": "Kela", "kind": "statistics"}],
    },
    "alternatives": [
        {"id": "ve1", "label": "VE1 Close the school", "recommended": True},
        {"id": "ve0", "label": "", "zero_option": True},
    ],
    "impacts": [
        {
            "alternative": "ve1",
            "group": "children",
            "dimension": "health",
            "direction": "negative",
            "magnitude": "large",
            "rationale": "Shorter days.",
        },
        {"alternative": "ve0", "group": "youth", "dimension": "safety", "direction": "neutral"},
    ],
    "hearings": [{"id": "h1", "council": "youth_council", "statement": "We agree."}],
    "flags": [
        {
            "id": "f1",
            "rule": "missing_hearing",
            "severity": "high",
            "status": "resolved",
            "message": {"fi": "Kuuleminen puuttuu", "sv": "Hörande saknas", "en": "No hearing"},
        }
    ],
    "summary": {"fi": "Uusi tiivistelmä."},
}

EXPECTED_PATHS = {
    "screening.answers.s_children",
    "screening.level",
    "answers.groups_in_scope.youth",
    "answers.groups_in_scope.older_people",
    "answers.scope_notes",
    "answers.sources.1.kind",
    "answers.sources.2.title",
    "answers.sources.2.kind",
    "alternatives.ve1.recommended",
    "impacts.ve1.children.health.direction",
    "impacts.ve1.children.health.magnitude",
    "impacts.ve0.youth.safety.direction",
    "hearings.h1.statement",
    "flags.f1",
    "summary.fi",
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_compare_lists_exactly_what_changed_in_words(language):
    diffs = _by_path(compare(OLD, NEW, language, FORM))
    # Only what changed: the unchanged answers (s_language, time_horizons, the rationale,
    # the zero option) are not listed, and the lists are expanded item by item.
    assert set(diffs) == EXPECTED_PATHS
    for d in diffs.values():
        assert d.section in SECTIONS
        assert d.change in ("added", "removed", "changed")
        assert d.label and "_" not in d.label, d  # words, never an id
    children = FORM.screening.questions[
        [q.id for q in FORM.screening.questions].index("s_children")
    ]
    assert diffs["screening.answers.s_children"].label == children.labels.get(language)
    words = {"fi": ("Ei", "Kyllä"), "sv": ("Nej", "Ja"), "en": ("No", "Yes")}[language]
    assert (
        diffs["screening.answers.s_children"].old,
        diffs["screening.answers.s_children"].new,
    ) == words

    youth = diffs["answers.groups_in_scope.youth"]
    assert (youth.old, youth.new, youth.change) == (
        _names("group", "youth", language),
        None,
        "removed",
    )
    older = diffs["answers.groups_in_scope.older_people"]
    assert (older.old, older.change) == (None, "added")
    assert older.new == _names("group", "older_people", language)
    assert older.section == "scope"

    cell = diffs["impacts.ve1.children.health.direction"]
    assert cell.section == "impacts" and cell.change == "changed"
    assert "VE1 Close the school" in cell.label
    assert _names("group", "children", language) in cell.label
    assert _names("dimension", "health", language) in cell.label
    assert FORM.scales["direction"].labels.get(language) in cell.label
    scale = {v.id: v.labels.get(language) for v in FORM.scales["direction"].values}
    assert (cell.old, cell.new) == (scale["positive"], scale["negative"])
    assert diffs["impacts.ve1.children.health.magnitude"].change == "added"

    hearing = diffs["hearings.h1.statement"]
    council = FORM.council("youth_council").labels.get(language)
    assert council in hearing.label and hearing.new == "We agree." and hearing.old is None

    flag = diffs["flags.f1"]
    assert OLD["flags"][0]["message"][language] in flag.label
    status = {"fi": ("avoin", "ratkaistu"), "sv": ("öppen", "åtgärdad"), "en": ("open", "resolved")}
    assert (flag.old, flag.new) == status[language]


def test_the_labels_are_in_the_readers_language():
    fi = _by_path(compare(OLD, NEW, "fi", FORM))
    sv = _by_path(compare(OLD, NEW, "sv", FORM))
    en = _by_path(compare(OLD, NEW, "en", FORM))
    assert en["screening.level"].label == "Level of the assessment"
    assert (en["screening.level"].old, en["screening.level"].new) == (
        "light assessment",
        "full assessment",
    )
    assert fi["screening.level"].label == "Arvioinnin taso"
    assert sv["screening.level"].label != en["screening.level"].label
    assert en["impacts.ve0.youth.safety.direction"].label.startswith("Impact of the zero option")
    assert fi["impacts.ve0.youth.safety.direction"].label.startswith("Vaikutus (nollavaihtoehto)")
    assert en["alternatives.ve1.recommended"].label == "VE1 Close the school: Recommended"
    assert (en["alternatives.ve1.recommended"].old, en["alternatives.ve1.recommended"].new) == (
        None,
        "Yes",
    )
    assert sv["alternatives.ve1.recommended"].new == "Ja"
    assert en["answers.sources.2.title"].label == "Sources, row 2: Source"
    assert fi["answers.sources.2.title"].label == "Lähteet, rivi 2: Lähde"
    assert en["summary.fi"].label == "Summary (Finnish)"
    assert sv["summary.fi"].label == "Sammanfattning (finska)"


def test_compare_follows_the_reading_order():
    sections = [d.section for d in compare(OLD, NEW, "en", FORM)]
    assert sections == sorted(sections, key=SECTIONS.index)


def test_compare_of_equal_data_is_empty():
    assert compare(NEW, NEW, "fi", FORM) == []


def test_an_alternative_added_and_removed_whole():
    old = {"alternatives": [{"id": "a", "label": "Old way"}]}
    new = {"alternatives": [{"id": "b", "label": "New way", "description": "Build"}]}
    diffs = _by_path(compare(old, new, "en", FORM))
    assert diffs["alternatives.a.label"].change == "removed"
    assert diffs["alternatives.a.label"].old == "Old way"
    assert diffs["alternatives.b.label"].change == "added"
    assert diffs["alternatives.b.description"].label == "New way: Description"


def test_describe_changes_of_a_matrix_row_event():
    """The matrix's own events name each field of each cell (operations.matrix)."""
    changes = [
        {"field": "impacts.ve1.children.health.direction", "old": None, "new": "negative"},
        {"field": "impacts.ve1.children.health.mitigation", "old": "", "new": "A bus"},
    ]
    diffs = describe_changes(changes, "sv", FORM, NEW)
    assert [d.path for d in diffs] == [c["field"] for c in changes]
    assert diffs[0].change == "added" and diffs[0].new == "negativ"
    assert diffs[0].label.startswith("Konsekvens (VE1 Close the school), barn")
    assert diffs[1].label.endswith(": " + gettext("sv", "Mitigation"))
    assert gettext("sv", "Mitigation") != "Mitigation"
    assert diffs[1].new == "A bus" and diffs[1].old is None


def test_describe_changes_of_whole_lists_lists_only_what_changed():
    """save_answers writes a list part whole (old list, new list): told item by item."""
    changes = [
        {"field": "impacts", "old": OLD["impacts"], "new": NEW["impacts"]},
        {"field": "hearings", "old": OLD["hearings"], "new": NEW["hearings"]},
        {"field": "answers.groups_in_scope", "old": ["children"], "new": ["children", "youth"]},
    ]
    diffs = _by_path(describe_changes(changes, "en", FORM, NEW))
    assert set(diffs) == {
        "impacts.ve1.children.health.direction",
        "impacts.ve1.children.health.magnitude",
        "impacts.ve0.youth.safety.direction",
        "hearings.h1.statement",
        "answers.groups_in_scope.youth",
    }
    assert diffs["answers.groups_in_scope.youth"].new == "young people"


def test_describe_changes_of_flags_attachments_and_translations():
    changes = [
        {
            "field": "flags.f9",
            "old": None,
            "new": "open",
            "rule": "x",
            "severity": "high",
            "message": {"fi": "Lippu", "sv": "Flagga", "en": "A flag"},
        },
        {"field": "hearings.h1.attachment", "old": None, "new": {"id": 4, "filename": "s.pdf"}},
        {"field": "translations.sv.answers.scope_notes.text", "old": None, "new": "Avgränsning"},
        {"field": "scope_exclusions.older_people", "old": None, "new": "Not affected"},
        {"field": "form", "old": "iva@1", "new": "iva@2"},
    ]
    fi = describe_changes(changes, "fi", FORM, NEW)
    assert [d.section for d in fi] == ["flags", "hearings", "translations", "scope", "other"]
    assert fi[0].label == "Huomautus: Lippu" and fi[0].new == "avoin"
    assert fi[1].label == "Kuuleminen (nuorisovaltuusto): " + gettext("fi", "Statement file")
    assert fi[1].new == "s.pdf"
    question = FORM.section("scoping").questions[3].labels.get("fi")
    assert fi[2].label == f"{question} – käännös (ruotsi)"
    assert "ikääntyneet" in fi[3].label
    en = describe_changes(changes, "en", FORM, NEW)
    assert en[0].label == "Flag: A flag"
    assert en[2].label == "Reasons for the scope and plan for hearings in Swedish"
    assert en[3].label == "Why older people is left out of the scope"
    assert en[4].label == "Version of the questionnaire"


def test_a_decision_edit_is_in_the_decision_section():
    diffs = describe_changes([{"field": "title", "old": "A", "new": "B"}], "fi", FORM)
    assert diffs == [Difference("title", gettext("fi", "Title"), "A", "B", "changed", "decision")]
    assert gettext("fi", "Title") != "Title"


def test_section_choices_name_every_section_in_every_language():
    for language in ("fi", "sv", "en"):
        choices = section_choices(language)
        assert [c[0] for c in choices] == list(SECTIONS)
        assert all(label for _, label in choices)
    assert dict(section_choices("fi"))["impacts"] == "Vaikutukset"
    assert dict(section_choices("sv"))["scope"] == "Avgränsning"
    assert dict(section_choices("en"))["follow_up"] == "Follow-up"


def test_as_dict_is_the_apis_item():
    d = Difference("a.b", "Label", None, "x", "added", "other")
    assert d.as_dict() == {
        "path": "a.b",
        "label": "Label",
        "old": None,
        "new": "x",
        "change": "added",
        "section": "other",
    }
    assert described.change_word("removed", "sv") == "borttaget"
