"""The guided form: screening, one section per page, the impact matrix, check answers."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_date, format_decimal
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..flags.rules import followable
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..limits import accepts_files
from ..operations import Conflict, Forbidden, NotFound, ValidationFailed, kept_after_commit
from ..operations import answers as answer_ops
from ..operations import assessments as ops
from ..operations import attachments as attachment_ops
from ..operations import decisions as decision_ops
from ..operations import flags as flag_ops
from ..operations.policy_applied import BelowPolicyMinimum
from ..questionnaire import forms as qforms
from ..questionnaire import section_problems
from ..questionnaire.answers import screening_problems
from ..questionnaire.completeness import alternatives, baseline, cell_problems, visible
from ..questionnaire.organisation import council_basis, legal_bases
from ..questionnaire.organisation import exempt_categories as org_exempt
from ..questionnaire.organisation import groups as org_groups
from ..questionnaire.policy_screening import is_own
from ..questionnaire.screening import is_below, recommended_level
from ..questionnaire.summary_draft import draft_summary
from . import check_answers, guided_scope, guided_typed, returns
from . import flags as flag_views
from .limits import form_version

LEVEL_WORDS = {
    "none": _l("no assessment"),
    "light": _l("light assessment"),
    "full": _l("full assessment"),
}

bp: Blueprint = Blueprint("guided", __name__, url_prefix="/assessments/<int:assessment_id>")


def _load(assessment_id: int):
    try:
        a = ops.get_assessment(current_user, assessment_id)
    except NotFound:
        abort(404)
    return a, answer_ops.form_for(a)


def _nav(a, form, current: str):
    """The left-hand list of sections with their completion state."""
    data, ctx = a.content, answer_ops.context(a)
    items = [
        {
            "id": "screening",
            "label": _l("Screening"),
            "url": url_for(".screening", assessment_id=a.id),
            "problems": screening_problems(form, data.screening),
            "flags": flag_views.for_page(a, "screening"),
            "current": current == "screening",
        }
    ]
    for s in form.sections_for(ctx.level):
        items.append(
            {
                "id": s.id,
                "label": s.labels.get(request_language()),
                "url": url_for(".section", assessment_id=a.id, section_id=s.id),
                "problems": section_problems(form, s, data, ctx),
                "flags": flag_views.for_page(a, s.id),
                "current": current == s.id,
            }
        )
    if (translations := guided_translations.nav_item(a, current)) is not None:
        items.append(translations)
    items.append(
        {
            "id": "check",
            "label": _l("Check your answers"),
            "problems": [],
            "flags": [],
            "url": url_for(".check", assessment_id=a.id),
            "current": current == "check",
        }
    )
    return items


def _editable(a) -> bool:
    state = ops.engine_for(a).definition.states[a.state]
    return state.editable and current_user.has_role("preparer")


def _next_url(a, form, section_id: str) -> str:
    order = ["screening"] + [s.id for s in form.sections_for(answer_ops.context(a).level)]
    if section_id in order and order.index(section_id) + 1 < len(order):
        nxt = order[order.index(section_id) + 1]
        return url_for(".section", assessment_id=a.id, section_id=nxt)
    return url_for(".check", assessment_id=a.id)


def _apply(wtform, errors: dict, strip: str = "") -> None:
    """Put an operation's errors (dotted JSON paths) onto the WTForms fields."""
    for path, messages in errors.items():
        parts = path.removeprefix(strip).split(".")
        field = wtform
        try:
            for part in parts:
                field = field.entries[int(part)].form if part.isdigit() else field[part]
        except (KeyError, IndexError, AttributeError, TypeError):
            field = None
        target = field if field is not None and hasattr(field, "errors") else None
        if target is None:
            wtform.form_errors.extend(str(m) for m in messages)
        else:
            target.errors = list(target.errors) + [str(m) for m in messages]


def _save(a, wtform, saver, *, strip: str = ""):
    """Run ``saver``; on refusal put the reasons on the form. Returns (ok, status)."""
    try:
        with kept_after_commit():  # what follows shows what was saved: not read back
            saver()
    except ValidationFailed as exc:
        _apply(wtform, exc.errors, strip)
        return False, 422
    except BelowPolicyMinimum as exc:
        # On the level's own field, so the error summary leads there; the input stays.
        if "level" in wtform._fields:
            wtform.level.errors = list(wtform.level.errors) + [str(exc)]
        else:
            wtform.form_errors.append(str(exc))
        return False, 409
    except (Conflict, Forbidden) as exc:
        wtform.form_errors.append(str(exc))
        return False, 409
    return True, 200


