"""The policy printed for the board: a pure function from a policy version to .docx bytes.

What a board reads when it adopts its assessment model, in that order: what the model is
for and the law behind it, which decision types get which level (with the thresholds and
the bodies' own rules), what is never assessed, the screening questions in use, each
process as a numbered table of its stages (who acts, what moves it on), who reviews, the
time limits and what is reported every year.

The same accessible and reproducible way as the assessment document (``_docx.Writer``):
real headings, header rows repeated on every page, the document's language on every
style, fixed core properties and zip timestamps taken from the version (the same version
gives the same bytes). Content ids (decision types, bodies, questions, workflows) are
printed by their labels; an id is printed only when nothing names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal

from ..questionnaire.definition import FormDefinition, basis_for
from ..questionnaire.policy_screening import (
    effective_form,
    investment_threshold,
    is_own,
    switched_off,
)
from ..workflow.definition import ROLES, WorkflowDefinition
from ._docx import Writer
from .policy_texts import text
from .texts import date_text

LEVELS = ("screening", "light", "full")
# The process levels' order in the document, and the rules' words.
RULES = ("full", "light", "screen", "exempt")
ORGANISATION_KINDS = ("municipality", "wellbeing_county", "joint_authority", "helsinki")
_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}

Names = Mapping[str, str]  # a text by language: {"fi": ..., "sv": ..., "en": ...}


@dataclass(frozen=True)
class PolicyContext:
    """What the document prints besides the policy file: the organisation and the labels
    of what the policy names, the version's number, start and status, and ``when``: the
    version's own time (publication, or the draft's last save), the document's dates."""

    organisation: Names
    organisation_kind: str
    form: FormDefinition
    workflows: Mapping[str, WorkflowDefinition]
    when: datetime
    version: int | None = None
    starts_on: date | None = None
    draft: bool = False
    decision_types: Mapping[str, Names] = field(default_factory=dict)
    bodies: Mapping[str, Names] = field(default_factory=dict)
    # The organisation's investment threshold from before the policy had one (its
    # settings): what applies while the policy names none.
    investment_threshold_eur: int | None = None


def policy_data(policy: Any) -> dict:
    """The policy as the file's dict: a ``Policy`` model is dumped, a mapping taken as is."""
    dump = getattr(policy, "model_dump", None)
    if dump is not None:
        return dump(mode="json", by_alias=True, exclude_none=True)
    return dict(policy)


def document_id(context: PolicyContext, language: str) -> str:
    # A draft's id says so in the document's language, as its mark does.
    draft = context.draft or context.version is None
    version = text("draft", language) if draft else context.version
    return f"EVA-POLICY-{version}-{language.upper()}"


def render_policy(policy: Any, context: PolicyContext, language: str) -> bytes:
    """The .docx of ``policy`` (a ``Policy`` or the file's dict) in ``language`` (fi, sv, en)."""
    return _Renderer(policy_data(policy), context, language).render()


def _name(names: Names | None, language: str) -> str | None:
    if not names:
        return None
    return names.get(language) or names.get("fi") or next(iter(names.values()), None)


