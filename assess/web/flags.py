"""Flags on the screen: the review page with the acknowledge control, the cumulative view,
and which flags belong on which page of the guided form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import flags
from ..assessment_data import StoredFlag
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import Conflict, Forbidden, NotFound, ValidationFailed, kept_after_commit
from ..operations import answers as answer_ops
from ..operations import assessments as ops
from ..operations import flags as flag_ops
from .access import roles_required
from .limits import form_version

bp = Blueprint("flags", __name__)
# Its own blueprint: the main navigation marks the current section by blueprint.
cumulative_bp = Blueprint("cumulative", __name__)

SEVERITY_LABELS = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}
# Shapes, not only colours, tell the severities apart; the word is always written too. None
# is a symbol of the matrix's directions (▲ positive, ▼ negative, ● neutral): a severity never
# looks like an effect (issue 20).
SEVERITY_ICONS = {"high": "■", "medium": "◆", "low": "○"}
STATUS_LABELS = {
    flags.OPEN: _l("open"),
    flags.ACKNOWLEDGED: _l("acknowledged"),
    flags.RESOLVED: _l("resolved"),
}

# Which page of the guided form shows a flag: the page where its answers are given.
_PAGE_RULES = {
    "alternatives": {"single_alternative", "unequal_distribution", "no_cost_estimate"},
    "hearings": {"consultation_required", "late_statement"},
    "impacts": {
        "serious_negative_effect",
        "missing_mitigation",
        "unknown_without_plan",
        "unequal_distribution",
        "cumulative_burden",
    },
    "mitigation": {
        "serious_negative_effect",
        "missing_mitigation",
        "unequal_distribution",
        "cumulative_burden",
    },
    "follow_up": {"no_follow_up", "unknown_without_plan"},
    "wellbeing_plan": {"plan_not_considered"},
    "scoping": {"implied_group_out_of_scope"},
    "translations": {"translation_missing"},
}


def live(assessment) -> list[StoredFlag]:
    """The flags that still apply (open or acknowledged), most severe first."""
    return [f for f in assessment.content.flags if f.status != flags.RESOLVED]


def for_page(assessment, page: str) -> list[StoredFlag]:
    if page == "screening":
        return [f for f in live(assessment) if (f.field or "").startswith("screening")]
    rules = _PAGE_RULES.get(page, set())
    return [f for f in live(assessment) if f.rule in rules]


def for_cell(assessment, alternative: str, group: str, dimension: str) -> list[StoredFlag]:
    return [
        f
        for f in live(assessment)
        if f.alternative == alternative and f.group == group and f.dimension in (None, dimension)
    ]


def by_cell(assessment) -> dict[tuple, list[StoredFlag]]:
    """Flags of single cells, by (alternative, group, dimension), for the matrix."""
    out: dict[tuple, list[StoredFlag]] = {}
    for f in live(assessment):
        if f.dimension:
            out.setdefault((f.alternative, f.group, f.dimension), []).append(f)
    return out


def template_globals() -> dict:
    return {
        "SEVERITY_LABELS": SEVERITY_LABELS,
        "SEVERITY_ICONS": SEVERITY_ICONS,
        "FLAG_STATUS_LABELS": STATUS_LABELS,
    }


def _assessment(assessment_id: int):
    try:
        return ops.get_assessment(current_user, assessment_id)
    except NotFound:
        abort(404)


def _page(assessment, *, errors=None, typed=None, status=200):
    return page(assessment, errors=errors, typed=typed, status=status)


def page(assessment, *, errors=None, typed=None, bulk_errors=(), bulk_typed=None, status=200):
    """The flag page; ``bulk_*``: a refused acknowledgement of several flags at once."""
    stored = assessment.content.flags
    return render_template(
        "flags/review.html",
        assessment=assessment,
        definition=answer_ops.form_for(assessment),
        live=[f for f in stored if f.status != flags.RESOLVED],
        resolved=[f for f in stored if f.status == flags.RESOLVED],
        counts=flags.counts(stored),
        can_acknowledge=flag_ops.may_acknowledge(current_user, assessment),
        refusal=flag_ops.acknowledge_refusal(current_user, assessment),
        state_label=ops.engine_for(assessment).definition.state_label(
            assessment.state, request_language()
        ),
        language=request_language(),
        errors=errors or {},
        typed=typed or {},
        bulk_errors=list(bulk_errors),
        bulk_typed=bulk_typed or {},
        cells=cells_of(assessment),
    ), status


@bp.get("/assessments/<int:assessment_id>/flags")
@login_required
def review(assessment_id: int):
    return _page(_assessment(assessment_id))


@bp.post("/assessments/<int:assessment_id>/flags/<flag_id>/acknowledge")
@roles_required("reviewer")
def acknowledge(assessment_id: int, flag_id: str):
    assessment = _assessment(assessment_id)
    comment = request.form.get("comment", "")
    version = form_version()
    try:
        with kept_after_commit():  # the redirect needs only what was written: not read back
            flag_ops.acknowledge(
                current_user, assessment, flag_id, comment, expected_version=version
            )
    except ValidationFailed as exc:
        messages = [str(m) for m in exc.errors.get("comment", [])]
        return _page(assessment, errors={flag_id: messages}, typed={flag_id: comment}, status=422)
    except NotFound:
        abort(404)
    except (Conflict, Forbidden) as exc:
        status = 403 if isinstance(exc, Forbidden) else 409
        return _page(
            assessment, errors={flag_id: [str(exc)]}, typed={flag_id: comment}, status=status
        )
    flash(str(_l("The flag is acknowledged; your comment is in the history.")), "success")
    return redirect(url_for(".review", assessment_id=assessment.id) + f"#flag-{flag_id}")


@cumulative_bp.get("/cumulative")
@roles_required("reviewer", "auditor")
def index():
    form = answer_ops.forms().latest(current_user.organisation.setting("default_form") or "iva")
    group = request.args.get("group") or None
    if group is not None and form.group(group) is None:
        abort(404)
    window, first, burdens = flag_ops.cumulative(current_user, group=group)
    return render_template(
        "flags/cumulative.html",
        definition=form,
        window=window,
        first=first,
        burdens=burdens,
        group=group,
        language=request_language(),
    )


# At most this many cells are shown beside one flag (a distribution flag concerns a whole
# alternative); the matrix has the rest.
CELLS_SHOWN = 12


def cells_of(assessment) -> dict[str, list[dict]]:
    """For each live flag about cells, the cells it concerns with what is being judged: the
    effect in words and symbol, the rationale, the evidence and the mitigation (issue 20)."""
    data = assessment.content
    form = answer_ops.form_for(assessment)
    language = request_language()
    out: dict[str, list[dict]] = {}
    for f in data.flags:
        if f.status == flags.RESOLVED or not (f.alternative or f.group):
            continue
        found = [
            c
            for c in data.impacts
            if (f.alternative is None or c.alternative == f.alternative)
            and (f.group is None or c.group == f.group)
            and (f.dimension is None or c.dimension == f.dimension)
            # A flag about a whole alternative or group concerns its effects, not its
            # neutral cells.
            and (f.dimension is not None or c.direction in ("negative", "positive", "unknown"))
        ]
        if not found:
            continue
        shown = []
        for c in found[:CELLS_SHOWN]:
            group, dimension = form.group(c.group), form.dimension(c.dimension)
            direction = form.scale_value("direction", c.direction) if c.direction else None
            magnitude = form.scale_value("magnitude", c.magnitude) if c.magnitude else None
            shown.append(
                {
                    "group": group.labels.get(language) if group else c.group,
                    "dimension": dimension.labels.get(language) if dimension else c.dimension,
                    "symbol": direction.symbol if direction else "",
                    "direction": direction.labels.get(language) if direction else "",
                    "magnitude": magnitude.labels.get(language) if magnitude else "",
                    "rationale": c.rationale,
                    "evidence": c.evidence,
                    "mitigation": c.mitigation,
                    "alternative": c.alternative,
                    "url": url_for(
                        "guided.cell",
                        assessment_id=assessment.id,
                        alternative=c.alternative,
                        group=c.group,
                        dimension=c.dimension,
                    ),
                }
            )
        out[f.id] = shown
        if len(found) > CELLS_SHOWN:
            out[f.id].append({"more": len(found) - CELLS_SHOWN})
    return out