def _adapt(wtform, a, form, questions=()) -> None:
    """Fit the definition's form to the organisation: its groups, exempt categories, threshold."""
    org = answer_ops.org_settings(a)
    language = request_language()
    for q in questions:
        if q.options_from == "groups":
            wtform[q.id].choices = [
                SelectChoice(g.id, g.labels.get(language)) for g in org_groups(form, org)
            ]
    if "exempt_category" in wtform._fields:
        wtform.exempt_category.choices = [SelectChoice("", "—")] + [
            SelectChoice(c.id, c.labels.get(language)) for c in org_exempt(form, org)
        ]
    full_if_any = set(form.screening.rule.full_if_any)
    for q in form.screening.questions:
        if q.id not in wtform._fields:
            continue
        field = wtform[q.id]
        if q.shows_investment_threshold:
            note = _l(
                "Your organisation's threshold is %(amount)s €.",
                amount=format_decimal(org.investment_threshold_eur),
            )
            field.description = f"{field.description} {note}".strip()
        elif is_own(form, q.id):
            note = (
                _l("Your organisation's own question: a yes recommends a full assessment.")
                if q.id in full_if_any
                else _l("Your organisation's own question: a yes recommends an assessment.")
            )
            field.description = f"{field.description} {note}".strip()


def _version() -> int:
    return form_version()


def _render(template, a, form, current, **kw):
    kw.setdefault("page_flags", flag_views.for_page(a, current))
    kw.setdefault("return_to", returns.requested())
    return render_template(
        template,
        assessment=a,
        definition=form,
        nav=_nav(a, form, current),
        editable=_editable(a),
        language=request_language(),
        **kw,
    )


def _done(a, form, section_id):
    flash(str(_l("Saved.")), "success")
    if (back := returns.requested()) is not None:  # "Change" on check your answers
        return redirect(back)
    if "continue" in request.form:
        return redirect(_next_url(a, form, section_id))
    return redirect(request.path)


@bp.route("/screening", methods=["GET", "POST"])
@login_required
def screening(assessment_id: int):
    a, form = _load(assessment_id)
    cls = qforms.screening_form(form, request_language())
    stored = a.content.screening
    status = 200
    if request.method == "POST":
        wtform = cls(request.form)
        wtform.form_errors = []
        _adapt(wtform, a, form)
        wtform.validate()
        payload = {
            "answers": {q.id: wtform[q.id].data for q in form.screening.questions},
            "level": wtform.level.data or None,
            "level_reason": wtform.level_reason.data,
            "exempt_category": wtform.exempt_category.data or None,
        }
        if "continue" in request.form and (reason := _level_needs_reason(form, payload)):
            # "Save and continue" would move on past a level the method does not accept yet:
            # refused with the typed answers kept ("Save" still keeps a draft).
            wtform.level_reason.errors = [*wtform.level_reason.errors, str(reason)]
            ok, status = False, 422
        else:
            ok, status = _save(
                a,
                wtform,
                lambda: answer_ops.save_screening(
                    current_user, a, payload, expected_version=_version()
                ),
                strip="screening.",
            )
        if ok:
            return screening_next.after_save(a, form)
    else:
        wtform = cls(
            data={
                **stored.answers,
                "level": stored.level,
                "level_reason": stored.level_reason,
                "exempt_category": stored.exempt_category,
            },
        )
        wtform.form_errors = []
        _adapt(wtform, a, form)
    answers = {q.id: wtform[q.id].data for q in form.screening.questions}
    answered = {k: v for k, v in answers.items() if v}
    return _render(
        "guided/screening.html",
        a,
        form,
        "screening",
        wtform=wtform,
        # Nothing answered recommends nothing yet (not "no assessment").
        recommended=recommended_level(form, answered) if answered else None,
        problems=screening_problems(form, stored),
        bases=legal_bases(form, answer_ops.org_settings(a)),
        policy=decision_ops.policy_view(a.decision, a, request_language()),
    ), status


def _level_needs_reason(form, payload: dict):
    """Why "Save and continue" cannot go on from this screening: a lower level than the
    answers recommend, or no assessment, without a reason or an exempt category."""
    level = payload.get("level")
    if not level or (payload.get("level_reason") or "").strip() or payload.get("exempt_category"):
        return None
    answers = {k: v for k, v in payload["answers"].items() if v}
    recommended = recommended_level(form, answers)
    if level == "none":
        return _l(
            "You chose no assessment: write the reason for the level (or choose an exempt "
            "category) before you continue."
        )
    if is_below(level, recommended):
        return _l(
            "You chose a lower level than the recommended one (%(recommended)s): write the "
            "reason for the level before you continue, or choose the recommended level.",
            recommended=LEVEL_WORDS[recommended],
        )
    return None


