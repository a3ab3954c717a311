"""Read-only by construction (issue 21): one guard refuses every change a person whose roles
only read (``roles.READ_ONLY_ROLES``: auditors) asks the web pages for.

The guard runs before any view, for every method that may change something (all but GET,
HEAD and OPTIONS), so a page added later is covered without a check of its own. The only
exceptions are the person's own account, listed below with the reason each is allowed; the
JSON API has its own guard in ``assess.api._answer`` (it authenticates by token, not by
this session). tests/integration/test_read_only.py calls every rule of the application as an
auditor and fails on a rule it has no entry for.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_login import current_user

from ..roles import reads_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The person's own account: what they change here is theirs alone, not the organisation's
# data, and an auditor needs it to work at all.
OWN_ACCOUNT = {
    "auth.login": "signing in (another account on the same browser)",
    "auth.logout": "signing out ends the person's own session",
    "i18n.switch": "the language of the person's own pages",
    "account.index": "changing the person's own password",
    "account.new_token": "an API token of their own, to read through the API (whose own "
    "guard keeps it read-only)",
    "account.revoke_token": "revoking one of the person's own API tokens",
    "account.end_session": "ending one of the person's own sessions",
    "account.end_other_sessions": "ending the person's own other sessions",
    "account.save_preferences": "which of the person's own notifications also come by e-mail",
    "inbox.read": "marking one of the person's own notifications read",
    "inbox.read_all": "marking the person's own notifications read",
}


def init_app(app: Flask) -> None:
    app.before_request(refuse_changes)


def refuse_changes():
    if request.method in SAFE_METHODS or request.endpoint is None:
        return None  # reads, and requests no route answers (404/405 change nothing)
    if request.blueprint == "api" or request.endpoint in OWN_ACCOUNT:
        return None
    if not current_user.is_authenticated or not reads_only(current_user.roles):
        return None
    view = current_app.view_functions.get(request.endpoint)
    return (
        render_template(
            "errors/read_only.html",
            # Who does this: the roles the page itself requires (roles_required records
            # them), or, where the workflow decides (a step), every role that changes.
            required_roles=getattr(view, "required_roles", None) or (),
        ),
        403,
    )
