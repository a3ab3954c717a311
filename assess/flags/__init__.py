"""Flag rules: pure functions of an assessment's data and its context (see ``rules``)."""

from __future__ import annotations

from typing import Any

from .rules import RULES, Flag, FlagContext, OtherAssessment, compute

__all__ = ["RULES", "Flag", "FlagContext", "OtherAssessment", "compute", "unresolved_high"]


def unresolved_high(data: dict[str, Any], stored_flags: list[dict[str, Any]]) -> list:
    """Texts of high flags neither resolved nor acknowledged.

    The process engine's interface for the "no unresolved high flags" guard. The rules
    exist (``compute``); storing flags with the assessment and acknowledging them come
    with the rest of issue #5, and until then this guard blocks nothing.
    """
    return []
