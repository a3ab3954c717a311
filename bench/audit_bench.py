"""The auditors' reads on a large database (issue 21): one assessment's timeline, a filtered
search across assessments, and ``audit verify`` over the whole chain, on a small and a large
database made by ``bench.audit_data`` (1,000 and 100,000 assessments), so that the time's
independence of the database's size shows as a ratio.

    .venv/bin/python -m bench.audit_bench --sqlite /tmp/audit-1k.db /tmp/audit-100k.db
    .venv/bin/python -m bench.audit_bench --postgresql /tmp/audit-pg audit_1k audit_100k

The two databases are measured in alternating rounds (``--rounds``, default 5: small, large,
small, large, ...), each read's figure the median of its per-round medians and its ratio the
median of the per-round ratios: on a shared host a burst of another process's work then falls
on both sides instead of on whichever database was measured during it.

Add ``--plans`` for each statement's plan (EXPLAIN) and the slowest statements, ``--profile``
for a cProfile of one timeline and one search on the large database, ``--no-verify`` to
skip the chain walk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy import select, text

from assess import create_app
from assess.extensions import db
from assess.models import Assessment, AuditEvent, User
from bench.audit_data import pg_url
from bench.common import machine

RUNS = 15
ROUNDS = 5
VERIFY_RUNS = 3
SAMPLES = 5  # assessments whose timelines are read, spread over the database's years
SEARCHES = {
    "flag + state": {"flag": "serious_negative_effect", "state": "decided"},
    "negative group + acknowledged high": {
        "negative_group": "older_people",
        "acknowledged_high": "true",
    },
    # The state and the level are keys too (migration 0030): from the key index alone.
    "negative group + acknowledged high + state": {
        "negative_group": "older_people",
        "acknowledged_high": "true",
        "state": "decided",
    },
    "flag + level": {"flag": "serious_negative_effect", "level": "full"},
    "text (case number)": {"q": "KPHA/1500/"},
    "changed after publication": {"changed_after_publication": "true"},
}


def available(module: str) -> bool:
    """Whether a part this bench measures is on main yet (it says which is missing)."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        print(f"{module} is not there yet: not measured")
        return False
    return True


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """Medians of wall and CPU milliseconds over ``runs`` calls after one warm-up call."""
    result = fn()
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return statistics.median(walls), statistics.median(cpus), result


