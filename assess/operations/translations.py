"""The assessment's free texts in the other national language (issue 19).

A bilingual organisation makes its documents in Finnish and Swedish; the preparer writes
each free text in the decision's language and its translation here. The texts and their
paths are ``assess.bilingual``'s; what is stored is ``AssessmentData.translations``, saved
as any answer is (the optimistic lock, the editable states, the audit, the flags).
"""

from __future__ import annotations

from typing import Any

from .. import bilingual
from ..i18n import lazy_text as _l
from ..input_shape import strip_control
from ..models import Assessment, User
from ..questionnaire.answers import LONG_MAX
from .assessments import save_answers
from .context import document_languages, form_for
from .errors import Errors

__all__ = ["languages", "missing_counts", "save_translations", "texts"]


def languages(a: Assessment) -> list[str]:
    """The languages the texts are translated into: the document languages but the
    decision's own (none in an organisation that is not bilingual)."""
    return [x for x in document_languages(a.decision) if x != a.decision.language]


def texts(a: Assessment) -> list[tuple[str, str]]:
    """(path, original) of every free text the assessment has, in reading order."""
    return bilingual.text_paths(a.content, form_for(a))


def missing_counts(a: Assessment) -> dict[str, int]:
    """Per translation language, how many texts still lack their translation."""
    form, data, origin = form_for(a), a.content, a.decision.language
    return {lang: len(bilingual.missing(data, form, lang, origin)) for lang in languages(a)}


def save_translations(
    user: User, a: Assessment, payload: Any, *, expected_version: int | None
) -> Assessment:
    """Replace the translations of the languages ``payload`` gives
    (``{"sv": {"<path>": {"text": "...", "copied": false}}}``). An empty text removes one; a
    copy of the original stays marked as a copy only while it is the original word for word
    (an edited copy is a translation). Refused whole, naming each wrong path."""
    errors = Errors()
    allowed = languages(a)
    originals = dict(texts(a))
    if not isinstance(payload, dict):
        errors.add("", _l('Expected an object keyed by language, such as {"sv": {…}}.'))
        errors.raise_if_any()
    new = {k: dict(v) for k, v in (a.content.dump().get("translations") or {}).items()}
    for lang, given in payload.items():
        if lang not in allowed:
            errors.add(
                lang,
                _l(
                    "%(lang)r is not a language this assessment's texts are translated into; "
                    "expected: %(allowed)s.",
                    lang=lang,
                    allowed=", ".join(allowed) or "-",
                ),
            )
            continue
        if not isinstance(given, dict):
            errors.add(lang, _l('Expected an object keyed by text path: {"<path>": {…}}.'))
            continue
        new[lang] = _clean_language(errors, lang, given, originals)
    errors.raise_if_any()
    new = {lang: entries for lang, entries in new.items() if entries}
    return save_answers(user, a, {"translations": new}, expected_version=expected_version)


def _clean_language(
    errors: Errors, lang: str, given: dict, originals: dict[str, str]
) -> dict[str, dict]:
    clean: dict[str, dict] = {}
    for path, entry in given.items():
        where = f"{lang}.{path}"
        if path not in originals:
            errors.add(
                where,
                _l(
                    "The assessment has no text %(path)r to translate: a path is one of those "
                    "GET /api/v1/assessments/<id>/texts lists (an empty original has none).",
                    path=path,
                ),
            )
            continue
        if not isinstance(entry, dict) or set(entry) - {"text", "copied"}:
            errors.add(where, _l('Expected {"text": "…", "copied": false}.'))
            continue
        text, copied = entry.get("text", ""), entry.get("copied", False)
        if not isinstance(text, str) or not isinstance(copied, bool):
            errors.add(where, _l('Expected {"text": "…", "copied": false}.'))
            continue
        text = strip_control(text).strip()
        limit = max(LONG_MAX, 2 * len(originals[path]))
        if len(text) > limit:
            errors.add(
                where,
                _l(
                    "At most %(max)d characters are allowed; this has %(n)d.",
                    max=limit,
                    n=len(text),
                ),
            )
            continue
        if text:
            clean[path] = {
                "text": text,
                "copied": copied and text == originals[path].strip(),
            }
    return clean
