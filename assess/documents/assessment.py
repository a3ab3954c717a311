"""The assessment document: a pure function from a revision's snapshot to .docx bytes.

What a board member reads before the meeting: the summary and the recommendation first,
then how the level was chosen, the alternatives, the impact tables (words and symbols,
never colour alone), the flags and how each was handled, the hearings, the follow-up.
The footer of every page carries the page number and the SHA-256 of the revision's
canonical JSON, so a printed page can be traced to the exact data it came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..assessment_data import AssessmentData, ImpactCell, Snapshot
from ..canonical import canonical_json
from ..questionnaire.completeness import alternatives as alternatives_of
from ..questionnaire.completeness import baseline as baseline_of
from ..questionnaire.definition import FormDefinition, basis_for
from ..questionnaire.screening import recommended_level
from . import basis_parts, identity, paragraph, plan_parts, scope_parts
from . import economy_parts as economy
from ._docx import Writer
from .hearings_parts import not_heard_text
from .identity import AttachmentMark
from .texts import date_text, text

# Bump when the output changes: documents of an older version are verified by their
# stored checksum only, as re-rendering them would not give the same bytes.
# 2: issue 18's terminology (screening, light level, mitigation); 3: issue 19's document
# for the board (the footer's document id and short data fingerprint among it).
RENDERER_VERSION = 3
# Columns of dimensions per impact table; more are split into parts (landscape A4).
DIMENSIONS_PER_TABLE = 6


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
) -> bytes:
    """The .docx of ``snapshot`` in ``language`` (fi or sv; en for tests and previews).

    ``attachment``: render the attachment copy, its number and meeting in its header."""
    return _Renderer(snapshot, form, language, draft=draft, attachment=attachment).render()


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
        self.w = Writer(language)

    def t(self, key, **params):
        return text(key, self.lang, **params)

    def label(self, item) -> str:
        return item.labels.get(self.lang) if item is not None else "—"

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
            w.header_mark(f"{self.t('draft')} / LUONNOS / UTKAST / DRAFT")
        if self.attachment is not None:
            w.header_mark(self.attachment.header_text(self.lang))
        w.footer(
            identity.footer_text(self.lang, decision.case_number, doc_id, sha), self.t("page"), ""
        )
        w.custom_properties({identity.FINGERPRINT_PROPERTY: sha})

        w.heading(f"{self.t('doc_title')}: {decision.title}", 1)
        if self.draft:
            w.paragraph(self.t("draft_note"), bold=True)
        self.heading_block(doc_id, when)
        self.summary()
        self.screening()
        level = self.data.level
        if level in ("light", "full"):
            for section in self.form.sections_for(level):
                if section.kind == "questions" and section.id != "mitigation":
                    self.questions(section)
                    if section.id == "scoping":
                        scope_parts.write(self)
            self.alternatives()
            self.impacts()
            mitigation = self.form.section("mitigation")
            if mitigation is not None and level in mitigation.levels:
                self.questions(mitigation)
        self.flags()
        if level in ("light", "full"):
            self.hearings()
            self.indicators()
            plan_parts.write(self)
        self.approval()
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
        summary = data.summary.get(self.lang) or ""
        w.paragraph(summary or self.t("no_summary"))
        alts = data.alternatives
        if alts:
            chosen = next((a for a in alts if a.recommended), None)
            if chosen:
                w.paragraph(
                    chosen.label or self.t("the_proposal"), bold_label=self.t("recommended")
                )
            reason = data.answer("recommendation_reason")
            if reason:
                w.paragraph(reason, bold_label=self.t("why"))

    def level_text(self, level) -> str:
        return self.t(f"level_{level}") if level in ("none", "light", "full") else "—"

    def screening(self):
        w = self.w
        screening = self.data.screening
        answers = screening.answers
        w.heading(self.t("screening"), 2)
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
            w.paragraph(screening.level_reason, bold_label=self.t("level_reason"))
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
            lines = []
            for item in value:
                if isinstance(item, dict):
                    lines.append(" · ".join(str(v) for v in item.values() if v not in (None, "")))
                else:
                    lines.append(str(item))
            return lines
        if q.type == "yes_no":
            return [self.t("answer_yes") if value in (True, "yes") else "—"]
        return [str(value)]

    def questions(self, section):
        # A question its level does not ask is not printed, even if answered at another.
        level = self.data.level
        asked = [q for q in section.questions if not q.levels or level in q.levels]
        shown = [(q, self.answer_text(q, self.data.answer(q.id))) for q in asked]
        shown = [(q, lines) for q, lines in shown if lines]
        if not shown:
            return
        self.w.heading(self.label(section), 2)
        for q, lines in shown:
            if q.type == "list":
                self.w.paragraph(self.label(q) + ":")
                for line in lines:
                    self.w.bullet(line)
            else:
                self.w.paragraph(lines[0], bold_label=self.label(q))

    def alternatives(self):
        alts = self.data.alternatives
        if not alts:
            return
        self.w.heading(self.t("alternatives"), 2)
        for a in alts:
            marks = [self.t("zero_option")] if a.zero_option else []
            if a.recommended:
                marks.append(self.t("recommended_mark"))
            name = (a.label or self.t("the_proposal")) + (f" ({', '.join(marks)})" if marks else "")
            self.w.paragraph(a.description or "", bold_label=name)
        economy.cost_table(self.w, self.data, self.lang, self.t("the_proposal"))

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
        label = zero.label or self.t("zero_option")
        return f", {economy.text('compared_with', self.lang, zero=label)}"

    def impacts(self):
        w, data = self.w, self.data
        groups = [g for g in self.form.groups if g.id in data.groups_in_scope]
        dims = [d for d in self.form.dimensions if d.id in data.dimensions_in_scope]
        cells = {c.key: c for c in data.impacts}
        w.landscape()
        w.heading(self.t("impacts"), 2)
        legend = "; ".join(
            f"{v.symbol} {self.label(v)}" for v in self.form.scales["direction"].values
        )
        w.paragraph(f"{legend}; — {self.t('not_assessed')}", bold_label=self.t("legend"))
        if not groups or not dims:
            w.paragraph(self.t("no_impacts"))
        chunks = [
            dims[i : i + DIMENSIONS_PER_TABLE] for i in range(0, len(dims), DIMENSIONS_PER_TABLE)
        ]
        for alt in alternatives_of(data) if groups and dims else []:
            name = alt.label or self.t("the_proposal")
            for n, part in enumerate(chunks, start=1):
                title = f"{self.t('impact_table')}: {name}{self.compared(alt)}"
                if len(chunks) > 1:
                    title += f" ({self.t('part')} {n}/{len(chunks)})"
                w.heading(title, 3)
                rows = [
                    [self.label(g)]
                    + [self.cell_text(cells.get((alt.id, g.id, d.id))) for d in part]
                    for g in groups
                ]
                w.table(
                    [self.t("group")] + [self.label(d) for d in part],
                    rows,
                    first_width=4.2,
                    font_size=9,
                )
        w.portrait()
        self.impact_details(groups, dims, cells)

    def impact_details(self, groups, dims, cells):
        w = self.w
        listed = False
        for alt in alternatives_of(self.data):
            name = alt.label or self.t("the_proposal")
            entries = [
                (g, d, cells[(alt.id, g.id, d.id)])
                for g in groups
                for d in dims
                if (alt.id, g.id, d.id) in cells
            ]
            entries = [(g, d, c) for g, d, c in entries if c.direction or alt.zero_option]
            if not entries:
                continue
            if not listed:
                w.heading(self.t("details"), 2)
                listed = True
            w.heading(name + self.compared(alt), 3)
            current = None
            for g, d, c in entries:
                if g is not current:
                    w.paragraph(self.label(g) + ":", bold=True)
                    current = g
                parts = [f"{self.label(d)}: {self.cell_text(c)}"]
                for scale in ("likelihood", "duration", "reversibility", "confidence"):
                    value = getattr(c, scale)
                    if value:
                        parts.append(
                            f"{self.label(self.form.scales[scale])}: {self.scale(scale, value)}"
                        )
                w.bullet("; ".join(parts))
                for key in ("rationale", "evidence", "mitigation"):
                    text_ = getattr(c, key)
                    label = self.t(key)
                    if key == "rationale" and alt.zero_option and not c.direction:
                        label = economy.text("baseline", self.lang)
                    if (text_ or "").strip():
                        w.paragraph(text_, "List Continue", bold_label=label)

    def flags(self):
        w = self.w
        stored = self.data.flags
        w.heading(self.t("flags"), 2)
        if not stored:
            w.paragraph(self.t("no_flags"))
            return
        for f in stored:
            label = f"{self.t('severity_' + f.severity)}, {self.t('status_' + f.status)}"
            w.bullet(f.message.get(self.lang) or f.message.get("en", ""), bold_label=label)
            basis_parts.flag_basis(self, f)
            ack = f.acknowledged
            if ack:
                when = date_text(ack.at, self.lang)
                who = self.t("acknowledged_by", name=ack.name, date=when)
                w.paragraph(ack.comment, bold_label=who)

    def hearings(self):
        w = self.w
        hearings = self.data.hearings
        w.heading(self.t("hearings"), 2)
        if not hearings:
            w.paragraph(self.data.no_hearings_reason or self.t("no_hearings"))
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
                text_ = (
                    not_heard_text(self.form, h, self.lang)
                    if key == "not_heard_reason"
                    else getattr(h, key)
                )
                if (text_ or "").strip():
                    w.paragraph(text_, bold_label=self.t(key))
            if h.attachment:
                w.paragraph(h.attachment.filename, bold_label=self.t("attachment"))

    def indicators(self):
        w = self.w
        indicators = self.data.indicators
        w.heading(self.t("follow_up"), 2)
        if not indicators:
            w.paragraph(self.t("no_indicators"))
            return
        keys = ("name", "source", "baseline", "target", "owner", "review_date")
        header = [self.t("indicator")] + [self.t(k) for k in keys[1:]]
        rows = [
            [
                date_text(i.review_date, self.lang) if k == "review_date" else (getattr(i, k) or "")
                for k in keys
            ]
            for i in indicators
        ]
        w.table(header, rows, font_size=9)

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
