"""The glossary of the method's terms (issue 20): every term the guided form links exists,
in fi, sv and en, once."""

import re
from pathlib import Path

import pytest

from assess.glossary import Glossary, load

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "assess" / "web" / "templates"


def test_the_method_s_terms_are_there_in_three_languages():
    glossary = load()
    for term_id in (
        "eva",
        "iva",
        "screening",
        "scope",
        "zero_option",
        "alternative",
        "mitigation",
        "magnitude",
        "likelihood",
        "duration",
        "reversibility",
        "hearing",
        "statutory_council",
        "indicator",
        "follow_up",
    ):
        term = glossary.get(term_id)
        assert term is not None, term_id
        for language in ("fi", "sv", "en"):
            assert term.term.get(language).strip() and term.text.get(language).strip()


def test_every_term_linked_from_a_template_is_in_the_glossary():
    linked = set()
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        linked |= set(re.findall(r'term\(\s*"([a-z_]+)"', source))
        if path.name == "_section_terms.html":  # (id, text) pairs the macro is called with
            linked |= set(re.findall(r'\("([a-z_]+)", _\("', source))
    assert linked, "the templates link no term"
    assert linked <= load().ids(), linked - load().ids()


def test_a_duplicate_or_a_missing_language_fails_loudly(tmp_path):
    bad = tmp_path / "glossary.yaml"
    bad.write_text(
        "terms:\n"
        "  - {id: scope, term: {fi: a, sv: b, en: c}, text: {fi: a, sv: b, en: c}}\n"
        "  - {id: scope, term: {fi: a, sv: b, en: c}, text: {fi: a, sv: b, en: c}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="duplicate term ids"):
        load(bad)
    bad.write_text(
        "terms:\n  - {id: scope, term: {fi: a, en: c}, text: {fi: a, sv: b, en: c}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError):
        load(bad)
    assert isinstance(load(), Glossary)
