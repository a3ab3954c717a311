"""The hearing rules (issue 18, hole 6): who must be heard, and statements that came late.

``questionnaire.hearings`` decides who is called for and what counts as heard; these rules
say so in the reader's language.
"""

from __future__ import annotations

from datetime import date

from ..assessment_data import AssessmentData
from ..definitions import localized
from ..questionnaire.hearings import (
    councils_for_group,
    councils_for_screening,
    heard_councils,
    late,
    statement_given,
)
from ..questionnaire.organisation import council_basis
from ..translation import joined
from ..translation import lazy_text as _l
from .rules import Flag, FlagContext, _alt_name, _cells, _group_name, recommended, rule


class Day:
    """A date as the reader's language writes it (10.12.2026; ISO in English)."""

    def __init__(self, day: date):
        self.day = day

    def render(self, language: str) -> str:
        if language == "en":
            return self.day.isoformat()
        return f"{self.day.day}.{self.day.month}.{self.day.year}"


def _council_name(ctx: FlagContext, council_id: str):
    council = ctx.form.council(council_id)
    return localized(council.labels) if council else council_id


@rule("consultation_required")
def consultation_required(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    alt = recommended(data)
    heard = heard_councils(data, ctx.form, ctx.meeting_date)
    by_groups: dict[str, list[str]] = {}
    called: dict[str, list[str]] = {}  # per group, once: the matrix repeats groups
    for c in _cells(data, alt):
        if c.direction == "neutral":
            continue
        if c.group not in called:
            called[c.group] = councils_for_group(ctx.form, c.group, ctx.org)
        for council in called[c.group]:
            if council not in heard and c.group not in by_groups.setdefault(council, []):
                by_groups[council].append(c.group)
    by_screening = {
        council: questions
        for council, questions in councils_for_screening(ctx.form, data, ctx.org).items()
        if council not in heard
    }
    order = {g.id: i for i, g in enumerate(ctx.form.groups)}
    flags = []
    for council_id in sorted(set(by_groups) | set(by_screening)):
        council_def = ctx.form.council(council_id)
        name = _council_name(ctx, council_id)
        groups = sorted(by_groups.get(council_id, []), key=lambda g: order.get(g, len(order)))
        if groups:
            message = _l(
                "%(council)s has not been heard, although %(alternative)s affects %(groups)s "
                "(effects recorded in the impact matrix).",
                council=name,
                alternative=_alt_name(alt),
                groups=joined([_group_name(ctx, g) for g in groups]),
            )
        else:
            asked = set(by_screening[council_id])
            questions = [q for q in ctx.form.screening.questions if q.id in asked]
            message = _l(
                "%(council)s has not been heard, although the screening's answers call for "
                "it: %(questions)s",
                council=name,
                questions=joined([localized(q.labels) for q in questions]),
            )
        flags.append(
            Flag(
                "consultation_required",
                council_def.severity if council_def else "high",
                message,
                _resolve_hearing(name, council_basis(ctx.form, council_id, ctx.org)),
                group=groups[0] if groups else None,
                alternative=alt.id if groups else None,
                field=f"hearings.{council_id}",
            )
        )
    return flags


def _resolve_hearing(council, basis):
    if basis is None:
        return _l(
            "Record the hearing of %(council)s with its statement, or the reason why it was "
            "not heard.",
            council=council,
        )
    # The act follows the organisation's type (forms/*.yaml, councils' basis).
    return _l(
        "Record the hearing of %(council)s (%(basis)s) with its statement, or the reason why "
        "it was not heard.",
        council=council,
        basis=localized(basis),
    )


@rule("late_statement")
def late_statement(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    """A statement received on the meeting day or after could not inform the decision.

    One flag per council: a council also heard in time has been heard.
    """
    meeting = ctx.meeting_date
    if meeting is None:
        return []
    heard = heard_councils(data, ctx.form, meeting)
    flags: dict[str, Flag] = {}
    for h in data.hearings:
        day = late(h, meeting)
        if day is None or not h.council or h.council in heard or h.council in flags:
            continue
        name = _council_name(ctx, h.council)
        if statement_given(h) and h.answered_on:
            message = _l(
                "The statement of %(council)s was received on %(day)s, on or after the day of "
                "the meeting (%(meeting)s): it could not inform the decision, and the council "
                "does not count as heard.",
                council=name,
                day=Day(day),
                meeting=Day(meeting),
            )
        else:
            message = _l(
                "The statement of %(council)s was requested on %(day)s, on or after the day of "
                "the meeting (%(meeting)s): it cannot inform the decision, and the council "
                "does not count as heard.",
                council=name,
                day=Day(day),
                meeting=Day(meeting),
            )
        flags[h.council] = Flag(
            "late_statement",
            "medium",
            message,
            _l(
                "Correct the date if it was entered wrongly; otherwise move the item to a later "
                "meeting so that the statement can be taken into account, or record why the "
                "council could not be heard in time."
            ),
            field=f"hearings.{h.council}",
        )
    return list(flags.values())
