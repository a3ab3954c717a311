"""A free text of the assessment as a document in one language prints it (issue 19).

Every free text is written in the decision's language; a bilingual organisation also gives
it in the other national language (``assess.bilingual``). A text not given there is printed
in the original followed by a mark saying which language it is in ("(på finska)"), so a
reader of the Swedish document knows the Finnish text is not an oversight of the document.
"""

from __future__ import annotations

from typing import Any

from ..bilingual import in_language
from .board_texts import text


def mark(origin: str, language: str) -> str:
    """ "(på finska)": the mark of a text in ``origin`` printed in a ``language`` document."""
    return text(f"in_{origin}", language) if origin in ("fi", "sv") else ""


def free(renderer: Any, path: str, original: str | None) -> str:
    """The text at ``path`` in the renderer's language, or the original with its mark."""
    if not (original or "").strip():
        return original or ""
    origin = renderer.s.decision.language
    value, translated = in_language(renderer.data, path, original or "", renderer.lang, origin)
    if translated:
        return value
    return f"{value} {mark(origin, renderer.lang)}".rstrip()
