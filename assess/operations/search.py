"""Search across an organisation's assessments (issue 21), for reviewers, auditors and
admins: one page of rows and the total, filtered as ``assessment_search.parse_filters``
read the address, sorted.

Fast on a large database by construction: every filter is a column of ``assessments`` or
``decisions`` or a key of ``assessment_search_keys`` (``search_index`` keeps them on
every write), each behind an index that starts with the organisation; nothing reads an
assessment's JSON. The text ``q`` is a substring of the case number or title, found in a
trigram index (models/decision_text.py). The count stops at ``COUNT_CAP``: no read grows
with the matches (docs/audit.md).
Reads only; the fronts call it inside ``reading()`` and record an export themselves with
``access_log.record_access``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, func, literal_column, or_, select, table
from sqlalchemy.orm import aliased

from ..assessment_search import (
    ACKNOWLEDGED_HIGH,
    DEFAULT_SORT,
    FLAG,
    LEVEL,
    NEGATIVE,
    SORTS,
    STATE,
    SearchChoices,
    SearchFilters,
    flag_rule_label,
    level_label,
)
from ..extensions import db
from ..flags import RULES
from ..i18n import lazy_text as _l
from ..list_filters import Page
from ..models import Assessment, AssessmentSearchKey, Body, Decision, Organisation, User
from .context import HELSINKI, forms, workflows
from .errors import Forbidden

SEARCH_ROLES = ("reviewer", "auditor", "admin")
PER_PAGE_MAX = 100


@dataclass(frozen=True)
class SearchRow:
    """One assessment as the search shows and exports it: ids and the names they stand for."""

    assessment_id: int
    decision_id: int
    case_number: str
    title: str
    decision_language: str
    body_id: int
    body_name_fi: str
    body_name_sv: str
    state: str
    workflow_key: str
    workflow_version: int
    level: str | None
    active: bool
    preparer_id: int
    preparer_name: str
    reviewer_id: int | None
    reviewer_name: str | None
    started_at: datetime
    updated_at: datetime
    changed_after_publication_at: datetime | None
    keys: frozenset[str]

    @property
    def flag_rules(self) -> list[str]:
        return sorted(k.removeprefix(FLAG) for k in self.keys if k.startswith(FLAG))

    @property
    def negative_groups(self) -> list[str]:
        return sorted(k.removeprefix(NEGATIVE) for k in self.keys if k.startswith(NEGATIVE))

    @property
    def acknowledged_high(self) -> bool:
        return ACKNOWLEDGED_HIGH in self.keys

    def body_name(self, language: str) -> str:
        return (self.body_name_sv if language == "sv" else self.body_name_fi) or self.body_name_fi


# The query's columns, in the order of SearchRow's fields (its last, the keys, read apart).
_COLUMNS = [f.name for f in fields(SearchRow)][:-1]


# A search counts at most this many: past it, "more than 1,000" (docs/api.md, ``total``), so
# that no count's time grows with the matches on a large organisation.
COUNT_CAP = 1000


def may_search(user: User) -> bool:
    return user.has_role(*SEARCH_ROLES)


def _check(user: User) -> None:
    if not may_search(user):
        raise Forbidden(
            _l("Only reviewers, auditors and administrators can search across assessments.")
        )


def choices(user: User) -> SearchChoices:
    """What the filters' values may be in ``user``'s organisation."""
    org = user.organisation_id
    return SearchChoices(
        bodies=set(db.session.scalars(select(Body.id).where(Body.organisation_id == org))),
        states={s for engine in workflows() for s in engine.definition.states},
        people=set(db.session.scalars(select(User.id).where(User.organisation_id == org))),
        flags=set(RULES),
        groups={g.id for form in forms() for g in form.groups},
    )


def search(
    user: User,
    filters: SearchFilters,
    *,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """The ``page``-th page (from 1) of the assessments ``filters`` find (as ``SearchRow``),
    and their total, counted up to ``COUNT_CAP`` (``capped`` when more were found)."""
    _check(user)
    if page < 1 or not 1 <= per_page <= PER_PAGE_MAX:
        raise ValueError(f"page from 1 and per_page 1..{PER_PAGE_MAX}")
    org = user.organisation_id
    counted = _count(org, filters)
    total, capped = min(counted, COUNT_CAP), counted > COUNT_CAP
    walk = _walk(filters, sort, counted)
    # Few matches of a text: start from them (the text index) and sort them; many: walk the
    # sort order's index, as for the other filters.
    conditions, needs_decision = _conditions(
        org, filters, walk=walk, from_text=counted <= COUNT_CAP
    )
    # One row more than the page: whether a next page exists, which a capped count cannot say.
    # The page's ids first, then their rows: planning the filters together with the rows'
    # five joins took PostgreSQL longer than running them (10 ms against 2 at 100,000
    # assessments, 3 at 1,000: the keys' statistics), so apart each plans fast.
    found = select(Assessment.id)
    if needs_decision or sort.removeprefix("-") in _DECISION_SORTS:
        found = found.join(Decision, Decision.id == Assessment.decision_id)
    ids = list(
        db.session.scalars(
            _ordered(found.where(*conditions), sort)
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        )
    )
    rows = _rows(_ordered(_rows_query().where(Assessment.id.in_(ids)), sort)) if ids else []
    return Page(
        items=rows[:per_page],
        total=total,
        page=page,
        per_page=per_page,
        capped=capped,
        following=len(rows) > per_page,
    )


def _count(org: int, filters: SearchFilters) -> int:
    """How many ``filters`` find, up to ``COUNT_CAP`` + 1, so that its time has a bound: the
    rows are read in a stream that stops at the cap. Filtered by keys (the state and the
    level are keys too), it starts from the first key's index entries (the organisation and
    the key lead it), joins the others' in the key index alone, and the assessment's row
    only when other filters need it."""
    wanted = _wanted_keys(filters)
    if not wanted:
        conditions, needs_decision = _conditions(org, filters, from_text=True)
        found = select(Assessment.id)
        if needs_decision:
            found = found.join(Decision, Decision.id == Assessment.decision_id)
        return _capped(found.where(*conditions))
    found = _with_keys(org, wanted)
    if not _only_keys(filters):
        conditions, needs_decision = _conditions(org, _not_keys(filters), from_text=True)
        # The keys lead (SQLite would otherwise walk the organisation's assessments).
        conditions[0] = _org_unindexed(org)
        found = found.join(Assessment, Assessment.id == found.selected_columns[0])
        if needs_decision:
            found = found.join(Decision, Decision.id == Assessment.decision_id)
        found = found.where(*conditions)
    return _capped(found)


def _capped(found: Select) -> int:
    limited = found.limit(COUNT_CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(limited)) or 0


def _walk(filters: SearchFilters, sort: str, counted: int) -> bool:
    """Whether to walk the sort order's index and test each assessment's keys (EXISTS), or
    start from the keys and sort what they find (IN). Past the count's cap the matches are
    many: walking finds a page soon, starting from the keys would read and sort them all;
    under it, starting from the keys reads at most ``COUNT_CAP``. (SQLite has no statistics
    to choose so itself; PostgreSQL's planner sees both as semi-joins.)"""
    return (
        bool(_wanted_keys(filters))
        and sort.removeprefix("-") in _INDEXED_SORTS
        and counted > COUNT_CAP
    )


# The sort orders an index of (organisation_id, column, id) serves (migration 0023).
_INDEXED_SORTS = ("started", "updated")


def _wanted_keys(f: SearchFilters) -> list[str]:
    """The keys every assessment found has, the rarest kinds first (the first leads)."""
    keys = []
    if f.flag is not None:
        keys.append(FLAG + f.flag)
    if f.negative_group is not None:
        keys.append(NEGATIVE + f.negative_group)
    if f.acknowledged_high is True:
        keys.append(ACKNOWLEDGED_HIGH)
    if f.state is not None:
        keys.append(STATE + f.state)
    if f.level is not None:
        keys.append(LEVEL + f.level)
    return keys


def _not_keys(f: SearchFilters) -> SearchFilters:
    """``f`` without the filters ``_wanted_keys`` answers."""
    rest = replace(f, flag=None, negative_group=None, state=None, level=None)
    return replace(rest, acknowledged_high=None) if rest.acknowledged_high is True else rest


def _only_keys(f: SearchFilters) -> bool:
    return not _not_keys(f).active


def _with_keys(org_id: int, keys: list[str]) -> Select:
    """The ids of the organisation's assessments that have every one of ``keys``, from the
    key index alone: the first key's entries of the lookup index (organisation, key,
    assessment), each joined to the others' through the unique (assessment_id, key) one
    (SQLite) or the lookup index again, both lists in assessment order (PostgreSQL's merge
    join: without the organisation it read the commoner key's entries of the whole table in
    a hash join, 64-99 ms at 100,000 assessments instead of 4)."""
    first = aliased(AssessmentSearchKey)
    found = select(first.assessment_id).where(first.organisation_id == org_id, first.key == keys[0])
    for key in keys[1:]:
        also = aliased(AssessmentSearchKey)
        found = found.join(
            also,
            and_(
                also.assessment_id == first.assessment_id,
                also.organisation_id == org_id,
                also.key == key,
            ),
        )
    return found


def every_row(
    user: User, filters: SearchFilters, *, sort: str = DEFAULT_SORT, batch: int = 1000
) -> Iterator[SearchRow]:
    """Every row ``filters`` find, in ``sort`` order, read ``batch`` at a time (exports)."""
    _check(user)
    conditions, _ = _conditions(user.organisation_id, filters, from_text=True)
    stmt = _ordered(_rows_query().where(*conditions), sort)
    offset = 0
    while True:
        rows = _rows(stmt.limit(batch).offset(offset))
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


# --- the query -------------------------------------------------------------------------------

_Preparer = aliased(User)
_Reviewer = aliased(User)


def _rows_query() -> Select:
    return (
        select(
            Assessment.id,
            Assessment.decision_id,
            Decision.case_number,
            Decision.title,
            Decision.language,
            Decision.body_id,
            Body.name_fi,
            Body.name_sv,
            Assessment.state,
            Assessment.workflow_key,
            Assessment.workflow_version,
            Assessment.level,
            Assessment.active,
            Assessment.prepared_by_id,
            _Preparer.name,
            Assessment.reviewer_id,
            _Reviewer.name,
            Assessment.created_at,
            Assessment.updated_at,
            Assessment.changed_after_publication_at,
        )
        .join(Decision, Decision.id == Assessment.decision_id)
        .join(Body, Body.id == Decision.body_id)
        .join(_Preparer, _Preparer.id == Assessment.prepared_by_id)
        .outerjoin(_Reviewer, _Reviewer.id == Assessment.reviewer_id)
    )


def _rows(stmt: Select) -> list[SearchRow]:
    found = db.session.execute(stmt).all()
    keys: dict[int, set[str]] = defaultdict(set)
    if found:
        for assessment_id, key in db.session.execute(
            select(AssessmentSearchKey.assessment_id, AssessmentSearchKey.key).where(
                AssessmentSearchKey.assessment_id.in_([r[0] for r in found])
            )
        ):
            keys[assessment_id].add(key)
    return [
        SearchRow(**dict(zip(_COLUMNS, r, strict=True)), keys=frozenset(keys[r[0]])) for r in found
    ]


_SORT_COLUMNS: dict[str, Any] = {
    "started": Assessment.created_at,
    "updated": Assessment.updated_at,
    "case_number": Decision.case_number,
    "title": Decision.title,
    "state": Assessment.state,
    "level": Assessment.level,
}
assert set(_SORT_COLUMNS) == set(SORTS)
_DECISION_SORTS = ("case_number", "title")  # the sort orders that read the decision


def _ordered(stmt: Select, sort: str) -> Select:
    descending = sort.startswith("-")
    column = _SORT_COLUMNS.get(sort.removeprefix("-"), Assessment.created_at)
    if descending:
        return stmt.order_by(column.desc(), Assessment.id.desc())
    return stmt.order_by(column, Assessment.id)


def _conditions(
    org_id: int, f: SearchFilters, *, walk: bool = False, from_text: bool = False
) -> tuple[list, bool]:
    """The WHERE of a search, and whether it reads the decisions' columns; ``walk``: the
    keys tested per assessment (see ``_walk``), the state and the level read from its row;
    else the assessments that have every wanted key, found in the key index alone
    (``_with_keys``); ``from_text``: start from the text index's matches rather than from
    the organisation's assessments."""
    has_key = _key_exists if walk else _has_key
    wanted = [] if walk else _wanted_keys(f)
    if wanted:
        f = replace(f, state=None, level=None)
    conditions: list = [Assessment.organisation_id == org_id]
    needs_decision = False
    if f.q and _indexed_text(f.q):
        conditions.append(_text_matches(f.q))
        if from_text:
            conditions[0] = _org_unindexed(org_id)
    elif f.q:
        conditions.append(_text_like(f.q))
        needs_decision = True
    if f.body is not None:
        conditions.append(Decision.body_id == f.body)
        needs_decision = True
    if f.state is not None:
        conditions.append(Assessment.state == f.state)
    if f.level is not None:
        conditions.append(Assessment.level == f.level)
    if f.date_from is not None:
        conditions.append(Assessment.created_at >= _day_start(f.date_from))
    if f.date_to is not None:
        conditions.append(Assessment.created_at < _day_start(f.date_to + timedelta(days=1)))
    if f.preparer is not None:
        conditions.append(Assessment.prepared_by_id == f.preparer)
    if f.reviewer is not None:
        conditions.append(Assessment.reviewer_id == f.reviewer)
    if f.changed_after_publication is True:
        conditions.append(Assessment.changed_after_publication_at.is_not(None))
    elif f.changed_after_publication is False:
        conditions.append(Assessment.changed_after_publication_at.is_(None))
    if wanted:
        conditions.append(Assessment.id.in_(_with_keys(org_id, wanted)))
    else:
        if f.flag is not None:
            conditions.append(has_key(org_id, FLAG + f.flag))
        if f.negative_group is not None:
            conditions.append(has_key(org_id, NEGATIVE + f.negative_group))
        if f.acknowledged_high is True:
            conditions.append(has_key(org_id, ACKNOWLEDGED_HIGH))
    if f.acknowledged_high is False:
        conditions.append(~has_key(org_id, ACKNOWLEDGED_HIGH))
    return conditions, needs_decision


def _has_key(org_id: int, key: str):
    # IN over the lookup index (organisation, key, assessment): the planner may start from
    # the few assessments that have the key instead of walking the organisation's.
    return Assessment.id.in_(
        select(AssessmentSearchKey.assessment_id).where(
            and_(AssessmentSearchKey.organisation_id == org_id, AssessmentSearchKey.key == key)
        )
    )


def _key_exists(org_id: int, key: str):
    # Probes the unique (assessment_id, key) index once per assessment walked.
    return exists(
        select(AssessmentSearchKey.id).where(
            AssessmentSearchKey.assessment_id == Assessment.id, AssessmentSearchKey.key == key
        )
    )


def _org_unindexed(org_id: int):
    """The organisation's condition that SQLite cannot read an index for ("+ 0"), so that it
    starts from the matches of a key or a text: without statistics (no ANALYZE is run) it
    would walk the organisation's assessments and test each. PostgreSQL's planner has the
    statistics: its condition stays plain (there "+ 0" made it scan the table)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return Assessment.organisation_id + 0 == org_id
    return Assessment.organisation_id == org_id


def _indexed_text(q: str) -> bool:
    """Whether SQLite's FTS5 trigram table finds ``q`` (three characters or more)."""
    return db.session.get_bind().dialect.name == "sqlite" and len(q) >= TRIGRAM


def _text_matches(q: str):
    """``q`` in the case number or title, case folded, through SQLite's text index
    (models/decision_text.py), as a phrase: every character literal."""
    phrase = '"' + q.replace('"', '""') + '"'
    return Assessment.decision_id.in_(
        select(literal_column("rowid"))
        .select_from(table("decisions_text"))
        .where(literal_column("decisions_text").op("MATCH")(phrase))
    )


def _text_like(q: str):
    """``q`` in the case number or title, case folded: PostgreSQL's trigram indexes on
    ``lower(...)`` serve it (models/decision_text.py); on SQLite, one or two characters,
    which no trigram holds, read the organisation's decisions."""
    like = func.lower(_like(q))
    return or_(
        func.lower(Decision.case_number).like(like, escape="\\"),
        func.lower(Decision.title).like(like, escape="\\"),
    )


TRIGRAM = 3


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=HELSINKI)


