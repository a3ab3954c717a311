"""Small input checks shared by the operations (the server is the authority)."""

from __future__ import annotations

import re

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from ..i18n import lazy_text as _l
from ..input_shape import CONTROL, MAX_ID, strip_control
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


# The audit log strips its own texts before it hashes them (assess/audit); changing them
# here, after the hash, would break the chain.
_HASHED = frozenset({"audit_events", "audit_checkpoints"})


@event.listens_for(Session, "before_flush")
def _strip_control_on_write(session: Session, flush_context, instances) -> None:
    """Every text column a change writes loses its control characters (issue 15, item 7).

    The use cases clean their inputs (``text`` above, the questionnaire's answers); this is
    the net under them, so that no front, command or future use case stores a terminal escape
    or a bidi override in a name, a place or a note, on any database. Only the values being
    written are looked at: a row merely loaded is not rewritten behind the audit log's back.
    """
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        if state.mapper.local_table.name in _HASHED:
            continue
        for prop in state.mapper.column_attrs:
            column = prop.columns[0]
            if not isinstance(column.type, String):
                continue
            value = state.dict.get(prop.key)
            if isinstance(value, str) and CONTROL.search(value):
                if obj in session.dirty and not state.attrs[prop.key].history.added:
                    continue
                setattr(obj, prop.key, strip_control(value))
