"""When and how a body decided a decision, as given by a person, the API or an import
(issue 22): the meeting's date and the outcome, checked alike wherever they come from."""

from __future__ import annotations

import re
from datetime import date

from ..i18n import lazy_text as _l
from ..models import OUTCOMES
from .errors import Errors

_FINNISH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# A meeting date outside these years is a typing error (0206 for 2026), not a decision.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def parse_date(value: str) -> date | None:
    """``value`` as a date, written 2026-02-28 (ISO) or 28.2.2026 (the Finnish way); None
    when it is neither or names no day of the calendar."""
    text = value.strip()
    if found := _ISO.match(text):
        year, month, day = (int(g) for g in found.groups())
    elif found := _FINNISH.match(text):
        day, month, year = (int(g) for g in found.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def meeting_date(errors: Errors, field: str, value) -> date | None:
    """The meeting's date (a date, or a text as ``parse_date`` reads); empty is none."""
    if value is None or value == "":
        return None
    found = value if isinstance(value, date) else None
    if isinstance(value, str):
        found = parse_date(value)
    if found is None or not FIRST_YEAR <= found.year <= LAST_YEAR:
        errors.add(
            field,
            _l(
                "%(value)r is not a date; write it as 2026-02-28 or 28.2.2026.",
                value=str(value),
            ),
        )
        return None
    return found


def outcome(errors: Errors, field: str, value) -> str | None:
    """The body's outcome, one of ``OUTCOMES``' keys; empty is none (not decided yet)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip() in OUTCOMES:
        return value.strip()
    errors.add(
        field,
        _l(
            "%(value)r is not an outcome; write one of: %(choices)s, or leave it empty.",
            value=str(value),
            choices=", ".join(OUTCOMES),
        ),
    )
    return None
