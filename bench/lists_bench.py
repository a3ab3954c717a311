"""The lists that scale (issue 20) on a large organisation: 20,000 decisions (six in seven
with an assessment), 1,000 meetings of four items each; each list page asked for with the
filters people use, through the whole web stack (test client: routing, log-in session,
queries, template).

Run: `.venv/bin/python -m bench.lists_bench` (SQLite file), add `--postgresql` to run it on
a throwaway PostgreSQL cluster (tests/pgcluster.py), `--plans` to print the query plans.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from assess import create_app
from assess.extensions import db
from assess.list_filters import Filters
from assess.models import AgendaItem, Body, Decision, Meeting
from assess.operations.demo import load_demo
from assess.web import list_queries
from bench.common import machine, median_ms
from tests.list_data import add_rows
from tests.support import login, use_language, user

DECISIONS = 20_000
MEETINGS = 1_000
ITEMS = 4
RUNS = 15

PAGES = {
    "decisions, no filter, page 1": "/decisions",
    "decisions, page 400 (the last)": "/decisions?page=400",
    "decisions, text (case number or title)": "/decisions?q=koulukuljetus",
    "decisions, state in review": "/decisions?state=in_review",
    "decisions, no assessment yet": "/decisions?state=none",
    "decisions, level full": "/decisions?level=full",
    "decisions, reviewer": "/decisions?reviewer={reviewer}",
    "decisions, body + preparer + month": (
        "/decisions?body={body}&preparer={preparer}&date_from=2025-06-01&date_to=2025-06-30"
    ),
    "decisions, everything combined": (
        "/decisions?q=palvelu&state=in_review&level=light&body={body}&reviewer={reviewer}"
        "&date_from=2025-01-01&date_to=2025-12-31"
    ),
    "reviewer's dashboard (queue page 1)": "/",
    "reviewer's dashboard, queue filtered (reviewer + level)": "/?reviewer={reviewer}&level=full",
    "meetings, no filter": "/meetings",
    "meetings, text on the agenda": "/meetings?q=HYVA/1234/",
    "meetings, body + state + year": (
        "/meetings?body={body}&state=held&date_from=2025-01-01&date_to=2025-12-31"
    ),
}


def seed() -> dict:
    load_demo()
    org_id = user("preparer").organisation_id
    bodies = list(db.session.scalars(select(Body.id).where(Body.organisation_id == org_id)))
    preparers, reviewers = [user("preparer").id], [user("reviewer").id]
    add_rows(
        org_id, DECISIONS, prefix="HYVA", bodies=bodies, preparers=preparers, reviewers=reviewers
    )
    decision_ids = list(
        db.session.scalars(
            select(Decision.id).where(Decision.organisation_id == org_id).order_by(Decision.id)
        )
    )
    start = datetime(2024, 1, 8, 12, 0, tzinfo=UTC)
    db.session.execute(
        insert(Meeting),
        [
            {
                "organisation_id": org_id,
                "body_id": bodies[k % len(bodies)],
                "number": 100 + k,
                "year": 2024 + k // 400,
                "starts_at": start + timedelta(days=k),
                "place": "Sali",
                "place_sv": "",
                "state": ("held", "minutes_approved", "planned")[k % 3],
                "cancel_reason": "",
                "created_at": start,
                "version": 1,
            }
            for k in range(MEETINGS)
        ],
    )
    meeting_ids = list(db.session.scalars(select(Meeting.id).order_by(Meeting.id)))
    db.session.execute(
        insert(AgendaItem),
        [
            {
                "meeting_id": m,
                "decision_id": decision_ids[(k * ITEMS + n) % len(decision_ids)],
                "position": n + 1,
                "presenter": "",
                "presenter_title_fi": "",
                "presenter_title_sv": "",
                "outcome_note": "",
                "assessment_changed": False,
            }
            for k, m in enumerate(meeting_ids)
            for n in range(ITEMS)
        ],
    )
    db.session.commit()
    return {"body": bodies[0], "preparer": preparers[0], "reviewer": reviewers[0]}


def plans(org_id: int, names: dict) -> None:
    """The database's plan of each list's page query (EXPLAIN), as the bench ran it."""
    sqlite = db.engine.dialect.name == "sqlite"
    queries = {
        "decisions": list_queries.decisions(org_id, Filters()),
        "decisions, state": list_queries.decisions(org_id, Filters(state="in_review")),
        "decisions, body + month": list_queries.decisions(
            org_id,
            Filters(
                body=names["body"],
                date_from=datetime(2025, 6, 1).date(),
                date_to=datetime(2025, 6, 30).date(),
            ),
        ),
        "queue": list_queries.review_queue(org_id, Filters()),
        "meetings": list_queries.meetings(org_id, Filters()),
        "meetings, text": list_queries.meetings(org_id, Filters(q="HYVA/1234/")),
    }
    for name, stmt in queries.items():
        sql = str(
            stmt.limit(25).compile(
                dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        print(f"-- {name}")
        for line in db.session.execute(text(explain + sql)).all():
            print("   ", line[-1])


def _slowest_statements(app, client, secretary, names) -> None:
    """Where each page's time goes in the database: its three slowest statements."""
    import time

    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    timings: list[tuple[float, str]] = []

    def before(conn, cursor, statement, *args):
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, *args):
        timings.append(((time.perf_counter() - conn.info["started"]) * 1000, statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    for what, url in PAGES.items():
        timings.clear()
        (secretary if url.startswith("/meetings") else client).get(url.format(**names))
        total = sum(t for t, _ in timings)
        print(f"-- {what}: {len(timings)} statements, {total:.1f} ms in the database")
        for ms, statement in sorted(timings, reverse=True)[:3]:
            print(f"   {ms:7.1f}  {' '.join(statement.split())[:160]}")
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)


def run(uri: str, show_plans: bool, without_index: bool = False) -> dict:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri)
    with app.app_context(), app.test_request_context():
        upgrade()  # the migrations' tables and indexes, as production has them
        if without_index:  # the A/B of migration 0020
            db.session.execute(text("DROP INDEX ix_decisions_organisation_updated"))
            db.session.commit()
        names = seed()
        if db.engine.dialect.name == "postgresql":
            # Fresh statistics, as autovacuum keeps them in production (bulk inserts just
            # ran); SQLite has none unless ANALYZE is run, which the app never does.
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        org_id = user("reviewer").organisation_id
        if show_plans:
            plans(org_id, names)
    client = app.test_client()
    login(client, "reviewer")
    use_language(client, "en")
    secretary = app.test_client()
    login(secretary, "secretary")
    if show_plans:
        _slowest_statements(app, client, secretary, names)
    out = {}
    for what, url in PAGES.items():
        who = secretary if url.startswith("/meetings") else client
        url = url.format(**names)
        response = who.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert "left out" not in response.get_data(as_text=True), url
        wall, _ = median_ms(lambda who=who, url=url: who.get(url), RUNS)
        out[what] = (wall, _cpu_median_ms(lambda who=who, url=url: who.get(url), RUNS))
    return out


def _cpu_median_ms(fn, runs: int) -> float:
    """The process's CPU time per call: less moved by other processes on a shared host than
    the wall clock (the database is SQLite in-process; PostgreSQL's own time is not in it)."""
    import statistics
    import time

    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--without-index", action="store_true", help="before migration 0020")
    args = parser.parse_args()
    print(machine())
    print(f"{DECISIONS} decisions, {MEETINGS} meetings of {ITEMS} items; median of {RUNS}, ms")
    if args.postgresql:
        from tests.pgcluster import create_database, throwaway_cluster

        with throwaway_cluster() as server:
            figures = run(create_database(server, "lists_bench"), args.plans, args.without_index)
    else:
        tmp = Path(tempfile.mkdtemp())
        figures = run(f"sqlite:///{tmp / 'lists.db'}", args.plans, args.without_index)
    print("    wall       cpu  (ms, medians)")
    for what, (wall, cpu) in figures.items():
        print(f"{wall:8.1f}  {cpu:8.1f}  {what}")


if __name__ == "__main__":
    main()
