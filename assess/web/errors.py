"""The application's error handlers: pages for people, the API's envelope under /api/.

Another front (the JSON API) answers the errors of its own URLs in its own format: it
registers a handler per URL prefix in ``app.extensions["assess.error_handlers"]``, which
is called with the status and the exception.

When the database cannot be reached (a stopped server, a refused or broken connection, no
connection free in the pool) the answer is 503 with ``Retry-After``. The page a person
gets then is rendered from ``errors/standalone.html`` by a Jinja environment of its own:
the application's templates need the database (the signed-in user, the organisation,
the user's language), so rendering them would fail again and leave gunicorn's bare error.
Its language comes from the ``lang`` cookie (set on every page, see ``remember_language``)
or Accept-Language. The same page is the fallback when the ordinary 500 page fails.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import jinja2
from flask import Flask, Response, current_app, g, render_template, request, url_for
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..i18n import LazyText, request_language
from ..i18n import lazy_text as _l

# What a database that cannot be reached raises: the driver's connection errors (wrapped
# by SQLAlchemy as OperationalError or InterfaceError), a pool with no connection free
# within its timeout, a connection found dead.
OUTAGE = (OperationalError, InterfaceError, PoolTimeout, DisconnectionError)

LANGUAGE_COOKIE = "lang"
TOO_LARGE = _l("The request body is too large for this service.")

TEXTS = {
    503: (
        _l("The service is temporarily unavailable"),
        _l(
            "The service cannot reach its database at the moment. Nothing was saved from "
            "your last action. Please try again in a few minutes."
        ),
    ),
    500: (
        _l("Something went wrong"),
        _l(
            "The service could not complete your request. Nothing was saved from it. Please "
            "try again; if it happens again, tell your administrator the time it happened."
        ),
    ),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
    for error in OUTAGE:
        app.register_error_handler(error, outage)
    app.after_request(remember_language)


def http_error(error: HTTPException):
    if error.code is None:  # not an error (a redirect raised by routing)
        return error
    handled = _elsewhere(error.code, error)
    if handled is not None:
        return handled
    if error.code == 403:
        return render_template("errors/403.html", required_roles=g.get("required_roles", ())), 403
    if error.code == 413:
        # A check's own words when it gave them (assess/limits.py), in the reader's language.
        description: object = error.description
        message = description if isinstance(description, LazyText) else TOO_LARGE
        return render_template("errors/bad_input.html", message=message), 413
    if error.code in (404, 405):
        # A 405 keeps its Allow header (RFC 9110 15.5.6).
        return render_template("errors/404.html"), error.code, _headers(error)
    return error


def server_error(error: HTTPException):
    original = getattr(error, "original_exception", None)
    if isinstance(original, OUTAGE):
        # Raised before any handler of ours could see it (opening the request's session);
        # Flask has logged it already.
        return outage(original, log=False)
    _rollback()
    handled = _elsewhere(500, error)
    if handled is not None:
        return handled
    try:
        return render_template("errors/500.html"), 500
    except Exception as failure:  # noqa: BLE001  (whatever broke the page: answer anyway)
        if isinstance(failure, OUTAGE):
            return outage(failure)
        current_app.logger.exception("The error page could not be rendered")
        return standalone_page(500)


def outage(error: BaseException, log: bool = True):
    """503 with Retry-After; the database is not asked for anything."""
    _rollback()
    if log:
        current_app.logger.error("The database cannot be reached; answered 503", exc_info=error)
    response = _elsewhere(503, error) or standalone_page(503)
    response.headers["Retry-After"] = str(current_app.config["OUTAGE_RETRY_AFTER_SECONDS"])
    return response


def standalone_page(status: int) -> Response:
    """The page of ``status`` (500 or 503) without the database, in the reader's language."""
    language = _language()
    title, message = TEXTS[status]
    html = _template().render(
        language=language,
        title=title.render(language),
        message=message.render(language),
        service=_l("Impact assessment").render(language),
        again=_l("Try again").render(language),
        home=request.full_path if request.method == "GET" else url_for("dashboard.index"),
        stylesheets=[
            url_for("static", filename="vendor/hds-core/hds-core.min.css"),
            url_for("static", filename="css/layout.css"),
            url_for("static", filename="css/app.css"),
        ],
    )
    response = Response(html, status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def remember_language(response: Response) -> Response:
    """Keep the page's language in a cookie, for the page of an outage to read."""
    if (
        response.status_code == 200
        and response.mimetype == "text/html"
        and request.endpoint
        and not request.endpoint.startswith("static")
    ):
        # Read after the page is rendered, so the language is known already: no query more.
        language = request_language()
        if request.cookies.get(LANGUAGE_COOKIE) != language:
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=365 * 24 * 3600,
                secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                httponly=True,
                samesite="Lax",
            )
    return response


def _language() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@functools.cache
def _template() -> jinja2.Template:
    folder = Path(__file__).parent / "templates" / "errors"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True)
    return env.get_template("standalone.html")


def _elsewhere(status: int, error: BaseException) -> Response | None:
    for prefix, handler in current_app.extensions.get("assess.error_handlers", {}).items():
        if request.path.startswith(prefix):
            return handler(status, error)
    return None


def _headers(error: HTTPException) -> dict[str, str]:
    return {k: v for k, v in error.get_headers() if k.lower() != "content-type"}


def _rollback() -> None:
    # A connection that died under the session cannot even roll back; the request is
    # answered all the same, and the pool replaces the connection.
    with contextlib.suppress(Exception):
        db.session.rollback()
