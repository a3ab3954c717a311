"""The one-page comparison of the alternatives for the board (issue 19).

The alternatives are the columns, the zero option first as the baseline the others are read
against; the rows are the (population group, dimension) pairs where any alternative has an
effect other than neutral, each cell a symbol and words (never colour alone), then the
costs and savings where the alternatives have them. On a landscape page of its own, in
8 pt, so that the realistic case (eight groups, six dimensions, three alternatives) fits
one page; labels are never abbreviated.
"""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from ..assessment_data import Alternative, AssessmentData
from ..questionnaire.completeness import alternatives as alternatives_of
from ..questionnaire.costs import euros, summarise
from . import columns
from . import economy_parts as economy
from .board_texts import TEXTS as BOARD
from .board_texts import text
from .texts import TEXTS as DOC

FONT_PT = 8
MARGIN_CM = 1.5
# Cost rows: (economy_parts' text, the summary's field). Net is over the horizon, which
# the appendix's cost table gives.
COST_ROWS = (
    ("one_off_costs", "one_off_costs"),
    ("yearly_costs", "yearly_costs"),
    ("one_off_savings", "one_off_savings"),
    ("yearly_savings", "yearly_savings"),
    ("net", "net"),
)


def ordered(data: AssessmentData) -> list[Alternative]:
    """The alternatives, the zero option first (the baseline), the others as entered."""
    return sorted(data.alternatives, key=lambda a: not a.zero_option)


def columns_of(data: AssessmentData) -> list[Alternative]:
    """The comparison's columns: the alternatives, or a light assessment's proposal."""
    return ordered(data) or alternatives_of(data)


def rows(renderer: Any, alts: list[Alternative]) -> list[tuple[Any, Any, list[str]]]:
    """(group, dimension, a cell text per alternative) where any effect is not neutral."""
    data, form = renderer.data, renderer.form
    cells = {c.key: c for c in data.impacts}
    found = []
    for g in form.groups:
        if g.id not in data.groups_in_scope:
            continue
        for d in form.dimensions:
            if d.id not in data.dimensions_in_scope:
                continue
            row = [cells.get((a.id, g.id, d.id)) for a in alts]
            if any(c is not None and c.direction not in (None, "neutral") for c in row):
                found.append((g, d, [renderer.cell_text(c) for c in row]))
    return found


def header_name(renderer: Any, alt: Alternative) -> str:
    name = renderer.alt_name(alt)
    if alt.zero_option:
        return f"{name} ({text('baseline_mark', renderer.lang)})"
    if alt.recommended and len(renderer.data.alternatives) > 1:
        return f"{name} ({renderer.t('recommended_mark')})"
    return name


def cost_rows(renderer: Any, alts: list[Alternative]) -> list[list[str]]:
    if not economy.has_costs(renderer.data):
        return []
    lang = renderer.lang
    sums = [summarise(a) for a in alts]
    out = []
    for n, (key, attr) in enumerate(COST_ROWS):
        values = []
        for s in sums:
            value = getattr(s, attr)
            if attr == "horizon":
                values.append(str(value) if value else "—")
            elif attr == "net" and s.horizon is None:
                values.append(economy.text("not_given", lang))
            else:
                values.append(euros(value, lang))
        first = text("costs_row", lang) if n == 0 else ""
        label = text("net_over_horizon", lang) if key == "net" else economy.text(key, lang)
        out.append([first, label, *values])
    return out


def compact(table, font_pt: float) -> None:
    """Give the empty cells' paragraphs the table's font size, so that a row without the
    group's name is as low as one with it (an empty paragraph is otherwise 11 pt high)."""
    size = str(int(font_pt * 2))
    for p in table.iter(qn("w:p")):
        if p.find(qn("w:r")) is None:
            ppr = p.find(qn("w:pPr"))
            if ppr is None:
                ppr = OxmlElement("w:pPr")
                p.insert(0, ppr)
            rpr = OxmlElement("w:rPr")
            sz = OxmlElement("w:sz")
            sz.set(qn("w:val"), size)
            rpr.append(sz)
            ppr.append(rpr)


def write(renderer: Any) -> None:
    """Add the comparison page to ``renderer``'s document (``assessment._Renderer``)."""
    w, lang, data = renderer.w, renderer.lang, renderer.data
    alts = columns_of(data)
    single = len(alts) == 1
    section = w.landscape()
    section.left_margin = section.right_margin = Cm(MARGIN_CM)
    # Low top and bottom margins: the realistic case's rows and costs fit the one page.
    section.top_margin, section.bottom_margin = Cm(1.0), Cm(1.2)
    section.header_distance, section.footer_distance = Cm(0.5), Cm(0.5)
    w.heading(text("proposal_effects" if single else "comparison", lang), 2)
    legend = "; ".join(
        f"{v.symbol} {renderer.label(v)}" for v in renderer.form.scales["direction"].values
    )
    if not single:
        w.paragraph(text("comparison_intro", lang))
    w.paragraph(f"{legend}; — {renderer.t('not_assessed')}", bold_label=renderer.t("legend"))
    effects = rows(renderer, alts)
    body: list[list[str]] = []
    previous = None
    for g, d, cells in effects:
        # The group's name once, on its first row: the rows below read as its own.
        body.append([renderer.label(g) if g is not previous else "", renderer.label(d), *cells])
        previous = g
    body += cost_rows(renderer, alts)
    if not effects:
        w.paragraph(text("no_significant", lang))
    if body:
        header = [renderer.t("group"), text("dimension", lang)] + [
            header_name(renderer, a) for a in alts
        ]
        group_words = [
            lbl for g in renderer.form.groups for lbl in (g.labels.fi, g.labels.sv, g.labels.en)
        ]
        group_words += columns.in_every_language("group", DOC)
        group_words += columns.in_every_language("costs_row", BOARD)
        dim_words = [
            lbl for d in renderer.form.dimensions for lbl in (d.labels.fi, d.labels.sv, d.labels.en)
        ]
        dim_words += columns.in_every_language("dimension", BOARD)
        dim_words += [economy.text(k, lang) for k, _ in COST_ROWS if k != "net"]
        dim_words += columns.in_every_language("net_over_horizon", BOARD)
        alt_words = [[header_name(renderer, a)] for a in alts]
        texts = [[r[n] for r in body] for n in range(len(header))]
        widths = columns.fit(
            [group_words, dim_words, *alt_words],
            columns.usable_cm(w),
            FONT_PT,
            [1, 1.2, *([2] * len(alts))],
            cells=texts,
        )
        compact(w.table(header, body, font_size=FONT_PT, widths=widths), FONT_PT)
    reasoning = data.answer("comparison")
    if isinstance(reasoning, str) and reasoning.strip():
        w.paragraph(
            renderer.free("answers.comparison", reasoning),
            bold_label=text("preparers_comparison", lang),
        )
    section = w.portrait()
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    section.header_distance = section.footer_distance = Cm(1.25)
