"""The follow-up summary for a council (or others) heard: a pure function from the revision
frozen when it was made to .docx bytes.

What the council said and how it was taken into account, what the indicators showed, and,
for every negative or unknown effect of the recommended alternative, what actually
happened and the lesson. In the council's language (fi or sv), with the same accessible
structure as the assessment document; the footer carries the revision's SHA-256.
"""

from __future__ import annotations

from typing import Any

from ..assessment_data import Snapshot
from ..questionnaire.definition import FormDefinition
from ..questionnaire.follow_up import followed_effects
from ..translation import pgettext, pgettext_noop
from ._docx import Writer
from .assessment import StoredSnapshot, revision_sha256, revision_time
from .texts import date_text, text

# Bump when the output changes (as ``assessment.RENDERER_VERSION``).
RENDERER_VERSION = 1

TEXTS: dict[str, str] = {
    "title": pgettext_noop("document", "Follow-up of the impact assessment"),
    "for_council": pgettext_noop("document", "Summary for: %(council)s"),
    "intro": pgettext_noop(
        "document",
        "You were heard before the decision. This summary tells what has been followed "
        "since the decision, what actually happened to the effects that were expected to be "
        "negative or were not known, and what was learnt.",
    ),
    "made_on": pgettext_noop("document", "Made on"),
    "your_statement": pgettext_noop("document", "Your statement"),
    "observations": pgettext_noop("document", "What the indicators showed"),
    "observed": pgettext_noop("document", "Observed"),
    "no_observations": pgettext_noop("document", "No observations recorded."),
    "effects": pgettext_noop("document", "What actually happened to the effects"),
    "no_effects": pgettext_noop(
        "document", "The recommended alternative had no negative or unknown effects."
    ),
    "effect": pgettext_noop("document", "Effect"),
    "expected": pgettext_noop("document", "Expected"),
    "outcome": pgettext_noop("document", "What happened"),
    "lesson": pgettext_noop("document", "Lesson"),
    "outcome_as_expected": pgettext_noop("document", "as expected"),
    "outcome_better": pgettext_noop("document", "better than expected"),
    "outcome_worse": pgettext_noop("document", "worse than expected"),
    "outcome_not_known": pgettext_noop("document", "not known"),
    "not_recorded": pgettext_noop("document", "not recorded"),
}


def t(key: str, language: str, **params) -> str:
    if key in TEXTS:
        return pgettext(language, "document", TEXTS[key], **params)
    return text(key, language, **params)


def summary_id(snapshot: StoredSnapshot, council: str, language: str) -> str:
    s = Snapshot.load(snapshot)
    return f"SEU-{s.assessment}-{s.revision}-{language.upper()}"


def render_summary(snapshot: StoredSnapshot, form: FormDefinition, language: str) -> bytes:
    """The summary the revision ``snapshot`` was made for (its ``follow_up_summary``)."""
    s = Snapshot.load(snapshot)
    made: dict[str, Any] = (s.model_extra or {}).get("follow_up_summary") or {}
    council_id = made.get("council") or ""
    council = form.council(council_id)
    council_name = council.labels.get(language) if council else council_id
    data = s.data
    sha = revision_sha256(snapshot)
    when = revision_time(s)
    doc_id = summary_id(s, council_id, language)
    w = Writer(language, kind="follow_up_summary")
    decision = s.decision
    w.footer(f"{decision.case_number} · {doc_id}", t("page", language), f"SHA-256 {sha}")
    w.heading(f"{t('title', language)}: {decision.title}", 1)
    w.paragraph(t("for_council", language, council=council_name), bold=True)
    w.paragraph(t("intro", language))
    w.paragraph(s.organisation.name(language), bold_label=t("organisation", language))
    w.paragraph(decision.body.name(language), bold_label=t("body", language))
    w.paragraph(decision.case_number, bold_label=t("case_number", language))
    w.paragraph(doc_id, bold_label=t("document_id", language))
    w.paragraph(date_text(when.date().isoformat(), language), bold_label=t("made_on", language))

    mine = [h for h in data.hearings if h.council == council_id]
    if mine:
        w.heading(t("your_statement", language), 2)
        for h in mine:
            if h.answered_on:
                w.paragraph(
                    date_text(h.answered_on, language), bold_label=t("answered_on", language)
                )
            if h.statement.strip():
                w.paragraph(h.statement, bold_label=t("statement", language))
            if h.taken_into_account.strip():
                w.paragraph(h.taken_into_account, bold_label=t("taken_into_account", language))

    w.heading(t("observations", language), 2)
    if not data.indicators:
        w.paragraph(t("no_indicators", language))
    else:
        rows = []
        for ind in data.indicators:
            seen = "\n".join(
                f"{date_text(o.on, language)}: {o.value}" + (f" ({o.note})" if o.note else "")
                for o in ind.observations
            )
            rows.append(
                [
                    ind.name,
                    ind.baseline,
                    ind.target,
                    seen or t("no_observations", language),
                ]
            )
        w.table(
            [
                t("indicator", language),
                t("baseline", language),
                t("target", language),
                t("observed", language),
            ],
            rows,
            widths=[4.5, 3.0, 3.0],
            font_size=9,
        )

    w.heading(t("effects", language), 2)
    effects = followed_effects(data)
    if not effects:
        w.paragraph(t("no_effects", language))
    else:
        outcomes = {(e.group, e.dimension): e for e in data.ex_post}
        rows = []
        for cell in effects:
            group, dimension = form.group(cell.group), form.dimension(cell.dimension)
            name = (
                f"{group.labels.get(language) if group else cell.group}: "
                f"{dimension.labels.get(language) if dimension else cell.dimension}"
            )
            direction = form.scale_value("direction", cell.direction or "")
            expected = direction.labels.get(language) if direction else (cell.direction or "")
            found = outcomes.get((cell.group, cell.dimension))
            outcome = (
                t(f"outcome_{found.outcome}", language)
                if found is not None and found.outcome
                else t("not_recorded", language)
            )
            rows.append([name, expected, outcome, found.lesson if found else ""])
        w.table(
            [
                t("effect", language),
                t("expected", language),
                t("outcome", language),
                t("lesson", language),
            ],
            rows,
            widths=[4.5, 2.5, 3.0],
            font_size=9,
        )
    if w.dropped:
        w.paragraph(t("dropped", language, n=w.dropped))
    author = s.by.name if getattr(s, "by", None) else ""
    w.core(
        title=f"{t('title', language)}: {decision.title}",
        subject=council_name,
        author=author,
        when=when,
        revision=int(s.revision) if str(s.revision).isdigit() else 1,
        identifier=doc_id,
        last_modified_by=author,
        keywords=f"{t('title', language)}; {decision.case_number}",
    )
    return w.save(when)
