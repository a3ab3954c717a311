"""Every text of the UI and the documents exists in Finnish and Swedish (English is the
source)."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    # The documents' texts, translated apart from the interface's (msgctxt "document").
    "pgettext_noop": ((1, "c"), 2),
}
METHODS = [
    ("assess/**.py", "python"),
    ("assess/web/templates/**.html", "jinja2"),
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")


def source_messages() -> set[tuple[str, str | None]]:
    """Every (message, context) of the source; the context is None for the interface's."""
    found = set()
    for _, _, message, _, context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"**.html": {}}
    ):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


@pytest.fixture(scope="module")
def messages():
    found = source_messages()
    assert len(found) > 100  # the extraction itself works
    return found


def catalogue(language):
    with open(ROOT / f"assess/translations/{language}/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh)


def untranslated(messages, cat) -> list[tuple[str, str | None]]:
    def translated(message, context):
        entry = cat.get(message, context=context)
        return entry is not None and bool(entry.string)

    return sorted((m for m in messages if not translated(*m)), key=lambda m: (m[0], m[1] or ""))


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_source_text_is_translated(messages, language):
    cat = catalogue(language)
    missing = untranslated(messages, cat)
    fuzzy = sorted(str(m.id) for m in cat if m.id and m.fuzzy)
    assert not missing, f"{language}: untranslated (run `make extract-messages`): {missing}"
    assert not fuzzy, f"{language}: fuzzy translations to check: {fuzzy}"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_translations_keep_their_placeholders(language):
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, (language, message.id)


def test_the_check_notices_a_new_untranslated_text(messages):
    assert untranslated(messages | {("A text nobody translated", None)}, catalogue("sv")) == [
        ("A text nobody translated", None)
    ]


def test_the_check_notices_a_document_text_translated_only_for_the_interface(messages):
    # "Exempt category" is translated for the interface; the document's is another entry.
    assert ("Exempt category", "document") in messages
    assert untranslated({("Exempt category", "the letter")}, catalogue("fi")) == [
        ("Exempt category", "the letter")
    ]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_no_message_is_translated_twice(language):
    # Babel's reader keeps the last of two entries with the same context and id, so a
    # second copy with another translation would silently win; parallel work appends
    # blocks to these files, which is how duplicates arise.
    text = (ROOT / f"assess/translations/{language}/LC_MESSAGES/messages.po").read_text()
    seen, twice = set(), []
    for entry in text.split("\n\n"):
        context = re.search(r'^msgctxt "(.*)"$', entry, re.M)
        ident = re.search(r'^msgid "(.*)"$', entry, re.M)
        if ident is None or entry.lstrip().startswith("#~"):
            continue
        key = (context.group(1) if context else None, ident.group(1))
        if key in seen and key[1]:
            twice.append(key)
        seen.add(key)
    assert not twice, f"entries given twice in {language}: {twice}"
