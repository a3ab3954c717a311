"""The fronts' side of translation: which language a request reads, and lazy texts.

One function, ``select_language``, decides the language of a request; Flask-Babel asks
it (templates) and ``request_language`` answers with what it decided (or what the API
forced), so views and the API pass that language down to operations and the pure
layers. The catalogues and ``LazyText`` are in ``assess.translation`` (no Flask): a
lazy text turned into ``str`` here renders in the request's language.

Flask-Babel's ``lazy_gettext`` marks its result as safe HTML (``__html__``), so a
parameter such as a case number typed by a user would reach the page unescaped. Use
``lazy_text``: it carries no ``__html__`` and Jinja escapes it, parameters included.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from .translation import SOURCE_LANGUAGE, LazyText, lazy_text, set_language_source

__all__ = ["LazyText", "lazy_text", "request_language", "select_language"]

API_LANGUAGES = ("fi", "sv", "en")
API_PREFIX = "/api/"


def select_language() -> str:
    """The language of the current request; Flask-Babel's locale selector.

    Outside a request (CLI, scripts): English, the source language. The JSON API: the
    client's ``Accept-Language`` (fi, sv, en), else English (docs/api.md). A page: the
    user's preferred language, the one chosen in this session, the organisation's
    default, else ``BABEL_DEFAULT_LOCALE``.
    """
    if not has_request_context():
        return SOURCE_LANGUAGE
    if request.path.startswith(API_PREFIX):
        # Kept with the request: ``g`` may outlive it when an application context is shared.
        environ = request.environ
        if "assess.api_language" not in environ:
            best = request.accept_languages.best_match(API_LANGUAGES)
            environ["assess.api_language"] = best or SOURCE_LANGUAGE
        return environ["assess.api_language"]
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.preferred_language in languages:
        return current_user.preferred_language
    chosen = session.get("language")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    if current_user.is_authenticated:
        default = current_user.organisation.setting("default_language")
        if default in languages:
            return default
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def request_language() -> str:
    """The language the current request reads, as ``select_language`` decided it (or as
    the API forced it around a handler). Pass it down: operations and the pure layers
    take the language as an argument."""
    locale = get_locale()
    return str(locale) if locale is not None else select_language()


def _babel_language() -> str:
    locale = get_locale()
    return str(locale) if locale is not None else SOURCE_LANGUAGE


# ``str()`` of a lazy text follows Flask-Babel's locale, as the templates' texts do.
set_language_source(_babel_language)
