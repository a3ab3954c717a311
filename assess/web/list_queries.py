"""The queries behind the lists that scale (issue 20): decisions, the reviewer's queue and
meetings, filtered as ``assess.list_filters`` parsed the address, one page at a time.

A front may read with queries (docs/architecture.md); nothing here changes data. Every
query starts from the reader's organisation, so an address naming another organisation's
body or person finds nothing of theirs (the parser has already left such a value out).
Dates in a filter are days in Finland: a day runs from midnight to midnight in
Europe/Helsinki, whatever the stored UTC time.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from flask import request
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..i18n import lazy_text as _l
from ..list_filters import NO_ASSESSMENT, Choices, Filters, Page, Parsed, parse
from ..models import AgendaItem, Assessment, Body, Decision, Meeting, User, UserRole
from ..models.meeting import MEETING_STATES
from ..operations.context import HELSINKI, engine_for, workflows
from ..operations.process import state_means
from ..workflow import WorkflowDefinition

PER_PAGE = 25
QUEUE_PER_PAGE = 10  # the dashboard shows the queue beside other sections


def paginate(stmt: Select, page: int, per_page: int) -> tuple[Page, bool]:
    """The ``page``-th page of ``stmt``'s rows; past the last page, the last one (and True)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    total = total or 0
    pages = max(1, math.ceil(total / per_page))
    beyond = page > pages
    page = min(page, pages)
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=rows, page=page, per_page=per_page, total=total), beyond


def parse_request(allowed: Choices) -> Parsed:
    """The filters of this request's address that ``allowed`` permits."""
    return parse(request.args, allowed)


def problems_with_page(parsed: Parsed, page: Page, beyond: bool) -> dict:
    """The filters' problems, and the page asked for when the list ends before it."""
    problems: dict = dict(parsed.problems)
    if beyond:
        problems["page"] = _l(
            "The list ends at page %(pages)d, so its last page is shown. The list may have "
            "become shorter since the address was made.",
            pages=page.pages,
        )
    return problems


LEVEL_LABELS = {
    "none": _l("No assessment needed"),
    "light": _l("Light assessment"),
    "full": _l("Full assessment"),
}
MEETING_STATE_LABELS = {
    "planned": _l("planned"),
    "published": _l("agenda published"),
    "held": _l("held"),
    "minutes_approved": _l("minutes approved"),
    "cancelled": _l("cancelled"),
}
NO_ASSESSMENT_LABEL = _l("No assessment yet")


def state_labeller(language: str):
    """The label of an assessment's state in its own process (None: no assessment yet)."""

    def label(assessment: Assessment | None) -> str:
        if assessment is None:
            return str(NO_ASSESSMENT_LABEL)
        return engine_for(assessment).definition.state_label(assessment.state, language)

    return label


# --- what each list may be filtered by ---------------------------------------------------


def state_options(language: str) -> list[tuple[str, str]]:
    """Every state of the loaded processes with its label, in the processes' order."""
    seen: dict[str, str] = {}
    for engine in workflows():
        definition = engine.definition
        for state in definition.states:
            label = definition.state_label(state, language) or state
            seen.setdefault(state, label)  # the first process's label names a shared state
    return list(seen.items())


def bodies_of(org_id: int) -> list[Body]:
    return list(
        db.session.scalars(select(Body).where(Body.organisation_id == org_id).order_by(Body.id))
    )


def people_with(org_id: int, *roles: str) -> dict[str, list[tuple[int, str]]]:
    """The organisation's people with each of ``roles`` (id, name), also the inactive ones
    (their rows remain): one statement for all the roles, names only (a filter's options
    need no more, and a person's whole row brought their roles in another statement)."""
    found: dict[str, list[tuple[int, str]]] = {role: [] for role in roles}
    for role, user_id, name in db.session.execute(
        select(UserRole.role, User.id, User.name)
        .join(User, UserRole.user_id == User.id)
        .where(User.organisation_id == org_id, UserRole.role.in_(roles))
        .order_by(User.name, User.id)
    ):
        found[role].append((user_id, name))
    return found


def _levels() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in LEVEL_LABELS.items()]


def decision_choices(org_id: int, language: str) -> tuple[dict[str, list], Choices]:
    """The options of the decisions list's filters (value, label), and what the parser allows."""
    options: dict[str, list] = {
        "state": [(NO_ASSESSMENT, str(NO_ASSESSMENT_LABEL)), *state_options(language)],
        "level": _levels(),
        "body": [(b.id, b.name(language)) for b in bodies_of(org_id)],
        **people_with(org_id, "preparer", "reviewer"),
    }
    return options, _allowed(options)


