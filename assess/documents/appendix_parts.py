"""The appendix of the board's document (issue 19): the assessment in detail.

The screening, the scope and the other questions, the alternatives with their costs, and
the effects of each alternative group by group: the cells with an effect in full (scales,
rationale, evidence, mitigation), the neutral and the not assessed ones collapsed into one
sentence per group ("No significant effect on: …"), instead of a page of "neutral".
"""

from __future__ import annotations

from typing import Any

from ..questionnaire.completeness import alternatives as alternatives_of
from . import economy_parts as economy
from . import scope_parts
from .board_texts import text

SCALES = ("likelihood", "duration", "reversibility", "confidence")
CELL_TEXTS = ("rationale", "evidence", "mitigation")


def write(renderer: Any) -> None:
    w, data, form = renderer.w, renderer.data, renderer.form
    w.heading(text("appendix", renderer.lang), 2)
    renderer.screening(level=3)
    for section in form.sections_for(data.level):
        if section.kind == "questions" and section.id != "mitigation":
            renderer.questions(section, level=3, skip=("comparison", "recommendation_reason"))
            if section.id == "scoping":
                scope_parts.write(renderer)
    renderer.alternatives(level=3)
    effects(renderer)


def _described(alt, c) -> bool:
    """A cell worth its details: an effect, or the zero option's described baseline."""
    if c.direction and c.direction != "neutral":
        return True
    return bool(alt.zero_option and not c.direction and c.rationale.strip())


def effects(renderer: Any) -> None:
    w, data, form, lang = renderer.w, renderer.data, renderer.form, renderer.lang
    groups = [g for g in form.groups if g.id in data.groups_in_scope]
    dims = [d for d in form.dimensions if d.id in data.dimensions_in_scope]
    if not groups or not dims:
        return
    cells = {c.key: c for c in data.impacts}
    for alt in alternatives_of(data):
        name = renderer.alt_name(alt) + renderer.compared(alt)
        w.heading(f"{text('effects_in_detail', lang)}: {name}", 3)
        for g in groups:
            shown, neutral, unassessed = [], [], []
            for d in dims:
                c = cells.get((alt.id, g.id, d.id))
                if c is not None and _described(alt, c):
                    shown.append((d, c))
                elif c is not None and c.direction == "neutral":
                    neutral.append(renderer.label(d))
                else:
                    unassessed.append(renderer.label(d))
            w.paragraph(renderer.label(g) + ":", bold=True)
            for d, c in shown:
                parts = [f"{renderer.label(d)}: {renderer.cell_text(c)}"]
                for scale in SCALES:
                    value = getattr(c, scale)
                    if value:
                        parts.append(
                            f"{renderer.label(form.scales[scale])}: {renderer.scale(scale, value)}"
                        )
                w.bullet("; ".join(parts))
                for key in CELL_TEXTS:
                    original = getattr(c, key)
                    if not (original or "").strip():
                        continue
                    label = renderer.t(key)
                    if key == "rationale" and alt.zero_option and not c.direction:
                        label = economy.text("baseline", lang)
                    path = f"impacts.{alt.id}.{g.id}.{d.id}.{key}"
                    w.paragraph(renderer.free(path, original), "List Continue", bold_label=label)
            if neutral:
                w.paragraph(text("no_effect_on", lang, names=", ".join(neutral)))
            if unassessed:
                w.paragraph(text("not_assessed_on", lang, names=", ".join(unassessed)))
