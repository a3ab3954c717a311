"""The web's side of log-in sessions: Flask's signed cookie carries only the id of a
server-side session (assess/operations/sessions.py), checked on every request that asks
who is logged in."""

from __future__ import annotations

import functools
from dataclasses import replace

from flask import flash, session
from flask_login import current_user, login_user, logout_user
from ua_parser import parse

from .. import logs
from ..i18n import lazy_text as _l
from ..models import User
from ..operations import for_request, request_facts
from ..operations import sessions as session_ops

SESSION_KEY = "login_session"

# What a person is told when the page they asked for finds their session over.
ENDED_MESSAGES = {
    "idle": _l("Your session ended because it was not used for a while. Please log in again."),
    "lifetime": _l("Your session reached its longest allowed time. Please log in again."),
    "ended": _l("This session was ended from your account page. Please log in again."),
    "admin": _l("An administrator ended your session. Please log in again."),
    "password": _l("Your password was changed, which ended this session. Please log in again."),
    "roles": _l("Your roles were changed, which ended this session. Please log in again."),
    "identity": _l(
        "Your account's link to your organisation's sign-in was removed, which ended this "
        "session. Please log in again."
    ),
}


def begin(user: User, token: str) -> None:
    """Log ``user`` in to their new server-side session ``token`` (from ``users.log_in``)
    with a fresh cookie: nothing of the session before the log-in carries over (fixation)."""
    session.clear()
    # No remember-me cookie: it would outlive the server's session (and is refused anyway).
    login_user(user, remember=False)
    logs.note_user(user)
    session[SESSION_KEY] = token


def end() -> None:
    """Log out: the server's session ends, so a copy of the cookie opens nothing."""
    if current_user.is_authenticated:  # loads the session the request came with
        session_ops.logout()
    logout_user()
    session.clear()


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of a live server-side session, else nobody.

    Flask-Login also calls it for a remember-me cookie, which brings no session id: such
    a cookie opens nothing.
    """
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not user_id.isdigit():
        return None
    resumed = session_ops.resume(token, int(user_id))
    if resumed.session is None:
        session.pop(SESSION_KEY, None)
        message = ENDED_MESSAGES.get(resumed.ended or "")
        if message is not None:
            flash(str(message), "info")
        return None
    for_request(replace(request_facts(), login_session_id=resumed.session.id))
    logs.note_user(resumed.session.user)
    return resumed.session.user


@functools.lru_cache(maxsize=256)
def browser(user_agent: str | None) -> str:
    """A user agent in short form: "Firefox 140, Linux"; the raw text when not recognised."""
    parsed = parse(user_agent or "")
    if parsed.user_agent is None:
        return (user_agent or "")[:40]
    name = " ".join(p for p in (parsed.user_agent.family, parsed.user_agent.major) if p)
    return f"{name}, {parsed.os.family}" if parsed.os is not None else name
