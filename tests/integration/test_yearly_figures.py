"""The yearly report's figures (issue 22) for a generated data set of a few hundred
decisions, against numbers this test computes itself from the generated plan (never by
calling the product's aggregation); the year's edges at midnight Helsinki time; imported
decisions in the coverage; the facts kept on every write; the API.

Runs on SQLite, and on PostgreSQL with TEST_DATABASE=postgresql (the `postgres` test below
runs the same checks there in any pass)."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import and_, or_, select, update

from assess.extensions import db
from assess.models import (
    Assessment,
    AssessmentFact,
    Body,
    Decision,
    DecisionType,
    Organisation,
    PlanObjective,
)
from assess.operations.users import issue_token
from assess.operations.yearly_figures import figures
from assess.report_facts import EX_POST as EX_POST_KIND
from assess.report_facts import FLAG, facts_of
from tests.support import stored_assessment, user

HELSINKI = ZoneInfo("Europe/Helsinki")
YEAR = 2026
TODAY = date(2026, 11, 28)
RULES = ("serious_negative_effect", "missing_mitigation", "single_alternative")
STATUSES = ("open", "acknowledged", "resolved")
GROUPS = ("children", "older_people", "low_income")
DIMENSIONS = ("health", "income")
COUNCILS = ("youth_council", "older_people_council")
REASONS = ("council_declined", "no_council_in_organisation")
OBJECTIVES = ("obj-a", "obj-b")
EX_POST = {
    "as_expected": "as_expected",
    "better": "better",
    "worse": "worse",
    "not_known": "unknown",
}


def helsinki(y, m, d, hh=12, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=HELSINKI).astimezone(UTC)


@dataclass
class Planned:
    """One generated decision and its assessment, as the oracle reads them."""

    body: str
    division: str
    decision_type: str
    meeting_date: date | None
    imported: bool
    required: str | None
    level: str | None = None  # the active assessment's level; None: no assessment
    approved_at: datetime | None = None
    created_at: datetime | None = None
    exempt: str | None = None
    data: dict = field(default_factory=dict)
    # When the product first saw the assessment's flags, and its ex-post results (the data
    # holds no such time: the test sets the facts' times, as migration 0026 did from the log).
    seen_at: datetime | None = None
    ex_post_at: datetime | None = None


def generate(seed: int, bodies: list[Body], types: list[DecisionType]) -> list[Planned]:
    rng = random.Random(seed)
    plans = []
    # The year's edges, in Helsinki time: decided on 31.12 and 1.1, approved at 23:30 on
    # 31.12 (the old year) and 00:30 on 1.1 (the new one).
    edges = [
        (date(YEAR - 1, 12, 31), helsinki(YEAR - 1, 12, 31, 23, 30)),
        (date(YEAR, 1, 1), helsinki(YEAR, 1, 1, 0, 30)),
        (date(YEAR, 12, 31), helsinki(YEAR, 12, 31, 23, 30)),
        (date(YEAR + 1, 1, 1), helsinki(YEAR + 1, 1, 1, 0, 30)),
    ]
    for n in range(300):
        body = rng.choice(bodies)
        kind = rng.random()
        if n < len(edges):
            meeting, approved = edges[n]
        else:
            meeting = rng.choice(
                [None, date(YEAR - 1, 6, 1), date(YEAR + 1, 2, 1)]
                + [date(YEAR, 1, 1) + timedelta(days=rng.randrange(365)) for _ in range(8)]
            )
            approved = helsinki(
                rng.choice([YEAR - 1, YEAR, YEAR, YEAR]),
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.randint(0, 23),
            )
        plan = Planned(
            body=body.key,
            division=DIVISIONS.get(body.key, "none"),
            decision_type=rng.choice([*(t.key for t in types), "none"]),
            meeting_date=meeting,
            imported=rng.random() < 0.3,
            required=rng.choice([None, "none", "light", "full"]),
        )
        if n < len(edges):  # the edges are approved full assessments
            plan.level, plan.approved_at = "full", approved
            plan.created_at = approved - timedelta(days=n + 1)
            plan.data = _data(rng, plan)
        elif kind < 0.75:
            plan.level = rng.choice(["none", "light", "full"])
            plan.approved_at = approved if rng.random() < 0.8 else None
            plan.created_at = (approved or helsinki(YEAR, 3, 1)) - timedelta(
                days=rng.randint(0, 60), hours=rng.randint(0, 23)
            )
            if plan.level == "none":
                plan.exempt = rng.choice([None, None, "routine"])
            plan.data = _data(rng, plan)
        if plan.level is not None:
            plan.seen_at = rng.choice(SEEN)
            plan.ex_post_at = rng.choice(SEEN)
        plans.append(plan)
    return plans


# Times the flags or ex-post results were first seen: the year's and the months' edges in
# Helsinki time (in winter and summer time), and others on both sides of the year.
SEEN = [
    helsinki(YEAR - 1, 12, 31, 23, 30),
    helsinki(YEAR, 1, 1, 0, 30),
    helsinki(YEAR, 3, 31, 23, 30),
    helsinki(YEAR, 4, 1, 0, 30),
    helsinki(YEAR, 6, 30, 23, 59),
    helsinki(YEAR, 7, 1, 0, 0),
    helsinki(YEAR, 10, 31, 23, 30),
    helsinki(YEAR, 11, 1, 0, 30),
    helsinki(YEAR, 12, 31, 23, 30),
    helsinki(YEAR + 1, 1, 1, 0, 30),
    helsinki(YEAR, 5, 15),
    helsinki(YEAR, 8, 20),
]


DIVISIONS: dict[str, str] = {}


def _data(rng: random.Random, plan: Planned) -> dict:
    screening: dict = {"level": plan.level}
    if plan.exempt:
        screening["exempt_category"] = plan.exempt
    data: dict = {"screening": screening}
    if plan.level == "none":
        return data
    data["alternatives"] = [{"id": "zero", "zero_option": True}, {"id": "a1"}]
    data["flags"] = [
        {
            "id": f"f{i}",
            "rule": rng.choice(RULES),
            "severity": "high",
            "status": rng.choice(STATUSES),
        }
        for i in range(rng.randint(0, 3))
    ]
    data["impacts"] = [
        {
            "alternative": rng.choice(["zero", "a1"]),
            "group": rng.choice(GROUPS),
            "dimension": rng.choice(DIMENSIONS),
            "direction": rng.choice(["negative", "positive", "neutral", "unknown"]),
        }
        for _ in range(rng.randint(0, 4))
    ]
    hearings = []
    for council in rng.sample(COUNCILS, rng.randint(0, 2)):
        h: dict = {"council": council}
        if rng.random() < 0.5:
            h["answered_on"] = "2026-03-01"
        elif rng.random() < 0.7:
            h["not_heard_code"] = rng.choice(REASONS)
        hearings.append(h)
    data["hearings"] = hearings
    data["plan_links"] = [
        {"objective": o, "effect": rng.choice(["helped", "harmed", "neutral"])}
        for o in rng.sample(OBJECTIVES, rng.randint(0, 2))
    ]
    data["ex_post"] = [
        {
            "group": rng.choice(GROUPS),
            "dimension": rng.choice(DIMENSIONS),
            "outcome": rng.choice([*EX_POST, "no_such_result"]),
        }
        for _ in range(rng.randint(0, 3))
    ]
    data["indicators"] = [
        {
            "id": f"i{i}",
            "review_date": (date(YEAR, 1, 1) + timedelta(days=rng.randrange(-30, 400))).isoformat(),
            "observations": [{"value": "1"}] if rng.random() < 0.4 else [],
        }
        for i in range(rng.randint(0, 2))
    ]
    return data


# --- the oracle: plain Python over the plan -------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = p * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low), 1)


def counted(plans: list[Planned]) -> dict:
    full = sum(1 for p in plans if p.approved_at and p.level == "full")
    light = sum(1 for p in plans if p.approved_at and p.level == "light")
    out = sum(1 for p in plans if p.approved_at and p.level == "none")
    rank = {"none": 0, "light": 1, "full": 2}
    missing = sum(
        1
        for p in plans
        if p.required in ("light", "full")
        and not (p.approved_at and p.level and rank[p.level] >= rank[p.required])
    )
    n = len(plans)
    return {
        "decisions": n,
        "assessed": {"full": full, "light": light},
        "screened_out": out,
        "missing_required": missing,
        "coverage": round((full + light + out) / n, 3) if n else None,
    }


def expected(plans: list[Planned]) -> dict:
    start = helsinki(YEAR, 1, 1, 0, 0)
    end = helsinki(YEAR + 1, 1, 1, 0, 0)
    of_year = [p for p in plans if p.meeting_date and p.meeting_date.year == YEAR]
    approved = [p for p in plans if p.approved_at and start <= p.approved_at < end]
    out = counted(of_year)
    out["imported"] = sum(p.imported for p in of_year)
    out["screened_out_reasons"] = dict(
        Counter(p.exempt or "not_affected" for p in of_year if p.approved_at and p.level == "none")
    )
    days = [(p.approved_at - p.created_at).total_seconds() / 86400 for p in approved]
    out["days_to_approval"] = {"median": percentile(days, 0.5), "p90": percentile(days, 0.9)}
    for name, parts in (
        ("by_body", "body"),
        ("by_decision_type", "decision_type"),
        ("by_division", "division"),
    ):
        split = defaultdict(list)
        for p in of_year:
            split[getattr(p, parts)].append(p)
        out[name] = {k: counted(v) for k, v in split.items()}
    flags: dict = defaultdict(
        lambda: dict.fromkeys(("appeared", "resolved", "acknowledged", "open_at_approval"), 0)
    )
    groups: dict = defaultdict(lambda: {"negative": 0, "positive": 0})
    dims: dict = defaultdict(lambda: {"negative": 0, "positive": 0})
    hearings: dict = defaultdict(
        lambda: {"requested": 0, "answered": 0, "not_heard": 0, "not_heard_reasons": Counter()}
    )
    objectives: dict = defaultdict(lambda: {"helped": 0, "harmed": 0, "neutral": 0})
    ending = {"open": "open_at_approval", "acknowledged": "acknowledged", "resolved": "resolved"}
    for p in approved:
        fl = p.data.get("flags", [])
        for rule in {f["rule"] for f in fl}:
            flags[rule]["appeared"] += 1
        for rule, status in {(f["rule"], f["status"]) for f in fl}:
            flags[rule][ending[status]] += 1
        cells = [c for c in p.data.get("impacts", []) if c["alternative"] != "zero"]
        for g, d in {
            (c["group"], c["direction"])
            for c in cells
            if c["direction"] in ("negative", "positive")
        }:
            groups[g][d] += 1
        for g, d in {
            (c["dimension"], c["direction"])
            for c in cells
            if c["direction"] in ("negative", "positive")
        }:
            dims[g][d] += 1
        for h in p.data.get("hearings", []):
            entry = hearings[h["council"]]
            entry["requested"] += 1
            entry["answered"] += "answered_on" in h
            if "not_heard_code" in h:
                entry["not_heard"] += 1
                entry["not_heard_reasons"][h["not_heard_code"]] += 1
        for link in p.data.get("plan_links", []):
            objectives[link["objective"]][link["effect"]] += 1
    due = done = overdue = 0
    today_starts = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=HELSINKI)
    for p in plans:
        for i in p.data.get("indicators", []):
            d = date.fromisoformat(i["review_date"])
            if d.year != YEAR:
                continue
            due += 1
            done += bool(i["observations"])
            overdue += (not i["observations"]) and datetime(
                d.year, d.month, d.day, tzinfo=HELSINKI
            ) < today_starts
    out["flags"] = dict(flags)
    out["groups"] = dict(groups)
    out["dimensions"] = dict(dims)
    out["hearings"] = {
        k: {**v, "not_heard_reasons": dict(v["not_heard_reasons"])} for k, v in hearings.items()
    }
    out["objectives"] = dict(objectives)
    out["follow_ups"] = {"due": due, "done": done, "overdue": overdue}
    # Flags by the local month the product first saw them; ex-post results recorded in the
    # year: over every active assessment, whenever it was approved (once per assessment).
    by_month: dict = defaultdict(lambda: [0] * 12)
    ex_post = dict.fromkeys(EX_POST.values(), 0)
    for p in plans:
        if p.level is None:
            continue
        if p.seen_at and start <= p.seen_at < end:
            for rule in {f["rule"] for f in p.data.get("flags", [])}:
                by_month[rule][p.seen_at.astimezone(HELSINKI).month - 1] += 1
        if p.ex_post_at and start <= p.ex_post_at < end:
            for result in {
                (e["group"], e["dimension"], EX_POST[e["outcome"]])
                for e in p.data.get("ex_post", [])
                if e["outcome"] in EX_POST
            }:
                ex_post[result[2]] += 1
    out["flags_by_month"] = dict(by_month)
    out["ex_post"] = ex_post
    return out


# --- the data in the database ---------------------------------------------------------------


def store(plans: list[Planned]) -> Organisation:
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    preparer = user("preparer")
    bodies = {
        b.key: b for b in db.session.scalars(select(Body).where(Body.organisation_id == org.id))
    }
    types = {
        t.key: t
        for t in db.session.scalars(
            select(DecisionType).where(DecisionType.organisation_id == org.id)
        )
    }
    # Nothing of the demo's own decisions counts: they have no meeting date.
    stored: list[tuple[Planned, Assessment]] = []
    for n, p in enumerate(plans):
        d = Decision(
            organisation_id=org.id,
            case_number=f"GEN-{n}",
            title=f"Generated {n}",
            language="fi",
            body_id=bodies[p.body].id,
            preparer_id=preparer.id,
            decision_type_id=types[p.decision_type].id if p.decision_type != "none" else None,
            meeting_date=p.meeting_date,
            source="imported" if p.imported else "entered",
            required_level=p.required,
        )
        db.session.add(d)
        if p.level is not None:
            a = stored_assessment(
                d,
                preparer,
                p.data,
                state="approved" if p.approved_at else "in_assessment",
                created_at=p.created_at,
                approved_at=p.approved_at,
            )
            db.session.add(a)
            stored.append((p, a))
    db.session.commit()
    seen_facts(org, stored)
    return org


def seen_facts(org: Organisation, stored: list[tuple[Planned, Assessment]]) -> None:
    """The times the product first saw each assessment's flags and ex-post results: the
    plan's (the session hook wrote the time of the commit). The demo's own assessments saw
    theirs long before the year."""
    f = AssessmentFact
    first_seen = or_(and_(f.kind == FLAG, f.value == "appeared"), f.kind == EX_POST_KIND)
    db.session.execute(
        update(f).where(f.organisation_id == org.id, first_seen).values(at=helsinki(YEAR - 5, 6, 1))
    )
    for p, a in stored:
        for kind_is, at in (
            (and_(f.kind == FLAG, f.value == "appeared"), p.seen_at),
            (f.kind == EX_POST_KIND, p.ex_post_at),
        ):
            db.session.execute(update(f).where(f.assessment_id == a.id, kind_is).values(at=at))
    db.session.commit()


def prepare() -> tuple[Organisation, list[Planned]]:
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    bodies = list(
        db.session.scalars(
            select(Body).where(Body.organisation_id == org.id, Body.kind != "division")
        )
    )
    division = Body(
        organisation_id=org.id,
        key="social_division",
        kind="division",
        name_fi="Sosiaalitoimiala",
        name_sv="Socialsektorn",
    )
    db.session.add(division)
    db.session.flush()
    bodies[0].division_id = division.id
    DIVISIONS.clear()
    DIVISIONS[bodies[0].key] = division.key
    for n, key in enumerate(OBJECTIVES):
        db.session.add(
            PlanObjective(
                organisation_id=org.id,
                key=key,
                text_fi=f"T {key}",
                text_sv=f"M {key}",
                text_en=f"O {key}",
                start_year=2025,
                end_year=2029,
                position=n,
            )
        )
    db.session.commit()
    types = list(
        db.session.scalars(select(DecisionType).where(DecisionType.organisation_id == org.id))
    )
    plans = generate(22, bodies, types)
    return store(plans), plans


def check(org: Organisation, plans: list[Planned]) -> dict:
    got = figures(org, YEAR, today=TODAY)
    want = expected(plans)
    for key in (
        "decisions",
        "imported",
        "assessed",
        "screened_out",
        "missing_required",
        "coverage",
        "screened_out_reasons",
        "days_to_approval",
        "follow_ups",
        "flags_by_month",
        "ex_post",
    ):
        assert got[key] == want[key], key
    for key in ("by_body", "by_decision_type", "by_division"):
        assert got[key] == want[key], key
    # Keys with zero counts may be left out: compare what either side counted.
    for key in ("flags", "groups", "dimensions", "objectives"):
        assert {k: v for k, v in got[key].items() if any(v.values())} == want[key], key
    assert got["hearings"] == want["hearings"]
    # The contract's top-level keys are all there, whatever the data.
    assert {
        "organisation",
        "year",
        "time_zone",
        "generated_at",
        "late_submissions",
        "flags_by_month",
        "ex_post",
        "names",
    } <= set(got)
    assert got["names"]["divisions"]["social_division"]["fi"] == "Sosiaalitoimiala"
    assert set(got["names"]["objectives"]) == set(want["objectives"])
    return got


def test_figures_match_the_plan(ctx):
    org, plans = prepare()
    # The plan covers what the figures distinguish, or the test would prove little.
    assert sum(p.approved_at is not None and p.level == "full" for p in plans) > 20
    assert any(p.exempt for p in plans) and any(p.imported for p in plans)
    got = check(org, plans)
    assert got["decisions"] > 150 and 0 < got["coverage"] < 1
    # Flags in many months, summer and winter, and every kind of ex-post result.
    months = [sum(m) for m in zip(*got["flags_by_month"].values(), strict=True)]
    assert sum(months) > 20 and months[3] and months[6] and months[10]
    assert all(got["ex_post"].values())
    # The edges: decided 31.12 counts in the old year, 1.1 in the new one; approved at
    # 23:30 on 31.12 Helsinki time is the old year's, at 00:30 on 1.1 the new one's.
    edge_old, edge_new = plans[0], plans[1]
    assert edge_old.approved_at == datetime(YEAR - 1, 12, 31, 21, 30, tzinfo=UTC)
    assert edge_new.approved_at == datetime(YEAR - 1, 12, 31, 22, 30, tzinfo=UTC)
    before = figures(org, YEAR - 1, today=TODAY)
    assert before["decisions"] == sum(
        1 for p in plans if p.meeting_date and p.meeting_date.year == YEAR - 1
    )


def test_the_edges_of_the_year_alone(ctx):
    """Two assessments approved an hour apart across midnight Helsinki time (21:30 and 22:30
    UTC on 31.12): one in each year, whatever the server's clock zone."""
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    body = db.session.scalars(select(Body).where(Body.organisation_id == org.id)).first()
    rows = []
    for n, (meeting, at) in enumerate(
        [
            (date(2025, 12, 31), helsinki(2025, 12, 31, 23, 30)),
            (date(2026, 1, 1), helsinki(2026, 1, 1, 0, 30)),
        ]
    ):
        d = Decision(
            organisation_id=org.id,
            case_number=f"EDGE-{n}",
            title="Edge",
            language="fi",
            body_id=body.id,
            preparer_id=user("preparer").id,
            meeting_date=meeting,
        )
        data = {
            "screening": {"level": "full"},
            "flags": [
                {"id": "x", "rule": "single_alternative", "severity": "medium", "status": "open"}
            ],
        }
        rows.append(
            stored_assessment(
                d, user("preparer"), data, created_at=at - timedelta(days=3), approved_at=at
            )
        )
    db.session.add_all(rows)
    db.session.commit()
    old, new = figures(org, 2025), figures(org, 2026)
    assert (old["decisions"], old["assessed"]["full"]) == (1, 1)
    assert (new["decisions"], new["assessed"]["full"]) == (1, 1)
    assert old["days_to_approval"] == {"median": 3.0, "p90": 3.0}
    assert old["flags"]["single_alternative"]["open_at_approval"] == 1
    assert new["flags"]["single_alternative"]["appeared"] == 1


