"""Every change to data goes through here: validate, write, commit, in one transaction.

``web``, ``api`` and ``cli`` call these functions and never commit themselves.
"""

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
]
