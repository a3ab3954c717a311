"""Every change to data goes through here: validate, write, commit, in one transaction.

``web``, ``api`` and ``cli`` call these functions and never commit themselves. A request
that only reads may run inside ``reading()``.
"""

from ._tx import reading
from .errors import (
    Conflict,
    Forbidden,
    LockedOut,
    NotFound,
    OperationError,
    Stale,
    ValidationFailed,
)

__all__ = [
    "Conflict",
    "Forbidden",
    "LockedOut",
    "NotFound",
    "OperationError",
    "Stale",
    "ValidationFailed",
    "reading",
]
