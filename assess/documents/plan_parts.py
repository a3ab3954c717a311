"""The assessment document's part on the wellbeing plan (issue 18, [plan]): how the
decision bears on the objectives of the organisation's plan.

Printed only when the assessment links the plan, so documents of revisions made before
(or without) plan links render byte for byte as they did. The objectives' texts come from
the revision's snapshot (``plan_objectives``), never from the plan as it is today.
"""

from __future__ import annotations

from typing import Any

from ..translation import pgettext, pgettext_noop

TEXTS: dict[str, str] = {
    "plan": pgettext_noop("document", "Wellbeing plan"),
    "plan_intro": pgettext_noop(
        "document", "How the decision bears on the objectives of the wellbeing plan:"
    ),
    "objective": pgettext_noop("document", "Objective"),
    "period": pgettext_noop("document", "Period"),
    "plan_effect": pgettext_noop("document", "Effect"),
    "plan_note": pgettext_noop("document", "Why"),
    "helped": pgettext_noop("document", "helps"),
    "harmed": pgettext_noop("document", "harms"),
    "neutral": pgettext_noop("document", "neutral"),
    "plan_indicator": pgettext_noop(
        "document", "Indicators taken from the wellbeing plan: %(names)s"
    ),
}


def _t(key: str, language: str, **params) -> str:
    return pgettext(language, "document", TEXTS[key], **params)


def write(renderer: Any) -> None:
    """Add the part to ``renderer``'s document (``documents.assessment._Renderer``)."""
    data, w, lang = renderer.data, renderer.w, renderer.lang
    if not data.plan_links:
        return
    objectives = renderer.s.plan_objectives or {}
    w.heading(_t("plan", lang), 2)
    w.paragraph(_t("plan_intro", lang))
    rows = []
    for link in data.plan_links:
        o = objectives.get(link.objective) or {}
        name = o.get(lang) or o.get("fi") or link.objective
        period = f"{o['start_year']}–{o['end_year']}" if o.get("start_year") else "—"
        effect = _t(link.effect, lang) if link.effect in ("helped", "harmed", "neutral") else "—"
        note = renderer.free(f"plan_links.{link.objective}.note", link.note)
        rows.append([name, period, effect, note or ""])
    header = [_t(k, lang) for k in ("objective", "period", "plan_effect", "plan_note")]
    w.table(header, rows, font_size=9)
    taken = [
        renderer.free(f"indicators.{i.id}.name", i.name)
        for i in data.indicators
        if i.plan_indicator
    ]
    if taken:
        w.paragraph(_t("plan_indicator", lang, names="; ".join(taken)))
