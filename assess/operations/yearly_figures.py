"""The yearly report's figures of an organisation (issue 22), aggregated in the database.

``figures(organisation, year)`` answers exactly the contract of ``docs/reports.md`` ("What
is counted") and of ``GET /api/v1/reports/yearly``. Every count is a GROUP BY / COUNT with
CASE in SQL over the decisions, the assessments and ``assessment_facts`` (kept by
``report_facts_index``); Python only folds the grouped rows (a few per body and type,
never one per decision). The median and 90th percentile of the days to approval are
PostgreSQL's ``percentile_cont``; SQLite has none, so there the two rows around each
position are read with ORDER BY + LIMIT/OFFSET and interpolated the same way.

Year Y of an organisation is local time in its ``time_zone``: timestamps are compared with
the UTC instants of the local midnights that start Y and Y+1 (never by formatting rows);
decisions count by their meeting's local date.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Integer, and_, case, cast, distinct, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..assessment_search import flag_rule_label
from ..extensions import db
from ..i18n import LazyText
from ..i18n import lazy_text as _l
from ..models import (
    Assessment,
    AssessmentFact,
    Body,
    Decision,
    DecisionType,
    Organisation,
    PlanObjective,
    User,
)
from ..report_facts import DIMENSION, EX_POST, FLAG, FOLLOW_UP, GROUP, HEARING, OBJECTIVE
from .context import forms
from .errors import Forbidden

LEVELS_AT_LEAST = {"light": ("light", "full"), "full": ("full",)}
LANGUAGES = ("fi", "sv", "en")
NONE_KEY = "none"  # a decision without a type, a body without a division
# A screen-out without an exempt category: the screening found nothing to assess.
NOT_AFFECTED = "not_affected"
NOT_AFFECTED_LABEL = _l("No effects found in the screening")


def year_bounds(year: int, time_zone: str) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight on 1 January of ``year`` and of the next year."""
    zone = ZoneInfo(time_zone)
    return (
        datetime.combine(date(year, 1, 1), time(), zone).astimezone(ZoneInfo("UTC")),
        datetime.combine(date(year + 1, 1, 1), time(), zone).astimezone(ZoneInfo("UTC")),
    )


def month_bounds(year: int, time_zone: str) -> list[datetime]:
    """The 13 UTC instants of local midnight on the first of each month of ``year`` and
    of the next January."""
    zone = ZoneInfo(time_zone)
    firsts = [date(year, m, 1) for m in range(1, 13)] + [date(year + 1, 1, 1)]
    return [datetime.combine(d, time(), zone).astimezone(ZoneInfo("UTC")) for d in firsts]


def live_figures(organisation: Organisation, *, today: date | None = None) -> dict[str, Any]:
    """The current year's figures (the organisation's local year)."""
    now = datetime.now(ZoneInfo(organisation.time_zone or "Europe/Helsinki"))
    return figures(organisation, now.year, today=today)


def figures(organisation: Organisation, year: int, *, today: date | None = None) -> dict[str, Any]:
    """The figures of ``organisation``'s ``year``: the report's contract (docs/reports.md)."""
    zone_name = organisation.time_zone or "Europe/Helsinki"
    zone = ZoneInfo(zone_name)
    today = today or datetime.now(zone).date()
    start, end = year_bounds(year, zone_name)
    session = db.session()
    org = organisation.id
    split = _decision_counts(session, org, year)
    totals = _fold(split.values())
    names = _names(session, organisation)
    by_body: dict[str, list[dict[str, int]]] = defaultdict(list)
    by_type: dict[str, list[dict[str, int]]] = defaultdict(list)
    by_division: dict[str, list[dict[str, int]]] = defaultdict(list)
    bodies = names.pop("_body_keys")
    types = names.pop("_type_keys")
    divisions = names.pop("_division_of")
    for (body_id, type_id), counts in split.items():
        body_key = bodies.get(body_id, str(body_id))
        by_body[body_key].append(counts)
        by_type[types.get(type_id, NONE_KEY) if type_id else NONE_KEY].append(counts)
        division = divisions.get(body_id)
        by_division[bodies.get(division, str(division)) if division else NONE_KEY].append(counts)
    year_of = (start, end, org)
    out: dict[str, Any] = {
        "organisation": {
            "id": organisation.id,
            "name": {"fi": organisation.name_fi, "sv": organisation.name_sv},
        },
        "year": year,
        "time_zone": zone_name,
        "generated_at": datetime.now(zone).replace(microsecond=0).isoformat(),
        **_shape(totals),
        "imported": totals["imported"],
        "screened_out_reasons": _screened_out_reasons(session, org, year),
        "days_to_approval": _days_to_approval(session, year_of),
        "late_submissions": _late_submissions(session, org, start, end, zone_name),
        "flags": _fact_counts(
            session,
            org,
            year_of,
            FLAG,
            ("appeared", "resolved", "acknowledged", "open_at_approval"),
        ),
        "flags_by_month": _flags_by_month(session, org, year, zone_name),
        "groups": _fact_counts(session, org, year_of, GROUP, ("negative", "positive")),
        "dimensions": _fact_counts(session, org, year_of, DIMENSION, ("negative", "positive")),
        "hearings": _hearings(session, org, year_of),
        "objectives": _fact_counts(
            session, org, year_of, OBJECTIVE, ("helped", "harmed", "neutral")
        ),
        "follow_ups": _follow_ups(session, org, start, end, today, zone_name),
        "ex_post": _ex_post(session, org, start, end),
        "by_body": {k: _shape(_fold(v)) for k, v in sorted(by_body.items())},
        "by_decision_type": {k: _shape(_fold(v)) for k, v in sorted(by_type.items())},
        "by_division": {k: _shape(_fold(v)) for k, v in sorted(by_division.items())},
    }
    out["names"] = _used_names(names, out)
    return out


