""" "Points weighed in the review" (issue 19): what the board reads of the flags.

A flag is the product's working note to the preparer; printed as such ("serious, resolved:
the answers changed") it exposes the drafting history and reads as a reprimand. The board's
document keeps only what the decision rests on: each high flag the reviewer acknowledged,
named neutrally by its subject, what it concerns, the basis it cites, and the reviewer's
reasoning. No other flag, no status.
"""

from __future__ import annotations

from typing import Any

from .board_texts import TEXTS, text
from .texts import date_text


def weighed(data) -> list:
    return [f for f in data.flags if f.severity == "high" and f.acknowledged is not None]


def subject(flag, language: str) -> str:
    key = f"point_{flag.rule}"
    return text(key if key in TEXTS else "point", language)


def concerns(renderer: Any, flag) -> str:
    """What the flag is about, by labels: the alternative, the group and the dimension."""
    form, parts = renderer.form, []
    alt = next((a for a in renderer.data.alternatives if a.id == flag.alternative), None)
    if alt is not None:
        parts.append(renderer.alt_name(alt))
    group = form.group(flag.group) if flag.group else None
    if group is not None:
        parts.append(renderer.label(group))
    dim = form.dimension(flag.dimension) if flag.dimension else None
    if dim is not None:
        parts.append(renderer.label(dim))
    return " – ".join(parts)


def write(renderer: Any) -> None:
    points = weighed(renderer.data)
    if not points:
        return
    w, lang = renderer.w, renderer.lang
    w.heading(text("review_points", lang), 2)
    w.paragraph(text("review_points_intro", lang))
    for f in points:
        w.heading(subject(f, lang), 3)
        about = concerns(renderer, f)
        if about:
            w.paragraph(about, bold_label=text("concerns", lang))
        basis = (f.basis or {}).get(lang)
        if basis:
            w.paragraph(basis, bold_label=renderer.t("flag_basis"))
        ack = f.acknowledged
        who = text("reasoning", lang, name=ack.name, date=date_text(ack.at, lang))
        w.paragraph(ack.comment, bold_label=who)
