"""What the API refuses before any work per key (issue 15, items 1 and 7).

A body announced over the limit is answered 413 before Flask builds a request
(``RefuseLargeBodies``). Before parsing, a body that surely has too many keys is refused; once
parsed, its keys and list items are counted and its depth measured, stopping at the first
bound passed;
texts holding NUL, which PostgreSQL cannot store, are named; and a long list of problems
of one kind (a client's thousands of unknown fields) becomes one problem naming the first
few. Each function returns what to refuse with, (status, code, message, details), or None.
"""

from __future__ import annotations

import json
from itertools import islice
from typing import Any

from flask import current_app, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from ..i18n import lazy_text as _l
from ..input_shape import NUL, first_few, least_keys, nul_paths, oversized
from ..limits import too_large

Refusal = tuple[int, str, Any, list]
MAX_DETAILS = 50  # problems listed in one answer; the rest are counted


def keys(raw: bytes) -> Refusal | None:
    """Refuse, before parsing it, a body that surely has more keys than MAX_JSON_ITEMS: its
    parsing would cost more than anything it could ask for (11 MB of keys: 0.7 s)."""
    limit = current_app.config["MAX_JSON_ITEMS"]
    return _too_many(limit) if least_keys(raw) > limit else None


def shape(data: Any) -> Refusal | None:
    """Refuse a body with more keys and items, or deeper nesting, than any real one has."""
    config = current_app.config
    found = oversized(data, max_items=config["MAX_JSON_ITEMS"], max_depth=config["MAX_JSON_DEPTH"])
    if found is None:
        return None
    if found.what == "items":
        return _too_many(found.limit)
    message = _l(
        "The request nests objects and lists more than %(limit)d levels deep; the API's "
        "bodies need far fewer. Send the fields as the API's documentation shows them.",
        limit=found.limit,
    )
    return 422, "too_deep", message, [{"path": "", "message": str(message)}]


def _too_many(limit: int) -> Refusal:
    message = _l(
        "The request has more than %(limit)d keys and list items in all; the largest "
        "assessment needs far fewer. Send only the fields you change.",
        limit=limit,
    )
    return 422, "too_many_items", message, [{"path": "", "message": str(message)}]


def nul(data: Any) -> Refusal | None:
    """Refuse a body whose texts or keys hold NUL, naming where (at most MAX_DETAILS)."""
    paths = [".".join(str(p) for p in path) for path in islice(nul_paths(data), MAX_DETAILS)]
    if not paths:
        return None
    return (
        422,
        "validation_failed",
        _l("The request has invalid fields."),
        [{"path": path, "message": "String should not contain NUL characters"} for path in paths],
    )


def query() -> Refusal | None:
    """Refuse a query string whose names or values hold NUL (PostgreSQL cannot compare it)."""
    bad = [name for name, value in request.args.items(multi=True) if NUL in name + value]
    if not bad:
        return None
    return (
        422,
        "validation_failed",
        _l("The request has invalid fields."),
        [
            {"path": name.replace(NUL, "\\u0000"), "message": "String should not contain NUL"}
            for name in bad[:MAX_DETAILS]
        ],
    )


def pydantic_details(errors: list) -> list[dict]:
    """Pydantic's errors as the API's details; unknown fields of one object become one."""
    details: list[dict] = []
    extra: dict[str, list[str]] = {}
    for e in errors:
        *parent, last = e["loc"] or ("",)
        if e["type"] == "extra_forbidden":
            extra.setdefault(".".join(str(p) for p in parent), []).append(str(last))
        else:
            details.append({"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]})
    for parent, names in extra.items():
        if len(names) == 1:
            path = f"{parent}.{names[0]}" if parent else names[0]
            details.append({"path": path, "message": "Extra inputs are not permitted"})
        else:
            shown, _ = first_few(names)
            details.append(
                {
                    "path": parent,
                    "message": f"Extra inputs are not permitted: {len(names)} unknown fields, "
                    f"the first of them {shown}",
                }
            )
    return bounded(details)


def bounded(details: list) -> list:
    """At most MAX_DETAILS problems, and a last one counting those left out."""
    if len(details) <= MAX_DETAILS:
        return details
    left = len(details) - MAX_DETAILS
    return [
        *details[:MAX_DETAILS],
        {"path": "", "message": str(_l("… and %(n)d more problems.", n=left))},
    ]


class RefuseLargeBodies:
    """WSGI middleware: 413 in the API's envelope for a body announced over the limit.

    Answered before Flask builds a request (routing, session, hooks, teardown): a client
    repeating an 11 MB PATCH in a loop costs the server a fraction of a millisecond each,
    less than a /healthz, instead of a request's whole path (issue 15, item 1; the benchmark
    is bench/hostile_patch.py). Every API endpoint takes JSON, so one limit applies.
    """

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH", "")
        limit = self.app.config["MAX_JSON_BODY_BYTES"]
        if (
            length.isdigit()
            and int(length) > limit
            and environ.get("PATH_INFO", "").startswith("/api/")
        ):
            return self._refuse(environ, start_response, int(length), limit)
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _refuse(environ, start_response, length: int, limit: int):
        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE", ""), LanguageAccept)
        language = accepted.best_match(["fi", "sv", "en"], default="en")
        body = json.dumps(
            {
                "error": {
                    "code": "payload_too_large",
                    "message": too_large(length, limit).render(language),
                    "details": [],
                }
            },
            ensure_ascii=False,
        ).encode()
        start_response(
            "413 REQUEST ENTITY TOO LARGE",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]
