"""Errors a person can act on: what was wrong, where, and what would be right.

Messages are lazy strings: they render in the language of whoever reads them
(the web user's UI language, the API client's Accept-Language, English on the CLI).
"""

from __future__ import annotations

from collections.abc import Mapping


class OperationError(Exception):
    code = "invalid"

    def __init__(self, message, *, details: list | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(OperationError):
    """Input was refused; ``errors`` maps each field to its messages. Nothing was changed."""

    code = "validation_failed"

    def __init__(self, errors: Mapping[str, list]):
        self.errors = {field: list(msgs) for field, msgs in errors.items()}
        lines = [f"{field}: {msg}" for field, msgs in self.errors.items() for msg in msgs]
        super().__init__("; ".join(lines), details=lines)


class Conflict(OperationError):
    """Someone else saved first, or the state does not allow the change."""

    code = "conflict"


class Stale(Conflict):
    """Someone else saved first: the version the change was based on is not the current one."""

    code = "stale"


class NotFound(OperationError):
    code = "not_found"


class Forbidden(OperationError):
    code = "forbidden"


class LockedOut(OperationError):
    """An attempt must wait until ``until``; ``retry_after`` is the whole seconds to it."""

    code = "locked_out"

    def __init__(self, message, *, until, retry_after: int = 1):
        super().__init__(message)
        self.until = until
        self.retry_after = retry_after


class Errors:
    """Collects field errors and raises them together, so a person sees all at once."""

    def __init__(self) -> None:
        self._errors: dict[str, list] = {}

    def add(self, field: str, message) -> None:
        self._errors.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def items(self):
        """Each field with its messages (to file them under another path)."""
        return self._errors.items()

    def raise_if_any(self) -> None:
        if self._errors:
            raise ValidationFailed(self._errors)
