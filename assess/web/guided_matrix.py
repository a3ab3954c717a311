"""The impact matrix a row at a time (issue 20): one page per alternative and group with every
dimension in scope, "no significant effect" and "copy from alternative" for a whole row, and
the side-by-side comparison of the alternatives. Registers its routes on the guided blueprint;
the per-cell page stays (``guided.cell``)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import Conflict, Forbidden, NotFound, ValidationFailed
from ..operations import matrix as ops
from ..questionnaire.answers import CELL_TEXTS, SCALES
from ..questionnaire.completeness import alternatives, baseline, cell_problems
from . import guided

bp = guided.bp

STATE_LABELS = {"empty": _l("empty"), "partly": _l("partly done"), "done": _l("done")}
STATE_KINDS = {"empty": "info", "partly": "alert", "done": "success"}


def _rows(a, form, data):
    """Every row in the order a person fills them: alternative by alternative, group by group."""
    return [
        ops.row_of(form, data, alt.id, g)
        for alt in alternatives(data)
        for g in data.groups_in_scope
        if form.group(g)
    ]


def row_links(a, form, alternative) -> list[dict[str, Any]]:
    """The impacts overview's links to an alternative's rows, with each row's state."""
    data = a.content
    # The alternative's cells by group, found once: the largest matrices have thousands.
    by_group: dict[str, dict] = {}
    for c in data.impacts:
        if c.alternative == alternative.id:
            by_group.setdefault(c.group, {})[c.dimension] = c
    out = []
    for g in data.groups_in_scope:
        if form.group(g) is None:
            continue
        row = ops.row_of(form, data, alternative.id, g)
        state = ops.row_state(form, data, row, by_group.get(g, {}))
        out.append(
            {
                "label": row.group.labels.get(request_language()),
                "url": url_for(
                    ".impact_row", assessment_id=a.id, alternative=alternative.id, group=g
                ),
                "state": state,
                "state_label": STATE_LABELS[state],
                "state_kind": STATE_KINDS[state],
            }
        )
    return out


@bp.context_processor
def _matrix_helpers():
    return {"matrix_row_links": row_links}


def _load_row(assessment_id: int, alternative: str, group: str):
    a, form = guided._load(assessment_id)
    try:
        row = ops.row_of(form, a.content, alternative, group)
    except NotFound:
        abort(404)
    return a, form, row


def _words(form, cell, zero: bool) -> str:
    """A cell in words: direction, magnitude, likelihood (never a symbol alone)."""
    language = request_language()
    if cell is None:
        return str(_l("not described yet")) if zero else str(_l("not assessed"))
    if zero:
        return cell.rationale or str(_l("not described yet"))
    parts = [
        form.scale_value(name, getattr(cell, name)).labels.get(language)
        for name in ("direction", "magnitude", "likelihood")
        if getattr(cell, name) and form.scale_value(name, getattr(cell, name))
    ]
    return ", ".join(parts) if parts else str(_l("not assessed"))


def _view(a, form, row, values: dict | None = None, errors: dict | None = None, **kw):
    data = a.content
    stored = ops.row_cells(data, row.alternative.id, row.group.id)
    zero_alt = baseline(data)
    base = ops.row_cells(data, zero_alt.id, row.group.id) if zero_alt else {}
    language = request_language()
    if values is None:
        values = {
            d.id: {k: (getattr(stored[d.id], k) or "") for k in ops.FIELDS}
            if d.id in stored
            else {}
            for d in row.dimensions
        }
    errors = errors or {}
    cells = []
    for d in row.dimensions:
        cell = stored.get(d.id)
        cells.append(
            {
                "dimension": d,
                "label": d.labels.get(language),
                "values": values.get(d.id, {}),
                "errors": {k: v for k, v in errors.items() if k.startswith(d.id + ".")},
                "problems": cell_problems(form, cell, baseline=row.zero) if cell else [],
                "baseline": base[d.id].rationale if d.id in base else "",
                "now": _words(form, cell, row.zero),
                "cell_url": url_for(
                    ".cell",
                    assessment_id=a.id,
                    alternative=row.alternative.id,
                    group=row.group.id,
                    dimension=d.id,
                ),
            }
        )
    rows = _rows(a, form, data)
    keys = [(r.alternative.id, r.group.id) for r in rows]
    here = keys.index((row.alternative.id, row.group.id))
    following = rows[here + 1] if here + 1 < len(rows) else None
    sources = [
        alt
        for alt in alternatives(data)
        if alt.id != row.alternative.id and ops.row_cells(data, alt.id, row.group.id)
    ]
    scales = [
        {
            "name": name,
            "label": form.scales[name].labels.get(language),
            "choices": [(v.id, v.labels.get(language)) for v in form.scales[name].values],
        }
        for name in SCALES
    ]
    summary = [
        (f"{key.replace('.', '-')}", msg)
        for key, messages in errors.items()
        for msg in messages
        if "." in key
    ]
    return guided._render(
        "guided/row.html",
        a,
        form,
        "impacts",
        row=row,
        group_label=row.group.labels.get(language),
        alt_label=row.alternative.label or _l("The proposal"),
        cells=cells,
        scales=scales,
        texts=CELL_TEXTS,
        fingerprint=kw.pop("fingerprint", None)
        or ops.fingerprint(data, row.alternative.id, row.group.id),
        following=following,
        sources=sources,
        baseline=zero_alt,
        field_errors=errors,
        summary=summary,
        form_errors=kw.pop("form_errors", []),
        # The design system's base page prefixes the title with "Error:" when this is set.
        error_title=bool(errors or kw.get("conflict") or kw.get("refused")),
        **{k: v for k, v in kw.items() if k != "refused"},
    )


