"""What a flag rests on, printed under the flag in the assessment document (issue 18)."""

from __future__ import annotations

from typing import Any


def flag_basis(doc: Any, flag: Any) -> None:
    """The act and the method source the flag cites, in the document's language; nothing
    for a flag stored before flags cited their basis."""
    text = (flag.basis or {}).get(doc.lang)
    if text:
        doc.w.paragraph(text, "List Continue", bold_label=doc.t("flag_basis"))
