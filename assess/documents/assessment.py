"""The assessment document: a pure function from a revision's snapshot to .docx bytes.

What a board member reads before the meeting: the summary and the recommendation first,
then how the level was chosen, the alternatives, the impact tables (words and symbols,
never colour alone), the flags and how each was handled, the hearings, the follow-up.
The footer of every page carries the page number and the SHA-256 of the revision's
canonical JSON, so a printed page can be traced to the exact data it came from.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from ..audit import canonical_json
from ..questionnaire.completeness import alternatives as alternatives_of
from ..questionnaire.definition import FormDefinition
from ..questionnaire.screening import recommended_level
from ._docx import Writer
from .texts import date_text, text

# Bump when the output changes: documents of an older version are verified by their
# stored checksum only, as re-rendering them would not give the same bytes.
RENDERER_VERSION = 1
# Columns of dimensions per impact table; more are split into parts (landscape A4).
DIMENSIONS_PER_TABLE = 6


def document_id(snapshot: dict, language: str, *, draft: bool = False) -> str:
    revision = "DRAFT" if draft else snapshot["revision"]
    return f"EVA-{snapshot['assessment']}-{revision}-{language.upper()}"


def revision_sha256(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def revision_time(snapshot: dict) -> datetime:
    at = datetime.fromisoformat(snapshot["at"])
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def render(
    snapshot: dict,
    form: FormDefinition,
    language: str,
    *,
    draft: bool = False,
    meeting: str | None = None,
) -> bytes:
    """The .docx of ``snapshot`` in ``language`` (fi or sv; en for tests and previews)."""
    return _Renderer(snapshot, form, language, draft=draft, meeting=meeting).render()


class _Renderer:
    def __init__(self, snapshot, form, language, *, draft, meeting):
        self.s = snapshot
        self.form = form
        self.lang = language
        self.draft = draft
        self.meeting = meeting
        self.data = snapshot.get("data") or {}
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
        sha = revision_sha256(s)
        decision = s["decision"]
        when = revision_time(s)
        if self.draft:
            w.header_mark(f"{self.t('draft')} / LUONNOS / UTKAST / DRAFT")
        w.footer(f"{decision['case_number']} · {doc_id}", self.t("page"), f"SHA-256 {sha}")

        w.heading(f"{self.t('doc_title')}: {decision['title']}", 1)
        if self.draft:
            w.paragraph(self.t("draft_note"), bold=True)
        self.heading_block(doc_id, when)
        self.summary()
        self.screening()
        level = (self.data.get("screening") or {}).get("level")
        if level in ("light", "full"):
            for section in self.form.sections_for(level):
                if section.kind == "questions" and section.id != "mitigation":
                    self.questions(section)
            self.alternatives()
            self.impacts()
            mitigation = self.form.section("mitigation")
            if mitigation is not None and level in mitigation.levels:
                self.questions(mitigation)
        self.flags()
        if level in ("light", "full"):
            self.hearings()
            self.indicators()
        self.approval()
        if w.dropped:
            w.paragraph(self.t("dropped", n=w.dropped))
        reviewer = (s.get("approved_by") or {}).get("name") or s["by"]["name"]
        w.core(
            title=f"{self.t('doc_title')}: {decision['case_number']} {decision['title']}",
            subject=decision["title"],
            author=s["prepared_by"]["name"],
            when=when,
            revision=int(s["revision"]) if str(s["revision"]).isdigit() else 1,
            identifier=doc_id,
            last_modified_by=reviewer,
            keywords=f"EVA/IVA; {decision['case_number']}; SHA-256 {sha}",
        )
        return w.save(when)

    def heading_block(self, doc_id: str, when: datetime):
        s, w = self.s, self.w
        decision = s["decision"]
        org = s.get("organisation") or {}
        body = decision.get("body") or {}
        approved = (s.get("approved_by") or {}).get("name")
        rows = [
            ("organisation", org.get(self.lang) or org.get("fi") or ""),
            ("body", body.get(self.lang) or body.get("fi") or ""),
            ("case_number", decision["case_number"]),
            ("decision", decision["title"]),
            ("preparer", s["prepared_by"]["name"]),
            ("reviewer", approved or "—"),
            ("meeting", self.meeting or self.t("not_known")),
            ("document_id", doc_id),
            ("revision", f"{s['revision']} · {date_text(when.isoformat(), self.lang)}"),
        ]
        for key, value in rows:
            if value:
                w.paragraph(value, bold_label=self.t(key))

    def summary(self):
        w, data = self.w, self.data
        w.heading(self.t("summary"), 2)
        summary = (data.get("summary") or {}).get(self.lang) or ""
        w.paragraph(summary or self.t("no_summary"))
        alts = data.get("alternatives") or []
        if alts:
            chosen = next((a for a in alts if a.get("recommended")), None)
            if chosen:
                w.paragraph(
                    chosen.get("label") or self.t("the_proposal"), bold_label=self.t("recommended")
                )
            reason = (data.get("answers") or {}).get("recommendation_reason")
            if reason:
                w.paragraph(reason, bold_label=self.t("why"))

    def level_text(self, level) -> str:
        return self.t(f"level_{level}") if level in ("none", "light", "full") else "—"

    def screening(self):
        w = self.w
        screening = self.data.get("screening") or {}
        answers = screening.get("answers") or {}
        w.heading(self.t("screening"), 2)
        w.paragraph(self.level_text(screening.get("level")), bold_label=self.t("level"))
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
        if (screening.get("level_reason") or "").strip():
            w.paragraph(screening["level_reason"], bold_label=self.t("level_reason"))
        if screening.get("exempt_category"):
            option = next(
                (
                    c
                    for c in self.form.screening.exempt_categories
                    if c.id == screening["exempt_category"]
                ),
                None,
            )
            w.paragraph(
                self.label(option) if option else screening["exempt_category"],
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
        answers = self.data.get("answers") or {}
        shown = [(q, self.answer_text(q, answers.get(q.id))) for q in section.questions]
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
        alts = self.data.get("alternatives") or []
        if not alts:
            return
        self.w.heading(self.t("alternatives"), 2)
        for a in alts:
            marks = [self.t("zero_option")] if a.get("zero_option") else []
            if a.get("recommended"):
                marks.append(self.t("recommended_mark"))
            name = (a.get("label") or self.t("the_proposal")) + (
                f" ({', '.join(marks)})" if marks else ""
            )
            self.w.paragraph(a.get("description") or "", bold_label=name)

    def cell_text(self, c) -> str:
        if not c or not c.get("direction"):
            return "—"
        v = self.form.scale_value("direction", c["direction"])
        words = [self.label(v)]
        if c.get("magnitude"):
            words.append(self.scale("magnitude", c["magnitude"]))
        return f"{v.symbol if v else ''} {', '.join(words)}".strip()

    def impacts(self):
        w, data = self.w, self.data
        answers = data.get("answers") or {}
        groups = [g for g in self.form.groups if g.id in (answers.get("groups_in_scope") or [])]
        dims = [
            d for d in self.form.dimensions if d.id in (answers.get("dimensions_in_scope") or [])
        ]
        cells = {
            (c["alternative"], c["group"], c["dimension"]): c for c in data.get("impacts") or []
        }
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
            name = alt.get("label") or self.t("the_proposal")
            for n, part in enumerate(chunks, start=1):
                title = f"{self.t('impact_table')}: {name}"
                if len(chunks) > 1:
                    title += f" ({self.t('part')} {n}/{len(chunks)})"
                w.heading(title, 3)
                rows = [
                    [self.label(g)]
                    + [self.cell_text(cells.get((alt["id"], g.id, d.id))) for d in part]
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
            name = alt.get("label") or self.t("the_proposal")
            entries = [
                (g, d, cells[(alt["id"], g.id, d.id)])
                for g in groups
                for d in dims
                if (alt["id"], g.id, d.id) in cells
            ]
            entries = [(g, d, c) for g, d, c in entries if c.get("direction")]
            if not entries:
                continue
            if not listed:
                w.heading(self.t("details"), 2)
                listed = True
            w.heading(name, 3)
            current = None
            for g, d, c in entries:
                if g is not current:
                    w.paragraph(self.label(g) + ":", bold=True)
                    current = g
                parts = [f"{self.label(d)}: {self.cell_text(c)}"]
                for scale in ("likelihood", "duration", "reversibility", "confidence"):
                    if c.get(scale):
                        parts.append(
                            f"{self.label(self.form.scales[scale])}: {self.scale(scale, c[scale])}"
                        )
                w.bullet("; ".join(parts))
                for key in ("rationale", "evidence", "mitigation"):
                    if (c.get(key) or "").strip():
                        w.paragraph(c[key], "List Continue", bold_label=self.t(key))

    def flags(self):
        w = self.w
        stored = self.data.get("flags") or []
        w.heading(self.t("flags"), 2)
        if not stored:
            w.paragraph(self.t("no_flags"))
            return
        for f in stored:
            label = f"{self.t('severity_' + f['severity'])}, {self.t('status_' + f['status'])}"
            w.bullet(f["message"].get(self.lang) or f["message"].get("en", ""), bold_label=label)
            ack = f.get("acknowledged")
            if ack:
                when = date_text(ack["at"], self.lang)
                who = self.t("acknowledged_by", name=ack["name"], date=when)
                w.paragraph(ack["comment"], bold_label=who)

    def hearings(self):
        w = self.w
        hearings = self.data.get("hearings") or []
        w.heading(self.t("hearings"), 2)
        if not hearings:
            w.paragraph(self.data.get("no_hearings_reason") or self.t("no_hearings"))
            return
        for h in hearings:
            council = self.form.council(h.get("council") or "")
            w.heading(self.label(council) if council else (h.get("council") or "—"), 3)
            for key in ("requested_on", "answered_on"):
                if h.get(key):
                    w.paragraph(date_text(h[key], self.lang), bold_label=self.t(key))
            for key in ("statement", "taken_into_account", "not_heard_reason"):
                if (h.get(key) or "").strip():
                    w.paragraph(h[key], bold_label=self.t(key))
            if h.get("attachment"):
                w.paragraph(
                    str(h["attachment"].get("filename", "")), bold_label=self.t("attachment")
                )

    def indicators(self):
        w = self.w
        indicators = self.data.get("indicators") or []
        w.heading(self.t("follow_up"), 2)
        if not indicators:
            w.paragraph(self.t("no_indicators"))
            return
        keys = ("name", "source", "baseline", "target", "owner", "review_date")
        header = [self.t("indicator")] + [self.t(k) for k in keys[1:]]
        rows = [
            [
                date_text(i.get(k), self.lang) if k == "review_date" else (i.get(k) or "")
                for k in keys
            ]
            for i in indicators
        ]
        w.table(header, rows, font_size=9)

    def approval(self):
        s, w = self.s, self.w
        w.heading(self.t("approval"), 2)
        w.paragraph(s["prepared_by"]["name"], bold_label=self.t("preparer"))
        approved = s.get("approved_by")
        if approved:
            w.paragraph(
                f"{approved['name']}, {date_text(s['at'], self.lang)}",
                bold_label=self.t("approved_by"),
            )


def decision_paragraph(snapshot: dict, form: FormDefinition, language: str) -> str:
    """The plain-text paragraph for the decision proposal, ready to copy."""
    data = snapshot.get("data") or {}
    screening = data.get("screening") or {}
    head = text("paragraph_head", language)
    if screening.get("level") == "none":
        reason = (screening.get("level_reason") or "").strip()
        option = next(
            (
                c
                for c in form.screening.exempt_categories
                if c.id == screening.get("exempt_category")
            ),
            None,
        )
        why = reason or (option.labels.get(language) if option else "")
        body = text("paragraph_none", language) + (f": {why}" if why else "") + "."
    else:
        body = ((data.get("summary") or {}).get(language) or "").strip()
    approved = snapshot.get("approved_by")
    tail = ""
    if approved:
        tail = " " + text(
            "paragraph_approved",
            language,
            name=approved["name"],
            date=date_text(snapshot["at"], language),
            doc=document_id(snapshot, language),
        )
    return f"{head}: {body}{tail}".strip()