def test_facts_follow_every_write(ctx):
    """The facts are rewritten from the data on every write, keeping when a flag appeared."""
    prepare()
    a = next(
        x
        for x in db.session.scalars(select(Assessment).order_by(Assessment.id))
        if x.data.get("flags")
    )

    def stored():
        return {
            (f.kind, f.key, f.value)
            for f in db.session.scalars(
                select(AssessmentFact).where(AssessmentFact.assessment_id == a.id)
            )
        }

    assert stored() == {f.ident for f in facts_of(a.data)}
    appeared = db.session.scalar(
        select(AssessmentFact.at)
        .where(AssessmentFact.assessment_id == a.id, AssessmentFact.value == "appeared")
        .limit(1)
    )
    data = dict(a.data)
    data["flags"] = [{**f, "status": "resolved"} for f in data["flags"]]
    data["plan_links"] = [{"objective": "obj-a", "effect": "harmed"}]
    a.data = data
    db.session.commit()
    assert stored() == {f.ident for f in facts_of(data)}
    assert ("objective", "obj-a", "harmed") in stored()
    again = db.session.scalar(
        select(AssessmentFact.at)
        .where(AssessmentFact.assessment_id == a.id, AssessmentFact.value == "appeared")
        .limit(1)
    )
    assert again == appeared