def queue_choices(org_id: int, language: str) -> tuple[dict[str, list], Choices]:
    """The reviewer's queue: everything in it awaits review, so no state filter."""
    options, _ = decision_choices(org_id, language)
    del options["state"]
    return options, _allowed(options)


def meeting_choices(org_id: int, language: str) -> tuple[dict[str, list], Choices]:
    options: dict[str, list] = {
        "state": [(s, str(MEETING_STATE_LABELS.get(s, s))) for s in MEETING_STATES],
        "body": [(b.id, b.name(language)) for b in bodies_of(org_id)],
    }
    return options, _allowed(options)


def _allowed(options: dict[str, list]) -> Choices:
    def values(name: str):
        return {v for v, _ in options[name]} if name in options else None

    return Choices(
        states=values("state"),
        bodies=values("body"),
        preparers=values("preparer"),
        reviewers=values("reviewer"),
        levels=values("level"),
    )


# --- the queries ---------------------------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text(q: str):
    like = _like(q)
    return or_(
        Decision.case_number.ilike(like, escape="\\"), Decision.title.ilike(like, escape="\\")
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=HELSINKI)


def _within(column, f: Filters):
    conditions = []
    if f.date_from is not None:
        conditions.append(column >= _day_start(f.date_from))
    if f.date_to is not None:
        conditions.append(column < _day_start(f.date_to + timedelta(days=1)))
    return conditions


def _level(level: str):
    return Assessment.level == level


def _assessment_filters(f: Filters) -> list:
    conditions = []
    if f.reviewer is not None:
        conditions.append(Assessment.reviewer_id == f.reviewer)
    if f.level is not None:
        conditions.append(_level(f.level))
    return conditions


def decisions(org_id: int, f: Filters) -> Select:
    """Rows of (Decision, its active Assessment or None), the latest changed first.

    The date range is the decision's last change (the order of the list)."""
    conditions = [Decision.organisation_id == org_id]
    if f.q:
        conditions.append(_text(f.q))
    if f.body is not None:
        conditions.append(Decision.body_id == f.body)
    if f.preparer is not None:
        conditions.append(Decision.preparer_id == f.preparer)
    conditions += _within(Decision.updated_at, f)
    if f.state == NO_ASSESSMENT:
        conditions.append(Assessment.id.is_(None))
    elif f.state is not None:
        conditions.append(Assessment.state == f.state)
    conditions += _assessment_filters(f)
    return (
        select(Decision, Assessment)
        .outerjoin(Assessment, and_(Assessment.decision_id == Decision.id, Assessment.active))
        .where(*conditions)
        .order_by(Decision.updated_at.desc(), Decision.id.desc())
    )


def review_queue(org_id: int, f: Filters) -> Select:
    """Rows of (Assessment, Decision) awaiting review, the longest-waiting first.

    The date range is when the assessment last changed (its submission, while it waits)."""
    conditions = [
        Assessment.organisation_id == org_id,
        Assessment.active,
        state_means(WorkflowDefinition.awaits_review),
    ]
    if f.q:
        conditions.append(_text(f.q))
    if f.body is not None:
        conditions.append(Decision.body_id == f.body)
    if f.preparer is not None:
        conditions.append(Decision.preparer_id == f.preparer)
    conditions += _within(Assessment.updated_at, f)
    conditions += _assessment_filters(f)
    return (
        select(Assessment, Decision)
        .join(Decision, Decision.id == Assessment.decision_id)
        .where(*conditions)
        .order_by(Assessment.updated_at, Assessment.id)
    )


def meetings(org_id: int, f: Filters) -> Select:
    """Rows of (Meeting,), the latest first; the text finds a meeting by the case number or
    title of a decision on its agenda, the date range is the meeting's day."""
    conditions = [Meeting.organisation_id == org_id]
    if f.body is not None:
        conditions.append(Meeting.body_id == f.body)
    if f.state is not None:
        conditions.append(Meeting.state == f.state)
    conditions += _within(Meeting.starts_at, f)
    if f.q:
        on_agenda = aliased(Decision)
        like = _like(f.q)
        conditions.append(
            exists(
                select(AgendaItem.id)
                .join(on_agenda, on_agenda.id == AgendaItem.decision_id)
                .where(
                    AgendaItem.meeting_id == Meeting.id,
                    or_(
                        on_agenda.case_number.ilike(like, escape="\\"),
                        on_agenda.title.ilike(like, escape="\\"),
                    ),
                )
            )
        )
    return select(Meeting).where(*conditions).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
