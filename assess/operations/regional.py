"""The regional view (issue 22): the yearly report's core figures of every organisation of
the installation that agreed to share them, side by side, for the region's wellbeing
coordinators.

What leaves an organisation here is only aggregates of its yearly figures (counts, shares,
times, group labels), never case content: no case numbers, titles, bodies or names of
people. An organisation that does not share is named, with no figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Organisation, User
from . import yearly_figures
from .context import today as local_today
from .errors import Errors, Forbidden

# The first year a report can be asked for: the product did not exist before.
FIRST_YEAR = 2000
ROLES = ("coordinator",)


def this_year() -> int:
    """The current year in Finland: the report year a page or a call shows unless told."""
    return local_today().year


def parse_year(value: Any, *, today: date | None = None) -> int:
    """``value`` (a query's text or a number) as a report year; ValidationFailed naming
    ``year`` when it is not a whole year from FIRST_YEAR to this year."""
    last = (today or local_today()).year
    year = None
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        year = int(value.strip()) if len(value.strip()) <= 4 else None
    if year is None or not FIRST_YEAR <= year <= last:
        errors = Errors()
        errors.add(
            "year",
            _l(
                "%(value)r is not a year of the reports: write a year from %(first)d to "
                "%(last)d, for example %(last)d.",
                value=str(value)[:20],
                first=FIRST_YEAR,
                last=last,
            ),
        )
        errors.raise_if_any()
    assert year is not None
    return year


def core(figures: dict[str, Any]) -> dict[str, Any]:
    """The part of an organisation's yearly figures the region sees: totals only (no
    per-body, per-type or per-division breakdown, which would name the organisation's
    bodies)."""
    assessed = figures.get("assessed") or {}
    days = figures.get("days_to_approval") or {}
    return {
        "decisions": figures.get("decisions", 0),
        "assessed": {"full": assessed.get("full", 0), "light": assessed.get("light", 0)},
        "screened_out": figures.get("screened_out", 0),
        "missing_required": figures.get("missing_required", 0),
        "coverage": figures.get("coverage"),
        "days_to_approval": {"median": days.get("median"), "p90": days.get("p90")},
        "flags_appeared": sum(
            (counts or {}).get("appeared", 0) for counts in (figures.get("flags") or {}).values()
        ),
        "groups_negative": {
            group: counts.get("negative", 0)
            for group, counts in sorted((figures.get("groups") or {}).items())
            if (counts or {}).get("negative")
        },
    }


def regional_figures(actor: User, year: int, *, today: date | None = None) -> dict[str, Any]:
    """Every organisation of the installation, by its Finnish name: its core figures of
    ``year`` when it shares them, else only that it does not (coordinators)."""
    if not actor.has_role(*ROLES):
        raise Forbidden(_l("The regional figures are for the wellbeing coordinators."))
    rows = []
    group_names: dict[str, Any] = {}
    # One query per sharing organisation, each aggregated in the database: a region has
    # tens of organisations, not thousands.
    for org in db.session.scalars(select(Organisation).order_by(Organisation.name_fi)):
        figures = None
        if org.shares_regional_figures:
            whole = yearly_figures.figures(org, year, today=today)
            figures = core(whole)
            for group in figures["groups_negative"]:
                label = ((whole.get("names") or {}).get("groups") or {}).get(group)
                if label:
                    group_names.setdefault(group, label)
        rows.append(
            {
                "id": org.id,
                "name": {"fi": org.name_fi, "sv": org.name_sv},
                "shares": bool(org.shares_regional_figures),
                "figures": figures,
            }
        )
    return {"year": year, "organisations": rows, "names": {"groups": group_names}}
