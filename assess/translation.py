"""Translating with an explicit language: Babel's catalogues, without Flask.

Every interface and document text is in ``assess/translations`` (fi, sv; English is the
source language). The pure layers translate here, naming the language; the fronts use
the same catalogues through Flask-Babel (templates) and ``assess.i18n``.

A ``LazyText`` is a message with its parameters, translated only when rendered:
``text.render("sv")`` in a given language, ``str(text)`` in the reader's language, which
the fronts supply with ``set_language_source`` (English, the source, until they do).
It has no ``__html__``, so Jinja escapes it, parameters included.

To translate in a known language, write ``_l("Saved %(n)d.", n=n).render(language)``
(``lazy_text`` imported as ``_l``, a keyword ``pybabel extract`` knows); ``gettext``
(language, message) is for a message held in a variable, which extraction cannot see.
Document texts are translated apart, under a context: see ``documents/texts.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

DIRECTORY = Path(__file__).parent / "translations"
SOURCE_LANGUAGE = "en"


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language``, loaded once (the source language has none)."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(DIRECTORY), [language])


def gettext(language: str, message: str, /, **params) -> str:
    """``message`` in ``language``, with ``%(name)s`` parameters filled in."""
    text = translations(language).ugettext(message)
    return text % params if params else text


def pgettext(language: str, context: str, message: str, /, **params) -> str:
    """Like ``gettext``, for a message translated apart from the interface's (msgctxt)."""
    text = translations(language).upgettext(context, message)
    return text % params if params else text


def pgettext_noop(context: str, message: str) -> str:
    """Marks ``message`` (under ``context``) for extraction; translate it with pgettext."""
    return message


def render(value, language: str):
    """``value`` in ``language`` when it is a lazy text or label, else ``value`` itself."""
    render_in = getattr(value, "render", None)
    return render_in(language) if render_in is not None else value


def _default_language() -> str:
    return SOURCE_LANGUAGE


_language_source: Callable[[], str] = _default_language


def set_language_source(source: Callable[[], str]) -> None:
    """Where ``str()`` of a lazy text finds the reader's language (the fronts set it)."""
    global _language_source
    _language_source = source


def current_language() -> str:
    """The reader's language, as the fronts said; English outside them."""
    return _language_source()


class LazyText:
    """A message and its parameters, translated when rendered (see the module's doc)."""

    __slots__ = ("message", "params")

    def __init__(self, message: str, /, **params):
        self.message = message
        self.params = params

    def render(self, language: str) -> str:
        """The text in ``language``; parameters that are lazy are rendered in it too."""
        if not self.params:
            return gettext(language, self.message)
        params = {k: render(v, language) for k, v in self.params.items()}
        return gettext(language, self.message, **params)

    def __str__(self) -> str:
        return self.render(current_language())

    def __repr__(self) -> str:
        return f"LazyText({self.message!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.message)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, item) -> bool:
        return item in str(self)

    def __add__(self, other) -> str:
        return str(self) + str(other)

    def __radd__(self, other) -> str:
        return str(other) + str(self)


def lazy_text(message: str, /, **params) -> LazyText:
    return LazyText(message, **params)


class Joined:
    """Texts joined by ``separator``, each rendered in the language of the whole."""

    __slots__ = ("items", "separator")

    def __init__(self, items: Iterable, separator: str = ", "):
        self.items = list(items)
        self.separator = separator

    def render(self, language: str) -> str:
        return self.separator.join(str(render(i, language)) for i in self.items)

    def __str__(self) -> str:
        return self.render(current_language())


def joined(items: Iterable, separator: str = ", ") -> Joined:
    return Joined(items, separator)
