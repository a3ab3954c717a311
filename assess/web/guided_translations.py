"""The guided form's Translations page (issue 19): in a bilingual organisation every free
text of the assessment beside a field for it in the other national language, grouped as the
form is, the missing ones marked; a text's original may be copied as a starting point, and
stays marked as an untranslated copy until it is edited."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from ..assessment_data import AssessmentData
from ..bilingual import in_language
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import Conflict, Forbidden, ValidationFailed
from ..operations import translations as ops
from ..questionnaire.definition import FormDefinition
from . import guided
from .limits import form_version

LANGUAGE_NAMES = {"fi": _l("Finnish"), "sv": _l("Swedish")}
# What each kind of text is, as the form's own fields call it.
TEXT_LABELS = {
    "level_reason": _l("Reason for the level"),
    "label": _l("Name"),
    "description": _l("Description"),
    "costs_note": _l("Cost note"),
    "rationale": _l("Rationale: who is affected, how and why"),
    "evidence": _l("Evidence (sources)"),
    "mitigation": _l("Mitigation: what reduces a negative effect"),
    "statement": _l("What they said"),
    "taken_into_account": _l("How it was taken into account"),
    "not_heard_reason": _l("The reason in your own words"),
    "no_hearings_reason": _l("If nobody needs to be heard, why?"),
    "name": _l("Indicator"),
    "source": _l("Data source"),
    "baseline": _l("Baseline (now)"),
    "target": _l("Target"),
    "note": _l("Why, in a sentence or two"),
}


@dataclass
class Text:
    """One free text on the page: its original and what is given in the other language."""

    index: int
    path: str
    label: str
    original: str
    given: str
    copied: bool
    translated: bool


@dataclass
class Part:
    """A heading of the page (a section) with its sub-headings (an alternative, a cell)."""

    title: str
    anchor: str = ""
    blocks: dict[str, list[Text]] = field(default_factory=dict)


def _section_of(form: FormDefinition, kind: str | None = None, question: str | None = None):
    for s in form.sections:
        if kind is not None and s.kind == kind:
            return s
        if question is not None and any(q.id == question for q in s.questions):
            return s
    return None


def _place(form: FormDefinition, data: AssessmentData, path: str, language: str):
    """(section key, section title, sub-heading, label) of the text at ``path``."""
    parts = path.split(".")
    head, key = parts[0], parts[-1]
    label = str(TEXT_LABELS.get(key, key))
    alternatives = {a.id: a.label or a.id for a in data.alternatives}

    def titled(kind=None, question=None, fallback=""):
        s = _section_of(form, kind, question)
        return (s.id if s else head), (s.labels.get(language) if s else fallback)

    if head == "screening":
        return "screening", str(_l("Screening")), "", label
    if head == "answers":
        section, title = titled(question=parts[1])
        q = next((q for s in form.sections for q in s.questions if q.id == parts[1]), None)
        return section, title, "", q.labels.get(language) if q else parts[1]
    if head == "scope_exclusions":
        section, title = titled(question="groups_in_scope")
        g = form.group(parts[1])
        group = g.labels.get(language) if g else parts[1]
        return section, title, "", str(_l("Why is %(group)s left out of the scope?", group=group))
    if head == "alternatives":
        section, title = titled(kind="alternatives")
        return section, title, alternatives.get(parts[1], parts[1]), label
    if head == "impacts":
        section, title = titled(kind="impacts")
        g, d = form.group(parts[2]), form.dimension(parts[3])
        cell = " · ".join(
            (
                alternatives.get(parts[1], parts[1]),
                g.labels.get(language) if g else parts[2],
                d.labels.get(language) if d else parts[3],
            )
        )
        return section, title, cell, label
    if head in ("hearings", "no_hearings_reason"):
        section, title = titled(kind="hearings")
        if head == "no_hearings_reason":
            return section, title, "", label
        h = next((h for h in data.hearings if h.id == parts[1]), None)
        council = form.council(h.council) if h and h.council else None
        return section, title, council.labels.get(language) if council else parts[1], label
    if head == "indicators":
        section, title = titled(kind="indicators")
        i = next((i for i in data.indicators if i.id == parts[1]), None)
        return section, title, (i.name if i else parts[1]), label
    if head == "plan_links":
        section, title = titled(kind="plan")
        return section, title, parts[1], label
    return head, head, "", label


def page_parts(a, language: str, into: str, typed: dict[str, str] | None = None) -> list[Part]:
    """The page's texts, grouped by section and sub-heading in the form's order."""
    form, data, origin = ops.form_for(a), a.content, a.decision.language
    stored = data.translations.get(into) or {}
    parts: dict[str, Part] = {}
    for index, (path, original) in enumerate(ops.texts(a)):
        section, title, sub, label = _place(form, data, path, language)
        part = parts.setdefault(section, Part(title=title, anchor=f"part-{section}"))
        given = stored.get(path)
        text = given.text if given else ""
        if typed is not None and path in typed:
            text = typed[path]
        part.blocks.setdefault(sub, []).append(
            Text(
                index=index,
                path=path,
                label=label,
                original=original,
                given=text,
                copied=bool(given and given.copied and text == given.text),
                translated=in_language(data, path, original, into, origin)[1],
            )
        )
    return list(parts.values())


def nav_item(a, current: str) -> dict | None:
    """The page's place in the guided form's list, only for a bilingual organisation."""
    languages = ops.languages(a)
    if not languages:
        return None
    missing = ops.missing_counts(a)
    return {
        "id": "translations",
        "label": _l("Translations"),
        "url": url_for("guided.translations", assessment_id=a.id),
        "problems": [None] * sum(missing.values()),
        "flags": guided.flag_views.for_page(a, "translations"),
        "current": current == "translations",
    }


def _typed() -> tuple[dict[str, str], dict[str, dict]]:
    """What the form sent: path -> text, and the operation's payload for it."""
    typed: dict[str, str] = {}
    payload: dict[str, dict] = {}
    for name, value in request.form.items():
        if not name.startswith("text:"):
            continue
        path = name.removeprefix("text:")
        typed[path] = value
        payload[path] = {"text": value, "copied": request.form.get(f"copied:{path}") == "1"}
    return typed, payload


