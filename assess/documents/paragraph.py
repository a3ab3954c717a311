"""The paragraph for the decision proposal (issue 19): what a board member must know of
the assessment in a few sentences, in the proposal's language, under 1,000 characters.

In order: the level; the groups most affected by the recommended alternative and the
direction of its effects against the zero option; the hearings held (or why none); the
first follow-up review; who approved it, and where the assessment is (the attachment's
number on the agenda, or the document id before it is on one). Labels come from the
form in the paragraph's language; free texts (alternatives' names, the reason for not
hearing) in the language when translated, else as written.
"""

from __future__ import annotations

from ..assessment_data import Alternative, Snapshot
from ..bilingual import in_language
from ..questionnaire.completeness import baseline as baseline_of
from ..questionnaire.definition import FormDefinition
from .texts import date_text, text

LIMIT = 1000
# How much a cell's magnitude weighs when ranking the groups; an effect of no stated
# magnitude counts as small.
WEIGHTS = {"large": 3, "moderate": 2, "small": 1}
DIRECTIONS = ("negative", "positive")  # printed in this order: harms first
MOST_GROUPS = 3
MOST_DIMENSIONS = 3


def decision_paragraph(
    s: Snapshot,
    form: FormDefinition,
    language: str,
    *,
    doc_id: str,
    attachment: int | None = None,
) -> str:
    data = s.data
    screening = data.screening
    t = lambda key, **kw: text(key, language, **kw)  # noqa: E731
    level = screening.level
    head = t("paragraph_head")
    if level in ("light", "full"):
        head += f" ({t('level_' + level)})"
    if level == "none":
        reason = (screening.level_reason or "").strip()
        if reason:
            reason = _in(s, "screening.level_reason", reason, language)
        option = next(
            (c for c in form.screening.exempt_categories if c.id == screening.exempt_category),
            None,
        )
        why = (reason or (option.labels.get(language) if option else "")).rstrip(".")
        sentences = [t("paragraph_none") + (f": {why}" if why else "") + "."]
    else:
        sentences = [
            _effects(s, form, language),
            _hearings(s, form, language),
            _follow_up(s, language),
        ]
    approved = s.approved_by
    if approved:
        common = {"name": approved.name, "date": date_text(s.at, language)}
        sentences.append(
            t("paragraph_attachment", n=attachment, **common)
            if attachment
            else t("paragraph_approved", doc=doc_id, **common)
        )
    out = f"{head}: " + " ".join(x for x in sentences if x)
    if len(out) > LIMIT:
        # Only free texts (a long reason) can take it over; cut them, never the reference.
        tail = sentences[-1] if approved else ""
        room = LIMIT - len(tail) - 2
        out = out[: room - 1].rstrip() + "… " + tail if tail else out[: LIMIT - 1] + "…"
    return out.strip()


def _in(s: Snapshot, path: str, original: str, language: str) -> str:
    return in_language(s.data, path, original, language, s.decision.language)[0]


def _name(s: Snapshot, alt: Alternative, language: str) -> str:
    if alt.label.strip():
        return _in(s, f"alternatives.{alt.id}.label", alt.label, language)
    key = "zero_option" if alt.zero_option else "the_proposal"
    return text(key, language)


def _chosen(s: Snapshot) -> Alternative | None:
    """The recommended alternative; the only one compared with the zero option when none
    is marked (a light assessment has the proposal only)."""
    others = [a for a in s.data.alternatives if not a.zero_option]
    chosen = next((a for a in others if a.recommended), None)
    return chosen or (others[0] if len(others) == 1 else None)


def _effects(s: Snapshot, form: FormDefinition, language: str) -> str:
    data = s.data
    chosen = _chosen(s)
    if chosen is None:
        return ""
    # group -> direction -> [(weight, dimension)]
    found: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for c in data.impacts:
        if c.alternative != chosen.id or c.direction not in DIRECTIONS:
            continue
        if c.group not in data.groups_in_scope or c.dimension not in data.dimensions_in_scope:
            continue
        weight = WEIGHTS.get(c.magnitude or "", 1)
        found.setdefault(c.group, {}).setdefault(c.direction, []).append((weight, c.dimension))
    if not found:
        return text("paragraph_no_effects", language)
    group_order = {g.id: n for n, g in enumerate(form.groups)}
    dim_order = {d.id: n for n, d in enumerate(form.dimensions)}

    def score(group: str) -> tuple:
        weights = [w for cells in found[group].values() for w, _ in cells]
        return (-max(weights), -sum(weights), group_order.get(group, 99))

    parts = []
    for group in sorted(found, key=score)[:MOST_GROUPS]:
        g = form.group(group)
        label = g.labels.get(language) if g else group
        effects = []
        for direction in DIRECTIONS:
            cells = sorted(
                found[group].get(direction, []), key=lambda x: (-x[0], dim_order.get(x[1], 99))
            )
            if not cells:
                continue
            v = form.scale_value("direction", direction)
            dims = []
            for _, dim in cells[:MOST_DIMENSIONS]:
                d = form.dimension(dim)
                dims.append(_lower(d.labels.get(language) if d else dim))
            effects.append(f"{v.labels.get(language) if v else direction}: {', '.join(dims)}")
        parts.append(f"{_lower(label)} ({'; '.join(effects)})")
    groups = ", ".join(parts)
    zero = baseline_of(data)
    alternative = _name(s, chosen, language)
    if zero is None:
        return text("paragraph_effects_no_zero", language, alternative=alternative, groups=groups)
    return text(
        "paragraph_effects",
        language,
        zero=_name(s, zero, language),
        alternative=alternative,
        groups=groups,
    )


def _lower(label: str) -> str:
    """A label inside a sentence: its first letter small (only that: "EU", "Sámi" stay)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _council(form: FormDefinition, council: str | None, language: str) -> str:
    found = form.council(council or "")
    return found.labels.get(language) if found else (council or "—")


def _hearings(s: Snapshot, form: FormDefinition, language: str) -> str:
    data = s.data
    if not data.hearings:
        reason = (data.no_hearings_reason or "").strip()
        if not reason:
            return text("paragraph_no_hearings_plain", language)
        reason = _in(s, "no_hearings_reason", reason, language).rstrip(".")
        return text("paragraph_no_hearings", language, reason=reason)
    heard = [h for h in data.hearings if not (h.not_heard_reason or h.not_heard_code)]
    not_heard = [h for h in data.hearings if h.not_heard_reason or h.not_heard_code]
    out = []
    if heard:
        names = []
        for h in heard:
            name = _council(form, h.council, language)
            if h.answered_on:
                name += f" ({date_text(h.answered_on, language)})"
            names.append(name)
        out.append(text("paragraph_heard", language, councils=", ".join(names)))
    if not_heard:
        names = [_council(form, h.council, language) for h in not_heard]
        out.append(text("paragraph_not_heard_councils", language, councils=", ".join(names)))
    return " ".join(out)


def _follow_up(s: Snapshot, language: str) -> str:
    dates = sorted(i.review_date for i in s.data.indicators if i.review_date)
    if not dates:
        return text("paragraph_no_follow_up", language)
    return text("paragraph_follow_up", language, date=date_text(dates[0], language))