def test_coverage_with_imported_decisions(ctx):
    """Imported decisions count in the year like entered ones: without an assessment they
    lower the coverage, and where the policy required one they are missing."""
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    body = db.session.scalars(select(Body).where(Body.organisation_id == org.id)).first()
    preparer = user("preparer")
    for n in range(4):
        d = Decision(
            organisation_id=org.id,
            case_number=f"IMP-{n}",
            title="Imported",
            language="fi",
            body_id=body.id,
            preparer_id=preparer.id,
            meeting_date=date(2026, 5, 5),
            source="imported",
            required_level="light" if n < 3 else "none",
        )
        db.session.add(d)
        if n == 0:
            db.session.add(
                stored_assessment(
                    d,
                    preparer,
                    {"screening": {"level": "light"}},
                    workflow="eva-light",
                    created_at=helsinki(2026, 4, 1),
                    approved_at=helsinki(2026, 4, 20),
                )
            )
    db.session.commit()
    got = figures(org, 2026)
    assert (got["decisions"], got["imported"], got["missing_required"]) == (4, 4, 2)
    assert got["coverage"] == 0.25
    assert got["by_body"][body.key]["coverage"] == 0.25


def test_the_api_answers_the_figures(client):
    with client.application.app_context():
        org, plans = prepare()
        want = expected(plans)
        tokens = {
            role: issue_token(user(role))
            for role in ("reviewer", "auditor", "admin", "preparer", "secretary")
        }
    for role in ("reviewer", "auditor", "admin"):
        r = client.get(
            f"/api/v1/reports/yearly?year={YEAR}",
            headers={"Authorization": f"Bearer {tokens[role]}"},
        )
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        assert (body["year"], body["decisions"], body["coverage"]) == (
            YEAR,
            want["decisions"],
            want["coverage"],
        )
        assert body["by_body"] == want["by_body"]
    for role in ("preparer", "secretary"):
        r = client.get(
            f"/api/v1/reports/yearly?year={YEAR}",
            headers={"Authorization": f"Bearer {tokens[role]}"},
        )
        assert r.status_code == 403
    for bad in ("20x6", "1999", "99999", ""):
        r = client.get(
            f"/api/v1/reports/yearly?year={bad}",
            headers={"Authorization": f"Bearer {tokens['reviewer']}", "Accept-Language": "fi"},
        )
        assert r.status_code == 422
        details = r.get_json()["error"]["details"]
        assert [d["path"] for d in details] == ["year"]
        assert "neljänä numerona" in details[0]["message"]
    assert client.get(f"/api/v1/reports/yearly?year={YEAR}").status_code == 401


@pytest.mark.postgres
def test_figures_on_postgres(pg_app):
    with pg_app.app_context():
        org, plans = prepare()
        check(org, plans)
