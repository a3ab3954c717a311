"""What follows the screening (issue 20). While the assessment is still in screening, the
sections after it cannot be the next step: the level must be fixed first by "Start the
assessment" (or no assessment proposed to a reviewer). "Save and continue" on the
screening leads here, where that step is explained and offered, instead of to the scope.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import answers as answer_ops
from ..operations import assessments as ops
from ..questionnaire.screening import recommended_level
from . import returns
from .guided import _load, _next_url, _render, bp


def _steps(a):
    """The steps that take the assessment on from the screening, for this person."""
    definition = ops.engine_for(a).definition
    return [o for o in ops.options(current_user, a) if definition.leaves_preparation(o.transition)]


def waits_on_a_step(a) -> bool:
    """Whether the assessment is where the level is fixed by a process step (the workflow's
    ``hands_over``), so the sections cannot simply follow."""
    definition = ops.engine_for(a).definition
    return any(definition.hands_over_on(o.transition.trigger) for o in ops.options(current_user, a))


def after_save(a, form):
    """Where the screening's saving leads."""
    flash(str(_l("Saved.")), "success")
    if (back := returns.requested()) is not None:
        return redirect(back)
    if "continue" not in request.form:
        return redirect(request.path)
    if waits_on_a_step(a):
        return redirect(url_for("guided.next_step", assessment_id=a.id))
    return redirect(_next_url(a, form, "screening"))


@bp.get("/next-step")
@login_required
def next_step(assessment_id: int):
    a, form = _load(assessment_id)
    if not waits_on_a_step(a):  # already past the screening: the sections are the way on
        abort(404)
    definition = ops.engine_for(a).definition
    screening = a.content.screening
    level = answer_ops.context(a).level
    sections = form.sections_for(level)
    first = (
        url_for("guided.section", assessment_id=a.id, section_id=sections[0].id)
        if sections
        else None
    )
    steps = [
        {
            "option": o,
            "label": o.transition.labels.get(request_language()),
            # After the level is fixed, on to the first section; other steps end at the
            # decision page, where the process is shown.
            "return_to": first if definition.hands_over_on(o.transition.trigger) else None,
            "hands_over": definition.hands_over_on(o.transition.trigger),
        }
        for o in _steps(a)
    ]
    return _render(
        "guided/next_step.html",
        a,
        form,
        "screening",
        steps=steps,
        level=screening.level,
        recommended=(recommended_level(form, screening.answers) if screening.answers else None),
        page_flags=[],
    )
