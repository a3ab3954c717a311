"""Which rule of a policy applies to a decision, and what it means for its assessment."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from .model import BUILTIN, Policy, RuleBody

_FLOOR = {"full": "full", "light": "light", "screen": "none", "exempt": "none"}


@dataclass(frozen=True)
class Applied:
    """The rule a policy gives one decision, as recorded on its assessment."""

    decision_type: str | None
    body: str | None
    rule: str
    minimum_level: str
    exempt_category: str | None = None
    threshold_eur: int | None = None
    amount_eur: int | None = None
    processes: dict[str, str] = field(default_factory=dict)
    review_role: str = "reviewer"
    review_body: str | None = None
    submit_days_before_meeting: int = 14
    # "body": a per-body rule; "type": the type's rule; "default": the policy's default
    # rule; "builtin": no policy was in force, the built-in default applied.
    matched: str = "builtin"
    policy_version: int | None = None
    starts_on: date | None = None

    @property
    def over_threshold(self) -> bool:
        """A screen rule raised to light by the decision's amount."""
        return (
            self.rule == "screen"
            and self.threshold_eur is not None
            and self.amount_eur is not None
            and self.amount_eur >= self.threshold_eur
        )

    def dump(self) -> dict[str, Any]:
        data = asdict(self)
        data["starts_on"] = self.starts_on.isoformat() if self.starts_on else None
        return data

    @classmethod
    def load(cls, data: dict[str, Any]) -> Applied:
        """Read back a recorded ``dump()``; keys it does not know (a record written by a
        later release) are left out, so old and new records both load."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("starts_on"):
            values["starts_on"] = date.fromisoformat(values["starts_on"])
        values["processes"] = dict(values.get("processes") or {})
        return cls(**values)


def apply(
    policy: Policy | None,
    *,
    decision_type: str | None,
    body: str | None,
    amount_eur: int | None,
    policy_version: int | None = None,
    starts_on: date | None = None,
) -> Applied:
    """The rule ``policy`` gives a decision of ``decision_type`` by ``body`` (a body key).

    Matching: the first rule with the type and the body, else the first with the type and
    no body, else the default rule. ``policy`` None is the built-in default (BUILTIN).
    ``policy_version`` and ``starts_on`` say which published version it was, for the record.
    """
    matched: str
    chosen: RuleBody
    if policy is None:
        policy, matched, chosen = BUILTIN, "builtin", BUILTIN.default
        policy_version = starts_on = None
    else:
        by_type = [r for r in policy.rules if decision_type and r.decision_type == decision_type]
        by_body = next((r for r in by_type if body and r.body == body), None)
        by_type_only = next((r for r in by_type if r.body is None), None)
        if by_body is not None:
            matched, chosen = "body", by_body
        elif by_type_only is not None:
            matched, chosen = "type", by_type_only
        else:
            matched, chosen = "default", policy.default
    processes = policy.processes.as_dict()
    if chosen.processes is not None:
        processes.update({k: v for k, v in chosen.processes.model_dump().items() if v is not None})
    review = chosen.review or policy.review
    days = chosen.submit_days_before_meeting
    minimum = _FLOOR[chosen.rule]
    threshold = chosen.threshold_eur if chosen.rule == "screen" else None
    if threshold is not None and amount_eur is not None and amount_eur >= threshold:
        minimum = "light"
    return Applied(
        decision_type=decision_type,
        body=body,
        rule=chosen.rule,
        minimum_level=minimum,
        exempt_category=chosen.exempt_category if chosen.rule == "exempt" else None,
        threshold_eur=threshold,
        amount_eur=amount_eur,
        processes=processes,
        review_role=review.role,
        review_body=review.body,
        submit_days_before_meeting=(
            days if days is not None else policy.time_limits.submit_days_before_meeting
        ),
        matched=matched,
        policy_version=policy_version,
        starts_on=starts_on,
    )
