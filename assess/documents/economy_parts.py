"""The assessment document's economic parts (issue 18, [economy]): the one table comparing
the alternatives' costs and savings, and the wording of the zero option as the baseline.

Printed only when the revision holds costs (a horizon, a line or a note), so documents of
revisions without them stay as they were. Pure: a snapshot's data in, paragraphs out.
"""

from __future__ import annotations

from collections.abc import Callable

from ..assessment_data import Alternative, AssessmentData
from ..questionnaire.costs import BORNE_BY, euros, summarise
from ..translation import pgettext, pgettext_noop
from ._docx import Writer

CONTEXT = "document"

TEXTS: dict[str, str] = {
    "costs": pgettext_noop("document", "Costs and savings of the alternatives"),
    "costs_intro": pgettext_noop(
        "document",
        "Compared with today's budget, in euros; yearly amounts each year, totals over the "
        "horizon. For the zero option, the costs that come even without the decision.",
    ),
    "item": pgettext_noop("document", "Item"),
    "one_off_costs": pgettext_noop("document", "One-off costs"),
    "yearly_costs": pgettext_noop("document", "Yearly costs"),
    "one_off_savings": pgettext_noop("document", "One-off savings"),
    "yearly_savings": pgettext_noop("document", "Yearly savings"),
    "investment": pgettext_noop("document", "Of the costs, investment (over the horizon)"),
    "borne_organisation": pgettext_noop("document", "Costs borne by the organisation"),
    "borne_residents": pgettext_noop("document", "Costs borne by residents"),
    "borne_other_public": pgettext_noop("document", "Costs borne by other public bodies"),
    "horizon": pgettext_noop("document", "Horizon (years)"),
    "total_costs": pgettext_noop("document", "Costs over the horizon"),
    "total_savings": pgettext_noop("document", "Savings over the horizon"),
    "net": pgettext_noop("document", "Net (costs less savings) over the horizon"),
    "unpriced": pgettext_noop("document", "Items without an amount yet"),
    "cost_notes": pgettext_noop("document", "Notes on the costs"),
    "not_given": pgettext_noop("document", "— (no horizon given)"),
    "compared_with": pgettext_noop("document", "compared with %(zero)s"),
    "baseline": pgettext_noop("document", "The situation without the decision"),
    "described": pgettext_noop("document", "described"),
}


def text(key: str, language: str, **params) -> str:
    return pgettext(language, CONTEXT, TEXTS[key], **params)


def has_costs(data: AssessmentData) -> bool:
    return any(a.costs or a.horizon_years or a.costs_note.strip() for a in data.alternatives)


def _name(alt: Alternative, fallback: str) -> str:
    return alt.label or fallback


def cost_table(
    w: Writer,
    data: AssessmentData,
    language: str,
    the_proposal: str,
    free: Callable[[str, str], str] | None = None,
    name: Callable[[Alternative], str] | None = None,
) -> None:
    """One table, the alternatives as columns: what each costs and saves, who bears the
    costs, the horizon and the totals over it; the notes below. ``free`` prints a free
    text (path, original) in the document's language (issue 19)."""
    if not has_costs(data):
        return
    alts = data.alternatives
    sums = [summarise(a) for a in alts]
    t = lambda key, **kw: text(key, language, **kw)  # noqa: E731

    def total(value: int | None, s) -> str:
        return t("not_given") if value is None and s.horizon is None else euros(value, language)

    rows = [
        [t("one_off_costs")] + [euros(s.one_off_costs, language) for s in sums],
        [t("yearly_costs")] + [euros(s.yearly_costs, language) for s in sums],
        [t("one_off_savings")] + [euros(s.one_off_savings, language) for s in sums],
        [t("yearly_savings")] + [euros(s.yearly_savings, language) for s in sums],
        [t("horizon")] + [str(s.horizon) if s.horizon else "—" for s in sums],
        [t("total_costs")] + [total(s.total_costs, s) for s in sums],
        [t("total_savings")] + [total(s.total_savings, s) for s in sums],
        [t("net")] + [total(s.net, s) for s in sums],
        [t("investment")] + [total(s.investment, s) for s in sums],
    ]
    rows += [
        [t(f"borne_{who}")] + [total(s.borne_by.get(who), s) for s in sums] for who in BORNE_BY
    ]
    if any(s.unpriced for s in sums):
        rows.append([t("unpriced")] + [str(s.unpriced) for s in sums])
    w.heading(t("costs"), 3)
    w.paragraph(t("costs_intro"))
    w.table(
        [t("item")] + [name(a) if name else _name(a, the_proposal) for a in alts],
        rows,
        first_width=6.0,
        font_size=9,
    )
    notes = [
        (a, free(f"alternatives.{a.id}.costs.{line.id}.note", line.note) if free else line.note)
        for a in alts
        for line in a.costs
        if line.note.strip()
    ]
    notes += [
        (a, free(f"alternatives.{a.id}.costs_note", a.costs_note) if free else a.costs_note)
        for a in alts
        if a.costs_note.strip()
    ]
    if notes:
        w.paragraph(t("cost_notes") + ":")
        for a, note in notes:
            w.bullet(note, bold_label=name(a) if name else _name(a, the_proposal))
