"""A large organisation's assessments and audit log, for the auditors' benchmarks (issue 21).

N assessments (100,000 for the benchmark, 1,000 for the size comparison) with about 20
audit events each (2,000,000 at 100,000), in one valid hash chain, on SQLite or PostgreSQL:

    nice -n 10 .venv/bin/python -m bench.audit_data --assessments 100000 --sqlite /tmp/audit-100k.db
    nice -n 10 .venv/bin/python -m bench.audit_data --assessments 100000 \\
        --postgresql /tmp/audit-pg --database audit_100k

``--postgresql DIR`` starts (or reuses) a cluster in DIR that stays up for the benchmark
(``--stop DIR`` stops it); the schema comes from the migrations, as in production.

How it is built: the demo organisation, its users and policy and the demo scenario (an
approved full assessment and a light one in review, with their meeting) are made through the
operations, as people make them, with the clock set before the generated years. Their
answers, flags, events and revision snapshots are the templates: every generated assessment
lives one life of the workflow (draft, screening, assessment, review with sometimes a return,
approval, documents, a meeting's agenda and outcome, follow-up; some screened out, withdrawn
or still in progress at the end), with its own groups, dimensions, cells, flags, hearings and
people, and writes the events the operations write at each step (the same actions and
change shapes). Rows are written in bulk (executemany on SQLite, COPY on PostgreSQL), not
through the operations: a million operations would take days. The events are hashed in id
order with ``assess.audit.event_hash``, so ``flask audit verify`` checks the whole chain.

What is not realistic: the documents' bytes (a few placeholder bytes with their real
checksum; the timeline and search never read them) and the texts, which repeat the
scenario's (the sizes are the scenario's).
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from assess.assessment_search import search_keys
from assess.audit.hashing import HASHED_FIELDS, event_hash
from tests import pgcluster

# The generated years: assessments start between these, the last events stop at END.
START = datetime(2023, 9, 4, 6, 0, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)
END = START + SPAN + timedelta(days=20)
DEMO_AT = START - timedelta(days=30)  # the demo's own events, before everything generated
# Events are written in id order = time order; everything newer than this behind the
# assessment now starting may still come, so only older ones leave the queue.
LAG = timedelta(days=40)
BATCH = 5000
ITEMS_PER_MEETING = 25
# Only an assessment's latest revision keeps the whole answers in its snapshot; the earlier
# ones keep the screening (--full-revisions: all of them, about 40 KB more an assessment,
# which none of the measured reads touches; it doubles the generation's time).
LEAN = True

FIRST_NAMES = [
    "Aino",
    "Eero",
    "Helmi",
    "Juhani",
    "Kaisa",
    "Lauri",
    "Maria",
    "Mikko",
    "Noora",
    "Olli",
    "Pekka",
    "Riikka",
    "Sanna",
    "Tuomas",
    "Ulla",
    "Veera",
    "Anders",
    "Camilla",
    "Johan",
    "Linnea",
    "Mats",
    "Saara",
    "Timo",
    "Elina",
    "Jari",
    "Katja",
    "Heikki",
    "Minna",
]
LAST_NAMES = [
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
    "Holm",
    "Lindqvist",
    "Nyström",
    "Sjöberg",
    "Backman",
    "Forsman",
    "Granholm",
    "Björklund",
]
GROUPS = [
    "children",
    "youth",
    "families",
    "working_age",
    "older_people",
    "disabled",
    "informal_carers",
    "swedish_speakers",
    "finnish_speakers",
    "sami",
    "sign_language_users",
    "immigrants",
    "genders",
    "lgbtiq",
    "low_income",
    "unemployed",
    "rural_residents",
    "mental_health_substance",
    "homeless",
    "roma",
    "staff",
    "businesses",
]
VULNERABLE = {"children", "older_people", "disabled", "low_income", "homeless", "immigrants"}
DIMENSIONS = [
    "health",
    "wellbeing",
    "safety",
    "equality",
    "gender_equality",
    "participation",
    "access_to_services",
    "language_rights",
    "livelihood",
    "employment",
    "living_environment",
]
TOPICS = (
    "palveluverkon muutos",
    "kotihoidon iltakäynnit",
    "asiakasmaksujen tarkistus",
    "koulukuljetusten järjestäminen",
    "ensihoidon asemaverkko",
    "vammaispalvelujen hankinta",
    "terveysaseman aukioloajat",
    "ikäihmisten päivätoiminta",
    "lastensuojelun sijaishuolto",
    "mielenterveyspalvelujen keskittäminen",
)
PLACES = [
    "Kokkola",
    "Kannus",
    "Kaustinen",
    "Halsua",
    "Perho",
    "Toholampi",
    "Lestijärvi",
    "Veteli",
    "Kruunupyy",
]
MORE_BODIES = (
    ("council", "council", "Aluevaltuusto", "Välfärdsområdesfullmäktige"),
    ("health_division", "division", "Terveysjaosto", "Hälsosektionen"),
    ("social_division", "division", "Sosiaalijaosto", "Socialsektionen"),
    ("individual_division", "division", "Yksilöjaosto", "Individsektionen"),
    ("audit_committee", "committee", "Tarkastuslautakunta", "Revisionsnämnden"),
    ("swedish_committee", "committee", "Ruotsinkielinen lautakunta", "Svenska nämnden"),
)
OUTCOMES = ("approved",) * 8 + ("approved_amended", "returned", "tabled")


# --- the events --------------------------------------------------------------------


class Event:
    """One audit event as the chain hashes it (``event_hash`` reads these attributes)."""

    __slots__ = (*HASHED_FIELDS, "id", "prev_hash", "hash")

    def __init__(self, **fields: Any) -> None:
        for name in HASHED_FIELDS:
            setattr(self, name, fields.get(name))


class Chain:
    """Events from many lives at once, handed to the writer in time order with their ids
    and hashes: a life pushes its events as it is generated; ``release`` writes those
    older than anything a later life may still push."""

    def __init__(self, writer: Writer, next_id: int, head: str) -> None:
        self.writer, self.next_id, self.head = writer, next_id, head
        self.queue: list[tuple[datetime, int, Event]] = []
        self.seq = 0
        self.count = 0

    def push(self, event: Event) -> None:
        self.seq += 1
        heapq.heappush(self.queue, (event.at, self.seq, event))

    def release(self, before: datetime | None) -> None:
        while self.queue and (before is None or self.queue[0][0] < before):
            _, _, event = heapq.heappop(self.queue)
            event.id, event.prev_hash = self.next_id, self.head
            changes = _canonical(event.changes)
            event.hash = _hash(self.head, event, changes)
            if self.count < 1000 or self.count % 10_000 == 0:
                # The shortcut is the product's hash, byte for byte (audit verify re-checks all).
                assert event.hash == event_hash(self.head, event), event.id
            self.head, self.next_id = event.hash, self.next_id + 1
            self.count += 1
            row = {name: getattr(event, name) for name in HASHED_FIELDS}
            # Both JSON columns as the product stores them (models._types.CanonicalJSON):
            # the canonical text, the very bytes the hash covers.
            transition = None if event.transition is None else Raw(_canonical(event.transition))
            row.update(
                id=event.id,
                changes=Raw(changes),
                transition=transition,
                prev_hash=event.prev_hash,
            )
            row["hash"] = event.hash
            self.writer.add("audit_events", row)


def _canonical(value) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _scalar(value) -> str:
    """A string, a whole number or null as ``_canonical`` writes it, without its set-up."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _canonical(value)