def samples() -> list[int]:
    """Full assessments the body decided, at fixed fractions of their ids: the same kind of
    life (about 20 events, an agenda) in a small and a large database."""
    ids = list(
        db.session.scalars(
            select(Assessment.id)
            .where(Assessment.state.in_(("decided", "follow_up")), Assessment.level == "full")
            .order_by(Assessment.id)
        )
    )
    # The first four fifths: the newest lives' last events may still be ahead of a database
    # whose generation was stopped early.
    ids = ids[: len(ids) * 4 // 5]
    return [ids[len(ids) * (2 * k + 1) // (2 * SAMPLES)] for k in range(SAMPLES)]


def timeline_call(assessment_id: int) -> Callable[[], object]:
    from assess.operations.timeline import timeline

    def read():
        db.session.remove()  # a request's fresh session: nothing cached between runs
        assessment = db.session.get(Assessment, assessment_id)
        return timeline(assessment, "fi")

    return read


def search_call(params: dict[str, str]) -> Callable[[], object]:
    from assess.assessment_search import parse_filters
    from assess.operations.search import choices, search

    def find():
        db.session.remove()
        auditor = db.session.scalar(select(User).where(User.email == "auditor@demo.example"))
        parsed = parse_filters(params, choices(auditor))
        assert not parsed.problems, parsed.problems
        return search(auditor, parsed.filters, sort=parsed.sort, page=1, per_page=25)

    return find


def verify_call(workers: int = 1) -> Callable[[], object]:
    from assess.operations.audit_log import verify

    def walk():
        db.session.remove()
        result = verify(workers=workers)
        assert result.intact, result.problem
        return result

    return walk


class Statements:
    """The SQL one call sends, with each statement's time (for --plans)."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, str, object]] = []

    def __enter__(self):
        sa_event.listen(db.engine, "before_cursor_execute", self._before)
        sa_event.listen(db.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        sa_event.remove(db.engine, "before_cursor_execute", self._before)
        sa_event.remove(db.engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - conn.info.pop("bench_started")) * 1000
        self.seen.append((ms, statement, parameters))


def show_plans(what: str, fn: Callable[[], object]) -> None:
    with Statements() as st:
        fn()
    total = sum(ms for ms, _, _ in st.seen)
    print(f"-- {what}: {len(st.seen)} statements, {total:.1f} ms in the database")
    sqlite = db.engine.dialect.name == "sqlite"
    for ms, statement, parameters in sorted(st.seen, key=lambda s: -s[0])[:4]:
        print(f"   {ms:7.1f} ms  {' '.join(statement.split())[:200]}")
        explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
        with db.engine.connect() as conn:
            for line in conn.exec_driver_sql(explain + statement, parameters).all():
                print("             ", line[-1])


def profile(what: str, fn: Callable[[], object]) -> None:
    import cProfile
    import pstats

    fn()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(5):
        fn()
    prof.disable()
    print(f"-- profile: {what} (5 calls)")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def run(url: str, args) -> dict:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    out: dict = {}
    with app.app_context(), app.test_request_context():
        out["assessments"] = db.session.scalar(text("SELECT count(*) FROM assessments"))
        out["events"] = db.session.scalar(text("SELECT count(*) FROM audit_events"))
        chosen = samples()
        out["samples"] = chosen
        walls, cpus, sizes = [], [], []
        reads = not args.verify_only
        for aid in chosen if reads and available("assess.operations.timeline") else ():
            call = timeline_call(aid)
            wall, cpu, page = timed(call, args.runs)
            walls.append(wall)
            cpus.append(cpu)
            own = db.session.scalar(
                select(text("count(*)"))
                .select_from(AuditEvent)
                .where(AuditEvent.object_type == "assessment", AuditEvent.object_id == aid)
            )
            sizes.append((page.total, own))  # type: ignore[attr-defined]
        if walls:
            out["timeline"] = (statistics.median(walls), statistics.median(cpus), sizes)
        for what, params in (
            SEARCHES.items() if reads and available("assess.operations.search") else ()
        ):
            wall, cpu, page = timed(search_call(params), args.runs)
            out[f"search: {what}"] = (wall, cpu, page.total)  # type: ignore[attr-defined]
        has_timeline = "timeline" in out
        has_search = any(k.startswith("search") for k in out)
        if args.plans:
            if has_timeline:
                show_plans(f"timeline of assessment {chosen[0]}", timeline_call(chosen[0]))
            for what, params in SEARCHES.items() if has_search else ():
                show_plans(f"search: {what}", search_call(params))
        if args.profile:
            if has_timeline:
                profile("timeline", timeline_call(chosen[0]))
            if has_search:
                profile("search: flag + state", search_call(SEARCHES["flag + state"]))
        if not args.no_verify:
            walls, cpus = [], []
            for _ in range(args.verify_runs):
                w, c = time.perf_counter(), time.process_time()
                result = verify_call(args.verify_workers)()
                walls.append(time.perf_counter() - w)
                cpus.append(time.process_time() - c)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            out["verify"] = (wall, cpu, result.events)  # type: ignore[attr-defined]
    return out


def combined(runs: list[dict]) -> dict:
    """One database's figures over the rounds: each read's wall and CPU the median of the
    rounds' medians; the counts and the chain walk as the rounds had them (the same)."""
    out = dict(runs[-1])
    for what in out:
        if what == "timeline" or what.startswith("search"):
            last = runs[-1][what]
            out[what] = (
                statistics.median(r[what][0] for r in runs),
                statistics.median(r[what][1] for r in runs),
                last[2],
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--sqlite", nargs=2, type=Path, metavar=("SMALL", "LARGE"))
    where.add_argument("--postgresql", nargs=3, metavar=("DIR", "SMALL_DB", "LARGE_DB"))
    parser.add_argument("--port", type=int, default=54321)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--verify-runs", type=int, default=VERIFY_RUNS)
    # As `audit verify --workers`: processes walking ranges of the chain side by side.
    parser.add_argument("--verify-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-verify", action="store_true")
    # Only `audit verify` (a chain made by bench.audit_chain has no assessments to read).
    parser.add_argument("--verify-only", action="store_true")
    args = parser.parse_args()
    if args.sqlite:
        urls = [f"sqlite:///{p.resolve()}" for p in args.sqlite]
    else:
        datadir = Path(args.postgresql[0])
        urls = [pg_url(datadir, args.port, name, create=False) for name in args.postgresql[1:]]
    print(machine(), f"load average {os.getloadavg()[0]:.1f}")
    print(f"medians of {args.runs} runs after a warm-up (verify: {args.verify_runs} runs)")
    print(f"in {args.rounds} alternating rounds (small, large, ...): medians of the rounds")
    rounds: list[tuple[dict, dict]] = []
    for r in range(args.rounds):
        # The chain walk, the plans and the profile once (the last round), the reads in each.
        once = r == args.rounds - 1
        this = argparse.Namespace(
            **{
                **vars(args),
                "no_verify": args.no_verify or not once,
                "plans": args.plans and once,
                "profile": args.profile and once,
            }
        )
        rounds.append((run(urls[0], this), run(urls[1], this)))
    small, large = combined([s for s, _ in rounds]), combined([lg for _, lg in rounds])
    ratios = {
        what: statistics.median(lg[what][0] / s[what][0] for s, lg in rounds)
        for what in small
        if what == "timeline" or what.startswith("search")
    }
    for name, figures in (("small", small), ("large", large)):
        print(
            f"{name}: {figures['assessments']} assessments, {figures['events']} events; "
            f"timeline samples {figures['samples']}, (entries, own events) "
            f"{figures.get('timeline', (0, 0, None))[2]}"
        )
    heads = ("small wall", "large wall", "ratio", "small cpu", "large cpu")
    print(f"{'':40} " + " ".join(f"{h:>11}" for h in heads))
    for what in [k for k in small if k == "timeline" or k.startswith("search")]:
        sw, sc, _ = small[what]
        lw, lc, _ = large[what]
        extra = f"  matches {small[what][2]} / {large[what][2]}" if what != "timeline" else ""
        print(
            f"{what:40} {sw:9.1f}ms {lw:9.1f}ms {ratios[what]:6.2f} {sc:8.1f}ms {lc:8.1f}ms{extra}"
        )
    if len(rounds) > 1:
        print("ratio (large / small wall) in each round:")
        for what in ratios:
            each = ", ".join(f"{lg[what][0] / s[what][0]:.2f}" for s, lg in rounds)
            print(f"  {what:38} {each}")
    for name, figures in (("small", small), ("large", large)):
        if "verify" in figures:
            wall, cpu, events = figures["verify"]
            print(
                f"verify ({name}): {events} events in {wall:.1f} s wall, {cpu:.1f} s CPU: "
                f"{events / wall:,.0f} events/s wall, {events / cpu:,.0f} events/s CPU"
            )


if __name__ == "__main__":
    main()
