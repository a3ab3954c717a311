"""Late submissions in the yearly report (issue 22) are exact in winter and summer time: the
deadline day ends at local midnight in Helsinki, +02:00 in winter and +03:00 in summer, and
the switches at the end of March and October move it. Each case is submitted just before
and just after the boundary; the test computes which are late itself, with Python's time
zone database, never with the product's aggregation. On SQLite (the `ctx` app) and on
PostgreSQL (the `postgres` test)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from assess.extensions import db
from assess.models import Body, Decision, Organisation
from assess.operations.yearly_figures import figures, midnight_offsets
from tests.support import stored_assessment, user

HELSINKI = ZoneInfo("Europe/Helsinki")
# The date whose local midnight ends the deadline day (the day `limit` days before the
# meeting ends at 00:00 of the next day): winter, summer, and both sides of each switch
# (29.3.2026 and 25.10.2026 are the last Sundays; their midnights are still the old time).
BOUNDARIES = (
    date(2026, 2, 10),
    date(2026, 6, 10),
    date(2026, 3, 29),
    date(2026, 3, 30),
    date(2026, 10, 25),
    date(2026, 10, 26),
)
# Submitted this long after the boundary instant (negative: before it). An hour either way
# tells +02:00 from +03:00; a second either way is the edge itself.
SHIFTS = (
    timedelta(hours=-1, minutes=-30),
    timedelta(minutes=-30),
    timedelta(seconds=-1),
    timedelta(0),
    timedelta(minutes=30),
    timedelta(hours=1, minutes=30),
)
LIMITS = (14, 7, None)  # None: the policy names no limit; 14 days then


def boundary_instant(day: date) -> datetime:
    return datetime.combine(day, time(), HELSINKI).astimezone(UTC)


def make_cases() -> list[tuple[date, datetime, int | None]]:
    """(meeting date, submitted at, policy limit) for every boundary, shift and limit."""
    cases = []
    for day in BOUNDARIES:
        for shift in SHIFTS:
            for limit in LIMITS:
                meeting = day + timedelta(days=(limit or 14) - 1)
                cases.append((meeting, boundary_instant(day) + shift, limit))
    return cases


def store(cases) -> Organisation:
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    body = db.session.scalars(select(Body).where(Body.organisation_id == org.id)).first()
    preparer = user("preparer")
    for n, (meeting, submitted, limit) in enumerate(cases):
        d = Decision(
            organisation_id=org.id,
            case_number=f"LATE-{n}",
            title="Late or not",
            language="fi",
            body_id=body.id,
            preparer_id=preparer.id,
            meeting_date=meeting,
        )
        db.session.add(
            stored_assessment(
                d,
                preparer,
                {"screening": {"level": "full"}},
                policy=None if limit is None else {"submit_days_before_meeting": limit},
                created_at=submitted - timedelta(days=5),
                submitted_at=submitted,
                approved_at=submitted + timedelta(days=2),
            )
        )
    db.session.commit()
    return org


def expected_late(cases) -> int:
    late = 0
    for meeting, submitted, limit in cases:
        deadline_day = meeting - timedelta(days=limit or 14)
        ends = datetime.combine(deadline_day + timedelta(days=1), time(), HELSINKI)
        late += submitted >= ends
    return late


def check_late_submissions():
    cases = make_cases()
    org = store(cases)
    want = expected_late(cases)
    # Half of the shifts are at or after the boundary.
    assert want == len(cases) // 2
    assert figures(org, 2026)["late_submissions"] == want
    # Each boundary alone: the summer ones are where a fixed +02:00 would be an hour off.
    for day in BOUNDARIES:
        alone = [c for c in cases if c[0] - timedelta(days=(c[2] or 14) - 1) == day]
        assert expected_late(alone) == len(alone) // 2
    # A year with no submitted assessment says nothing rather than zero.
    assert figures(org, 2024)["late_submissions"] is None


def test_late_submissions_at_local_midnight_sqlite(ctx):
    check_late_submissions()


@pytest.mark.postgres
def test_late_submissions_at_local_midnight_postgres(pg_app):
    with pg_app.app_context():
        check_late_submissions()


def test_midnight_offsets_follow_the_switches():
    runs = midnight_offsets(date(2026, 1, 1), date(2026, 12, 31), "Europe/Helsinki")
    assert runs == [
        (date(2026, 1, 1), 7200),
        (date(2026, 3, 30), 10800),
        (date(2026, 10, 26), 7200),
    ]
    assert midnight_offsets(date(2026, 7, 1), date(2026, 7, 1), "Europe/Helsinki") == [
        (date(2026, 7, 1), 10800)
    ]