def _effect_choices(wtform, a, form, language) -> None:
    """The effects an indicator may follow, as checkboxes: the negative and unknown effects
    of the recommended alternative, and any the indicator already follows."""
    data = a.content
    direction = {v.id: v.labels.get(language) for v in form.scales["direction"].values}
    choices = []
    for c in followable(data):
        g, d = form.group(c.group), form.dimension(c.dimension)
        label = f"{g.labels.get(language) if g else c.group}: "
        label += f"{d.labels.get(language) if d else c.dimension} ({direction[c.direction]})"
        # Group labels are lower case ("older people"): the label begins with a capital.
        choices.append(SelectChoice(f"{c.group}:{c.dimension}", label[:1].upper() + label[1:]))
    offered = {c.value for c in choices}
    for entry in wtform.indicators:
        kept = [SelectChoice(v, v) for v in (entry.form.follows.data or []) if v not in offered]
        entry.form.follows.choices = choices + kept
        if not entry.form.follows.choices:
            entry.form.follows.description = _l(
                "The recommended alternative has no negative or unknown effects to follow yet."
            )


def _section_form(a, form, section):
    """The WTForms form of a section and how to turn its data into the operation's payload."""
    data = a.content
    language = request_language()
    if section.kind == "questions":
        cls = qforms.questions_form(form, section.id, language)
        shown = [q for q in section.questions if visible(q, data)]
        stored = {q.id: data.answer(q.id) for q in shown}

        def payload(w):
            return {"answers": {q.id: _plain(w[q.id].data) for q in shown}}

        return cls, stored, payload, "answers.", shown
    if section.kind == "alternatives":
        stored = {
            "alternatives": [alt.dump() for alt in data.alternatives],
            "single_alternative_reason": data.answer("single_alternative_reason") or "",
        }
        return qforms.AlternativesForm, stored, lambda w: _plain(w.data), "", None
    if section.kind == "hearings":
        stored = {
            "hearings": [h.dump() for h in data.hearings],
            "no_hearings_reason": data.no_hearings_reason or "",
        }
        return qforms.hearings_form(form, language), stored, lambda w: _plain(w.data), "", None
    if section.kind == "indicators":
        stored = {"indicators": [i.dump() for i in data.indicators]}
        return qforms.IndicatorsForm, stored, lambda w: _plain(w.data), "", None
    stored = dict(data.summary)
    return qforms.SummaryForm, stored, lambda w: {"summary": _plain(w.data)}, "summary.", None


