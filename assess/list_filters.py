"""The filters of a list page read from its address (issue 20, lists that scale).

A list's filters live in the query string so that a filtered list can be bookmarked, sent
and reloaded. What a person (or a stale bookmark) puts there is checked here, field by
field: a value that is no choice of this list, no whole number, no date or too long is
left out and named in a message that says what was given and what would be right, and the
list is shown unfiltered on that field only (never an error page for a filter).

Pure: the choices come in as arguments (the states of the loaded workflows, the
organisation's bodies and people), the messages are lazy texts rendered by the front.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .input_shape import MAX_ID
from .translation import LazyText
from .translation import lazy_text as _l

TEXT_MAX = 200  # as the decisions' search always allowed
FIELDS = ("q", "state", "body", "preparer", "reviewer", "level", "date_from", "date_to")
LEVELS = ("none", "light", "full")
# A decision without an assessment yet: a state of its own in the decisions list.
NO_ASSESSMENT = "none"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
YEARS = (1900, 2999)  # the dates a list can hold, with room; the end date's next day fits


@dataclass(frozen=True)
class Filters:
    """What a list is narrowed to; None (or "") is "any"."""

    q: str = ""
    state: str | None = None
    body: int | None = None
    preparer: int | None = None
    reviewer: int | None = None
    level: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, name) not in (None, "") for name in FIELDS)

    def query_args(self) -> dict[str, str]:
        """The filters as the query string carries them (for links to other pages)."""
        out = {}
        for name in FIELDS:
            value = getattr(self, name)
            if value not in (None, ""):
                out[name] = value.isoformat() if isinstance(value, date) else str(value)
        return out


@dataclass(frozen=True)
class Choices:
    """What this list may be filtered by: a field absent here is not read at all."""

    states: Collection[str] | None = None
    bodies: Collection[int] | None = None
    preparers: Collection[int] | None = None
    reviewers: Collection[int] | None = None
    levels: Collection[str] | None = None
    dates: bool = True
    text: bool = True


@dataclass(frozen=True)
class Parsed:
    filters: Filters
    # The field's name -> what was wrong with it (the field is then left out).
    problems: dict[str, LazyText] = field(default_factory=dict)


def parse(args: Mapping[str, str], choices: Choices) -> Parsed:
    """The filters in ``args`` (a query string's first values) that ``choices`` allow."""
    values: dict[str, object] = {}
    problems: dict[str, LazyText] = {}

    def given(name: str) -> str:
        return (args.get(name) or "").strip()

    if choices.text and (q := given("q")):
        if len(q) > TEXT_MAX:
            problems["q"] = _l(
                "The search text has %(given)d characters; at most %(max)d are searched. "
                "Shorten it and search again.",
                given=len(q),
                max=TEXT_MAX,
            )
        else:
            values["q"] = q
    for name, allowed in (("state", choices.states), ("level", choices.levels)):
        if allowed is None or not (value := given(name)):
            continue
        if value in allowed:
            values[name] = value
        else:
            problems[name] = _l(
                "%(given)s is not one of the choices of %(field)s. Choose from the list.",
                given=repr(value[:40]),
                field=_label(name),
            )
    for name, ids in (
        ("body", choices.bodies),
        ("preparer", choices.preparers),
        ("reviewer", choices.reviewers),
    ):
        if ids is None or not (value := given(name)):
            continue
        number = parse_id(value)
        if number is not None and number in ids:
            values[name] = number
        else:
            problems[name] = _l(
                "%(given)s is not one of the choices of %(field)s (perhaps the address is from "
                "another organisation, or the choice was removed). Choose from the list.",
                given=repr(value[:40]),
                field=_label(name),
            )
    if choices.dates:
        for name in ("date_from", "date_to"):
            if not (value := given(name)):
                continue
            parsed = parse_date(value)
            if parsed is None:
                problems[name] = _l(
                    "%(given)s is not a date. Give the date as year-month-day, for example "
                    "2026-03-31.",
                    given=repr(value[:40]),
                )
            elif not YEARS[0] <= parsed.year <= YEARS[1]:
                problems[name] = _l(
                    "%(given)s is not a date from year %(first)d to %(last)d. Give a date in "
                    "that range.",
                    given=repr(value[:40]),
                    first=YEARS[0],
                    last=YEARS[1],
                )
            else:
                values[name] = parsed
        start, end = values.get("date_from"), values.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            del values["date_to"]
            problems["date_to"] = _l(
                "The end date %(end)s is before the start date %(start)s. Give an end date on "
                "or after the start date.",
                end=end.isoformat(),
                start=start.isoformat(),
            )
    return Parsed(replace(Filters(), **values), problems)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows and where it is among the others (the decisions' lists
    and the search across assessments, their pagination and count macros).

    ``capped``: the count stopped at ``total`` and more were found (a search counts at most
    so many, so that its time does not grow with the matches); ``following``: whether rows
    follow this page, when the query knows it (needed when capped: the pages are not known).
    """

    items: Sequence[Any]
    page: int
    per_page: int
    total: int
    capped: bool = False
    following: bool | None = None

    @property
    def pages(self) -> int:
        counted = max(1, math.ceil(self.total / self.per_page))
        return max(counted, self.page) if self.capped else counted

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.following if self.following is not None else self.page < self.pages

    @property
    def first(self) -> int:
        """The number of the page's first row (1-based), 0 when empty."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def parse_date(value: str) -> date | None:
    # Only year-month-day: fromisoformat would also read 20260331 and week dates.
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_id(value: str) -> int | None:
    if value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) <= MAX_ID:
        return int(value)
    return None


def _label(name: str) -> LazyText:
    return {
        "state": _l("State"),
        "level": _l("Level"),
        "body": _l("Deciding body"),
        "preparer": _l("Preparer"),
        "reviewer": _l("Reviewer"),
    }[name]
