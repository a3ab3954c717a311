"""Small input checks shared by the operations (the server is the authority)."""

from __future__ import annotations

import re

from ..i18n import lazy_text as _l
from ..input_shape import MAX_ID, strip_control
from .errors import Errors

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def row_id(value) -> int | None:
    """``value`` (a form's text or a number) as a row id, or None if no row can have it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def text(errors: Errors, field: str, value, *, max_length: int, required: bool = True) -> str:
    """Strip and check one text value; record what is wrong under ``field``."""
    # Control characters (but tab and newlines) cannot go into a document: removed, as the
    # questionnaire's answers remove them, on every database alike.
    value = strip_control(value or "").strip() if isinstance(value, str) or value is None else value
    if not isinstance(value, str):
        errors.add(field, _l("Expected text."))
        return ""
    if required and not value:
        errors.add(field, _l("This field is required."))
    elif len(value) > max_length:
        errors.add(
            field,
            _l(
                "At most %(max)d characters are allowed; this has %(n)d.",
                max=max_length,
                n=len(value),
            ),
        )
    return value


def choice(errors: Errors, field: str, value, allowed) -> str:
    if value not in allowed:
        errors.add(
            field,
            _l(
                "%(value)r is not a valid choice; expected one of: %(allowed)s.",
                value=value,
                allowed=", ".join(allowed),
            ),
        )
    return value
