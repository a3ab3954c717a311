"""Every text of the UI exists in Finnish and Swedish (English is the source)."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [
    ("assess/**.py", "python"),
    ("assess/web/templates/**.html", "jinja2"),
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")


def source_messages() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"**.html": {}}
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.fixture(scope="module")
def messages():
    found = source_messages()
    assert len(found) > 100  # the extraction itself works
    return found


def catalogue(language):
    with open(ROOT / f"assess/translations/{language}/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh)


def untranslated(messages, cat) -> list[str]:
    return sorted(m for m in messages if m not in cat or not cat[m].string)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_source_text_is_translated(messages, language):
    cat = catalogue(language)
    missing = untranslated(messages, cat)
    fuzzy = sorted(m.id for m in cat if m.id and m.fuzzy)
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
    assert untranslated(messages | {"A text nobody translated"}, catalogue("sv")) == [
        "A text nobody translated"
    ]
