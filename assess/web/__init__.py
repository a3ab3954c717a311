"""Server-rendered pages for people."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Flask, request

from .. import logs
from ..extensions import login_manager
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import RequestFacts, end_request, for_request
from . import (
    access,
    account,
    admin,
    admin_organisation_data,
    admin_plan,
    admin_policy,
    assessments,
    auth,
    dashboard,
    decisions,
    documents,
    errors,
    flags,
    follow_up,
    guided,
    headers,
    health,
    help,
    i18n,
    inbox,
    integrity,
    limits,
    meetings,
    missing,
    oidc_client,
    policy_document,
    proxies,
    read_only,
    records,  # noqa: F401  (routes on the decisions' and admin's blueprints)
    region,
    reports,
    review,
    revisions,
    search,
    sessions,
)


def init_app(app: Flask) -> None:
    proxies.init_app(app)  # first: every later hook reads the client's real address

    limits.init_app(app)
    oidc_client.init_app(app)  # sign-in through the identity provider, when configured
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the session stores plain text
    login_manager.session_protection = "strong"

    # The user of a live server-side session only (not ended, not idle, not too old).
    login_manager.user_loader(sessions.load_user)

    for bp in (
        health.bp,
        auth.bp,
        i18n.bp,
        dashboard.bp,
        decisions.bp,
        assessments.bp,
        guided.bp,
        follow_up.bp,
        flags.bp,
        flags.cumulative_bp,
        documents.bp,
        meetings.bp,
        admin.bp,
        policy_document.bp,
        admin_policy.bp,
        admin_organisation_data.bp,
        admin_plan.bp,
        account.bp,
        inbox.bp,
        review.bp,
        revisions.bp,
        help.bp,
        search.bp,
        integrity.bp,
        reports.bp,
        missing.bp,
        region.bp,
    ):
        app.register_blueprint(bp)

    app.jinja_env.globals.update(
        LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
        role_label=access.role_label,
        **flags.template_globals(),
        **review.template_globals(),
        **revisions.template_globals(),
    )
    app.jinja_env.filters["as_text"] = as_text
    app.jinja_env.filters["from_iso"] = datetime.fromisoformat
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.before_request
    def request_facts():
        # Ties audit events to the request (and to a proxy's logs when it sends one: the
        # X-Request-ID the log lines carry, assess/logs.py) and to the client's address; the
        # API adds its token once it has checked it.
        for_request(
            RequestFacts(
                address=(request.remote_addr or "")[:64] or None,
                request_id=logs.current_request_id() or logs.request_id_from(None),
            )
        )

    @app.teardown_request
    def request_ended(error=None):
        # An application context may outlive the request (a command's, a test's): what
        # it does next is no longer this request's.
        end_request()

    @app.context_processor
    def inject_locale():
        return {"current_language": request_language()}

    errors.init_app(app)
    read_only.init_app(app)  # issue 21: auditors change nothing, one guard for every page

    headers.init_app(app)


def as_text(value) -> str:
    """A stored value as readable text (JSON for lists and mappings); escaped by Jinja."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
