"""The yearly report's overview paragraph as the product writes it (issue 22): a few sentences
from the figures, in fi, sv and en, that the wellbeing coordinator edits before publishing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .report_tables import label, pick
from .translation import lazy_text as _l

LANGUAGES = ("fi", "sv", "en")


def _percent(share: float | None, language: str) -> str:
    return f"{_number(share * 100, language)} %" if share is not None else "–"


def _number(value: float | None, language: str) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}"
    return text.replace(".", ",") if language in ("fi", "sv") else text


def _top(block: Mapping[str, Any], direction: str) -> str | None:
    ranked = sorted(
        ((counts.get(direction, 0), key) for key, counts in block.items()),
        key=lambda pair: (-pair[0], pair[1]),
    )
    return ranked[0][1] if ranked and ranked[0][0] > 0 else None


def overview(figures: Mapping[str, Any], language: str) -> str:
    """A short paragraph saying the year's main figures in ``language``."""
    org = pick((figures.get("organisation") or {}).get("name"), language, "")
    assessed = figures.get("assessed") or {}
    full, light = assessed.get("full", 0), assessed.get("light", 0)
    sentences = [
        _l(
            "In %(year)s %(organisation)s decided %(decisions)s matters; %(assessed)s were "
            "assessed (%(full)s full, %(light)s light) and %(screened)s screened out.",
            year=figures.get("year"),
            organisation=org,
            decisions=figures.get("decisions", 0),
            assessed=full + light,
            full=full,
            light=light,
            screened=figures.get("screened_out", 0),
        ).render(language)
    ]
    missing = figures.get("missing_required", 0)
    coverage = figures.get("coverage")
    if missing:
        sentences.append(
            _l(
                "%(missing)s lacked an assessment the policy required; coverage was %(coverage)s.",
                missing=missing,
                coverage=_percent(coverage, language),
            ).render(language)
        )
    elif coverage is not None:
        sentences.append(
            _l(
                "None lacked an assessment the policy required; coverage was %(coverage)s.",
                coverage=_percent(coverage, language),
            ).render(language)
        )
    days = figures.get("days_to_approval") or {}
    if days.get("median") is not None:
        sentences.append(
            _l(
                "An assessment took %(median)s days from the start of screening to approval "
                "(median; 90th percentile %(p90)s days).",
                median=_number(days.get("median"), language),
                p90=_number(days.get("p90"), language),
            ).render(language)
        )
    groups = figures.get("groups") or {}
    negative, positive = _top(groups, "negative"), _top(groups, "positive")
    if negative is not None:
        sentences.append(
            _l(
                "Negative effects were most often found for %(group)s (%(n)s assessments).",
                group=label(figures, "groups", negative, language),
                n=groups[negative].get("negative", 0),
            ).render(language)
        )
    if positive is not None:
        sentences.append(
            _l(
                "Positive effects were most often found for %(group)s (%(n)s assessments).",
                group=label(figures, "groups", positive, language),
                n=groups[positive].get("positive", 0),
            ).render(language)
        )
    follow = figures.get("follow_ups") or {}
    if follow.get("due"):
        sentences.append(
            _l(
                "Of %(due)s follow-ups due, %(done)s were done and %(overdue)s are overdue.",
                due=follow.get("due", 0),
                done=follow.get("done", 0),
                overdue=follow.get("overdue", 0),
            ).render(language)
        )
    return " ".join(sentences)


def overviews(figures: Mapping[str, Any]) -> dict[str, str]:
    """The overview in each of the report's languages."""
    return {language: overview(figures, language) for language in LANGUAGES}
