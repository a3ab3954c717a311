"""A decision's title and proposal in the other national language (issue 19).

A bilingual organisation decides in one language and publishes in both: the decision's
``translations`` hold the title and proposal in the other national language,
``{"sv": {"title": ..., "proposal": ...}}`` for a Finnish decision. The check lives here so
that the decision's own module only calls it.
"""

from __future__ import annotations

from typing import Any

from ..i18n import lazy_text as _l
from ._check import text
from .errors import Errors

NATIONAL = ("fi", "sv")
KEYS = {"title": 300, "proposal": 20_000}
NAMES = {"fi": _l("Finnish"), "sv": _l("Swedish")}


def other_language(language: str) -> str:
    """The other national language of a decision written in ``language``."""
    return "sv" if language == "fi" else "fi"


def clean_translations(errors: Errors, value: Any, language: str | None) -> dict[str, Any]:
    """``value`` checked against the decision's ``language``: only the other national
    language, only a title and a proposal, each text within the original's limits. Empty
    texts are left out, so ``{}`` is the decision with none."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.add(
            "translations",
            _l('Expected an object such as {"sv": {"title": "…", "proposal": "…"}}.'),
        )
        return {}
    other = other_language(language) if language in NATIONAL else None
    clean: dict[str, Any] = {}
    for lang, texts in value.items():
        field = f"translations.{lang}"
        if lang != other:
            if lang == language:
                message = _l(
                    "%(lang)r is the decision's own language: its title and proposal are "
                    "the decision's own fields. Give the translations in %(other)s (%(key)r).",
                    lang=lang,
                    other=NAMES[other] if other else "",
                    key=other or "",
                )
            else:
                message = _l(
                    "%(lang)r is not the other national language of this decision; expected "
                    "%(key)r.",
                    lang=lang,
                    key=other or "fi/sv",
                )
            errors.add(field, message)
            continue
        if not isinstance(texts, dict):
            errors.add(field, _l('Expected an object with "title" and "proposal".'))
            continue
        kept: dict[str, str] = {}
        for key, given in texts.items():
            if key not in KEYS:
                errors.add(
                    f"{field}.{key}",
                    _l(
                        "%(key)r cannot be translated here; only 'title' and 'proposal'.",
                        key=key,
                    ),
                )
                continue
            cleaned = text(errors, f"{field}.{key}", given, max_length=KEYS[key], required=False)
            if cleaned:
                kept[key] = cleaned
        if kept:
            clean[lang] = kept
    return clean
