"""Every change to data goes through here: validate, write, commit, in one transaction.

``web``, ``api`` and ``cli`` call these functions and never commit themselves. A request
that only reads may run inside ``reading()``. The fronts say where a request comes from
with ``for_request(RequestFacts(...))``: the operations read no Flask request.

Two tiers (the ``operations-tiers`` contract in pyproject.toml checks them):

- below, what every use case reads: ``context`` (the loaded definitions, an assessment's
  form, workflow, engine and facts, the clock in Finland, the snapshot), ``_stale`` (the
  version check: ``check_version``, and ``changing``, one change of a versioned object in
  one transaction), ``_tx`` (``transaction``, ``reading``), ``_audit``, ``_check``, ``errors``;
- above, the use cases, one module per subject. A use case may call another's public
  function when it genuinely composes it (recording an outcome fires a transition), in one
  direction only: meetings -> answers -> assessments -> flags, documents, agenda_notes...
  A new use case goes in the module of its subject, or a new module given its layer.

One request-level use case, one transaction: ``transaction()`` nests, so a use case that
calls others wraps them in its own and they join it; only the outermost commits, and an
error anywhere rolls back all of it. A composite action needs its own operation (for
example ``meetings.attach_and_publish``): a front never strings two of them together.
"""

# The search keys are kept on every write by the session hooks it registers (issue 21).
from . import (
    report_facts_index,  # noqa: F401
    search_index,  # noqa: F401
)
from ._audit import RequestFacts, end_request, for_request, request_facts
from ._tx import kept_after_commit, reading
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
    "kept_after_commit",
    "reading",
    "request_facts",
]
