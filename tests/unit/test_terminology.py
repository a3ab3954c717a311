"""The method's terms, one each, in fi and sv across pages, documents, the form and the
processes (issue 18): words the reviewer advised against never appear."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
# The words each language must not use, and the term to use instead.
AVOID = {
    "fi": {
        r"tarveharkin": "arviointitarpeen tunnistaminen (tarveharkinta is means-testing)",
        r"\bkevy(t|en|ess|ee|emm|emp)": "suppea arviointi",
        r"poikkeusluok|vapautusperus": "arvioinnista vapautettu asiaryhmä",
        r"tarkastelupäiv": "tarkistuspäivä",
    },
    "sv": {
        r"behovspröv": "behovsbedömning (behovsprövning is means-testing)",
        r"\blätt(are)? (bedömning|nivå|process)|\blätt eller": "begränsad bedömning",
        r"\blindring\b": "lindrande åtgärder",
        r"undantagskategori": "undantagen ärendekategori",
        r"bedömningsbehovet": "behovsbedömning",
    },
}


def _catalogue_texts(language):
    with open(ROOT / f"assess/translations/{language}/LC_MESSAGES/messages.po", "rb") as fh:
        for m in read_po(fh):
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            for s in strings:
                if s:
                    yield f"msgstr of {m.id!r}", s


def _content_texts():
    glossary = ROOT / "assess" / "data" / "glossary.yaml"  # issue 20: the terms explained
    for path in [
        ROOT / "forms" / "iva.yaml",
        glossary,
        *sorted((ROOT / "workflows").glob("*.yaml")),
    ]:
        yield path.name, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_catalogue_uses_the_methods_terms(language):
    found = [
        (where, pattern, AVOID[language][pattern])
        for where, text in _catalogue_texts(language)
        for pattern in AVOID[language]
        if re.search(pattern, text, re.I)
    ]
    assert found == []


def test_the_form_and_the_processes_use_the_methods_terms():
    found = [
        (where, m.group(0), instead)
        for where, text in _content_texts()
        for language in ("fi", "sv")
        for pattern, instead in AVOID[language].items()
        for m in re.finditer(pattern, text, re.I)
    ]
    assert found == []
