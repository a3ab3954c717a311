"""The front page after log-in: what this person has to do, by role."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import case, func, select
from sqlalchemy.orm import defer, selectinload

from .. import flags
from ..assessment_data import Indicator
from ..definitions import localized
from ..extensions import db
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..models import Assessment, Body, Decision, Meeting, User
from ..operations import assessments as assessment_ops
from ..operations import meetings as meeting_ops
from ..operations import review as review_ops
from ..operations.decisions import search_decisions
from ..operations.process import state_means
from ..workflow import WorkflowDefinition
from . import list_queries as lists
from .limits import query_number

bp = Blueprint("dashboard", __name__)

MAX_PAGE = 1_000_000  # as the decisions list


@bp.get("/")
@login_required
def index():
    org_id = current_user.organisation_id
    sections: dict[str, Any] = {}
    if current_user.has_role("preparer"):
        # Returned by a reviewer and not yet submitted again: first, with the comment (issue 20).
        sections["returned"] = review_ops.returned_to(current_user, request_language())
        mine = db.session.scalars(
            search_decisions(current_user, preparer=current_user)
            .options(selectinload(Decision.body))  # the table names each one's body
            .limit(20)
        ).all()
        sections["mine"] = mine
        # Their active assessments in one query, not one per decision.
        active = {
            a.decision_id: a
            for a in db.session.scalars(
                select(Assessment)
                .where(Assessment.decision_id.in_([d.id for d in mine]), Assessment.active)
                # The next step needs the state and the process, not the answers.
                .options(defer(Assessment.data), defer(Assessment.policy))
            )
        }
        sections["next_steps"] = {d.id: _next_step(active.get(d.id)) for d in mine}
    tasks = _follow_up_tasks()
    if tasks:
        sections["tasks"] = tasks
    if current_user.has_role("reviewer"):
        sections["queue"] = _review_queue(org_id)
    if current_user.has_role("secretary"):
        sections["meetings"] = _coming_meetings(org_id)
    if current_user.has_role("reviewer", "auditor"):
        sections["recent"] = db.session.scalars(search_decisions(current_user).limit(10)).all()
    if current_user.has_role("secretary"):
        sections["by_body"] = db.session.execute(
            select(Body, func.count(Decision.id))
            .outerjoin(Decision, Decision.body_id == Body.id)
            .where(Body.organisation_id == org_id)
            .group_by(Body.id)
            .order_by(Body.id)
        ).all()
    if current_user.has_role("admin"):
        sections["users"] = db.session.execute(
            select(func.count(User.id), func.count(User.id).filter(User.active.is_(False))).where(
                User.organisation_id == org_id
            )
        ).one()
    return render_template("dashboard.html", sections=sections)


def _next_step(assessment: Assessment | None):
    if assessment is None:
        return _l("Start the impact assessment.")
    return localized(assessment_ops.engine_for(assessment).definition.next_step(assessment.state))


def _review_queue(org_id):
    """Assessments waiting for a reviewer, the longest-waiting first, filtered as the address
    says and one page at a time (issue 20)."""
    language = request_language()
    options, allowed = lists.queue_choices(org_id, language)
    parsed = lists.parse_request(allowed)
    page, beyond = lists.paginate(
        # What is addressed to this reviewer first (issue 20), then the longest-waiting.
        lists.review_queue(org_id, parsed.filters)
        .order_by(None)
        .order_by(
            # A case, not the comparison: an unassigned one (NULL) sorts with the others.
            case((Assessment.reviewer_id == current_user.id, 0), else_=1),
            Assessment.updated_at,
            Assessment.id,
        ),
        query_number("page", 1, MAX_PAGE) or 1,
        lists.QUEUE_PER_PAGE,
    )
    return {
        "page": page,
        "rows": [
            {
                "assessment": a,
                "decision": d,
                "open": flags.counts(a.content.flags),
                "mine": a.reviewer_id == current_user.id,
            }
            for a, d in page.items
        ],
        "filters": parsed.filters,
        "problems": lists.problems_with_page(parsed, page, beyond),
        "options": options,
    }


def _coming_meetings(org_id):
    """Meetings still ahead, with how many items are not ready and the days left."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.organisation_id == org_id, Meeting.state.in_(("planned", "published")))
        .order_by(Meeting.starts_at)
    ).all()
    out = []
    for m in meetings:
        days = meeting_ops.days_left(m)
        if days < 0:
            continue
        ready = meeting_ops.readiness(m.items) if m.state == "planned" else {}
        not_ready = [i for i in m.items if ready.get(i.id, (None, []))[1]]
        out.append({"meeting": m, "days": days, "not_ready": not_ready})
    return out


def _follow_up_tasks():
    """Follow-up indicators whose owner is this person, of decided assessments.

    An indicator's owner is free text: it matches the person's name or e-mail address.
    """
    me = {current_user.name.casefold(), current_user.email.casefold()}
    # Only the indicators are read, not whole assessments: an organisation has thousands of
    # decided ones, and reading each one's answers made this the dashboard's slowest part
    # (issue 20, bench/lists_bench.py).
    rows = db.session.execute(
        select(Assessment.decision_id, Assessment.prepared_by_id, Assessment.data["indicators"])
        .where(
            Assessment.organisation_id == current_user.organisation_id,
            Assessment.active,
            state_means(WorkflowDefinition.is_in_follow_up),
        )
        .order_by(Assessment.id)
    ).all()
    found = []
    for decision_id, prepared_by_id, indicators in rows:
        for stored in indicators if isinstance(indicators, list) else []:
            i = Indicator.load(stored)
            owner = i.owner.strip().casefold()
            if i.review_date and (owner in me or prepared_by_id == current_user.id):
                found.append((decision_id, i))
    if not found:
        return []
    decisions = {
        d.id: d
        for d in db.session.scalars(select(Decision).where(Decision.id.in_({d for d, _ in found})))
    }
    tasks = [{"decision": decisions[d], "indicator": i} for d, i in found]
    return sorted(tasks, key=lambda t: t["indicator"].review_date)
