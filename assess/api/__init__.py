"""The JSON API under /api/v1: the operations layer for programs, with bearer tokens.

Every endpoint is declared with ``endpoint``: its request and response models (pydantic)
are what the handler validates and serialises with, and what ``openapi.py`` describes,
so the OpenAPI document cannot drift from the code. Errors always have the form
``{"error": {"code", "message", "details"}}``, with the message in the client's
Accept-Language (fi, sv, en).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import Blueprint, Response, g, request
from flask_babel import force_locale
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from .. import logs
from ..extensions import csrf, db
from ..i18n import lazy_text as _l
from ..i18n import select_language
from ..models import ApiToken, User
from ..operations import (
    Conflict,
    Forbidden,
    NotFound,
    OperationError,
    Stale,
    ValidationFailed,
    for_request,
    kept_after_commit,
    reading,
    request_facts,
)
from ..operations.sessions import now as sessions_now
from ..operations.users import token_hash
from ..workflow import TransitionBlocked
from . import limits

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message, details: list | None = None):
        super().__init__(str(message))
        self.status, self.code, self.message, self.details = status, code, message, details or []


@dataclass
class Endpoint:
    rule: str
    method: str
    name: str
    summary: str
    request: type[BaseModel] | None = None
    response: type | None = None  # a model, list[model], or None for bytes
    status: int = 200
    roles: tuple[str, ...] = ()
    auth: bool = True
    errors: tuple[int, ...] = ()
    content_type: str | None = None  # a non-JSON response (documents)
    query: dict[str, tuple[str, str]] = field(default_factory=dict)  # name: (type, help)
    if_match: bool = False
    # The operations' names for fields the API names otherwise (its forms' "body_id" is the
    # API's "body"), so that a 422 names the field by its path in the request.
    fields: dict[str, str] = field(default_factory=dict)
    # A GET whose reading is itself recorded (issue 21: a history, a comparison, an export):
    # it runs outside ``reading()`` so that it may append its access event.
    records_access: bool = False


ENDPOINTS: list[Endpoint] = []


def language() -> str:
    """The client's language from Accept-Language (fi, sv, en), else English."""
    return select_language()


def error_response(status: int, code: str, message, details=None) -> Response:
    with force_locale(language()):
        body = {
            "error": {
                "code": code,
                "message": str(message),
                "details": [_text(d) for d in details or []],
            }
        }
    return Response(_serialise(None, body), status, mimetype="application/json")


def _text(detail):
    if isinstance(detail, dict):
        return {k: _text(v) for k, v in detail.items()}
    if isinstance(detail, (str, int, float)) or detail is None:
        return detail
    return str(detail)


@functools.cache
def _token_query():
    # The token's user with roles, and the token's id, in one query: every request needs
    # them (the organisation only a few, so it loads when asked for). Revoked tokens and
    # inactive users do not match. Built once: constructing the loader options costs more
    # than running the query on SQLite.
    return (
        select(User, ApiToken.id, ApiToken.expires_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == bindparam("hash"),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
        .options(joinedload(User.role_rows))
    )


def current_user_from_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401,
            "unauthorized",
            _l(
                "Send your API token in the header 'Authorization: Bearer <token>'. Tokens come "
                "from 'flask --app wsgi users token EMAIL' or your account page."
            ),
        )
    row = db.session.execute(_token_query(), {"hash": token_hash(token.strip())}).unique().first()
    if row is None:
        raise ApiError(
            401, "unauthorized", _l("The API token is unknown, revoked, or its user is inactive.")
        )
    user, token_id, expires_at = row
    if expires_at is not None and expires_at <= sessions_now():
        raise ApiError(
            401,
            "token_expired",
            _l(
                "The API token expired at %(at)s (UTC). Create a new one on your account page "
                "or with 'flask --app wsgi users token EMAIL --expires-in-days N'.",
                at=expires_at.strftime("%Y-%m-%d %H:%M"),
            ),
        )
    for_request(replace(request_facts(), via_token_id=token_id))
    logs.note_user(user)
    return user


