"""The documents' fixed texts exist in every language, with the same placeholders."""

import re

from assess.documents.texts import TEXTS, date_text


def test_every_text_in_fi_sv_and_en_with_the_same_placeholders():
    for key, texts in TEXTS.items():
        assert set(texts) == {"fi", "sv", "en"}, key
        placeholders = {lang: set(re.findall(r"{(\w+)}", t)) for lang, t in texts.items()}
        assert placeholders["fi"] == placeholders["sv"] == placeholders["en"], key
        assert all(t.strip() for t in texts.values()), key


def test_dates_as_written_in_finland():
    assert date_text("2026-11-03T10:00:00+00:00", "fi") == "3.11.2026"
    assert date_text("2026-11-03", "sv") == "3.11.2026"
    assert date_text("2026-11-03", "en") == "2026-11-03"
    assert date_text(None, "fi") == "—"