def _typed(row) -> dict[str, dict[str, str]]:
    return {
        d.id: {k: (request.form.get(f"{d.id}-{k}") or "") for k in ops.FIELDS}
        for d in row.dimensions
    }


def _after_save(a, row, message):
    flash(str(message), "success")
    if "next" in request.form:
        rows = _rows(a, guided.answer_ops.form_for(a), a.content)
        keys = [(r.alternative.id, r.group.id) for r in rows]
        key = (row.alternative.id, row.group.id)
        if key in keys and keys.index(key) + 1 < len(rows):
            nxt = rows[keys.index(key) + 1]
            return redirect(
                url_for(
                    ".impact_row",
                    assessment_id=a.id,
                    alternative=nxt.alternative.id,
                    group=nxt.group.id,
                )
            )
        return redirect(_overview(a, row))
    return redirect(request.path.removesuffix("/no-effect").removesuffix("/copy"))


def _overview(a, row) -> str:
    return (
        url_for(".section", assessment_id=a.id, section_id="impacts") + f"#alt-{row.alternative.id}"
    )


def _refused(a, form, row, exc, typed):
    """The page again with what was typed, the reasons and (on a conflict) the row as now."""
    if isinstance(exc, ValidationFailed):
        return _view(
            a,
            form,
            row,
            typed,
            exc.errors,
            form_errors=[str(m) for k, msgs in exc.errors.items() if "." not in k for m in msgs],
            fingerprint=request.form.get("fingerprint", ""),
        ), 422
    conflict = isinstance(exc, ops.RowChanged)
    # The person has now seen the row as it is: their next save is based on it.
    return _view(
        a,
        form,
        row,
        typed,
        form_errors=[str(exc)],
        conflict=conflict,
        refused=True,
        fingerprint=None if conflict else request.form.get("fingerprint", ""),
    ), 409


def _refused_action(a, row, exc):
    """A refused row action: its reasons on the row's page, shown as the row is now (Post/
    Redirect/Get: reloading never repeats the action)."""
    messages = (
        [str(m) for msgs in exc.errors.values() for m in msgs]
        if isinstance(exc, ValidationFailed)
        else [str(exc)]
    )
    for message in messages:
        flash(message, "danger")
    return redirect(
        url_for(
            ".impact_row",
            assessment_id=a.id,
            alternative=row.alternative.id,
            group=row.group.id,
        )
    )


@bp.route("/rows/<alternative>/<group>", methods=["GET", "POST"])
@login_required
def impact_row(assessment_id: int, alternative: str, group: str):
    a, form, row = _load_row(assessment_id, alternative, group)
    if request.method == "GET":
        return _view(a, form, row)
    typed = _typed(row)
    try:
        ops.save_row(
            current_user,
            a,
            alternative,
            group,
            typed,
            loaded=request.form.get("fingerprint", ""),
        )
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _refused(a, form, row, exc, typed)
    incomplete = sum(
        1
        for c in ops.row_cells(a.content, alternative, group).values()
        if cell_problems(form, c, baseline=row.zero)
    )
    message = (
        _l("Saved: %(row)s.", row=row.name())
        if not incomplete
        else _l(
            "Saved: %(row)s. %(n)d of its cells are still incomplete: see the messages by "
            "each dimension.",
            row=row.name(),
            n=incomplete,
        )
    )
    if incomplete:  # stay on the row: what is missing is shown beside each cell
        flash(str(message), "success")
        return redirect(request.path)
    return _after_save(a, row, message)


@bp.post("/rows/<alternative>/<group>/no-effect")
@login_required
def impact_row_no_effect(assessment_id: int, alternative: str, group: str):
    a, form, row = _load_row(assessment_id, alternative, group)
    try:
        ops.no_effect_row(
            current_user,
            a,
            alternative,
            group,
            loaded=request.form.get("fingerprint", ""),
            reason=request.form.get("reason", ""),
        )
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _refused_action(a, row, exc)
    return _after_save(
        a, row, _l("Saved: no significant effect on any dimension of %(row)s.", row=row.name())
    )


@bp.post("/rows/<alternative>/<group>/copy")
@login_required
def impact_row_copy(assessment_id: int, alternative: str, group: str):
    a, form, row = _load_row(assessment_id, alternative, group)
    source = request.form.get("source", "")
    try:
        ops.copy_row(
            current_user,
            a,
            alternative,
            group,
            source=source,
            loaded=request.form.get("fingerprint", ""),
        )
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _refused_action(a, row, exc)
    flash(str(_l("Copied into %(row)s and saved: adjust what differs.", row=row.name())), "success")
    return redirect(
        url_for(".impact_row", assessment_id=a.id, alternative=alternative, group=group)
    )


@bp.get("/comparison")
@login_required
def impact_comparison(assessment_id: int):
    a, form = guided._load(assessment_id)
    data = a.content
    language = request_language()
    alts = alternatives(data)
    dims = [d for d in form.dimensions if d.id in data.dimensions_in_scope]
    cells = {c.key: c for c in data.impacts}
    tables = []
    for g in data.groups_in_scope:
        group = form.group(g)
        if group is None:
            continue
        tables.append(
            {
                "label": group.labels.get(language),
                "rows": [
                    {
                        "label": d.labels.get(language),
                        "cells": [
                            {
                                "alternative": alt.label or _l("The proposal"),
                                "text": _words(form, cells.get((alt.id, g, d.id)), alt.zero_option),
                            }
                            for alt in alts
                        ],
                    }
                    for d in dims
                ],
            }
        )
    return guided._render(
        "guided/comparison.html",
        a,
        form,
        "impacts",
        alternatives=alts,
        tables=tables,
    )
