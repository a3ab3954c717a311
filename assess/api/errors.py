"""Every error under /api/ in the API's envelope, whoever raised it.

The endpoints turn the operations' errors into JSON themselves (``_answer``); what reaches
the application's error handlers instead (no such route, a method the route does not take,
a body over the size limit, an unexpected exception, a database that cannot be reached)
comes here through the handler the web front calls for URLs under /api/, so that a program
never has to parse an HTML page. Headers the error carries (``Allow`` of a 405, a
``Retry-After``) are kept.
"""

from __future__ import annotations

from flask import Response, current_app, request
from werkzeug.exceptions import HTTPException

from ..i18n import LazyText
from ..i18n import lazy_text as _l
from . import error_response

# The code of each status, and the message of those the branches below do not word.
CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}
MESSAGES = {
    400: _l("The request could not be read; check its headers, query and body."),
    404: _l("There is no such API endpoint."),
    413: _l("The request body is too large for this service."),
    415: _l("Send the request body as application/json."),
    429: _l("Too many requests with this token; wait the seconds in Retry-After and try again."),
    500: _l(
        "The service could not complete your request. Nothing was saved from it. Please "
        "try again; if it happens again, tell your administrator the time it happened."
    ),
}


def answer(status: int, error: BaseException | None = None) -> Response:
    """The envelope for ``status``; ``error`` is the exception the handler was given."""
    code = CODES.get(status, f"http_{status}")
    description = getattr(error, "description", None)
    if isinstance(description, LazyText):  # a check's own words (abort(413, _l("...")))
        response = error_response(status, code, description)
    elif status == 405:
        allowed = _allowed(error)
        response = error_response(
            405,
            code,
            _l("This method is not allowed here; allowed: %(methods)s.", methods=allowed)
            if allowed
            else _l("This method is not allowed here."),
        )
    elif status == 503:
        seconds = current_app.config["OUTAGE_RETRY_AFTER_SECONDS"]
        response = error_response(
            503,
            code,
            _l(
                "The database cannot be reached at the moment; nothing was saved. Try again "
                "in %(seconds)d seconds.",
                seconds=seconds,
            ),
        )
        response.headers["Retry-After"] = str(seconds)
    elif status == 413 and request.max_content_length:
        response = error_response(
            413,
            code,
            _l(
                "The request body is too large: at most %(limit)s bytes are accepted here. "
                "Send only the fields you change.",
                limit=f"{request.max_content_length:,}".replace(",", " "),
            ),
        )
    else:
        response = error_response(
            status, code, MESSAGES.get(status) or _l("The request was refused.")
        )
    if isinstance(error, HTTPException):
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers.setdefault(name, value)
    return response


def _allowed(error: BaseException | None) -> str:
    methods = getattr(error, "valid_methods", None) or []
    return ", ".join(sorted(m for m in methods if m != "OPTIONS"))
