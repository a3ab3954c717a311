"""What a notification says, in the reader's language (issue 20).

A notification stores its kind and the facts its text is filled with (``params``); the
words are chosen when it is shown or mailed, in the language of the person reading, so the
same row reads in Finnish to one reviewer and in Swedish to another. Pure: no Flask, no
database; the inbox page and the outbox both call it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from .translation import gettext
from .translation import lazy_text as _l

# The headline of each kind; %(…)s parameters come from the notification's params.
TITLES = {
    "review_requested": _l("%(actor)s asks you to review the assessment of %(decision)s"),
    "returned": _l("%(actor)s returned the assessment of %(decision)s to you"),
    "flags_to_weigh": _l("The assessment of %(decision)s has open high flags to weigh: %(count)s"),
    "comment": _l("%(actor)s commented on the assessment of %(decision)s"),
    "approved": _l("%(actor)s approved the assessment of %(decision)s"),
    "meeting_deadline": _l(
        "The meeting %(meeting)s on %(date)s is near and items are not ready: %(count)s"
    ),
    "meeting_deadline_item": _l(
        "%(decision)s is on the agenda of the meeting %(meeting)s on %(date)s and is not ready"
    ),
    "follow_up_due": _l("The follow-up of %(decision)s is due on %(date)s: %(indicator)s"),
}

# What the person is asked to do, one line under the headline.
NEXT_STEPS = {
    "review_requested": _l("Open the assessment, weigh its flags and approve or return it."),
    "returned": _l("Read the reviewer's comment, change the assessment and submit it again."),
    "flags_to_weigh": _l(
        "Each open high flag must be acknowledged with a reasoning before approval."
    ),
    "comment": _l("Open the assessment to read the comment and answer it."),
    "approved": _l("The assessment is ready for the meeting's agenda."),
    "meeting_deadline": _l("Open the meeting to see what each item lacks and who can fix it."),
    "meeting_deadline_item": _l("Open the decision to see what it lacks before the meeting."),
    "follow_up_due": _l("Record the observation of the indicator on the follow-up page."),
}

# The name of each kind, for the preferences on the account page.
KIND_LABELS = {
    "review_requested": _l("An assessment is submitted for my review"),
    "returned": _l("My assessment is returned to me"),
    "flags_to_weigh": _l("A submitted assessment has open high flags to weigh"),
    "comment": _l("Someone comments on an assessment I prepare or review"),
    "approved": _l("My assessment is approved"),
    "meeting_deadline": _l("A meeting is near and its items are not ready"),
    "follow_up_due": _l("A follow-up of my assessment is due"),
}


def _date(value: Any, language: str) -> str:
    if not value:
        return ""
    try:
        return format_date(date.fromisoformat(str(value)), format="long", locale=language)
    except ValueError:
        return str(value)


def _fill(kind: str, params: dict[str, Any], language: str) -> dict[str, Any]:
    decision = params.get("case_number") or ""
    if params.get("title"):
        decision = f"{decision} {params['title']}".strip()
    meeting = params.get("meeting") or ""
    bodies = params.get("body") or {}
    if isinstance(bodies, dict) and (bodies.get(language) or bodies.get("fi")):
        meeting = f"{bodies.get(language) or bodies.get('fi')} {meeting}".strip()
    return {
        "actor": params.get("actor") or _l("Someone").render(language),
        "decision": decision,
        "meeting": meeting,
        "date": _date(params.get("date"), language),
        "count": params.get("count", ""),
        "indicator": params.get("indicator") or "",
    }


def text_kind(kind: str, params: dict[str, Any]) -> str:
    """The text a notification reads with: a preparer's meeting reminder names their item."""
    if kind == "meeting_deadline" and params.get("case_number"):
        return "meeting_deadline_item"
    return kind


def title(kind: str, params: dict[str, Any], language: str) -> str:
    """The notification's headline in ``language``."""
    message = TITLES.get(text_kind(kind, params))
    if message is None:
        return kind
    return gettext(language, message.message, **_fill(kind, params, language))


def next_step(kind: str, params: dict[str, Any], language: str) -> str:
    message = NEXT_STEPS.get(text_kind(kind, params))
    return message.render(language) if message is not None else ""


def kind_label(kind: str, language: str) -> str:
    return KIND_LABELS[kind].render(language) if kind in KIND_LABELS else kind


def link_path(
    kind: str, assessment_id: int | None, meeting_id: int | None, decision_id: int | None = None
) -> str:
    """The page a notification leads to, as a path on the service."""
    if kind == "flags_to_weigh" and assessment_id is not None:
        return f"/assessments/{assessment_id}/flags"
    if kind == "meeting_deadline" and decision_id is not None:
        return f"/decisions/{decision_id}"
    if meeting_id is not None and assessment_id is None:
        return f"/meetings/{meeting_id}"
    if assessment_id is not None:
        return f"/assessments/{assessment_id}"
    return "/inbox"


def email(
    kind: str,
    params: dict[str, Any],
    language: str,
    *,
    name: str,
    link: str,
    account_link: str,
) -> tuple[str, str]:
    """The subject and plain-text body of the e-mail of a notification, in ``language``."""
    subject = title(kind, params, language)
    lines = [_l("Hello %(name)s,", name=name).render(language), "", subject + "."]
    comment = (params.get("comment") or "").strip()
    if comment:
        lines += ["", _l("The comment:").render(language), ""]
        lines += ["  " + line for line in comment.splitlines()]
    step = next_step(kind, params, language)
    if step:
        lines += ["", step]
    lines += ["", _l("Open: %(link)s", link=link).render(language), "", "-- "]
    lines.append(
        _l(
            "You get this e-mail from the impact assessment service. Choose which "
            "notifications come by e-mail on your account page: %(link)s",
            link=account_link,
        ).render(language)
    )
    return subject[:300], "\n".join(lines) + "\n"
