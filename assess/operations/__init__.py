"""Every change to data goes through here: validate, write, commit, in one transaction.

``web``, ``api`` and ``cli`` call these functions and never commit themselves. A request
that only reads may run inside ``reading()``. The fronts say where a request comes from
with ``for_request(RequestFacts(...))``: the operations read no Flask request.
"""

from ._audit import RequestFacts, end_request, for_request, request_facts
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
    "RequestFacts",
    "ValidationFailed",
    "end_request",
    "for_request",
    "reading",
    "request_facts",
]
