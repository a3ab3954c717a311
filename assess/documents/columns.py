"""Column widths a table's words fit in, in every language of the documents (issue 19).

A fixed-layout table breaks a word that is wider than its column ("Granskningsdatu/m"), so
each column is made at least as wide as the longest word of its header in fi, sv and en
(and of its cells); what is left of the page goes to the columns of free text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..translation import pgettext

# Calibri's widest ordinary letters in bold are about 0.55 em; a cell's padding is
# 0.19 cm each side in Word and LibreOffice.
EM_CM = 0.03528  # one point in centimetres
CHAR_EM = 0.56
PADDING_CM = 0.45
LANGUAGES = ("fi", "sv", "en")


def in_every_language(key: str, texts: dict[str, str]) -> list[str]:
    """The document text ``key`` of ``texts`` as fi, sv and en print it."""
    return [pgettext(lang, "document", texts[key]) for lang in LANGUAGES]


def word_cm(words: Iterable[str], font_pt: float) -> float:
    """The width of the longest word of ``words`` (phrases are split at spaces)."""
    longest = max((len(w) for phrase in words for w in (phrase or "").split()), default=1)
    return longest * CHAR_EM * font_pt * EM_CM + PADDING_CM


def usable_cm(writer) -> float:
    """The width between the margins of the writer's current (last) section, in cm."""
    section = writer.doc.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def fit(
    headers: Sequence[Iterable[str]],
    total_cm: float,
    font_pt: float,
    grow: Sequence[float],
    cells: Sequence[Iterable[str]] | None = None,
) -> list[float]:
    """Widths (cm) of columns together ``total_cm``: each at least the longest word of its
    header (``headers``: per column every text its header may be, in any language), then,
    as far as the page allows, of its ``cells``; the rest shared by ``grow`` (a weight per
    column; 0 keeps the column at its minimum)."""
    least = [word_cm(words, font_pt) for words in headers]
    if sum(least) > total_cm:  # more columns than the page holds: shrink all alike
        return [w * total_cm / sum(least) for w in least]
    if cells is not None:
        need = [max(0.0, word_cm(c, font_pt) - w) for c, w in zip(cells, least, strict=True)]
        room = total_cm - sum(least)
        share = min(1.0, room / sum(need)) if sum(need) else 0.0
        least = [w + n * share for w, n in zip(least, need, strict=True)]
    rest = max(0.0, total_cm - sum(least))
    weight = sum(grow) or 1.0
    return [w + rest * g / weight for w, g in zip(least, grow, strict=True)]
