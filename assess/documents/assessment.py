"""The assessment document: a pure function from a revision's snapshot to .docx bytes.

What a board member reads before the meeting (issue 19): the header, the summary and the
recommendation, the one-page comparison of the alternatives (words and symbols, never
colour alone), the hearings and how the statements were taken into account, mitigation and
follow-up, the points the reviewer weighed; then, as an appendix, the assessment in detail.
Every free text is printed in the document's language where it is given in it, else in the
original with a mark saying so.
The footer of every page carries the page number and the SHA-256 of the revision's
canonical JSON, so a printed page can be traced to the exact data it came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..assessment_data import AssessmentData, ImpactCell, Snapshot
from ..bilingual import in_language
from ..canonical import canonical_json
from ..questionnaire.completeness import baseline as baseline_of
from ..questionnaire.definition import FormDefinition, basis_for
from ..questionnaire.screening import recommended_level
from . import (
    appendix_parts,
    comparison_parts,
    follow_parts,
    free_text,
    identity,
    paragraph,
    plan_parts,
    review_parts,
)
from . import economy_parts as economy
from ._docx import Writer
from .hearings_parts import not_heard_text
from .identity import AttachmentMark
from .texts import date_text, text

# Bump when the output changes: documents of an older version are verified by their
# stored checksum only, as re-rendering them would not give the same bytes.
# 2: issue 18's terminology (screening, light level, mitigation); 3: issue 19's document for
# the board (comparison page, points weighed in the review, appendix, texts by language;
# the footer's document id and short data fingerprint).
RENDERER_VERSION = 3


StoredSnapshot = Snapshot | Mapping[str, Any]


def document_id(snapshot: StoredSnapshot, language: str, *, draft: bool = False) -> str:
    s = Snapshot.load(snapshot)
    revision = "DRAFT" if draft else s.revision
    return f"EVA-{s.assessment}-{revision}-{language.upper()}"


def revision_sha256(snapshot: StoredSnapshot) -> str:
    stored = snapshot.dump() if isinstance(snapshot, Snapshot) else snapshot
    return hashlib.sha256(canonical_json(stored)).hexdigest()


def revision_time(snapshot: StoredSnapshot) -> datetime:
    at = datetime.fromisoformat(Snapshot.load(snapshot).at)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def render(
    snapshot: StoredSnapshot,
    form: FormDefinition,
    language: str,
    *,
    draft: bool = False,
    attachment: AttachmentMark | None = None,
    records: dict[str, str] | None = None,
) -> bytes:
    """The .docx of ``snapshot`` in ``language`` (fi or sv; en for tests and previews).

    ``attachment``: render the attachment copy, its number and meeting in its header.
    ``records``: the records metadata as custom properties (``records.RecordsMetadata.
    properties``), for the archive; none in drafts and in documents made before them."""
    renderer = _Renderer(snapshot, form, language, draft=draft, attachment=attachment)
    if records:
        renderer.w.custom_properties(records)
    return renderer.render()


class _Renderer:
    def __init__(self, snapshot: StoredSnapshot, form, language, *, draft, attachment):
        self.s = Snapshot.load(snapshot)
        # The checksum is of the JSON as stored, not as it is read.
        self.sha = revision_sha256(snapshot)
        self.form = form
        self.lang = language
        self.draft = draft
        self.attachment = attachment
        self.data: AssessmentData = self.s.data
        self.w = Writer(language, kind="assessment")

    def t(self, key, **params):
        return text(key, self.lang, **params)

    def label(self, item) -> str:
        return item.labels.get(self.lang) if item is not None else "—"

    def free(self, path: str, original: str | None) -> str:
        """A free text in the document's language, or the original with its mark."""
        return free_text.free(self, path, original)

    def alt_name(self, alt, fallback: str = "the_proposal") -> str:
        """An alternative's name in the document's language where it was translated, else
        as written: a name heads columns and headings, so it carries no language mark."""
        if not alt.label.strip():
            return self.t(fallback)
        path = f"alternatives.{alt.id}.label"
        origin = self.s.decision.language
        return in_language(self.data, path, alt.label, self.lang, origin)[0]

    def scale(self, scale: str, value) -> str:
        v = self.form.scale_value(scale, value) if value else None
        return v.labels.get(self.lang) if v else (value or "")

    # --- the document ---------------------------------------------------------------

    def render(self) -> bytes:
        s, w = self.s, self.w
        doc_id = document_id(s, self.lang, draft=self.draft)
        sha = self.sha
        decision = s.decision
        when = revision_time(s)
        if self.draft:
            w.header_mark(self.t("draft"))
        if self.attachment is not None:
            w.header_mark(self.attachment.header_text(self.lang))
        w.footer(
            identity.footer_text(self.lang, decision.case_number, doc_id, sha), self.t("page"), ""
        )
        w.custom_properties({identity.FINGERPRINT_PROPERTY: sha})

        title, in_language = decision.title_in(self.lang)
        if not in_language:
            title = f"{title} {free_text.mark(decision.language, self.lang)}".rstrip()
        w.heading(f"{self.t('doc_title')}: {title}", 1)
        if self.draft:
            w.paragraph(self.t("draft_note"), bold=True)
        self.heading_block(doc_id, when)
        self.summary()
        assessed = self.data.level in ("light", "full")
        if assessed:
            comparison_parts.write(self)
            self.hearings()
            follow_parts.write(self)
            plan_parts.write(self)
        review_parts.write(self)
        self.approval()
        if assessed:
            appendix_parts.write(self)
        else:
            self.screening()
        if w.dropped:
            w.paragraph(self.t("dropped", n=w.dropped))
        reviewer = (s.approved_by.name if s.approved_by else None) or s.by.name
        w.core(
            title=f"{self.t('doc_title')}: {decision.case_number} {decision.title}",
            subject=decision.title,
            author=s.prepared_by.name,
            when=when,
            revision=int(s.revision) if str(s.revision).isdigit() else 1,
            identifier=doc_id,
            last_modified_by=reviewer,
            keywords=f"EVA/IVA; {decision.case_number}",
        )
        return w.save(when)

    def heading_block(self, doc_id: str, when: datetime):
        s, w = self.s, self.w
        decision = s.decision
        approved = s.approved_by.name if s.approved_by else None
        mark = self.attachment
        rows = [
            ("organisation", s.organisation.name(self.lang)),
            ("body", decision.body.name(self.lang)),
            ("case_number", decision.case_number),
            ("decision", decision.title_in(self.lang)[0]),
            ("preparer", s.prepared_by.name),
            ("reviewer", approved or "—"),
            # The original is made at approval, before any agenda: only the attachment
            # copy knows its meeting and number.
            ("meeting", mark.meeting_text(self.lang) if mark else ""),
            ("attachment", mark.number_text(self.lang) if mark else ""),
            ("document_id", doc_id),
            ("revision", f"{s.revision} · {date_text(when.isoformat(), self.lang)}"),
            ("fingerprint_label", identity.fingerprint_note(self.lang, self.sha)),
        ]
        for key, value in rows:
            if value:
                w.paragraph(value, bold_label=self.t(key))

    def summary(self):
        w, data = self.w, self.data
        w.heading(self.t("summary"), 2)
        summary = (data.summary.get(self.lang) or "").strip()
        origin = self.s.decision.language
        original = (data.summary.get(origin) or "").strip()
        if not summary and original:
            summary = f"{original} {free_text.mark(origin, self.lang)}".rstrip()
        w.paragraph(summary or self.t("no_summary"))
        alts = data.alternatives
        if alts:
            chosen = next((a for a in alts if a.recommended), None)
            if chosen:
                w.paragraph(self.alt_name(chosen), bold_label=self.t("recommended"))
            reason = data.answer("recommendation_reason")
            if isinstance(reason, str) and reason.strip():
                w.paragraph(
                    self.free("answers.recommendation_reason", reason), bold_label=self.t("why")
                )

    def level_text(self, level) -> str:
        return self.t(f"level_{level}") if level in ("none", "light", "full") else "—"

    def screening(self, level: int = 2):
        w = self.w
        screening = self.data.screening
        answers = screening.answers
        w.heading(self.t("screening"), level)
        kind = self.s.organisation_kind
        duty = basis_for(self.form.legal_bases.duty_to_assess, kind) if kind else None
        if duty is not None:
            w.paragraph(duty.get(self.lang), bold_label=self.t("duty_basis"))
        w.paragraph(self.level_text(screening.level), bold_label=self.t("level"))
        w.paragraph(
            self.level_text(recommended_level(self.form, answers)),
            bold_label=self.t("recommended_level"),
        )
        w.paragraph(self.t("yes_answers") + ":")
        yes = [q for q in self.form.screening.questions if answers.get(q.id) in ("yes", "unknown")]
        for q in yes:
            w.bullet(f"{self.label(q)} ({self.t('answer_' + answers[q.id])})")
        if not yes:
            w.paragraph(self.t("none_yes"))
        if (screening.level_reason or "").strip():
            w.paragraph(
                self.free("screening.level_reason", screening.level_reason),
                bold_label=self.t("level_reason"),
            )
        if screening.exempt_category:
            option = next(
                (
                    c
                    for c in self.form.screening.exempt_categories
                    if c.id == screening.exempt_category
                ),
                None,
            )
            w.paragraph(
                self.label(option) if option else screening.exempt_category,
                bold_label=self.t("exempt"),
            )

    def answer_text(self, q, value) -> list[str]:
        """An answer as lines of text: choices by their labels, lists item by item."""
        if value in (None, "", []):
            return []
        if q.type in ("choice", "multi_choice"):
            options = {o.id: self.label(o) for o in self.form.options_of(q)}
            values = value if isinstance(value, list) else [value]
            return [", ".join(options.get(v, str(v)) for v in values)]
        if q.type == "list":
            return [self.list_item(q, n, item) for n, item in enumerate(value)]
        if q.type == "yes_no":
            return [self.t("answer_yes") if value in (True, "yes") else "—"]
        if q.type in ("text", "long_text") and isinstance(value, str):
            return [self.free(f"answers.{q.id}", value)]
        return [str(value)]

    def list_item(self, q, n: int, item) -> str:
        """A list answer's item by its fields, a choice by its option's label, not its id."""
        if not isinstance(item, dict):
            return str(item)
        parts = []
        for f in q.fields or []:
            value = item.get(f.id)
            if value in (None, ""):
                continue
            if f.type in ("choice", "multi_choice"):
                options = {o.id: self.label(o) for o in f.options or []}
                values = value if isinstance(value, list) else [value]
                value = ", ".join(options.get(v, str(v)) for v in values)
            elif f.type in ("text", "long_text") and f.id != "link" and isinstance(value, str):
                # Written in the original's language; marked as such in the other's.
                value = self.free(f"answers.{q.id}.{n}.{f.id}", value)
            parts.append(str(value))
        return " · ".join(parts)

    def questions(self, section, level: int = 2, skip: tuple[str, ...] = ()):
        # A question its level does not ask is not printed, even if answered at another.
        asked = [
            q
            for q in section.questions
            if (not q.levels or self.data.level in q.levels) and q.id not in skip
        ]
        shown = [(q, self.answer_text(q, self.data.answer(q.id))) for q in asked]
        shown = [(q, lines) for q, lines in shown if lines]
        if not shown:
            return
        self.w.heading(self.label(section), level)
        for q, lines in shown:
            if q.type == "list":
                self.w.paragraph(self.label(q) + ":")
                for line in lines:
                    self.w.bullet(line)
            else:
                self.w.paragraph(lines[0], bold_label=self.label(q))

    def alternatives(self, level: int = 2):
        alts = comparison_parts.ordered(self.data)
        if not alts:
            return
        self.w.heading(self.t("alternatives"), level)
        for a in alts:
            marks = [self.t("zero_option")] if a.zero_option else []
            if a.recommended:
                marks.append(self.t("recommended_mark"))
            name = self.alt_name(a) + (f" ({', '.join(marks)})" if marks else "")
            description = self.free(f"alternatives.{a.id}.description", a.description)
            self.w.paragraph(description or "", bold_label=name)
        economy.cost_table(
            self.w, self.data, self.lang, self.t("the_proposal"), self.free, self.alt_name
        )

    def cell_text(self, c: ImpactCell | None) -> str:
        if c and not c.direction and c.alternative == getattr(self.zero, "id", None):
            return economy.text("described", self.lang) if c.rationale.strip() else "—"
        if not c or not c.direction:
            return "—"
        v = self.form.scale_value("direction", c.direction)
        words = [self.label(v)]
        if c.magnitude:
            words.append(self.scale("magnitude", c.magnitude))
        return f"{v.symbol if v else ''} {', '.join(words)}".strip()

    @property
    def zero(self):
        """The zero option: the baseline the others are compared with (issue 18)."""
        return baseline_of(self.data)

    def compared(self, alt) -> str:
        """How an alternative's effects are read: against the zero option, or as it."""
        zero = self.zero
        if zero is None:
            return ""
        if alt.id == zero.id:
            return f" ({economy.text('baseline', self.lang).lower()})"
        label = self.alt_name(zero, "zero_option")
        return f", {economy.text('compared_with', self.lang, zero=label)}"

    def hearings(self):
        w = self.w
        hearings = self.data.hearings
        w.heading(self.t("hearings"), 2)
        if not hearings:
            reason = self.free("no_hearings_reason", self.data.no_hearings_reason)
            w.paragraph(reason or self.t("no_hearings"))
            return
        for h in hearings:
            council = self.form.council(h.council or "")
            w.heading(self.label(council) if council else (h.council or "—"), 3)
            kind = self.s.organisation_kind
            basis = council.basis_for(kind) if council and kind else None
            if basis is not None:
                w.paragraph(basis.get(self.lang), bold_label=self.t("hearing_basis"))
            for key in ("requested_on", "answered_on"):
                when = getattr(h, key)
                if when:
                    w.paragraph(date_text(when, self.lang), bold_label=self.t(key))
            for key in ("statement", "taken_into_account", "not_heard_reason"):
                text_ = self.free(f"hearings.{h.id}.{key}", getattr(h, key))
                if key == "not_heard_reason":
                    own = h.model_copy(update={"not_heard_reason": text_})
                    text_ = not_heard_text(self.form, own, self.lang)
                if (text_ or "").strip():
                    w.paragraph(text_, bold_label=self.t(key))
            if h.attachment:
                w.paragraph(h.attachment.filename, bold_label=self.t("attachment"))

    def approval(self):
        s, w = self.s, self.w
        w.heading(self.t("approval"), 2)
        w.paragraph(s.prepared_by.name, bold_label=self.t("preparer"))
        approved = s.approved_by
        if approved:
            w.paragraph(
                f"{approved.name}, {date_text(s.at, self.lang)}",
                bold_label=self.t("approved_by"),
            )


def decision_paragraph(
    snapshot: StoredSnapshot,
    form: FormDefinition,
    language: str,
    *,
    attachment: int | None = None,
) -> str:
    """The plain-text paragraph for the decision proposal, ready to copy (under 1,000
    characters): see ``paragraph``. ``attachment``: its number on the agenda item."""
    s = Snapshot.load(snapshot)
    return paragraph.decision_paragraph(
        s, form, language, doc_id=document_id(s, language), attachment=attachment
    )
