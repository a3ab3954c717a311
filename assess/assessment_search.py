"""Searching across assessments (issue 21): what an assessment is found by, and the
search's filters as an address or the API's query string gives them.

Pure: no Flask, no database. The operations keep ``search_keys(data)`` in
``assessment_search_keys`` on every write and read them back in the search; the fronts
parse a request's arguments with ``parse_filters`` and show its problems (one per bad
value, naming the parameter and what would be right) instead of searching.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from .list_filters import parse_date, parse_id
from .translation import LazyText
from .translation import lazy_text as _l

# --- the keys --------------------------------------------------------------------------

FLAG = "flag:"
NEGATIVE = "negative:"
ACKNOWLEDGED_HIGH = "acknowledged_high"
STATE = "state:"
LEVEL = "level:"
LEVELS = ("none", "light", "full")
KEY_MAX = 80  # the column's length


def search_keys(
    data: Mapping[str, Any] | None, *, state: str | None = None, level: str | None = None
) -> frozenset[str]:
    """The facts of an assessment that the search filters by in the key index.

    From its stored ``data``: ``flag:<rule>`` for every stored flag (any status: a resolved
    flag was had), ``negative:<group>`` for a group with a negative cell in any alternative
    but the zero option, ``acknowledged_high`` when a high flag is acknowledged rather than
    resolved. From its columns, given as arguments: ``state:<state>`` (the workflow's state
    id) and ``level:<level>`` (``Assessment.level``: none, light or full; no key before
    screening), so that a key filter with a state or a level is answered from the key index
    alone (migration 0030). Reads the raw dict (not the typed model): the migrations run it
    over every row.
    """
    keys: set[str] = set()
    if isinstance(state, str) and state:
        keys.add(STATE + state)
    if level is not None and level in LEVELS:
        keys.add(LEVEL + level)
    if not isinstance(data, Mapping):
        return frozenset(k for k in keys if len(k) <= KEY_MAX)
    for flag in _dicts(data.get("flags")):
        rule = flag.get("rule")
        if isinstance(rule, str) and rule:
            keys.add(FLAG + rule)
        if flag.get("severity") == "high" and flag.get("status") == "acknowledged":
            keys.add(ACKNOWLEDGED_HIGH)
    zero = {a.get("id") for a in _dicts(data.get("alternatives")) if a.get("zero_option") is True}
    for cell in _dicts(data.get("impacts")):
        group = cell.get("group")
        if (
            cell.get("direction") == "negative"
            and cell.get("alternative") not in zero
            and isinstance(group, str)
            and group
        ):
            keys.add(NEGATIVE + group)
    return frozenset(k for k in keys if len(k) <= KEY_MAX)


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


# --- the filters -------------------------------------------------------------------------

TEXT_MAX = 200
YEARS = (1900, 2999)
TRUE, FALSE = "true", "false"
# The sort orders: name -> what it sorts by; "-" first is the same, descending.
SORTS = ("started", "updated", "case_number", "title", "state", "level")
DEFAULT_SORT = "-started"
# The parameters of the contract, in its order (the API's and the page's names).
PARAMETERS = (
    "q",
    "body",
    "state",
    "level",
    "from",
    "to",
    "preparer",
    "reviewer",
    "flag",
    "negative_group",
    "changed_after_publication",
    "acknowledged_high",
)


@dataclass(frozen=True)
class SearchFilters:
    """What the search is narrowed to; None (or "") is "any"."""

    q: str = ""
    body: int | None = None
    state: str | None = None
    level: str | None = None
    date_from: date | None = None  # "from": the day the assessment started, in Finland
    date_to: date | None = None  # "to"
    preparer: int | None = None
    reviewer: int | None = None
    flag: str | None = None
    negative_group: str | None = None
    changed_after_publication: bool | None = None
    acknowledged_high: bool | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, "") for f in fields(self))

    def query_args(self) -> dict[str, str]:
        """The filters as the query string carries them (for links and exports)."""
        out: dict[str, str] = {}
        for name in PARAMETERS:
            value = getattr(self, _ATTRIBUTE.get(name, name))
            if value in (None, ""):
                continue
            if isinstance(value, bool):
                out[name] = TRUE if value else FALSE
            elif isinstance(value, date):
                out[name] = value.isoformat()
            else:
                out[name] = str(value)
        return out


_ATTRIBUTE = {"from": "date_from", "to": "date_to"}


@dataclass(frozen=True)
class SearchChoices:
    """What the values may be: the organisation's bodies and people, the loaded processes'
    states, the flag rules and the groups."""

    bodies: Collection[int]
    states: Collection[str]
    people: Collection[int]
    flags: Collection[str]
    groups: Collection[str]


@dataclass(frozen=True)
class ParsedSearch:
    filters: SearchFilters
    sort: str = DEFAULT_SORT
    # The parameter's name -> what was wrong with it and what would be right.
    problems: dict[str, LazyText] = field(default_factory=dict)


def parse_filters(args: Mapping[str, str], choices: SearchChoices) -> ParsedSearch:
    """The search's filters and sort in ``args`` (a query string's first values)."""
    values: dict[str, Any] = {}
    problems: dict[str, LazyText] = {}

    def given(name: str) -> str:
        return (args.get(name) or "").strip()

    if q := given("q"):
        if len(q) > TEXT_MAX:
            problems["q"] = _l(
                "q: the search text has %(given)d characters; at most %(max)d are searched. "
                "Shorten it.",
                given=len(q),
                max=TEXT_MAX,
            )
        else:
            values["q"] = q
    for name, allowed in (
        ("state", choices.states),
        ("level", LEVELS),
        ("flag", choices.flags),
        ("negative_group", choices.groups),
    ):
        if not (value := given(name)):
            continue
        if value in allowed:
            values[name] = value
        else:
            problems[name] = _l(
                "%(name)s: %(given)s is not one of its values. Give one of: %(allowed)s.",
                name=name,
                given=repr(value[:40]),
                allowed=_listed(allowed),
            )
    for name, ids in (
        ("body", choices.bodies),
        ("preparer", choices.people),
        ("reviewer", choices.people),
    ):
        if not (value := given(name)):
            continue
        number = parse_id(value)
        if number is not None and number in ids:
            values[name] = number
        else:
            problems[name] = _l(
                "%(name)s: %(given)s is not the id of a %(what)s of your organisation. Give "
                "one of their ids (a whole number).",
                name=name,
                given=repr(value[:40]),
                what=_l("deciding body") if name == "body" else _l("person"),
            )
    for name in ("from", "to"):
        if not (value := given(name)):
            continue
        day = parse_date(value)
        if day is None or not YEARS[0] <= day.year <= YEARS[1]:
            problems[name] = _l(
                "%(name)s: %(given)s is not a date. Give the date as year-month-day, for "
                "example 2026-03-31.",
                name=name,
                given=repr(value[:40]),
            )
        else:
            values[_ATTRIBUTE[name]] = day
    start, end = values.get("date_from"), values.get("date_to")
    if start is not None and end is not None and end < start:
        del values["date_to"]
        problems["to"] = _l(
            "to: the end date %(end)s is before the start date %(start)s. Give an end date on "
            "or after the start date.",
            end=end.isoformat(),
            start=start.isoformat(),
        )
    for name in ("changed_after_publication", "acknowledged_high"):
        if not (value := given(name)):
            continue
        if value.lower() in (TRUE, FALSE):
            values[name] = value.lower() == TRUE
        else:
            problems[name] = _l(
                "%(name)s: %(given)s is neither true nor false. Give true or false.",
                name=name,
                given=repr(value[:40]),
            )
    sort = given("sort") or DEFAULT_SORT
    if sort.removeprefix("-") not in SORTS:
        problems["sort"] = _l(
            "sort: %(given)s is not a sort order. Give one of: %(allowed)s (a minus sign first "
            "for descending).",
            given=repr(sort[:40]),
            allowed=", ".join(SORTS),
        )
        sort = DEFAULT_SORT
    return ParsedSearch(SearchFilters(**values), sort, problems)


def _listed(allowed: Collection[str], most: int = 30) -> str:
    items = sorted(allowed)
    return ", ".join(items[:most]) + (", …" if len(items) > most else "")


LEVEL_LABELS = {
    "none": _l("No assessment needed"),
    "light": _l("Light assessment"),
    "full": _l("Full assessment"),
}


def level_label(level: str | None, language: str) -> str | None:
    label = LEVEL_LABELS.get(level or "")
    return label.render(language) if label is not None else None


# The flag rules' names for people (the rules' ids are in ``flags.RULES``).
FLAG_RULE_LABELS = {
    "serious_negative_effect": _l("Serious negative effect"),
    "missing_mitigation": _l("Negative effect without mitigation"),
    "unequal_distribution": _l("Effects fall unequally on groups"),
    "single_alternative": _l("Only one alternative"),
    "unknown_without_plan": _l("Unknown effect without a follow-up plan"),
    "no_follow_up": _l("No follow-up planned"),
    "cumulative_burden": _l("Cumulative burden on a group"),
    "late_assessment": _l("Assessment made late"),
    "screening_override": _l("Lower level than the screening recommends"),
    "unsupported_no_impact": _l("No impact claimed without grounds"),
    "no_cost_estimate": _l("No cost estimate"),
    "consultation_required": _l("A council must be heard"),
    "late_statement": _l("Statement arrived late"),
    "plan_not_considered": _l("Wellbeing plan not considered"),
    "implied_group_out_of_scope": _l("Implied group left out of scope"),
    "translation_missing": _l("Translation missing"),
}


def flag_rule_label(rule: str, language: str) -> str:
    label = FLAG_RULE_LABELS.get(rule)
    return label.render(language) if label is not None else rule.replace("_", " ")