class _Renderer:
    def __init__(self, data: dict, context: PolicyContext, language: str):
        self.p = data
        self.c = context
        self.lang = language
        self.w = Writer(language, kind="policy")
        # The file's own decision types name what the organisation has not created yet.
        self.type_names: dict[str, Names] = {
            t["id"]: t.get("labels") or {} for t in data.get("decision_types") or []
        }
        self.type_names.update(context.decision_types)

    def t(self, key: str, **params) -> str:
        return text(key, self.lang, **params)

    def money(self, amount) -> str:
        return format_decimal(int(amount), locale=_LOCALES.get(self.lang, "fi_FI"))

    def type_label(self, key: str) -> str:
        return _name(self.type_names.get(key), self.lang) or key

    def body_label(self, key: str) -> str:
        return _name(self.c.bodies.get(key), self.lang) or key

    def process_label(self, key: str) -> str:
        found = self.c.workflows.get(key)
        return found.labels.get(self.lang) if found else key

    def legal_basis(self, name: str) -> str | None:
        """The act the content cites for ``name`` for this type of organisation, if any."""
        found = basis_for(getattr(self.c.form.legal_bases, name), self.c.organisation_kind)
        return found.get(self.lang) if found else None

    def role_label(self, role: str) -> str:
        return self.t(f"role_{role}") if role in ROLES else role

    # --- the document -------------------------------------------------------------------

    def render(self) -> bytes:
        w, c = self.w, self.c
        doc_id = document_id(c, self.lang)
        organisation = _name(c.organisation, self.lang) or ""
        title = self.t("title")
        if c.draft:
            w.header_mark(self.t("draft"))
        w.footer(f"{organisation} · {doc_id}", self.t("page"), "")
        w.heading(title, 1)
        own_title = _name(self.p.get("title"), self.lang)
        if own_title and own_title != title:
            w.paragraph(own_title, bold=True)
        if c.draft:
            w.paragraph(self.t("draft_note"), bold=True)
        self.heading_block(organisation, doc_id)
        self.purpose()
        self.rules()
        self.exemptions()
        self.screening()
        self.processes()
        self.review()
        self.time_limits()
        self.reporting()
        if w.dropped:
            w.paragraph(self.t("dropped", n=w.dropped))
        version = self.t("draft") if c.draft or c.version is None else str(c.version)
        w.core(
            title=f"{title}: {organisation}",
            subject=title,
            author=organisation,
            when=c.when,
            revision=c.version or 1,
            identifier=doc_id,
            last_modified_by=organisation,
            keywords=f"EVA/IVA; {self.t('version')} {version}",
        )
        return w.save(c.when)

    def heading_block(self, organisation: str, doc_id: str):
        c, w = self.c, self.w
        kind = c.organisation_kind if c.organisation_kind in ORGANISATION_KINDS else None
        published = not c.draft and c.version is not None
        rows = [
            ("organisation", organisation),
            ("organisation_kind", self.t(f"kind_{kind}") if kind else ""),
            ("version", str(c.version) if published else self.t("draft")),
            (
                "starts_on",
                date_text(c.starts_on.isoformat(), self.lang)
                if c.starts_on and published
                else self.t("not_set"),
            ),
            ("status", self.t("status_published" if published else "status_draft")),
            ("document_id", doc_id),
        ]
        for key, value in rows:
            if value:
                w.paragraph(value, bold_label=self.t(key))

    def purpose(self):
        w = self.w
        w.heading(self.t("purpose"), 2)
        w.paragraph(self.t("purpose_text"))
        basis = self.legal_basis("duty_to_assess")
        w.paragraph(self.t("basis", basis=basis) if basis else self.t("basis_none"))

    # --- the rules ------------------------------------------------------------------------

    def rule_text(self, rule: Mapping) -> str:
        kind = rule.get("rule")
        return self.t(f"rule_{kind}") if kind in RULES else str(kind)

    def rule_details(self, rule: Mapping) -> str:
        parts = []
        if rule.get("rule") == "exempt" and rule.get("exempt_category"):
            parts.append(self.t("exempt_as", category=self.category(rule["exempt_category"])))
        if rule.get("threshold_eur") is not None:
            parts.append(self.t("threshold", amount=self.money(rule["threshold_eur"])))
        for level in LEVELS:
            key = (rule.get("processes") or {}).get(level)
            if key:
                parts.append(
                    self.t(
                        "process_override",
                        level=self.t(f"level_{level}"),
                        process=self.process_label(key),
                    )
                )
        if rule.get("review"):
            parts.append(self.t("review_override", who=self.reviewer(rule["review"])))
        if rule.get("submit_days_before_meeting") is not None:
            parts.append(self.t("days_override", days=int(rule["submit_days_before_meeting"])))
        return "\n".join(parts)

    def rules(self):
        w = self.w
        w.heading(self.t("rules"), 2)
        w.paragraph(self.t("rules_intro"))
        rules = list(self.p.get("rules") or [])
        ruled = {r.get("decision_type") for r in rules}
        rows = []
        # The organisation's types in their order, each with its rules (the type's own
        # first, then the bodies'); types without a rule say the default applies.
        order = list(self.type_names)
        for r in rules:
            if r.get("decision_type") not in order:
                order.append(r.get("decision_type"))
        for key in order:
            own = [r for r in rules if r.get("decision_type") == key]
            own.sort(key=lambda r: r.get("body") is not None)
            for r in own:
                body = self.body_label(r["body"]) if r.get("body") else self.t("all_bodies")
                rows.append([self.type_label(key), body, self.rule_text(r), self.rule_details(r)])
            if key not in ruled:
                default = self.p.get("default") or {"rule": "screen"}
                rows.append(
                    [
                        self.type_label(key),
                        self.t("all_bodies"),
                        self.rule_text(default),
                        self.t("default_rule"),
                    ]
                )
        default = self.p.get("default") or {"rule": "screen"}
        rows.append(
            [
                self.t("other_decisions"),
                self.t("all_bodies"),
                self.rule_text(default),
                self.rule_details(default),
            ]
        )
        w.table(
            [self.t("decision_type"), self.t("deciding_body"), self.t("rule"), self.t("details")],
            rows,
            font_size=9,
            widths=[3.6, 4.6, 3.8],
        )

    # --- exemptions and screening -----------------------------------------------------------

    def category(self, key: str) -> str:
        found = next((c for c in self.c.form.screening.exempt_categories if c.id == key), None)
        return found.labels.get(self.lang) if found else key

    def exemptions(self):
        w = self.w
        w.heading(self.t("exemptions"), 2)
        exempt = [r for r in self.p.get("rules") or [] if r.get("rule") == "exempt"]
        if exempt:
            w.paragraph(self.t("exempt_types"))
            for r in exempt:
                label = self.type_label(r.get("decision_type", ""))
                if r.get("body"):
                    label += f" ({self.body_label(r['body'])})"
                category = r.get("exempt_category")
                w.bullet(self.category(category) if category else "", bold_label=label)
        else:
            w.paragraph(self.t("no_exempt_types"))
        categories = self.c.form.screening.exempt_categories
        if categories:
            w.paragraph(self.t("exempt_categories"))
            for option in categories:
                w.bullet(option.labels.get(self.lang))

    def screening(self):
        w = self.w
        block = self.p.get("screening")
        # The questions as the preparer sees them: the form's, less those switched off,
        # with the organisation's own (the screening layer's reading of the block).
        form = effective_form(self.c.form, block)
        rule = form.screening.rule
        w.heading(self.t("screening"), 2)
        w.paragraph(self.t("screening_intro", n=rule.light_max_yes))
        threshold = investment_threshold(block, self.c.investment_threshold_eur)
        w.paragraph(self.t("investment_threshold", amount=self.money(threshold)))
        off = switched_off(form)
        if off:
            w.paragraph(self.t("questions_off", n=len(off)))
        rows: list[list[str]] = []
        for q in form.screening.questions:
            label = q.labels.get(self.lang)
            if is_own(form, q.id):
                label = f"{label} ({self.t('own_question')})"
            level = "full" if q.id in rule.full_if_any else "light"
            rows.append([str(len(rows) + 1), label, self.t(f"level_{level}")])
        w.table(
            [self.t("step"), self.t("question"), self.t("yes_recommends")],
            rows,
            font_size=10,
            widths=[1.1, 11.6],
        )

    # --- processes --------------------------------------------------------------------------

    def used_processes(self) -> dict[str, list[str]]:
        """Each workflow the policy names, with the levels it is named for (in order)."""
        used: dict[str, list[str]] = {}
        named = [self.p.get("processes") or {}]
        named += [r.get("processes") or {} for r in self.p.get("rules") or []]
        for processes in named:
            for level in LEVELS:
                key = processes.get(level)
                if key and level not in used.setdefault(key, []):
                    used[key].append(level)
        return used

    def processes(self):
        w = self.w
        w.heading(self.t("processes"), 2)
        w.paragraph(self.t("processes_intro"))
        for key, levels in self.used_processes().items():
            w.heading(self.process_label(key), 3)
            w.paragraph(
                ", ".join(self.t(f"level_{level}") for level in levels),
                bold_label=self.t("used_for"),
            )
            definition = self.c.workflows.get(key)
            if definition is not None:
                self.process_table(definition)

    def conditions(self, transition) -> list[str]:
        words = []
        for guard in transition.guards:
            try:
                words.append(self.t(f"guard_{guard}"))
            except KeyError:
                continue  # a guard the document has no words for is not printed as an id
        if transition.comment_required:
            words.append(self.t("with_comment"))
        return words

    def step_text(self, d: WorkflowDefinition, transition, *, roles: bool) -> str:
        step = self.t(
            "goes_to",
            action=transition.labels.get(self.lang),
            state=d.state_label(transition.dest, self.lang),
        )
        # The roles are said per step only when the stage's steps differ in them (the
        # "who acts" column says them otherwise).
        who = [", ".join(self.role_label(r) for r in transition.roles)] if roles else []
        extra = [*who, *self.conditions(transition)]
        return f"{step} ({'; '.join(extra)})" if extra else step

    def process_table(self, d: WorkflowDefinition):
        anywhere = [t for t in d.transitions if t.source == "*"]
        hidden = {t.dest for t in anywhere}
        # The steps possible from anywhere first: the table's last rows are the ends.
        for t in anywhere:
            who = ", ".join(self.role_label(r) for r in t.roles)
            action = t.labels.get(self.lang)
            if t.comment_required:
                action = f"{action} ({self.t('with_comment')})"
            self.w.paragraph(
                self.t("any_time", who=who, action=action, state=d.state_label(t.dest, self.lang))
            )
        rows = []
        for n, state in enumerate(_stage_order(d, hidden), start=1):
            leaving = [t for t in d.transitions if t.source != "*" and state in t.source]
            roles = [r for r in ROLES if any(r in t.roles for t in leaving)]
            differ = len({tuple(sorted(t.roles)) for t in leaving}) > 1
            rows.append(
                [
                    str(n),
                    d.state_label(state, self.lang),
                    ", ".join(self.role_label(r) for r in roles) or "—",
                    "\n".join(self.step_text(d, t, roles=differ) for t in leaving) or self.t("end"),
                ]
            )
        self.w.table(
            [self.t("step"), self.t("state"), self.t("who_acts"), self.t("moves_on")],
            rows,
            font_size=9,
            widths=[1.1, 3.6, 3.0],
        )

    # --- review, time limits, reporting ----------------------------------------------------

    def reviewer(self, review: Mapping) -> str:
        who = self.role_label(review.get("role") or "reviewer")
        if review.get("body"):
            who += f" ({self.body_label(review['body'])})"
        return who

    def review(self):
        w = self.w
        review = self.p.get("review") or {"role": "reviewer"}
        w.heading(self.t("review"), 2)
        w.paragraph(self.t("review_text", role=self.role_label(review.get("role") or "reviewer")))
        if review.get("body"):
            w.paragraph(self.t("review_body", body=self.body_label(review["body"])))
        if any(r.get("review") for r in self.p.get("rules") or []):
            w.paragraph(self.t("overrides_noted"))

    def time_limits(self):
        w = self.w
        limits = self.p.get("time_limits") or {}
        days = limits.get("submit_days_before_meeting")
        w.heading(self.t("time_limits"), 2)
        w.paragraph(self.t("time_limit_text", days=int(14 if days is None else days)))
        if any(r.get("submit_days_before_meeting") is not None for r in self.p.get("rules") or []):
            w.paragraph(self.t("overrides_noted"))

    def reporting(self):
        w = self.w
        w.heading(self.t("reporting"), 2)
        own = _name((self.p.get("reporting") or {}).get("text"), self.lang)
        w.paragraph(own or self.t("reporting_default"))
        basis = self.legal_basis("audit_evaluation")
        w.paragraph(self.t("audit", basis=basis) if basis else self.t("audit_none"))


def _stage_order(d: WorkflowDefinition, hidden: set[str]) -> list[str]:
    """The stages in the order the workflow's author wrote them (the main path with its
    branches, as docs/workflows.md asks), the stages reached only by a step from anywhere
    (withdrawn) last."""
    return [s for s in d.states if s not in hidden] + [s for s in d.states if s in hidden]