def _hash(prev: str, e: Event, changes: str) -> str:
    """``event_hash`` with the changes serialised once (they are stored as that text too):
    the canonical JSON of the hashed fields, written out in their sorted order."""
    d = _scalar
    at = e.at.astimezone(UTC).isoformat(timespec="microseconds")
    payload = (
        f'{{"action":{d(e.action)},"actor_id":{d(e.actor_id)},"actor_name":{d(e.actor_name)},'
        f'"actor_type":{d(e.actor_type)},"at":{d(at)},"changes":{changes},'
        f'"client_address":{d(e.client_address)},"object_id":{d(e.object_id)},'
        f'"object_type":{d(e.object_type)},"organisation_id":{d(e.organisation_id)},'
        f'"request_id":{d(e.request_id)},"transition":{_canonical(e.transition)}}}'
    )
    return hashlib.sha256(prev.encode("ascii") + payload.encode("utf-8")).hexdigest()


# --- the writer --------------------------------------------------------------------

# Parents before children: a batch is written in this order (foreign keys are checked).
ORDER = (
    "users",
    "user_roles",
    "reviewer_bodies",
    "bodies",
    "meetings",
    "decisions",
    "assessments",
    "revisions",
    "documents",
    "agenda_items",
    "agenda_item_documents",
    "assessment_comments",
    "assessment_search_keys",
    "negative_effects",
    "audit_events",
)
JSON_COLUMNS = {
    "changes",
    "transition",
    "data",
    "policy",
    "snapshot",
    "translations",
    "records",
    "notification_preferences",
}


class Writer:
    """Rows in bulk through the driver: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, raw, dialect: str) -> None:
        self.raw, self.dialect = raw, dialect
        self.rows: dict[str, list[dict]] = {}
        self.pending = 0
        self.written: dict[str, int] = {}

    def add(self, table: str, row: dict) -> None:
        self.rows.setdefault(table, []).append(row)
        self.pending += 1

    def flush_if_full(self) -> None:
        """Between two lives only: a life's rows go in together, parents first."""
        if self.pending >= BATCH * 4:
            self.flush()

    def flush(self) -> None:
        cur = self.raw.cursor()
        for table in ORDER:
            rows = self.rows.pop(table, [])
            if rows:
                self._write(cur, table, rows)
                self.written[table] = self.written.get(table, 0) + len(rows)
        assert not self.rows, f"tables not in ORDER: {list(self.rows)}"
        self.raw.commit()
        self.pending = 0

    def _write(self, cur, table: str, rows: list[dict]) -> None:
        columns = list(rows[0])
        values = ([_value(row[c], c, self.dialect) for c in columns] for row in rows)
        names = ", ".join(columns)
        if self.dialect == "sqlite":
            marks = ", ".join("?" * len(columns))
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
        else:
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)


class Raw(str):
    """JSON already serialised (a revision's snapshot shares its answers' text)."""


def _value(value, column: str, dialect: str):
    if isinstance(value, Raw):
        return str(value)
    if column in JSON_COLUMNS:
        return None if value is None else json.dumps(value, ensure_ascii=False)
    if dialect == "sqlite":
        if isinstance(value, datetime):  # as SQLAlchemy's DateTime stores it on SQLite
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, date):
            return value.isoformat()
    return value


# --- the templates (the demo scenario, made through the operations) -----------------


def _templates(session) -> dict:
    from sqlalchemy import select

    from assess.models import Assessment, AuditEvent, Body, DecisionType, PolicyVersion, User

    full = session.get(Assessment, 1).data
    light = session.get(Assessment, 2).data
    messages: dict[str, dict] = {}
    for flag in full.get("flags", []) + light.get("flags", []):
        messages.setdefault(flag["rule"], flag)
    users = {u.email.split("@")[0]: u for u in session.scalars(select(User))}
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    policy_version = session.scalar(
        select(PolicyVersion.id).where(PolicyVersion.status == "published")
    )
    return {
        "full": full,
        "light": light,
        "flags": messages,
        "users": {k: (u.id, u.name) for k, u in users.items()},
        "bodies": [b.id for b in session.scalars(select(Body).order_by(Body.id))],
        "types": [t.id for t in session.scalars(select(DecisionType).order_by(DecisionType.id))],
        "type_keys": {
            t.id: t.key for t in session.scalars(select(DecisionType).order_by(DecisionType.id))
        },
        "policy_version": policy_version,
        "policy": session.get(Assessment, 1).policy,
        "password_hash": next(iter(users.values())).password_hash,
        "organisation_id": next(iter(users.values())).organisation_id,
        "assessment_created": next(e.changes for e in events if e.action == "assessment.created"),
        "head": events[-1].hash,
        "last_id": events[-1].id,
    }


