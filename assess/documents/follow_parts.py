"""Mitigation and follow-up for the board (issue 19): what will be done about the negative
effects, and the indicators that follow them, with owners, dates and the effects each follows.
"""

from __future__ import annotations

from typing import Any

from . import columns
from .board_texts import TEXTS as BOARD
from .board_texts import text
from .texts import TEXTS as DOC
from .texts import date_text

FONT_PT = 9
INDICATOR_TEXTS = ("name", "source", "baseline", "target")


def followed_effects(renderer: Any, indicator) -> str:
    """The effects an indicator follows ("group:dimension"), by their labels."""
    form, names = renderer.form, []
    for key in indicator.follows:
        group_id, _, dim_id = key.partition(":")
        g, d = form.group(group_id), form.dimension(dim_id)
        if g is not None and d is not None:
            names.append(f"{renderer.label(g)} – {renderer.label(d)}")
    return "; ".join(names)


def cell_mitigations(renderer: Any) -> list[tuple[str, str]]:
    """The recommended alternative's own measures against its negative effects."""
    data, form = renderer.data, renderer.form
    chosen = next((a for a in data.alternatives if a.recommended), None)
    if chosen is None:
        return []
    out = []
    for c in data.impacts:
        if c.alternative != chosen.id or c.direction != "negative" or not c.mitigation.strip():
            continue
        g, d = form.group(c.group), form.dimension(c.dimension)
        if g is None or d is None:
            continue
        path = f"impacts.{c.alternative}.{c.group}.{c.dimension}.mitigation"
        out.append(
            (f"{renderer.label(g)} – {renderer.label(d)}", renderer.free(path, c.mitigation))
        )
    return out


def write(renderer: Any) -> None:
    w, lang, data = renderer.w, renderer.lang, renderer.data
    w.heading(text("mitigation_follow_up", lang), 2)
    measures = data.answer("mitigation_measures")
    if isinstance(measures, str) and measures.strip():
        section = renderer.form.section("mitigation")
        q = next((q for q in section.questions if q.id == "mitigation_measures"), None)
        label = renderer.label(q) if q is not None else renderer.t("mitigation")
        w.paragraph(renderer.free("answers.mitigation_measures", measures), bold_label=label)
    mitigations = cell_mitigations(renderer)
    if mitigations:
        w.paragraph(renderer.t("mitigation") + ":")
        for effect, measure in mitigations:
            w.bullet(measure, bold_label=effect)
    w.heading(renderer.t("follow_up"), 3)
    indicators = data.indicators
    if not indicators:
        w.paragraph(renderer.t("no_indicators"))
        return
    keys = ("indicator", "source", "baseline", "target", "owner", "review_date")
    header = [renderer.t(k) for k in keys] + [text("follows", lang)]
    body = []
    for i in indicators:
        texts = [renderer.free(f"indicators.{i.id}.{k}", getattr(i, k)) for k in INDICATOR_TEXTS]
        body.append(
            [*texts, i.owner, date_text(i.review_date, lang), followed_effects(renderer, i)]
        )
    words = [columns.in_every_language(k, DOC) for k in keys]
    words.append(columns.in_every_language("follows", BOARD))
    cells = [[r[n] for r in body] for n in range(len(words))]
    widths = columns.fit(words, columns.usable_cm(w), FONT_PT, [2, 1, 1, 1, 1, 0, 2], cells=cells)
    w.table(header, body, font_size=FONT_PT, widths=widths)