def body(model: type[BaseModel]):
    """The request's JSON validated against ``model``; 400 if not JSON, 422 naming fields."""
    raw = request.get_data(cache=True)
    if refusal := limits.keys(raw):
        raise ApiError(*refusal)
    if not raw.strip():
        data = {}
    else:
        try:
            data = request.get_json(force=True)
        except Exception:  # noqa: BLE001  (werkzeug raises BadRequest for any JSON problem)
            raise ApiError(
                400, "malformed_json", _l("The request body is not valid JSON (UTF-8).")
            ) from None
    # Counted before any work per key: the cost of a refusal is bounded by the limits.
    if refusal := limits.shape(data):
        raise ApiError(*refusal)
    if not isinstance(data, dict):
        raise ApiError(
            422,
            "validation_failed",
            _l("The request body must be a JSON object."),
            [{"path": "", "message": _l("expected an object")}],
        )
    # PostgreSQL stores no NUL in text (SQLite does): refused on every database alike.
    if refusal := limits.nul(data):
        raise ApiError(*refusal)
    try:
        return model.model_validate(data)
    except PydanticError as exc:
        raise ApiError(
            422,
            "validation_failed",
            _l("The request has invalid fields."),
            limits.pydantic_details(exc.errors()),
        ) from None


def if_match(current_version: int) -> int:
    """The version the client's change is based on, from If-Match; 428 or 412 otherwise."""
    header = request.headers.get("If-Match")
    if not header:
        raise ApiError(
            428,
            "precondition_required",
            _l(
                "Send the assessment's ETag in If-Match, so that a change based on an old "
                "version is refused instead of overwriting someone else's."
            ),
        )
    if header.strip().startswith("W/"):
        # RFC 9110 13.1.1: If-Match compares strongly, a weak tag never matches; a change
        # must be based on exactly the version its client read.
        raise ApiError(
            412,
            "precondition_failed",
            _l(
                "If-Match needs a strong ETag (%(strong)s), not a weak one (%(weak)s): a "
                "change must be based on exactly the version you read.",
                strong=header.strip()[2:],
                weak=header.strip(),
            ),
        )
    tag = header.strip().strip('"')
    if tag != str(current_version):
        raise ApiError(
            412,
            "precondition_failed",
            _l(
                "The assessment has changed since you read it (your If-Match is %(mine)s, the "
                "current ETag is %(now)s). Read it again and repeat the change.",
                mine=header,
                now=etag(current_version),
            ),
        )
    return current_version


def etag(version: int) -> str:
    return f'"{version}"'


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def endpoint(rule: str, method: str = "GET", **options):
    """Declare an endpoint: route it, check its token and roles, turn errors into JSON."""

    def decorate(fn: Callable):
        spec = Endpoint(
            rule=rule,
            method=method,
            name=fn.__name__,
            summary=(fn.__doc__ or "").strip().splitlines()[0],
            **options,
        )
        ENDPOINTS.append(spec)

        @wraps(fn)
        def view(**kwargs):
            if spec.method != "GET":
                with kept_after_commit():  # the answer is what the change wrote
                    return _answer(spec, fn, kwargs)
            if spec.records_access:
                return _answer(spec, fn, kwargs)
            with reading():  # a GET only reads: no transaction, fewer round trips
                return _answer(spec, fn, kwargs)

        bp.add_url_rule(rule, spec.name, view, methods=[method])
        return view

    return decorate