def _plain(value):
    """WTForms data -> JSON-like data (dates as ISO text)."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "csrf_token"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@bp.route("/sections/<section_id>", methods=["GET", "POST"])
@login_required
def section(assessment_id: int, section_id: str):
    a, form = _load(assessment_id)
    section = form.section(section_id)
    if section is None:
        abort(404)
    if section.kind == "impacts":
        return impacts(a, form, section)
    if section.kind == "plan":
        from . import guided_plan  # it builds on this module's helpers

        return guided_plan.page(a, form, section)
    cls, stored, payload, strip, shown = _section_form(a, form, section)
    status = 200
    if request.method == "POST":
        wtform = cls(request.form)
        wtform.form_errors = []
        _adapt(wtform, a, form, shown or ())
        wtform.validate()
        body, removed = guided_scope.before_save(a, form, section, payload(wtform))
        if removed:  # the scope leaves out recorded effects: ask first
            return _render(
                "guided/scope_confirm.html",
                a,
                form,
                section.id,
                section=section,
                removed=guided_scope.removal_rows(a, form, removed),
                resent=guided_scope.resent_fields(),
            )
        ok, status = _save(
            a,
            wtform,
            lambda: answer_ops.save_section(
                current_user, a, section.id, body, expected_version=_version()
            ),
            strip=strip,
        )
        if ok:
            return _done(a, form, section.id)
    else:
        # Typed before a statement upload and not yet saved: shown again (issue 20).
        typed = guided_typed.kept(a.id, section.id)
        wtform = cls(typed) if typed is not None else cls(data=stored)
        wtform.form_errors = []
        if typed is not None:
            flash(str(_l("What you typed is shown again but not saved yet: press Save.")), "info")
        _adapt(wtform, a, form, shown or ())
        for name in ("alternatives", "hearings", "indicators"):
            if name in wtform._fields and stored.get(name):
                _blank_row(wtform[name])
        if "alternatives" in wtform._fields:  # one blank cost line each, to add another
            for entry in wtform.alternatives.entries:
                _blank_row(entry.form.costs)
        if shown:
            for q in shown:
                if q.type == "list" and stored.get(q.id):
                    _blank_row(wtform[q.id])
    if section.kind == "hearings":
        _council_choices(wtform, a, form)
    if section.kind == "indicators":  # after the blank row is added, so it has them too
        _effect_choices(wtform, a, form, request_language())
    if section.kind == "summary" and not any(a.content.summary.values()):
        for lang in ("fi", "sv"):  # each in its own language (issue 19)
            if not wtform[lang].data:
                wtform[lang].data = draft_summary(a.content, form, lang)
    if section.kind == "indicators":
        from . import guided_plan

        guided_plan.indicator_choices(wtform, a)
    ctx = answer_ops.context(a)
    return _render(
        "guided/section.html",
        a,
        form,
        section.id,
        section=section,
        wtform=wtform,
        shown=shown,
        problems=section_problems(form, section, a.content, ctx),
        needed_summaries=(["fi", "sv"] if ctx.bilingual else [ctx.language]),
        replaced_files=(
            attachment_ops.replaced_statements(current_user, a)
            if section.kind == "hearings"
            else {}
        ),
        council_bases=_council_bases(a, form) if section.kind == "hearings" else [],
        scope_left_out=guided_scope.left_out(a, form, section),
        meeting_note=_meeting_note(a) if section.kind == "hearings" else None,
    ), status


def _council_choices(wtform, a, form) -> None:
    """Only the councils the organisation's type has (and any a hearing already names)."""
    kind, language = answer_ops.org_settings(a).kind, request_language()
    used = {h.council for h in a.content.hearings}
    choices = [SelectChoice("", "—")] + [
        SelectChoice(c.id, c.labels.get(language))
        for c in form.councils
        if c.exists_in(kind) or c.id in used
    ]
    for entry in wtform.hearings.entries:
        entry.form.council.choices = choices


def _meeting_note(a):
    """The meeting the statements must reach (the day itself is too late), if planned."""
    meeting = flag_ops.meeting_date(a)
    if meeting is None:
        return None
    return _l(
        "The meeting is on %(date)s: a statement received on that day or later does not "
        "count as heard.",
        date=format_date(meeting, "short"),
    )


def _council_bases(a, form) -> list[tuple[str, str]]:
    """Who is heard and under which act, for the organisation's type (the content's)."""
    org, language = answer_ops.org_settings(a), request_language()
    out = []
    for council in form.councils:
        basis = council_basis(form, council.id, org)
        if basis is not None:
            out.append((council.labels.get(language), basis.get(language)))
    return out


def impacts(a, form, section):
    data = a.content
    groups = [form.group(g) for g in data.groups_in_scope if form.group(g)]
    dims = [d for d in form.dimensions if d.id in data.dimensions_in_scope]
    cells = {c.key: c for c in data.impacts}
    ctx = answer_ops.context(a)
    return _render(
        "guided/impacts.html",
        a,
        form,
        section.id,
        section=section,
        groups=groups,
        dims=dims,
        cells=cells,
        alternatives=alternatives(data),
        baseline=baseline(data),
        problems=section_problems(form, section, data, ctx),
        cell_problems=cell_problems,
        cell_flags=flag_views.by_cell(a),
        next_url=_next_url(a, form, section.id),
    )


