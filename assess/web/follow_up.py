"""The follow-up page of a decided assessment (issue 18): observations, what actually
happened to each negative or unknown effect, and the summaries for those heard."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import Conflict, Forbidden, NotFound, ValidationFailed
from ..operations import assessments as ops
from ..operations import documents as doc_ops
from ..operations import follow_up as fu
from ..operations.context import engine_for, facts, form_for
from ..questionnaire import follow_up as rules
from .limits import form_version

bp = Blueprint("follow_up", __name__)
# Empty rows the form offers for new observations of each indicator.
NEW_ROWS = 1


def _assessment(assessment_id: int):
    try:
        return ops.get_assessment(current_user, assessment_id)
    except NotFound:
        abort(404)


def _payload(form, data) -> dict[str, Any]:
    """The page's fields as the operation's payload (the API's shape)."""
    indicators = []
    for ind in data.indicators:
        rows = []
        given = form.get(f"obs-{ind.id}-rows", "")
        n = int(given) if given.isascii() and given.isdigit() and len(given) < 4 else 0
        for i in range(min(n, fu.OBSERVATIONS_MAX + 1)):
            rows.append(
                {
                    "on": form.get(f"obs-{ind.id}-{i}-on", ""),
                    "value": form.get(f"obs-{ind.id}-{i}-value", ""),
                    "note": form.get(f"obs-{ind.id}-{i}-note", ""),
                }
            )
        indicators.append({"id": ind.id, "observations": rows})
    ex_post = []
    for cell in rules.followed_effects(data):
        key = f"{cell.group}--{cell.dimension}"
        ex_post.append(
            {
                "group": cell.group,
                "dimension": cell.dimension,
                "outcome": form.get(f"ex-{key}-outcome") or None,
                "lesson": form.get(f"ex-{key}-lesson", ""),
            }
        )
    return {"indicators": indicators, "ex_post": ex_post}


def _page(a, *, payload=None, problems=(), status=200):
    data = a.content
    form = form_for(a)
    language = request_language()
    definition = engine_for(a).definition
    if payload is None:
        payload = {
            "indicators": [
                {"id": i.id, "observations": [o.dump() for o in i.observations]}
                for i in data.indicators
            ],
            "ex_post": [e.dump() for e in data.ex_post],
        }
    # The form's empty rows are not observations: offered again as new ones.
    observed = {
        row["id"]: [o for o in row["observations"] if any((v or "").strip() for v in o.values())]
        for row in payload["indicators"]
    }
    outcomes = {(e["group"], e["dimension"]): e for e in payload["ex_post"]}
    effects = []
    for cell in rules.followed_effects(data):
        group, dimension = form.group(cell.group), form.dimension(cell.dimension)
        direction = form.scale_value("direction", cell.direction or "")
        effects.append(
            {
                "key": f"{cell.group}--{cell.dimension}",
                "group": group.labels.get(language) if group else cell.group,
                "dimension": dimension.labels.get(language) if dimension else cell.dimension,
                "expected": direction.labels.get(language) if direction else cell.direction,
                "rationale": cell.rationale,
                "given": outcomes.get((cell.group, cell.dimension), {}),
            }
        )
    up_to_date = fu.up_to_date(a)
    heard = []
    for council in rules.heard_councils(data):
        c = form.council(council)
        heard.append(
            {
                "id": council,
                "label": c.labels.get(language) if c else council,
                "current": up_to_date.get(council),
            }
        )
    made = [
        {"doc": d, "council": fu.council_of(d), "label": _council_label(form, fu.council_of(d))}
        for d in fu.summaries(a)
    ]
    return render_template(
        "follow_up/page.html",
        assessment=a,
        indicators=data.indicators,
        observed=observed,
        effects=effects,
        outcomes=[(o, rules.OUTCOME_LABELS[o]) for o in rules.OUTCOMES],
        heard=heard,
        made=made,
        languages=[x for x in doc_ops.languages_for(a.decision) if x in ("fi", "sv")],
        may_record=fu.may_record(current_user, a),
        in_follow_up=definition.is_in_follow_up(a.state),
        state_label=definition.state_label(a.state, language),
        missing=facts(a).follow_up_missing,
        problems=problems,
        new_rows=NEW_ROWS,
        language=language,
    ), status


def _council_label(form, council_id: str) -> str:
    c = form.council(council_id)
    return c.labels.get(request_language()) if c else council_id


@bp.get("/assessments/<int:assessment_id>/follow-up")
@login_required
def page(assessment_id: int):
    return _page(_assessment(assessment_id))


@bp.post("/assessments/<int:assessment_id>/follow-up")
@login_required
def save(assessment_id: int):
    a = _assessment(assessment_id)
    version = form_version()
    payload = _payload(request.form, a.content)
    try:
        fu.save(current_user, a, payload, expected_version=version)
    except ValidationFailed as exc:
        problems = [m for messages in exc.errors.values() for m in messages]
        return _page(a, payload=payload, problems=problems, status=422)
    except (Conflict, Forbidden) as exc:
        return _page(a, payload=payload, problems=[exc.message], status=409)
    flash(str(_l("The follow-up has been saved.")), "success")
    return redirect(url_for("follow_up.page", assessment_id=a.id))


@bp.post("/assessments/<int:assessment_id>/follow-up/summaries")
@login_required
def summary(assessment_id: int):
    a = _assessment(assessment_id)
    version = form_version()
    council = request.form.get("council", "")
    language = request.form.get("language", "")
    try:
        doc = fu.make_summary(current_user, a, council, language, expected_version=version)
    except ValidationFailed as exc:
        problems = [m for messages in exc.errors.values() for m in messages]
        return _page(a, problems=problems, status=422)
    except (Conflict, Forbidden) as exc:
        return _page(a, problems=[exc.message], status=409)
    flash(
        str(
            _l(
                "The follow-up summary %(reference)s has been made and stored.",
                reference=doc.reference,
            )
        ),
        "success",
    )
    return redirect(url_for("follow_up.page", assessment_id=a.id) + "#summaries")
