"""The confirmation page of an irreversible step (issue 20), GOV.UK's pattern: the first
submission of the step's form shows what will happen and what cannot be undone; only the
confirmation's own submission, carrying the same fields, takes the step."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import render_template, request

CONFIRMED = "confirmed"


def confirmed() -> bool:
    """Whether this submission is the confirmation's: without it a step is only shown."""
    return request.form.get(CONFIRMED) == "yes"


def confirmation(
    *,
    title,
    what: Iterable,
    irreversible,
    action: str,
    fields: Mapping[str, object],
    button,
    back: str,
    danger: bool = True,
    summary: Iterable[tuple[object, object]] = (),
):
    """The page asking to confirm. ``what``: the sentences saying what will happen;
    ``irreversible``: what cannot be undone; ``fields``: what the step's form sent, carried
    through (the CSRF token is the page's own); ``summary``: (label, value) rows."""
    return render_template(
        "confirm.html",
        title=title,
        what=list(what),
        irreversible=irreversible,
        action=action,
        fields={k: "" if v is None else str(v) for k, v in fields.items()},
        button=button,
        back=back,
        danger=danger,
        summary=list(summary),
    )
