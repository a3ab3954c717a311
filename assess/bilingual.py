"""Both national languages as content: which free texts an assessment has, and each one in
the language a document or page is read in (issue 19).

The original of every free text is written in the decision's language. A bilingual
organisation also writes them in the other national language; ``AssessmentData.translations``
holds those, keyed by the text's path, a dotted address of where the original lives
(``impacts.<alternative>.<group>.<dimension>.rationale``). A path names a text by the ids of
what it belongs to, so a translation stays with its text when others are added or removed;
when the original is removed the translation is simply no longer asked for.

Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Iterator

from .assessment_data import AssessmentData
from .questionnaire.definition import FormDefinition

FREE_TEXT_TYPES = ("text", "long_text")
CELL_TEXTS = ("rationale", "evidence", "mitigation")
HEARING_TEXTS = ("statement", "taken_into_account", "not_heard_reason")
ALTERNATIVE_TEXTS = ("label", "description", "costs_note")
INDICATOR_TEXTS = ("name", "source", "baseline", "target")


def text_paths(data: AssessmentData, form: FormDefinition) -> list[tuple[str, str]]:
    """Every free text the assessment has, as (path, original), the empty ones left out,
    in the order a reader meets them."""
    return [(path, text) for path, text in _texts(data, form) if (text or "").strip()]


def _texts(data: AssessmentData, form: FormDefinition) -> Iterator[tuple[str, str]]:
    yield "screening.level_reason", data.screening.level_reason or ""
    for section in form.sections:
        for q in section.questions:
            if q.type in FREE_TEXT_TYPES and isinstance(data.answer(q.id), str):
                yield f"answers.{q.id}", data.answer(q.id)
    for group, reason in data.scope_exclusions.items():
        yield f"scope_exclusions.{group}", reason
    for a in data.alternatives:
        for key in ALTERNATIVE_TEXTS:
            yield f"alternatives.{a.id}.{key}", getattr(a, key)
    for c in data.impacts:
        for key in CELL_TEXTS:
            yield f"impacts.{c.alternative}.{c.group}.{c.dimension}.{key}", getattr(c, key)
    for h in data.hearings:
        for key in HEARING_TEXTS:
            yield f"hearings.{h.id}.{key}", getattr(h, key)
    yield "no_hearings_reason", data.no_hearings_reason or ""
    for i in data.indicators:
        for key in INDICATOR_TEXTS:
            yield f"indicators.{i.id}.{key}", getattr(i, key)
    for link in data.plan_links:
        yield f"plan_links.{link.objective}.note", link.note


def in_language(data: AssessmentData, path: str, original: str, language: str, origin: str):
    """``original`` (the text at ``path``) as read in ``language``: (text, translated).

    ``translated`` is False when the original is shown because no translation was given
    or the one given is only a copy; a document then marks the text "(in Finnish)".
    In the original's own language (``origin``) the original is always the text.
    """
    if language == origin:
        return original, True
    given = (data.translations.get(language) or {}).get(path)
    if given is not None and not given.copied and given.text.strip():
        return given.text, True
    return original, False


def missing(data: AssessmentData, form: FormDefinition, language: str, origin: str) -> list[str]:
    """The paths of the texts not yet translated into ``language`` (copies count missing)."""
    if language == origin:
        return []
    return [
        path
        for path, original in text_paths(data, form)
        if not in_language(data, path, original, language, origin)[1]
    ]