def _answer(spec: Endpoint, fn: Callable, kwargs: dict) -> Response:
    """Check the token and roles, validate the body, call the handler, answer in JSON."""
    try:
        if any(isinstance(v, int) and v > 2**31 - 1 for v in kwargs.values()):
            raise ApiError(404, "not_found", _l("No such id."))
        if refusal := limits.query():
            raise ApiError(*refusal)
        if spec.auth:
            g.api_user = current_user_from_token()
            if spec.method != "GET":
                refuse_if_read_only(spec, g.api_user)
            if spec.roles and not g.api_user.has_role(*spec.roles):
                from ..roles import role_label

                raise ApiError(
                    403,
                    "forbidden",
                    _l(
                        "This needs the role %(roles)s.",
                        roles=" / ".join(str(role_label(r)) for r in spec.roles),
                    ),
                )
        if spec.request is not None:
            kwargs["payload"] = body(spec.request)
        # Everything the handler turns into text (blocked reasons, flag messages)
        # is in the client's language, not the token user's UI language.
        with force_locale(language()):
            result = fn(**kwargs)
            if isinstance(result, Response):
                return result
            headers = {}
            if isinstance(result, tuple):
                result, headers = result
            response = Response(
                _serialise(spec.response, result), spec.status, headers, mimetype="application/json"
            )
    except ApiError as exc:
        db.session.rollback()
        return error_response(exc.status, exc.code, exc.message, exc.details)
    except TransitionBlocked as exc:
        return error_response(
            409,
            "transition_blocked",
            _l("The step '%(trigger)s' is not possible now.", trigger=exc.trigger),
            list(exc.reasons),
        )
    except ValidationFailed as exc:
        details = [
            {"path": spec.fields.get(path, path), "message": m}
            for path, msgs in exc.errors.items()
            for m in msgs
        ]
        return error_response(
            422, "validation_failed", _l("The request has invalid fields."), limits.bounded(details)
        )
    except Stale as exc:
        return error_response(412, "precondition_failed", exc.message)
    except NotFound as exc:
        return error_response(404, "not_found", exc.message)
    except Forbidden as exc:
        return error_response(403, "forbidden", exc.message)
    except (Conflict, OperationError) as exc:
        return error_response(409, exc.code, exc.message, exc.details)
    return response


def refuse_if_read_only(spec: Endpoint, user: User) -> None:
    """Read-only by construction (issue 21): every endpoint but a GET is refused, before its
    role check and its body, to a person whose roles only read (auditors), so an endpoint
    added later needs no check of its own. A token has no rights of its own beyond its user's
    (the web pages' guard is assess/web/read_only.py)."""
    from ..roles import reads_only, role_label, who_may

    if not reads_only(user.roles):
        return
    with force_locale(language()):  # the roles' names in the client's language
        mine = ", ".join(role_label(r) for r in user.roles)
        if spec.roles:
            who = str(_l("This change is made by: %(roles)s.", roles=who_may(spec.roles)))
        else:
            who = str(
                _l(
                    "Changes are made by preparers, reviewers, board secretaries and "
                    "administrators, each in their own part of the work."
                )
            )
    raise ApiError(
        403,
        "read_only",
        _l(
            "Auditors only read: your roles (%(mine)s) let you read everything but change "
            "nothing, through the API or the web pages. Nothing was changed.",
            mine=mine,
        ),
        [who],
    )


@functools.cache
def _adapter(model):
    from pydantic import TypeAdapter

    return TypeAdapter(model)  # building one costs milliseconds: once per model


def _serialise(model, result) -> bytes:
    """The result as JSON text (UTF-8), checked against the endpoint's response model: what
    the OpenAPI document promises is what is sent."""
    adapter = _adapter(Any if model is None else model)
    return adapter.dump_json(adapter.validate_python(result))


@bp.errorhandler(429)
def _too_many(exc):
    response = error_response(
        429,
        "too_many_requests",
        _l("Too many requests with this token; wait the seconds in Retry-After and try again."),
    )
    retry = getattr(exc, "retry_after", None)
    if retry:
        response.headers["Retry-After"] = str(int(retry))
    return response


# The blueprint lives as long as the process and every app made in it shares it: its limit
# is declared once.
_blueprint_limited = False


def init_app(app) -> None:
    from flask import current_app

    from .. import rate_limit_storage
    from ..extensions import limiter
    from . import (  # noqa: F401  (they declare routes on the blueprint)
        agenda,
        decisions_bulk,
        endpoints,
        errors,
        follow_up,
        history,
        matrix,
        openapi,
        organisation_data,
        plan,
        policy,
        records,
        regional,
        reports,
        review,
        revisions,
        search,
        translations,
    )

    global _blueprint_limited
    rate_limit_storage.configure(app)
    limiter.init_app(app)
    rate_limit_storage.init_app(app)
    if not _blueprint_limited:
        limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)
        _blueprint_limited = True
    app.register_blueprint(bp)
    # Flask's documented way to add WSGI middleware: before Flask builds a request.
    app.wsgi_app = limits.RefuseLargeBodies(app.wsgi_app, app)
    # The application's error handlers (assess/web/errors.py) hand over what happens under
    # /api/: no such route, a wrong method, a body too large, an unexpected error, an outage.
    app.extensions.setdefault("assess.error_handlers", {})["/api/"] = errors.answer
