"""The yearly report's document and chart texts (issue 22), word for word.

``yearly_document_texts.json`` holds each as the yearly report of RENDERER_VERSION 1
(``documents/yearly_report.py``) prints it in fi, sv and en. A stored report keeps its
bytes, but a report generated again from the same figures must read the same: a change of
wording needs a new RENDERER_VERSION and a new file, never only an edit of the catalogues.
"""

import json
import re
from pathlib import Path

import pytest

from assess import report_charts
from assess.documents import yearly_report

PINNED = json.loads(
    (Path(__file__).parent / "yearly_document_texts.json").read_text(encoding="utf-8")
)
MODULES = {"chart": report_charts, "document": yearly_report}
PARAMS = {
    "year": "2026",
    "items": "Lapset 5",
    "name": "Kunnanhallitus",
    "negative": 5,
    "positive": 9,
    "percent": "56,2",
    "decisions": 80,
    "total": 10,
    "month": "huhti",
    "most": 2,
    "n": 4,
    "due": 8,
    "done": 5,
    "overdue": 2,
    "as_expected": 3,
    "better": 1,
    "worse": 1,
    "unknown": 0,
    "title": "Seurannat",
    "zone": "Europe/Helsinki",
    "date": "28.11.2026",
    "sha": "742a8f31",
}


def test_the_pinned_texts_are_those_of_this_renderer_version():
    assert yearly_report.RENDERER_VERSION == 1
    assert set(PINNED) == {f"{p}.{k}" for p, m in MODULES.items() for k in m.TEXTS}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_text_reads_word_for_word_as_pinned(language):
    for key, pinned in PINNED.items():
        prefix, name = key.split(".", 1)
        params = {k: v for k, v in PARAMS.items() if "{" + k + "}" in pinned[language]}
        assert MODULES[prefix].t(name, language, **params) == pinned[language].format(**params), key


def test_every_text_has_its_placeholders_in_every_language():
    for key, pinned in PINNED.items():
        placeholders = {lang: set(re.findall(r"{(\w+)}", t)) for lang, t in pinned.items()}
        assert placeholders["fi"] == placeholders["sv"] == placeholders["en"], key
        assert all(t.strip() for t in pinned.values()), key
