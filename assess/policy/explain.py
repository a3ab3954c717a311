"""Why a rule applied, in words, in the reader's language (fi, sv, en)."""

from __future__ import annotations

from babel.numbers import format_decimal

from ..translation import lazy_text as _l
from .apply import Applied


def explanation(
    applied: Applied,
    *,
    type_label: str | None,
    language: str,
    body_label: str | None = None,
    category_label: str | None = None,
) -> str:
    """E.g. "Decision type Service network change: full assessment required by the policy
    of 1.1.2027 (version 3)". The labels are the content's, in ``language``; the keys
    stand in for a label not given."""
    type_name = type_label or applied.decision_type
    if type_name is None:
        subject = _l("No decision type")
    elif applied.matched == "body":
        subject = _l(
            "Decision type %(type)s, decided by %(body)s",
            type=type_name,
            body=body_label or applied.body or "",
        )
    elif applied.matched == "default":
        subject = _l("Decision type %(type)s (no rule of its own)", type=type_name)
    else:
        subject = _l("Decision type %(type)s", type=type_name)

    if applied.rule == "full":
        what = _l("full assessment required")
    elif applied.rule == "light":
        what = _l("at least a light assessment required")
    elif applied.rule == "exempt":
        what = _l(
            "not assessed, exempt as %(category)s",
            category=category_label or applied.exempt_category or "",
        )
    elif applied.over_threshold:
        what = _l(
            "at least a light assessment required, as the amount of %(amount)s euros is at "
            "least the threshold of %(threshold)s euros",
            amount=format_decimal(applied.amount_eur or 0, locale=language),
            threshold=format_decimal(applied.threshold_eur or 0, locale=language),
        )
    else:
        what = _l("the screening decides the level")

    if applied.matched == "builtin" or applied.policy_version is None:
        source = _l("by the built-in default (no policy is in force)")
    elif applied.starts_on is None:
        source = _l("by the policy (version %(version)d)", version=applied.policy_version)
    else:
        day = applied.starts_on
        source = _l(
            "by the policy of %(date)s (version %(version)d)",
            date=f"{day.day}.{day.month}.{day.year}",
            version=applied.policy_version,
        )
    return _l("%(subject)s: %(what)s %(source)s", subject=subject, what=what, source=source).render(
        language
    )
