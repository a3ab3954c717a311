"""Flags: rules that point out effects and weak spots (``rules``), and their lifecycle."""

from __future__ import annotations

from .lifecycle import (
    ACKNOWLEDGED,
    OPEN,
    RESOLVED,
    changes,
    counts,
    flag_id,
    merge,
    stored_form,
    unresolved_high,
)
from .rules import RULES, SEVERITIES, Flag, FlagContext, OtherAssessment, compute

__all__ = [
    "ACKNOWLEDGED",
    "OPEN",
    "RESOLVED",
    "RULES",
    "SEVERITIES",
    "Flag",
    "FlagContext",
    "OtherAssessment",
    "changes",
    "compute",
    "counts",
    "flag_id",
    "merge",
    "stored_form",
    "unresolved_high",
]