# --- one life ----------------------------------------------------------------------


class World:
    """Everything shared by the lives: people, bodies, meetings, ids and the chain."""

    def __init__(self, n: int, tpl: dict, writer: Writer, chain: Chain, ids: dict) -> None:
        self.n, self.tpl, self.writer, self.chain, self.ids = n, tpl, writer, chain, ids
        self.org = tpl["organisation_id"]
        self.rng = random.Random(21)
        self.step = SPAN / n
        self.meetings: dict[int, list[dict]] = {}  # body -> its meetings in time order
        self.agenda: dict[int, list[tuple]] = {}  # meeting id -> its items
        self.people: dict[str, list[tuple[int, str]]] = {}
        self.bodies: list[int] = []
        self.pending_meetings: list[dict] = []

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def person(self, role: str, k: int) -> tuple[int, str]:
        people = self.people[role]
        return people[k % len(people)]

    def event(self, at, who, action, otype, oid, changes, transition=None, via="web") -> None:
        rng = self.rng
        if who is None:
            actor, address, request = ("system", None, "system"), None, None
        else:
            actor = ("token" if via == "token" else "user", who[0], who[1])
            address = f"10.{who[0] % 200}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            request = f"{rng.getrandbits(128):032x}"
        self.chain.push(
            Event(
                at=at,
                organisation_id=self.org,
                actor_type=actor[0],
                actor_id=actor[1],
                actor_name=actor[2],
                action=action,
                object_type=otype,
                object_id=oid,
                changes=changes,
                transition=transition,
                request_id=request,
                client_address=address,
            )
        )


