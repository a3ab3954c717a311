"""Bounded work per request and bounded log lines (issue 15, item 1).

- A body is refused with 413 before it is read when it is larger than its kind needs: a
  file upload (views marked ``accepts_files``) up to ``MAX_CONTENT_LENGTH``, a web form up
  to ``MAX_FORM_BODY_BYTES``, anything else (the API's JSON) up to ``MAX_JSON_BODY_BYTES``.
  Flask's one limit for every route would let an 11 MB JSON body through because uploads
  need 12 MB.
- A web form (``application/x-www-form-urlencoded``) with more fields than
  ``MAX_FORM_PARTS`` is refused with 413 before it is split into fields, as Werkzeug
  already does for ``multipart/form-data``.
- No log line grows with what a client sent: a record's message is cut at
  ``MAX_LOG_MESSAGE_CHARS``, its traceback at ``LOG_TRACEBACK_FRAMES`` frames and
  ``LOG_TRACEBACK_CHARS`` characters, with a marker saying how long they were.
"""

from __future__ import annotations

import io
import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Request, current_app, has_app_context, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from .translation import lazy_text as _l

F = TypeVar("F", bound=Callable[..., Any])

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def accepts_files(view: F) -> F:
    """Mark a view that receives file uploads: its body may be up to MAX_CONTENT_LENGTH."""
    view.accepts_files = True  # type: ignore[attr-defined]
    return view


class BoundedFormParser(FormDataParser):
    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        # The body is already bounded by the request's limit; splitting it into a million
        # fields is the cost being bounded here, so count the separators first.
        data = stream.read()
        if self.max_form_parts is not None and data.count(b"&") >= self.max_form_parts:
            raise RequestEntityTooLarge(
                f"A form may have at most {self.max_form_parts} fields; this one has more."
            )
        return super()._parse_urlencoded(io.BytesIO(data), mimetype, content_length, options)


class BoundedRequest(Request):
    form_data_parser_class = BoundedFormParser

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        if not has_app_context():
            return super().max_content_length
        config = current_app.config
        view = current_app.view_functions.get(self.endpoint or "")
        if view is not None and getattr(view, "accepts_files", False):
            return config["MAX_CONTENT_LENGTH"]
        if self.mimetype in (FORM, MULTIPART):
            return config["MAX_FORM_BODY_BYTES"]
        return config["MAX_JSON_BODY_BYTES"]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


# --- log lines -------------------------------------------------------------------------


def cut(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its start with a marker."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [cut: {len(text):,} characters in all]"


class BoundedLogRecord(logging.LogRecord):
    """A record whose message is cut at ``limit`` characters and its traceback at
    ``traceback_frames`` frames (the innermost, per exception of a chain) and
    ``traceback_chars`` characters."""

    limit = 4096
    traceback_frames = 30
    traceback_chars = 4 * 4096

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.exc_info and self.exc_info[0] is not None:
            # Formatted here, as a Formatter would, so that the cut applies whichever
            # handler and formatter write it (gunicorn's, Flask's, the root's). A negative
            # limit keeps the innermost frames: where it happened.
            text = "".join(
                traceback.format_exception(*self.exc_info, limit=-self.traceback_frames)
            ).rstrip("\n")
            # The head (where it went in) and the tail (what it was), both bounded.
            if len(text) > self.traceback_chars:
                head, tail = self.traceback_chars * 3 // 4, self.traceback_chars // 4
                marker = f"… [cut: {len(text):,} characters in all] …"
                text = f"{text[:head]}\n{marker}\n{text[-tail:]}"
            self.exc_text = text

    def getMessage(self) -> str:  # noqa: N802  (logging's name)
        return cut(super().getMessage(), self.limit)


def install_log_bounds(limit: int, traceback_frames: int = 30, traceback_chars: int = 0) -> None:
    """Every record of the process is a ``BoundedLogRecord`` cut at ``limit`` characters,
    its traceback at ``traceback_frames`` frames and ``traceback_chars`` characters (four
    times ``limit`` when 0)."""
    BoundedLogRecord.limit = limit
    BoundedLogRecord.traceback_frames = max(1, traceback_frames)
    BoundedLogRecord.traceback_chars = traceback_chars or 4 * limit
    logging.setLogRecordFactory(BoundedLogRecord)


def too_large(length: int, limit: int):
    return _l(
        "The request body has %(length)s bytes; at most %(limit)s are accepted here. Send "
        "less at once (a JSON body: only the fields you change).",
        length=f"{length:,}".replace(",", " "),
        limit=f"{limit:,}".replace(",", " "),
    )


def refuse_too_large() -> None:
    """413 for a body announced larger than its limit, before anything else is done.

    Werkzeug would refuse it too, but only once a view reads the body: after the API's
    token lookup and rate limit, the session and CSRF checks (a few milliseconds of database
    and CPU each, which a client repeating the request in a loop would take from others).
    """
    length, limit = request.content_length, request.max_content_length
    if length is not None and limit is not None and length > limit:
        raise RequestEntityTooLarge(description=too_large(length, limit))


def init_app(app: Flask) -> None:
    app.request_class = BoundedRequest
    # First of all the hooks, whoever registers theirs later (the limiter, CSRF, sessions).
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_too_large)
    install_log_bounds(
        app.config["MAX_LOG_MESSAGE_CHARS"],
        app.config.get("LOG_TRACEBACK_FRAMES", 30),
        app.config.get("LOG_TRACEBACK_CHARS", 0),
    )