# --- decisions ---------------------------------------------------------------------------

COUNTS = ("decisions", "imported", "full", "light", "screened_out", "missing_required")


def _decision_counts(
    session: Session, org: int, year: int
) -> dict[tuple[int, int | None], dict[str, int]]:
    """The decisions of ``year`` counted per (body, decision type): one grouped query."""
    a = Assessment
    approved = a.approved_at.is_not(None)
    satisfied = or_(
        and_(approved, a.level == "full"),
        and_(approved, a.level == "light", Decision.required_level == "light"),
    )
    missing = and_(
        Decision.required_level.in_(("light", "full")),
        # No active assessment joined, or one that does not meet the level.
        or_(a.id.is_(None), ~satisfied),
    )
    rows = session.execute(
        select(
            Decision.body_id,
            Decision.decision_type_id,
            func.count(Decision.id),
            _count_if(Decision.source == "imported"),
            _count_if(and_(approved, a.level == "full")),
            _count_if(and_(approved, a.level == "light")),
            _count_if(and_(approved, a.level == "none")),
            _count_if(missing),
        )
        .select_from(Decision)
        .outerjoin(a, and_(a.decision_id == Decision.id, a.active.is_(True)))
        .where(
            Decision.organisation_id == org,
            Decision.meeting_date >= date(year, 1, 1),
            Decision.meeting_date <= date(year, 12, 31),
        )
        .group_by(Decision.body_id, Decision.decision_type_id)
    )
    return {
        (r[0], r[1]): dict(zip(COUNTS, (int(v or 0) for v in r[2:]), strict=True)) for r in rows
    }


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _fold(parts) -> dict[str, int]:
    total = dict.fromkeys(COUNTS, 0)
    for part in parts:
        for k in COUNTS:
            total[k] += part[k]
    return total


def _shape(c: dict[str, int]) -> dict[str, Any]:
    covered = c["full"] + c["light"] + c["screened_out"]
    return {
        "decisions": c["decisions"],
        "assessed": {"full": c["full"], "light": c["light"]},
        "screened_out": c["screened_out"],
        "missing_required": c["missing_required"],
        "coverage": round(covered / c["decisions"], 3) if c["decisions"] else None,
    }


def _screened_out_reasons(session: Session, org: int, year: int) -> dict[str, int]:
    category = Assessment.data[("screening", "exempt_category")].as_string()
    reason = func.coalesce(func.nullif(category, ""), literal(NOT_AFFECTED))
    rows = session.execute(
        select(reason, func.count())
        .select_from(Decision)
        .join(Assessment, and_(Assessment.decision_id == Decision.id, Assessment.active.is_(True)))
        .where(
            Decision.organisation_id == org,
            Decision.meeting_date >= date(year, 1, 1),
            Decision.meeting_date <= date(year, 12, 31),
            Assessment.approved_at.is_not(None),
            Assessment.level == "none",
        )
        .group_by(reason)
    )
    return {str(k): int(n) for k, n in sorted(rows, key=lambda r: str(r[0]))}


# --- assessments of the year ----------------------------------------------------------------