def setup_people(world: World) -> None:
    """Some 400 people in their roles, and bodies and meetings for the generated years."""
    tpl, rng, w = world.tpl, world.rng, world.writer
    counts = {"preparer": max(20, world.n // 300), "reviewer": 30, "secretary": 8, "auditor": 4}
    people: dict[str, list[tuple[int, str]]] = {r: [] for r in counts}
    for key in ("preparer", "reviewer", "secretary", "auditor"):
        people[key].append(tpl["users"][key])
    at = START - timedelta(days=20)
    for role, count in counts.items():
        for k in range(count):
            uid = world.next_id("users")
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            email = f"{role}{k}.{uid}@bench.example"
            w.add(
                "users",
                {
                    "id": uid,
                    "organisation_id": world.org,
                    "email": email,
                    "name": name,
                    "password_hash": tpl["password_hash"],
                    "preferred_language": rng.choice(("fi", "fi", "fi", "sv", None)),
                    "active": True,
                    "created_at": at,
                },
            )
            w.add("user_roles", {"user_id": uid, "role": role})
            people[role].append((uid, name))
            world.event(
                at,
                None,
                "user.created",
                "user",
                uid,
                [
                    {"field": "email", "new": email, "old": None},
                    {"field": "name", "new": name, "old": None},
                    {"field": "roles", "new": [role], "old": None},
                ],
            )
            at += timedelta(minutes=3)
    world.people = people
    bodies = list(tpl["bodies"])
    # A large organisation has more boards and divisions: some 25 items on an agenda
    # whatever N is, as real agendas have, so that a meeting's events (which a timeline
    # reads) do not grow with the database.
    more = list(MORE_BODIES)
    for k in range(len(bodies) + len(more), world.n // 2500):
        more.append((f"division_{k}", "division", f"Jaosto {k}", f"Sektion {k}"))
    for key, kind, fi, sv in more:
        bid = world.next_id("bodies")
        w.add(
            "bodies",
            {
                "id": bid,
                "organisation_id": world.org,
                "key": key,
                "kind": kind,
                "name_fi": fi,
                "name_sv": sv,
                "active": True,
            },
        )
        bodies.append(bid)
    world.bodies = bodies
    # Every body meets every two weeks, from the first month on; a small organisation's
    # bodies seldom have an assessed decision, so they meet less often here.
    agendas = 0.85 * world.n / ITEMS_PER_MEETING
    days = max(14.0, (SPAN.days / 14) * len(bodies) * 14 / agendas)
    for b, bid in enumerate(bodies):
        every = timedelta(days=days)
        when = START + timedelta(days=30 + b, hours=8)
        number, year = 100, when.year
        schedule = []
        while when < END + timedelta(days=60):
            if when.year != year:
                number, year = 100, when.year
            mid = world.next_id("meetings")
            state = (
                "minutes_approved"
                if when + timedelta(days=14) < END
                else "held"
                if when < END
                else "published"
                if when - timedelta(days=5) < END
                else "planned"
            )
            row = {
                "id": mid,
                "organisation_id": world.org,
                "body_id": bid,
                "number": number,
                "year": year,
                "starts_at": when,
                "place": f"{rng.choice(PLACES)}, kokoushuone {1 + mid % 4}",
                "place_sv": "",
                "state": state,
                "published_at": when - timedelta(days=5) if state != "planned" else None,
                "cancelled_at": None,
                "cancel_reason": "",
                "created_at": when - timedelta(days=30),
                "version": 1,
            }
            w.add("meetings", row)
            schedule.append(row)
            world.agenda[mid] = []
            number, when = number + 1, when + every
        world.meetings[bid] = schedule
    world.pending_meetings = sorted(
        (m for ms in world.meetings.values() for m in ms), key=lambda m: m["starts_at"]
    )


def finish_meetings(world: World, before: datetime | None) -> None:
    """The meetings that start before ``before``: their own events, whose contents (the
    items, the documents) are known once no later life can join their agendas."""
    secretary = world.people["secretary"]
    while world.pending_meetings and (
        before is None or world.pending_meetings[0]["starts_at"] < before
    ):
        m = world.pending_meetings.pop(0)
        mid, start, who = m["id"], m["starts_at"], secretary[m["body_id"] % len(secretary)]
        world.event(
            start - timedelta(days=30),
            who,
            "meeting.created",
            "meeting",
            mid,
            [
                {
                    "field": "meeting",
                    "old": None,
                    "new": {
                        "body": m["body_id"],
                        "number": m["number"],
                        "place": m["place"],
                        "place_sv": "",
                        "starts_at": start.isoformat(),
                        "year": m["year"],
                    },
                }
            ],
        )
        items = world.agenda[mid]
        if m["state"] == "planned":
            continue
        world.event(
            start - timedelta(days=5),
            who,
            "meeting.published",
            "meeting",
            mid,
            [
                {"field": "state", "old": "planned", "new": "published"},
                {
                    "field": "items",
                    "old": None,
                    "new": [
                        {"position": pos, "case_number": case, "documents": docs}
                        for pos, case, docs, _ in items
                    ],
                },
            ],
        )
        if m["state"] == "published":
            continue
        world.event(
            start + timedelta(hours=3),
            who,
            "meeting.state_changed",
            "meeting",
            mid,
            [{"field": "state", "old": "published", "new": "held"}],
        )
        if m["state"] == "minutes_approved":
            world.event(
                start + timedelta(days=14),
                who,
                "meeting.state_changed",
                "meeting",
                mid,
                [{"field": "state", "old": "held", "new": "minutes_approved"}],
            )


def _flag(world: World, rule: str, severity: str, status: str, **subject) -> dict:
    base = world.tpl["flags"].get(rule) or world.tpl["flags"]["consultation_required"]
    flag = {
        "id": f"{world.rng.getrandbits(48):012x}",
        "rule": rule,
        "severity": severity,
        **subject,
        "message": base["message"],
        "resolve": base.get("resolve"),
        "basis": base.get("basis"),
        "status": status,
    }
    return flag


def _answers(world: World, i: int, full: bool):
    """The assessment's answers: its scope, cells, flags (with their statuses later)."""
    rng = world.rng
    tpl = world.tpl["full" if full else "light"]
    groups = rng.sample(GROUPS, rng.choice((1, 2, 2, 3, 3, 4)))
    dims = rng.sample(DIMENSIONS, rng.choice((1, 1, 2, 2, 3)))
    # A light assessment has one alternative, the proposal, and no alternatives section.
    alternatives = sorted({c["alternative"] for c in tpl["impacts"]})
    zero = {a["id"] for a in tpl.get("alternatives", []) if a.get("zero_option")}
    cell_tpl = next(c for c in tpl["impacts"] if c.get("direction")) if tpl["impacts"] else {}
    cells, negative = [], set()
    for alt in alternatives:
        for g in groups:
            for d in dims:
                direction = rng.choice(
                    ("negative", "negative", "positive", "neutral", "neutral", None)
                )
                if alt in zero:
                    direction = rng.choice((None, "neutral"))
                cell = dict(
                    cell_tpl,
                    alternative=alt,
                    group=g,
                    dimension=d,
                    direction=direction,
                    magnitude=rng.choice(("minor", "moderate", "major"))
                    if direction in ("negative", "positive")
                    else None,
                    likelihood=rng.choice(("possible", "likely", "certain")) if direction else None,
                )
                if direction == "negative" and alt not in zero:
                    negative.add(g)
                cells.append(cell)
    data = dict(tpl)
    data["screening"] = dict(
        tpl["screening"], level="full" if full else "light", recommended_level="full"
    )
    data["answers"] = dict(tpl["answers"], groups_in_scope=groups, dimensions_in_scope=dims)
    data["impacts"] = cells
    flags = []
    for cell in cells:
        if (
            cell["direction"] == "negative"
            and cell["magnitude"] != "minor"
            and cell["group"] in VULNERABLE
        ):
            flags.append(
                (
                    "serious_negative_effect",
                    "high",
                    {
                        "group": cell["group"],
                        "dimension": cell["dimension"],
                        "alternative": cell["alternative"],
                    },
                )
            )
    if rng.random() < 0.5:
        flags.append(("consultation_required", "medium", {"field": "hearings.client_panel"}))
    if rng.random() < 0.3:
        flags.append(("translation_missing", "high", {"field": "translations.sv"}))
    for rule, p in (
        ("no_follow_up", 0.4),
        ("plan_not_considered", 0.4),
        ("single_alternative", 0.2 if full else 0.0),
        ("missing_mitigation", 0.2),
        ("late_assessment", 0.1),
        ("cumulative_burden", 0.1),
        ("unequal_distribution", 0.1),
        ("no_cost_estimate", 0.15),
    ):
        if rng.random() < p:
            flags.append((rule, "medium", {"field": rule}))
    return data, flags, negative


def life(world: World, i: int) -> None:
    """One decision and its assessment, from the decision's creation to wherever the
    workflow has got by the end of the generated years."""
    rng, w, tpl = world.rng, world.writer, world.tpl
    start = START + world.step * i + timedelta(seconds=rng.randrange(600))
    preparer = world.person("preparer", rng.randrange(10**6))
    reviewer = world.person("reviewer", rng.randrange(10**6))
    via = "token" if rng.random() < 0.15 else "web"
    body = rng.choice(world.bodies)
    dtype = rng.choice(tpl["types"])
    language = "sv" if rng.random() < 0.1 else "fi"
    did, aid = world.next_id("decisions"), world.next_id("assessments")
    case = f"KPHA/{1000 + i}/{start.year}"
    title = f"{TOPICS[i % len(TOPICS)].capitalize()}: {rng.choice(PLACES)} ({i})"
    full = rng.random() < 0.45
    kind = rng.random()
    screened_out = kind < 0.08
    withdrawn = 0.08 <= kind < 0.11
    stalls_at = rng.choice(("draft", "screening", "in_assessment")) if kind > 0.97 else None
    returned = rng.random() < 0.2
    t = start

    def later(hours: float) -> datetime:
        nonlocal t
        t = t + timedelta(hours=hours * (0.5 + rng.random()))
        return t

    w.add(
        "decisions",
        {
            "id": did,
            "organisation_id": world.org,
            "case_number": case,
            "title": title,
            "language": language,
            "body_id": body,
            "preparer_id": preparer[0],
            "proposal": tpl["full"]["summary"]["fi"][:200],
            "translations": {},
            "decision_type_id": dtype,
            "amount_eur": rng.choice((None, None, 50_000, 250_000, 1_200_000)),
            "created_at": start,
            "updated_at": start,
            "version": 1,
        },
    )
    world.event(
        t,
        preparer,
        "decision.created",
        "decision",
        did,
        [
            {"field": "case_number", "new": case, "old": None},
            {"field": "title", "new": title, "old": None},
            {"field": "language", "new": language, "old": None},
            {"field": "proposal", "new": tpl["full"]["summary"]["fi"][:200], "old": None},
            {"field": "body", "new": body, "old": None},
            {"field": "decision_type", "new": tpl["type_keys"][dtype], "old": None},
            {"field": "amount_eur", "new": None, "old": None},
            {"field": "translations", "new": {}, "old": None},
        ],
        via=via,
    )
    created = [
        dict(c, new=did) if c["field"] == "decision" else c for c in tpl["assessment_created"]
    ]
    world.event(later(2), preparer, "assessment.created", "assessment", aid, created, via=via)

    data, flag_specs, negative = _answers(world, i, full)
    state, workflow = "draft", "eva-standard"
    revisions: list[tuple[int, str, str, datetime, tuple, str]] = []
    stage_data = {"draft": {}, "screening": {"screening": data["screening"]}}
    flags: list[dict] = []
    version = 1
    documents: list[tuple] = []
    changed_after_publication = None
    comments = 0

    def transition(trigger: str, dest: str, who, extra: list | None = None) -> bool:
        nonlocal state, version
        at = later(1)
        if at > END:
            return False
        seq = len(revisions) + 1
        changes = [{"field": "state", "new": dest, "old": state}] + (extra or [])
        world.event(
            at,
            who,
            "assessment.transition",
            "assessment",
            aid,
            changes,
            {"from": state, "revision": seq, "to": dest, "trigger": trigger},
            via=via if who is preparer else "web",
        )
        revisions.append((seq, dest, trigger, at, who, state))
        state, version = dest, version + 1
        return True

    def save(changes: list, hours: float = 3) -> bool:
        nonlocal version
        at = later(hours)
        if at > END:
            return False
        world.event(at, preparer, "assessment.answers_saved", "assessment", aid, changes, via=via)
        version += 1
        return True

    def lived() -> None:
        nonlocal comments, workflow
        if stalls_at == "draft" or not transition("start_screening", "screening", preparer):
            return
        if not save(
            [
                {"field": f"screening.answers.{k}", "new": v, "old": None}
                for k, v in sorted(data["screening"]["answers"].items())
            ]
            + [{"field": "screening.level", "new": data["screening"]["level"], "old": None}],
            24,
        ):
            return
        if stalls_at == "screening":
            return
        if screened_out:
            if not transition("propose_screen_out", "screen_out_proposed", preparer):
                return
            if not transition("confirm_screen_out", "screened_out", reviewer):
                return
            on_agenda()
            return
        extra = (
            [{"field": "workflow", "new": "eva-light@1", "old": "eva-standard@1"}]
            if not full
            else []
        )
        if not transition("start_assessment", "in_assessment", preparer, extra):
            return
        if not full:
            workflow = "eva-light"
        a = data["answers"]
        steps = [
            [
                {
                    "field": "answers.dimensions_in_scope",
                    "new": a["dimensions_in_scope"],
                    "old": None,
                },
                {"field": "answers.groups_in_scope", "new": a["groups_in_scope"], "old": None},
                {"field": "answers.time_horizons", "new": a.get("time_horizons"), "old": None},
            ],
            [{"field": "answers.sources", "new": a.get("sources"), "old": None}],
            [{"field": "hearings", "new": data["hearings"], "old": None}],
        ]
        if full:
            steps.append([{"field": "alternatives", "new": data["alternatives"], "old": None}])
        cells = data["impacts"]
        parts = max(1, min(2, len(cells) // 4))
        for k in range(parts):
            old = cells[: len(cells) * k // parts]
            steps.append(
                [{"field": "impacts", "new": cells[: len(cells) * (k + 1) // parts], "old": old}]
            )
        steps += [
            [
                {"field": "indicators", "new": data["indicators"], "old": None},
                {"field": "plan_links", "new": data.get("plan_links"), "old": None},
            ],
            [{"field": "summary.fi", "new": data["summary"]["fi"], "old": None}],
        ]
        # Flags appear with the saves that raise them.
        for n, (rule, severity, subject) in enumerate(flag_specs):
            flag = _flag(world, rule, severity, "open", **subject)
            flags.append(flag)
            steps[min(len(steps) - 1, 2 + n % (len(steps) - 2))].append(
                {
                    "field": f"flags.{flag['id']}",
                    "message": flag["message"],
                    "new": "open",
                    "old": None,
                    "rule": rule,
                    "severity": severity,
                }
            )
        for changes in steps:
            if not save(changes, 20):
                return
        if stalls_at == "in_assessment":
            return
        # What the preparer fixed: medium flags of the answers resolve.
        for flag in flags:
            if flag["severity"] == "medium" and rng.random() < 0.6:
                flag["status"] = "resolved"
        if not transition("submit", "in_review", preparer):
            return
        if returned:
            comments += 1
            cid = world.next_id("assessment_comments")
            text = "Tarkenna vaikutuksia ryhmään " + a["groups_in_scope"][0] + "."
            at = later(20)
            if at > END:
                return
            w.add(
                "assessment_comments",
                {
                    "id": cid,
                    "assessment_id": aid,
                    "section": "impacts",
                    "author_id": reviewer[0],
                    "body": text,
                    "created_at": at,
                },
            )
            world.event(
                at,
                reviewer,
                "assessment.commented",
                "assessment",
                aid,
                [
                    {
                        "field": "comments.impacts",
                        "old": None,
                        "new": text,
                        "comment": cid,
                        "revision": len(revisions),
                    }
                ],
            )
            if not transition("return_for_revision", "in_assessment", reviewer):
                return
            if not save([{"field": "impacts", "new": cells, "old": cells[:-1]}], 30):
                return
            if not transition("submit", "in_review", preparer):
                return
        for flag in flags:
            if flag["severity"] == "high" and flag["status"] == "open":
                at = later(2)
                if at > END:
                    return
                comment = "Vaikutus on punnittu esityksessä; lievennykset on kirjattu."
                flag["status"] = "acknowledged"
                flag["acknowledged"] = {
                    "by": reviewer[0],
                    "name": reviewer[1],
                    "at": at.isoformat(timespec="seconds"),
                    "comment": comment,
                }
                world.event(
                    at,
                    reviewer,
                    "assessment.flag_acknowledged",
                    "assessment",
                    aid,
                    [
                        {
                            "comment": comment,
                            "field": f"flags.{flag['id']}",
                            "message": flag["message"],
                            "new": "acknowledged",
                            "old": "open",
                            "rule": flag["rule"],
                            "severity": "high",
                        }
                    ],
                )
        if not transition("approve", "approved", reviewer):
            return
        seq = len(revisions)
        for language_ in ("fi", "sv"):
            at = later(0.02)
            docid = world.next_id("documents")
            content = f"placeholder {aid}-{seq}-{language_}".encode()
            sha = hashlib.sha256(content).hexdigest()
            reference = f"EVA-{aid}-{seq}-{language_.upper()}"
            documents.append((docid, seq, language_, reference, sha, content, at))
            world.event(
                at,
                reviewer,
                "assessment.document_generated",
                "assessment",
                aid,
                [
                    {
                        "field": f"documents.{language_}",
                        "new": {
                            "id": docid,
                            "reference": reference,
                            "revision": seq,
                            "sha256": sha,
                        },
                        "old": None,
                    }
                ],
            )
        for docid, _, language_, reference, _, content, _ in documents:
            at = later(0.05)
            pdf_sha = hashlib.sha256(content + b"pdf").hexdigest()
            world.event(
                at,
                reviewer,
                "assessment.document_pdf",
                "assessment",
                aid,
                [
                    {
                        "field": f"documents.{language_}.pdf",
                        "new": {"id": docid, "reference": reference, "sha256": pdf_sha},
                        "old": None,
                    }
                ],
            )
        on_agenda()

    def on_agenda() -> None:
        """The next meeting of the body that is at least eight days away."""
        nonlocal changed_after_publication, t
        meeting = next(
            (m for m in world.meetings[body] if m["starts_at"] >= t + timedelta(days=8)), None
        )
        if meeting is None or meeting["starts_at"] - timedelta(days=6) > END:
            return
        mid, starts = meeting["id"], meeting["starts_at"]
        position = len(world.agenda[mid]) + 1
        secretary = world.person("secretary", body)
        item_id = world.next_id("agenda_items")
        added = min(t + timedelta(days=1), starts - timedelta(days=6))
        world.event(
            added,
            secretary,
            "meeting.item_added",
            "meeting",
            mid,
            [
                {
                    "field": f"items.{position}",
                    "new": {"case_number": case, "decision": did},
                    "old": None,
                }
            ],
        )
        docs = [
            {
                "document": d[0],
                "item": position,
                "kind": "assessment",
                "reference": d[3],
                "sha256": d[4],
            }
            for d in documents
        ]
        if docs:
            world.event(
                added + timedelta(minutes=5),
                secretary,
                "meeting.documents_attached",
                "meeting",
                mid,
                [{"field": "documents", "new": docs, "old": None}],
            )
        outcome = rng.choice(OUTCOMES) if meeting["state"] in ("held", "minutes_approved") else None
        world.agenda[mid].append((position, case, [d["reference"] for d in docs], item_id))
        pending_items.append((item_id, mid, position, outcome, starts, secretary))
        if rng.random() < 0.03 and state == "approved" and starts - timedelta(days=2) < END:
            # A change while the agenda was out: the return to preparation and back.
            at = starts - timedelta(days=4)
            changed_after_publication = at
            world.event(
                at,
                preparer,
                "assessment.answers_saved",
                "assessment",
                aid,
                [
                    {
                        "field": "summary.fi",
                        "new": data["summary"]["fi"] + " Täsmennetty.",
                        "old": data["summary"]["fi"],
                    }
                ],
            )
        if outcome is None:
            return
        at = starts + timedelta(hours=2, minutes=position)
        world.event(
            at,
            secretary,
            "meeting.outcome_recorded",
            "meeting",
            mid,
            [
                {
                    "field": f"items.{position}.outcome",
                    "old": None,
                    "new": outcome,
                    "case_number": case,
                    "note": "",
                }
            ],
        )
        t = at
        if outcome in ("approved", "approved_amended"):
            if transition("record_decision", "decided", secretary) and rng.random() < 0.3:
                transition("start_follow_up", "follow_up", reviewer)
        elif outcome == "returned":
            transition("return_for_preparation", "in_assessment", secretary)

    pending_items: list[tuple] = []
    if withdrawn:
        lived_until = rng.choice(("draft", "screening"))
        if lived_until == "screening":
            transition("start_screening", "screening", preparer)
        transition("withdraw", "withdrawn", preparer)
    else:
        lived()
    if rng.random() < 0.3 and state not in ("draft",):
        auditor = world.person("auditor", i)
        at = later(24 * 30)
        if at <= END:
            world.event(
                at,
                auditor,
                "access.history_viewed",
                "assessment",
                aid,
                [{"field": "language", "old": None, "new": "fi"}],
            )

    # The rows as the life left them.
    level = (
        None if state in ("draft",) else ("none" if screened_out else ("full" if full else "light"))
    )
    final = (
        dict(data, flags=flags)
        if len(revisions) > 2
        else stage_data.get("screening" if revisions else "draft", {})
    )
    if screened_out:
        final = {"screening": dict(data["screening"], level="none")}
    final_json = json.dumps(final, ensure_ascii=False)
    w.add(
        "assessments",
        {
            "id": aid,
            "organisation_id": world.org,
            "decision_id": did,
            "active": state != "withdrawn",
            "workflow_key": workflow,
            "workflow_version": 1,
            "form_key": "iva",
            "form_version": 1,
            "state": state,
            "data": Raw(final_json),
            "prepared_by_id": preparer[0],
            "last_edited_by_id": preparer[0],
            "created_at": start,
            "updated_at": min(t, END),
            "version": version,
            "policy_version_id": tpl["policy_version"],
            "policy": tpl["policy"],
            "reviewer_id": reviewer[0] if len(revisions) > 3 else None,
            "level": level,
            "changed_after_publication_at": changed_after_publication,
        },
    )
    last_full = len(revisions)
    for seq, dest, trigger, at, who, _ in revisions:
        stage = final if seq > 2 else stage_data["draft" if seq == 1 else "screening"]
        snapshot = {
            "assessment": aid,
            "revision": seq,
            "state": dest,
            "workflow": {"key": workflow, "version": 1},
            "form": {"key": "iva", "version": 1},
            "decision": {
                "id": did,
                "case_number": case,
                "title": title,
                "language": language,
                "body": {"id": body},
                "proposal": "",
                "translations": {},
            },
            "prepared_by": {"id": preparer[0], "name": preparer[1]},
            "transition": {"trigger": trigger},
            "by": {"id": who[0], "name": who[1]},
            "at": at.isoformat(timespec="seconds"),
        }
        if seq > 2 and (seq == last_full or not LEAN):
            text = json.dumps(snapshot, ensure_ascii=False)
            snapshot_value: Any = Raw(f'{text[:-1]}, "data": {final_json}}}')
        else:
            snapshot_value = dict(
                snapshot, data=stage if seq <= 2 else {"screening": data["screening"]}
            )
        w.add(
            "revisions",
            {
                "id": world.next_id("revisions"),
                "assessment_id": aid,
                "seq": seq,
                "state": dest,
                "trigger": trigger,
                "snapshot": snapshot_value,
                "sha256": hashlib.sha256(f"{aid}-{seq}".encode()).hexdigest(),
                "created_at": at,
                "created_by_id": who[0],
            },
        )
    revision_ids = {seq: world.ids["revisions"] - len(revisions) + seq for seq, *_ in revisions}
    for docid, seq, language_, reference, sha, content, at in documents:
        w.add(
            "documents",
            {
                "id": docid,
                "organisation_id": world.org,
                "assessment_id": aid,
                "decision_id": did,
                "revision_id": revision_ids[seq],
                "kind": "assessment",
                "language": language_,
                "reference": reference,
                "filename": f"{reference}.docx",
                "content": content,
                "sha256": sha,
                "size": len(content),
                "renderer_version": 3,
                "created_by_id": reviewer[0],
                "created_at": at,
                "pdf": None,
                "pdf_sha256": None,
                "pdf_created_at": None,
                "records": None,
            },
        )
    for item_id, mid, position, outcome, starts, secretary in pending_items:
        w.add(
            "agenda_items",
            {
                "id": item_id,
                "meeting_id": mid,
                "decision_id": did,
                "position": position,
                "presenter": "",
                "presenter_id": None,
                "presenter_title_fi": "",
                "presenter_title_sv": "",
                "outcome": outcome,
                "outcome_note": "",
                "outcome_at": starts + timedelta(hours=2) if outcome else None,
                "outcome_by_id": secretary[0] if outcome else None,
                "assessment_changed": changed_after_publication is not None,
            },
        )
        for docid, *_ in documents:
            w.add("agenda_item_documents", {"agenda_item_id": item_id, "document_id": docid})
    # The product's keys: the answers' facts, the state and the screening's level.
    keys = search_keys(final, state=state, level=level)
    for key in sorted(keys):
        w.add(
            "assessment_search_keys",
            {
                "id": world.next_id("assessment_search_keys"),
                "organisation_id": world.org,
                "assessment_id": aid,
                "key": key,
            },
        )


# --- the database ------------------------------------------------------------------


def _frozen_clock(at: datetime):
    """The audit log's clock set to ``at`` while the demo is made, so that the chain's
    times rise with its ids (the demo comes first)."""
    import assess.audit as audit_module

    real = audit_module.datetime

    class Clock(real):  # type: ignore[misc, valid-type]
        tick = 0

        @classmethod
        def now(cls, tz=None):
            cls.tick += 1
            return at + timedelta(seconds=cls.tick)

    audit_module.datetime = Clock  # type: ignore[misc]
    return lambda: setattr(audit_module, "datetime", real)


def generate(url: str, n: int) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from assess import create_app
    from assess.extensions import db
    from assess.models import AuditEvent
    from assess.operations.demo import load_demo
    from assess.operations.demo_plan import load_demo_plan
    from assess.operations.demo_policy import load_demo_policy
    from assess.operations.demo_scenario import load_scenario

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    started = time.perf_counter()
    with app.app_context(), app.test_request_context():
        upgrade()
        restore = _frozen_clock(DEMO_AT)
        try:
            load_demo()
            load_demo_policy()
            load_demo_plan()
            load_scenario()
        finally:
            restore()
        db.session.commit()
        tpl = _templates(db.session)
        ids = {}
        for table in (
            "users",
            "bodies",
            "meetings",
            "decisions",
            "assessments",
            "revisions",
            "documents",
            "agenda_items",
            "assessment_comments",
            "assessment_search_keys",
        ):
            ids[table] = db.session.execute(
                text(f"SELECT coalesce(max(id), 0) FROM {table}")
            ).scalar()
        dialect = db.engine.dialect.name
        db.session.close()
        raw = db.engine.raw_connection()
        try:
            if dialect == "sqlite":
                raw.execute("PRAGMA synchronous=OFF")
            writer = Writer(raw, dialect)
            chain = Chain(writer, tpl["last_id"] + 1, tpl["head"])
            world = World(n, tpl, writer, chain, ids)
            setup_people(world)
            for i in range(n):
                life(world, i)
                now = START + world.step * i
                finish_meetings(world, now)
                chain.release(now - LAG)
                writer.flush_if_full()
                if i % 5000 == 4999:
                    print(
                        f"  {i + 1} assessments, {chain.count} events, "
                        f"{time.perf_counter() - started:.0f} s",
                        file=sys.stderr,
                    )
            finish_meetings(world, None)
            chain.release(None)
            writer.flush()
        finally:
            raw.close()
        if dialect == "postgresql":
            for table in ids | {"audit_events": 0}:
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            db.session.commit()
            db.session.execute(text("COMMIT"))
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        head = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return {
        "assessments": writer.written.get("assessments", 0) + 2,
        "events": events,
        "head": head,
        "written": writer.written,
        "seconds": time.perf_counter() - started,
    }


def copy_database(source: Path, url: str) -> dict:
    """The SQLite database ``source`` (made by ``generate``) into the empty PostgreSQL
    database at ``url``, migrated first: the same rows, the same chain, at the cost of a
    copy (no answers built, nothing hashed again)."""
    import sqlite3

    from flask_migrate import upgrade
    from sqlalchemy import text

    from assess import create_app
    from assess.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with app.app_context():
        upgrade()
        tables = [t for t in db.metadata.sorted_tables]
        db.session.close()
        src = sqlite3.connect(source)
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("SET TIME ZONE 'UTC'")  # SQLite's times are UTC without an offset
            # What the migrations' own data left (the checkpoint, the seeds) is replaced.
            for table in reversed(tables):
                cur.execute(f"SELECT count(*) FROM {table.name}")
                if cur.fetchone()[0]:
                    cur.execute(f"ALTER TABLE {table.name} DISABLE TRIGGER USER")
                    cur.execute(f"DELETE FROM {table.name}")
                    cur.execute(f"ALTER TABLE {table.name} ENABLE TRIGGER USER")
            for table in tables:
                names = [c.name for c in table.columns]
                booleans = (
                    {k for k, c in enumerate(table.columns) if c.type.python_type is bool}
                    if names
                    else set()
                )
                rows = src.execute(f"SELECT {', '.join(names)} FROM {table.name}")
                n = 0
                with cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rows:
                        if booleans:
                            row = tuple(
                                (None if v is None else bool(v)) if k in booleans else v
                                for k, v in enumerate(row)
                            )
                        copy.write_row(row)
                        n += 1
                counts[table.name] = n
                raw.commit()
                if "id" in names:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"greatest(1, (SELECT coalesce(max(id), 0) FROM {table.name})))"
                    )
                print(
                    f"  {table.name}: {n} rows, {time.perf_counter() - started:.0f} s",
                    file=sys.stderr,
                )
            raw.commit()
        finally:
            raw.close()
            src.close()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    return {"rows": counts, "seconds": time.perf_counter() - started}


# --- a PostgreSQL cluster that outlives the script ---------------------------------


def start_cluster(datadir: Path, port: int) -> str:
    """A cluster in ``datadir`` on ``port`` (made on first use; fsync off: throwaway), the
    tests' start (tests/pgcluster.py) with more memory for the bulk load."""
    return pgcluster.start_cluster(datadir, port, "-c shared_buffers=512MB -c max_wal_size=4GB")


def stop_cluster(datadir: Path) -> None:
    pgcluster.stop_cluster(datadir)


def pg_url(datadir: Path, port: int, database: str, create: bool) -> str:
    import psycopg

    server = start_cluster(datadir, port)
    if create:
        admin = server.replace("postgresql+psycopg", "postgresql") + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
    return f"{server}/{database}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assessments", type=int, default=100_000)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--sqlite", type=Path, help="the database file (replaced)")
    where.add_argument("--postgresql", type=Path, help="the cluster's directory")
    where.add_argument("--stop", type=Path, help="stop the cluster in this directory")
    parser.add_argument("--database", default="audit_bench")
    parser.add_argument("--full-revisions", action="store_true")
    parser.add_argument(
        "--copy-from", type=Path, help="PostgreSQL: copy this generated SQLite database"
    )
    parser.add_argument("--port", type=int, default=54321)
    args = parser.parse_args()
    global LEAN
    LEAN = not args.full_revisions
    if args.stop:
        stop_cluster(args.stop)
        return
    if args.sqlite:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.sqlite}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{args.sqlite.resolve()}"
    else:
        url = pg_url(args.postgresql, args.port, args.database, create=True)
    if args.copy_from:
        copied = copy_database(args.copy_from, url)
        print(f"{url}: copied from {args.copy_from} in {copied['seconds']:.0f} s")
        print("  rows: " + ", ".join(f"{k} {v}" for k, v in copied["rows"].items()))
        return
    out = generate(url, args.assessments)
    print(
        f"{url}: {out['assessments']} assessments, {out['events']} events, head {out['head']}, "
        f"{out['seconds']:.0f} s"
    )
    print("  rows: " + ", ".join(f"{k} {v}" for k, v in out["written"].items()))


if __name__ == "__main__":
    main()
