"""The board document's own texts (issue 19, RENDERER_VERSION 3), word for word.

``board_document_texts.json`` holds each as the documents of RENDERER_VERSION 3 print it
(fi, sv, en); a change of wording needs a new RENDERER_VERSION and a new file.
"""

import json
import re
from pathlib import Path

import pytest

from assess.documents.assessment import RENDERER_VERSION
from assess.documents.board_texts import TEXTS, text
from assess.documents.free_text import mark

PINNED = json.loads(
    (Path(__file__).parent / "board_document_texts.json").read_text(encoding="utf-8")
)
PARAMS = {"name": "Rasmus Backman", "date": "3.11.2026", "names": "terveys, osallisuus"}


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


def test_the_language_marks_say_the_original_s_language_in_the_reader_s():
    assert mark("fi", "sv") == "(på finska)"
    assert mark("fi", "en") == "(in Finnish)"
    assert mark("sv", "fi") == "(ruotsiksi)"
    assert mark("sv", "sv") == "(på svenska)"
    assert mark("fi", "fi") == "(suomeksi)"
