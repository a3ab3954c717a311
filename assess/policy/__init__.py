"""The organisation's assessment policy (docs/policy.md): which decisions are assessed, at
what level, by which process, reviewed by whom and by when.

Pure: the policy's data and what the organisation has (``Known``) in, problems and the
applied rule out. No request, no session, no database.
"""

from __future__ import annotations

from .apply import Applied, apply
from .check import Known, check
from .explain import explanation
from .model import BODY_KINDS, BUILTIN, LEVELS, PROCESS_LEVELS, RULES, Policy, Rule, RuleBody

__all__ = [
    "BODY_KINDS",
    "BUILTIN",
    "LEVELS",
    "PROCESS_LEVELS",
    "RULES",
    "Applied",
    "Known",
    "Policy",
    "Rule",
    "RuleBody",
    "apply",
    "check",
    "explanation",
]
