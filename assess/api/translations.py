"""The assessment's free texts in the other national language (issue 19): which texts there
are (``/texts``), and their translations read and replaced (``/translations``)."""

from __future__ import annotations

from typing import Literal

from flask import g
from pydantic import BaseModel, Field

from .. import bilingual
from ..operations import assessments as ops
from ..operations import translations as translation_ops
from . import endpoint, etag, if_match
from .schemas import Request


class TranslationIn(Request):
    text: str = ""
    copied: bool = Field(
        False,
        description="The original copied as a starting point, not yet translated: the "
        "documents print the original with its mark and the text counts missing. Kept only "
        "while the text is the original word for word.",
    )


class TranslationsIn(Request):
    """The translations of one or both national languages; a language given replaces all of
    its translations (an empty text or a path left out removes one)."""

    fi: dict[str, TranslationIn] | None = None
    sv: dict[str, TranslationIn] | None = None


class TranslationOut(BaseModel):
    text: str
    copied: bool


TranslationsOut = dict[Literal["fi", "sv"], dict[str, TranslationOut]]


class TextOut(BaseModel):
    path: str = Field(description="Where the text lives, e.g. alternatives.alt-1.label.")
    original: str = Field(description="The text in the decision's language.")
    missing: list[Literal["fi", "sv"]] = Field(
        description="The languages it is not yet translated into (a copy counts missing)."
    )


class TextsOut(BaseModel):
    language: Literal["fi", "sv"]  # the decision's: every original is written in it
    translated_into: list[Literal["fi", "sv"]]  # empty unless the organisation is bilingual
    texts: list[TextOut]
    missing: dict[str, int]


def _translations(a) -> dict:
    return {
        lang: {path: t.dump() for path, t in entries.items()}
        for lang, entries in a.content.translations.items()
    }


@endpoint("/assessments/<int:assessment_id>/texts", response=TextsOut, errors=(401, 404))
def assessment_texts(assessment_id: int):
    """The assessment's free texts with their paths, and which lack a translation."""
    a = ops.get_assessment(g.api_user, assessment_id)
    data, origin = a.content, a.decision.language
    into = translation_ops.languages(a)
    rows = [
        {
            "path": path,
            "original": original,
            "missing": [
                lang
                for lang in into
                if not bilingual.in_language(data, path, original, lang, origin)[1]
            ],
        }
        for path, original in translation_ops.texts(a)
    ]
    return {
        "language": origin,
        "translated_into": into,
        "texts": rows,
        "missing": {lang: sum(lang in r["missing"] for r in rows) for lang in into},
    }, {"ETag": etag(a.version)}


@endpoint(
    "/assessments/<int:assessment_id>/translations",
    response=TranslationsOut,
    errors=(401, 404),
)
def get_translations(assessment_id: int):
    """The free texts' translations: language -> text path -> {text, copied}."""
    a = ops.get_assessment(g.api_user, assessment_id)
    return _translations(a), {"ETag": etag(a.version)}


@endpoint(
    "/assessments/<int:assessment_id>/translations",
    "PUT",
    request=TranslationsIn,
    response=TranslationsOut,
    roles=("preparer",),
    if_match=True,
    errors=(400, 401, 403, 404, 409, 412, 422, 428),
)
def put_translations(assessment_id: int, payload: TranslationsIn):
    """Replace the translations of the languages given; 422 names a path the assessment has
    no text at, or a language its texts are not translated into."""
    a = ops.get_assessment(g.api_user, assessment_id)
    version = if_match(a.version)
    translation_ops.save_translations(
        g.api_user, a, payload.model_dump(exclude_none=True), expected_version=version
    )
    return _translations(a), {"ETag": etag(a.version)}
