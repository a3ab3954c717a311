"""Flag rules: pure functions of an assessment's data and its context."""

from __future__ import annotations

from typing import Any


def unresolved_high(data: dict[str, Any], stored_flags: list[dict[str, Any]]) -> list:
    """Texts of high flags neither resolved nor acknowledged.

    The process engine's interface for the "no unresolved high flags" guard. Until the
    flag rules exist (issue #5) there are none.
    """
    return []
