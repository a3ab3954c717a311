"""The documents' fixed texts: translated under the ``document`` context, word for word.

``document_texts.json`` holds every text as the documents of RENDERER_VERSION 3 print it
(version 2: issue 18's terminology; 3: issue 19's document for the board, whose
boarddoc texts are pinned in board_document_texts.json)
(fi, sv, en). A document re-rendered from its revision must give the same bytes, so a
change of wording here needs a new RENDERER_VERSION (assess/documents/assessment.py) and
a new file, never only an edit of the catalogues.
"""

import json
import re
from pathlib import Path

import pytest

from assess.documents.assessment import RENDERER_VERSION
from assess.documents.texts import TEXTS, date_text, text

PINNED = json.loads((Path(__file__).parent / "document_texts.json").read_text(encoding="utf-8"))
PARAMS = {
    "name": "Maija Meikäläinen",
    "date": "3.11.2026",
    "doc": "EVA-1-2-FI",
    "n": 3,
    # issue 19: identity
    "short": "3f2a9c8d1e2b",
    "zero": "Nykytila",
    "alternative": "Lakkautus",
    "groups": "ikääntyneet",
    "councils": "vanhusneuvosto",
    "reason": "ei vaikutuksia",
}


def test_the_pinned_texts_are_those_of_this_renderer_version():
    assert RENDERER_VERSION == 3
    assert set(TEXTS) == set(PINNED)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_text_reads_word_for_word_as_pinned(language):
    for key, pinned in PINNED.items():
        params = {k: v for k, v in PARAMS.items() if "{" + k + "}" in pinned[language]}
        assert text(key, language, **params) == pinned[language].format(**params), key


def test_every_text_has_its_placeholders_in_every_language():
    for key, pinned in PINNED.items():
        placeholders = {lang: set(re.findall(r"{(\w+)}", t)) for lang, t in pinned.items()}
        assert placeholders["fi"] == placeholders["sv"] == placeholders["en"], key
        assert all(t.strip() for t in pinned.values()), key


def test_the_interface_s_translation_does_not_reach_the_documents():
    # The interface says "Tason perustelu"; the document has its own wording.
    assert text("level_reason", "fi") == "Perustelu tasolle"


def test_dates_as_written_in_finland():
    assert date_text("2026-11-03T10:00:00+00:00", "fi") == "3.11.2026"
    assert date_text("2026-11-03", "sv") == "3.11.2026"
    assert date_text("2026-11-03", "en") == "2026-11-03"
    assert date_text(None, "fi") == "—"