@guided.bp.route("/translations", methods=["GET", "POST"])
@login_required
def translations(assessment_id: int):
    a, form = guided._load(assessment_id)
    languages = ops.languages(a)
    if not languages:
        abort(404)
    into, language = languages[0], request_language()
    originals = dict(ops.texts(a))
    typed: dict[str, str] | None = None
    errors: dict[str, list[str]] = {}
    form_errors: list[str] = []
    status = 200
    if request.method == "POST":
        typed, payload = _typed()
        copy = request.form.get("copy")
        if copy in originals:  # the original as a starting point, marked as a copy
            typed[copy] = originals[copy]
            payload[copy] = {"text": originals[copy], "copied": True}
        try:
            ops.save_translations(current_user, a, {into: payload}, expected_version=form_version())
        except ValidationFailed as exc:
            for where, messages in exc.errors.items():
                errors[where.removeprefix(f"{into}.")] = [str(m) for m in messages]
            status = 422
        except (Conflict, Forbidden) as exc:
            form_errors.append(str(exc))
            status = 409
        else:
            flash(str(_l("Saved.")), "success")
            if "continue" in request.form:
                return redirect(url_for("guided.check", assessment_id=a.id))
            anchor = ""
            if copy in originals:
                anchor = f"#tr-{list(originals).index(copy)}"
            return redirect(url_for(".translations", assessment_id=a.id) + anchor)
    parts = page_parts(a, language, into, typed)
    texts = [t for p in parts for b in p.blocks.values() for t in b]
    decision = a.decision
    summary = a.content.summary
    summary_section = next((s.id for s in form.sections if s.kind == "summary"), None)
    return guided._render(
        "guided/translations.html",
        a,
        form,
        "translations",
        into=into,
        into_name=LANGUAGE_NAMES[into],
        origin=decision.language,
        origin_name=LANGUAGE_NAMES.get(decision.language, decision.language),
        parts=parts,
        total=len(texts),
        missing=sum(not t.translated for t in texts),
        errors=errors,
        form_errors=form_errors,
        title_given=(decision.translations or {}).get(into, {}).get("title", ""),
        proposal_given=(decision.translations or {}).get(into, {}).get("proposal", ""),
        proposal_needed=bool((decision.proposal or "").strip()),
        summary_given=(summary.get(into) or "").strip(),
        summary_url=url_for(".section", assessment_id=a.id, section_id=summary_section)
        if summary_section
        else None,
    ), status