# --- a row for people and programs -----------------------------------------------------------


def time_zone(user: User) -> ZoneInfo:
    """The organisation's time zone: every time a search shows or exports is in it."""
    name = db.session.scalar(
        select(Organisation.time_zone).where(Organisation.id == user.organisation_id)
    )
    try:
        return ZoneInfo(name or "Europe/Helsinki")
    except (ValueError, KeyError):
        return HELSINKI


def local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


class Words:
    """Names in ``language`` for a search's ids, and times in ``zone``: built once per
    request, used for every row."""

    def __init__(self, language: str, zone: ZoneInfo):
        self.language, self.zone = language, zone
        self._groups: dict[str, Any] = {}
        for form in forms():
            for group in form.groups:
                self._groups.setdefault(group.id, group.labels)
        self._states: dict[tuple[str, int, str], str] = {}

    def state(self, row: SearchRow) -> str:
        key = (row.workflow_key, row.workflow_version, row.state)
        if key not in self._states:
            try:
                definition = workflows().get(row.workflow_key, row.workflow_version).definition
                self._states[key] = definition.state_label(row.state, self.language) or row.state
            except (KeyError, LookupError):
                self._states[key] = row.state
        return self._states[key]

    def group(self, group_id: str) -> str:
        labels = self._groups.get(group_id)
        return labels.get(self.language) if labels is not None else group_id

    def level(self, level: str | None) -> str | None:
        return level_label(level, self.language)

    def flag(self, rule: str) -> str:
        return flag_rule_label(rule, self.language)

    def at(self, moment: datetime | None) -> datetime | None:
        return local(moment, self.zone)


def record_of(row: SearchRow, words: Words) -> dict[str, Any]:
    """The row as the API and the JSON export give it: every id with its words."""

    def at(moment: datetime | None) -> str | None:
        found = words.at(moment)
        return found.isoformat() if found is not None else None

    return {
        "id": row.assessment_id,
        "decision": row.decision_id,
        "case_number": row.case_number,
        "title": row.title,
        "language": row.decision_language,
        "body": {"id": row.body_id, "name": row.body_name(words.language)},
        "state": row.state,
        "state_label": words.state(row),
        "level": row.level,
        "level_label": words.level(row.level),
        "active": row.active,
        "preparer": {"id": row.preparer_id, "name": row.preparer_name},
        "reviewer": (
            {"id": row.reviewer_id, "name": row.reviewer_name}
            if row.reviewer_id is not None
            else None
        ),
        "started_at": at(row.started_at),
        "updated_at": at(row.updated_at),
        "changed_after_publication_at": at(row.changed_after_publication_at),
        "flags": [{"rule": r, "label": words.flag(r)} for r in row.flag_rules],
        "negative_groups": [{"id": g, "label": words.group(g)} for g in row.negative_groups],
        "acknowledged_high": row.acknowledged_high,
    }