@bp.route("/impacts/<alternative>/<group>/<dimension>", methods=["GET", "POST"])
@login_required
def cell(assessment_id: int, alternative: str, group: str, dimension: str):
    a, form = _load(assessment_id)
    g, d = form.group(group), form.dimension(dimension)
    data = a.content
    alts = {alt.id: alt for alt in alternatives(data)}
    if g is None or d is None or alternative not in alts:
        abort(404)
    cls = qforms.cell_form(form, request_language())
    key = (alternative, group, dimension)
    stored: dict[str, Any] = next(
        (c.dump() for c in data.impacts if c.key == key),
        {},
    )
    status = 200
    zero = alts[alternative].zero_option
    if request.method == "POST":
        wtform = cls(request.form)
        wtform.form_errors = []
        valid = wtform.validate()
        remove = "remove" in request.form
        value = {
            "alternative": alternative,
            "group": group,
            "dimension": dimension,
            **{k: (wtform[k].data or None) for k in form.scales},
            **{k: wtform[k].data or "" for k in ("rationale", "evidence", "mitigation")},
        }
        if zero:  # the baseline is described, never scored (issue 18)
            value.update(dict.fromkeys(form.scales), mitigation="")
            valid = not (problems := cell_problems(form, value, baseline=True))
            wtform.rationale.errors = [*wtform.rationale.errors, *problems]
        # Save keeps what is well-formed even when the scales' rules are not yet met;
        # the messages stay next to the fields.
        ok, status = _save(
            a,
            wtform,
            lambda: answer_ops.save_cell(
                current_user, a, value, expected_version=_version(), remove=remove
            ),
        )
        if ok and (valid or remove):
            flash(str(_l("Saved.")), "success")
            return redirect(
                url_for(".section", assessment_id=a.id, section_id="impacts")
                + f"#alt-{alternative}"
            )
        if ok:
            status = 422
    else:
        wtform = cls(data=stored)
        wtform.form_errors = []
    if zero:
        wtform.rationale.label.text = str(_l("The situation without the decision"))
        wtform.rationale.description = str(
            _l(
                "Who is affected and how, now and in the years ahead if nothing is decided: "
                "the baseline the other alternatives are compared with."
            )
        )
    zero_alt = baseline(data)
    compared = next(
        (c for c in data.impacts if zero_alt and c.key == (zero_alt.id, group, dimension)), None
    )
    return _render(
        "guided/cell.html",
        a,
        form,
        "impacts",
        wtform=wtform,
        group=g,
        dimension=d,
        alternative=alts[alternative],
        stored=stored,
        zero=zero,
        baseline=zero_alt,
        baseline_cell=compared,
        page_flags=flag_views.for_cell(a, alternative, group, dimension),
    ), status


@bp.get("/check")
@login_required
def check(assessment_id: int):
    a, form = _load(assessment_id)
    options = {o.transition.trigger: o for o in ops.options(current_user, a)}
    submit = options.get(ops.engine_for(a).definition.submit_trigger)
    language = request_language()
    kind, names, body = check_answers.who_reviews(a, language)
    return _render(
        "guided/check.html",
        a,
        form,
        "check",
        submit=submit,
        parts=check_answers.parts(a, form, language),
        flag_groups=check_answers.open_flag_groups(a, form, language),
        blocking=check_answers.blocking_high(a),
        reviewers={"kind": kind, "names": names, "body": body},
    )


@bp.post("/hearings/<hearing_id>/statement")
@accepts_files
@login_required
def upload_statement(assessment_id: int, hearing_id: str):
    a, form = _load(assessment_id)
    # Sent with the section's form (issue 20): its file field is named by the hearing.
    upload = request.files.get(f"file-{hearing_id}") or request.files.get("file")
    back = url_for(".section", assessment_id=a.id, section_id=_hearings_section(form))
    guided_typed.keep(a.id, _hearings_section(form), request.form)
    if upload is None or not upload.filename:
        flash(str(_l("Choose a file to upload.")), "danger")
        return redirect(back)
    try:
        attachment_ops.attach_statement(
            current_user,
            a,
            hearing_id,
            upload.filename,
            upload.read(),
            expected_version=_version(),
        )
    except ValidationFailed as exc:
        for messages in exc.errors.values():
            for m in messages:
                flash(str(m), "danger")
    except (Conflict, Forbidden, NotFound) as exc:
        flash(str(exc), "danger")
    else:
        flash(str(_l("The statement file was saved.")), "success")
    return redirect(back)


def _blank_row(rows) -> None:
    """One blank row to add another, unless the list is full (a full list was a 500)."""
    if not rows.max_entries or len(rows.entries) < rows.max_entries:
        rows.append_entry()


def _hearings_section(form) -> str:
    return next((s.id for s in form.sections if s.kind == "hearings"), "hearings")


@bp.get("/attachments/<int:attachment_id>")
@login_required
def attachment(assessment_id: int, attachment_id: int):
    a, _ = _load(assessment_id)
    try:
        found = attachment_ops.get_attachment(current_user, a, attachment_id)
    except NotFound:
        abort(404)
    return send_file(
        io.BytesIO(found.content),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        etag=found.sha256,
    )


# The Translations page (issue 19), the impact matrix a row at a time and what follows the
# screening (issue 20) register their routes on this blueprint.
from . import guided_matrix, guided_translations, screening_next  # noqa: E402, F401