def _epoch_days(session: Session, column) -> ColumnElement[Any]:
    """A timestamp (or date) as days since 1970 in UTC, in the database's own arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", column) / 86400.0
    return func.julianday(column) - 2440587.5


def _days_to_approval(session: Session, year_of: tuple) -> dict[str, float | None]:
    days = _epoch_days(session, Assessment.approved_at) - _epoch_days(
        session, Assessment.created_at
    )
    start, end, org = year_of
    where = and_(
        Assessment.organisation_id == org,
        Assessment.active.is_(True),
        Assessment.approved_at >= start,
        Assessment.approved_at < end,
    )
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(
            select(
                func.percentile_cont(0.5).within_group(days),
                func.percentile_cont(0.9).within_group(days),
            ).where(where)
        ).one()
        return {"median": _days(row[0]), "p90": _days(row[1])}
    n = session.scalar(select(func.count()).select_from(Assessment).where(where)) or 0
    if not n:
        return {"median": None, "p90": None}

    def at(fraction: float) -> float:
        position = fraction * (n - 1)
        low = math.floor(position)
        values = list(
            session.scalars(select(days).where(where).order_by(days).limit(2).offset(low))
        )
        if len(values) == 1 or position == low:
            return float(values[0])
        return float(values[0]) + (float(values[1]) - float(values[0])) * (position - low)

    return {"median": _days(at(0.5)), "p90": _days(at(0.9))}


def _days(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _late_submissions(
    session: Session, org: int, start: datetime, end: datetime, zone: str
) -> int | None:
    """Assessments of the year first submitted after the policy's limit before the meeting:
    at or after local midnight (in ``zone``) that ends the day ``submit_days_before_meeting``
    days before the meeting's date. Exact in summer and winter time: PostgreSQL converts the
    local midnight with its own time zone database (``AT TIME ZONE``); SQLite has none, so
    the zone's offsets over the meetings' span are given to it as a CASE on the date.
    None when no assessment of the year has both a submission and a meeting date."""
    limit = func.coalesce(Assessment.policy["submit_days_before_meeting"].as_integer(), 14)
    where = and_(
        Assessment.organisation_id == org,
        Assessment.active.is_(True),
        Assessment.approved_at >= start,
        Assessment.approved_at < end,
        Assessment.submitted_at.is_not(None),
        Decision.meeting_date.is_not(None),
    )
    late: ColumnElement[bool]
    if session.get_bind().dialect.name == "postgresql":
        # The local date whose midnight ends the deadline day, read as local time in ``zone``.
        boundary = cast(Decision.meeting_date - (limit - 1), DateTime)
        late = Assessment.submitted_at >= func.timezone(zone, boundary)
    else:
        span = session.execute(
            select(
                func.min(Decision.meeting_date),
                func.max(Decision.meeting_date),
                func.min(limit),
                func.max(limit),
            )
            .select_from(Assessment)
            .join(Decision, Decision.id == Assessment.decision_id)
            .where(where)
        ).one()
        if span[0] is None:
            return None
        first = _as_date(span[0]) - timedelta(days=int(span[3]) - 1)
        last = _as_date(span[1]) - timedelta(days=int(span[2]) - 1)
        # Seconds since 1970: the boundary date at 00:00 UTC, then minus the zone's offset.
        boundary_s = cast(func.strftime("%s", Decision.meeting_date), Integer) - (limit - 1) * 86400
        offsets = midnight_offsets(first, last, zone)
        offset_s: ColumnElement[Any]
        if len(offsets) == 1:
            offset_s = literal(offsets[0][1])
        else:
            offset_s = case(
                *(
                    (boundary_s < _epoch_s(offsets[n + 1][0]), offsets[n][1])
                    for n in range(len(offsets) - 1)
                ),
                else_=offsets[-1][1],
            )
        submitted_s = cast(func.strftime("%s", Assessment.submitted_at), Integer)
        late = submitted_s >= boundary_s - offset_s
    row = session.execute(
        select(func.count(), _count_if(late))
        .select_from(Assessment)
        .join(Decision, Decision.id == Assessment.decision_id)
        .where(where)
    ).one()
    return int(row[1] or 0) if row[0] else None


def midnight_offsets(first: date, last: date, zone: str) -> list[tuple[date, int]]:
    """The UTC offset in seconds of local midnight in ``zone``, for the dates from ``first``
    to ``last``, as runs: ``[(first date of a run, offset), ...]`` (two a year in Finland)."""
    tz = ZoneInfo(zone)
    runs: list[tuple[date, int]] = []
    day = first
    while day <= last:
        offset = datetime.combine(day, time(), tz).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        if not runs or runs[-1][1] != seconds:
            runs.append((day, seconds))
        day += timedelta(days=1)
    return runs or [(first, 0)]


def _epoch_s(day: date) -> int:
    return (day - date(1970, 1, 1)).days * 86400


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _fact_counts(
    session: Session, org: int, year_of: tuple, kind: str, values: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """{key: {value: assessments of the year with that fact}} for ``kind``. A fact is stored
    once per assessment (``report_facts_index`` writes a set), so rows count assessments."""
    f = AssessmentFact
    rows = session.execute(
        _of_year(select(f.key, f.value, func.count()), year_of)
        .where(
            # The organisation first: the lookup index starts with it.
            f.organisation_id == org,
            f.kind == kind,
            f.value.in_(values),
        )
        .group_by(f.key, f.value)
    )
    out: dict[str, dict[str, int]] = {}
    for key, value, n in rows:
        out.setdefault(key, dict.fromkeys(values, 0))[value] = int(n)
    return dict(sorted(out.items()))


def _of_year(query, year_of: tuple):
    """``query`` over the facts of the assessments of the year (joined, not IN: the planner
    hashes the year's assessments once)."""
    start, end, org = year_of
    return query.select_from(AssessmentFact).join(
        Assessment,
        and_(
            Assessment.id == AssessmentFact.assessment_id,
            Assessment.organisation_id == org,
            Assessment.active.is_(True),
            Assessment.approved_at >= start,
            Assessment.approved_at < end,
        ),
    )


def _hearings(session: Session, org: int, year_of: tuple) -> dict[str, dict[str, Any]]:
    f = AssessmentFact
    rows = session.execute(
        _of_year(select(f.key, f.value, func.count()), year_of)
        .where(f.organisation_id == org, f.kind == HEARING)
        .group_by(f.key, f.value)
    )
    out: dict[str, dict[str, Any]] = {}
    for key, value, n in rows:
        entry = out.setdefault(
            key, {"requested": 0, "answered": 0, "not_heard": 0, "not_heard_reasons": {}}
        )
        if value.startswith("not_heard:"):
            entry["not_heard_reasons"][value.split(":", 1)[1]] = int(n)
        elif value in ("requested", "answered"):
            entry[value] = int(n)
    # An assessment may give two reasons for one council: count it once.
    not_heard = session.execute(
        _of_year(select(f.key, func.count(distinct(f.assessment_id))), year_of)
        .where(
            f.organisation_id == org,
            f.kind == HEARING,
            f.value.like("not\\_heard:%", escape="\\"),
        )
        .group_by(f.key)
    )
    for key, n in not_heard:
        out[key]["not_heard"] = int(n)
    for entry in out.values():
        entry["not_heard_reasons"] = dict(sorted(entry["not_heard_reasons"].items()))
    return dict(sorted(out.items()))


def _flags_by_month(session: Session, org: int, year: int, zone: str) -> dict[str, list[int]]:
    """Flags that appeared in the year by local month: one row per rule, twelve CASE counts."""
    bounds = month_bounds(year, zone)
    f = AssessmentFact
    rows = session.execute(
        select(
            f.key,
            *(_count_if(and_(f.at >= bounds[m], f.at < bounds[m + 1])) for m in range(12)),
        )
        .join(Assessment, Assessment.id == f.assessment_id)
        .where(
            f.organisation_id == org,
            f.kind == FLAG,
            f.value == "appeared",
            f.at >= bounds[0],
            f.at < bounds[12],
            Assessment.active.is_(True),
        )
        .group_by(f.key)
    )
    return {r[0]: [int(n) for n in r[1:]] for r in sorted(rows, key=lambda r: r[0])}


def _follow_ups(
    session: Session, org: int, start: datetime, end: datetime, today: date, zone: str
) -> dict[str, int]:
    """Follow-ups (indicators' review dates) due in the year: done, and overdue (due before
    today and not done)."""
    today_starts = datetime.combine(today, time(), ZoneInfo(zone))
    f = AssessmentFact
    row = session.execute(
        select(
            func.count(),
            _count_if(f.value == "done"),
            _count_if(and_(f.value == "pending", f.at < today_starts)),
        )
        .join(Assessment, Assessment.id == f.assessment_id)
        .where(
            f.organisation_id == org,
            f.kind == FOLLOW_UP,
            f.at >= start,
            f.at < end,
            Assessment.active.is_(True),
        )
    ).one()
    return {"due": int(row[0] or 0), "done": int(row[1] or 0), "overdue": int(row[2] or 0)}


def _ex_post(session: Session, org: int, start: datetime, end: datetime) -> dict[str, int]:
    """The effects whose ex-post result was recorded in the year, by result."""
    f = AssessmentFact
    rows = dict(
        session.execute(
            select(f.value, func.count())
            .join(Assessment, Assessment.id == f.assessment_id)
            .where(
                f.organisation_id == org,
                f.kind == EX_POST,
                f.at >= start,
                f.at < end,
                Assessment.active.is_(True),
            )
            .group_by(f.value)
        ).all()
    )
    return {k: int(rows.get(k, 0)) for k in ("as_expected", "better", "worse", "unknown")}


# --- names ---------------------------------------------------------------------------------


def _names(session: Session, organisation: Organisation) -> dict[str, Any]:
    """Every label the renderers may need, in fi/sv/en, so that a stored report renders the
    same after renames; trimmed to the keys used by ``_used_names``."""
    org = organisation.id
    body_rows = session.execute(
        select(Body.id, Body.key, Body.name_fi, Body.name_sv, Body.division_id).where(
            Body.organisation_id == org
        )
    ).all()
    type_rows = session.execute(
        select(
            DecisionType.id,
            DecisionType.key,
            DecisionType.name_fi,
            DecisionType.name_sv,
            DecisionType.name_en,
        ).where(DecisionType.organisation_id == org)
    ).all()
    bodies = {r.key: {"fi": r.name_fi, "sv": r.name_sv, "en": r.name_fi} for r in body_rows}
    names: dict[str, Any] = {
        "bodies": bodies,
        "divisions": bodies,
        "decision_types": {
            r.key: {"fi": r.name_fi, "sv": r.name_sv, "en": r.name_en} for r in type_rows
        },
        "groups": {},
        "dimensions": {},
        "councils": {},
        "reasons": {},
        "flags": {},
        "objectives": {
            o.key: {"fi": o.text_fi, "sv": o.text_sv, "en": o.text_en}
            for o in session.scalars(
                select(PlanObjective).where(PlanObjective.organisation_id == org)
            )
        },
        "_body_keys": {r.id: r.key for r in body_rows},
        "_type_keys": {r.id: r.key for r in type_rows},
        "_division_of": {r.id: r.division_id for r in body_rows if r.division_id},
    }
    # Oldest form first: a newer version's label wins.
    for form in sorted(forms(), key=lambda f: (f.key, f.version)):
        for target, items in (
            ("groups", form.groups),
            ("dimensions", form.dimensions),
            ("councils", form.councils),
            ("reasons", form.not_heard_reasons),
            ("reasons", form.screening.exempt_categories),
        ):
            for item in items:
                names[target][item.id] = {lang: item.labels.get(lang) for lang in LANGUAGES}
    return names


def _used_names(names: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    def pick(table: str, keys) -> dict[str, Any]:
        known = names[table]
        return {k: known[k] for k in sorted(keys) if k in known}

    reasons = set(out["screened_out_reasons"])
    for entry in out["hearings"].values():
        reasons |= set(entry["not_heard_reasons"])
    flags = set(out["flags"]) | set(out["flags_by_month"])
    return {
        "bodies": pick("bodies", out["by_body"]),
        "decision_types": pick("decision_types", out["by_decision_type"]),
        "divisions": pick("divisions", out["by_division"]),
        "groups": pick("groups", out["groups"]),
        "dimensions": pick("dimensions", out["dimensions"]),
        "councils": pick("councils", out["hearings"]),
        "flags": {k: {lang: flag_rule_label(k, lang) for lang in LANGUAGES} for k in sorted(flags)},
        "objectives": pick("objectives", out["objectives"]),
        "reasons": {
            **pick("reasons", reasons),
            **(
                {NOT_AFFECTED: {lang: NOT_AFFECTED_LABEL.render(lang) for lang in LANGUAGES}}
                if NOT_AFFECTED in reasons
                else {}
            ),
        },
    }


# --- who may read them -----------------------------------------------------------------------

READERS = ("reviewer", "coordinator", "auditor", "admin")
FIRST_YEAR = 2000  # no organisation assessed before the product existed


def figures_for(user: User, year: int, *, today: date | None = None) -> dict[str, Any]:
    """The figures of the user's own organisation's ``year``, for the readers above."""
    if not user.has_role(*READERS):
        raise Forbidden(
            _l("Only reviewers, wellbeing coordinators, auditors and admins see the figures.")
        )
    return figures(user.organisation, year, today=today)


def year_problem(value: str | None, *, this_year: int) -> LazyText | None:
    """What is wrong with a year given as text (None: nothing)."""
    if value is not None and value.strip().isdigit() and FIRST_YEAR <= int(value) <= this_year + 1:
        return None
    return _l(
        "Give the year as four digits between %(first)s and %(last)s, e.g. %(example)s.",
        first=FIRST_YEAR,
        last=this_year + 1,
        example=this_year,
    )
