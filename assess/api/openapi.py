"""The OpenAPI 3.1 document, generated from the declared endpoints and their models."""

from __future__ import annotations

import functools
import json
import re

from flask import Response
from pydantic import TypeAdapter

from . import ENDPOINTS, bp
from . import schemas as s

MAX_ID = 2**31 - 1  # ids are integers; larger ones cannot exist

ERROR_TEXT = {
    400: "Malformed JSON",
    401: "No or bad token",
    403: "Role not allowed (auditors only read)",
    404: "Unknown id",
    405: "Method not allowed",
    409: "Transition blocked or state does not allow the change",
    412: "Stale If-Match",
    413: "Request body too large",
    422: "Validation failed (details name each field by JSON path)",
    428: "If-Match missing",
    429: "Too many requests",
}


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def replace(match):
        converter, name = match.group(1), match.group(2)
        params.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}
                if converter == "int"
                else {"type": "string"},
            }
        )
        return "{" + name + "}"

    return "/api/v1" + re.sub(r"<(?:(\w+):)?(\w+)>", replace, rule), params


def document() -> dict:
    components: dict[str, dict] = {}

    def schema(model) -> dict:
        generated = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in generated.pop("$defs", {}).items():
            components[name] = definition
        if "title" in generated and generated.get("type") == "object":
            name = generated["title"]
            components[name] = generated
            return {"$ref": f"#/components/schemas/{name}"}
        return generated

    error_ref = schema(s.Error)
    paths: dict[str, dict] = {}
    for e in ENDPOINTS:
        path, params = _path(e.rule)
        bounds = {
            "page": {"minimum": 1, "maximum": 1_000_000},
            "per_page": {"minimum": 1, "maximum": 100},
        }
        params += [
            {
                "name": n,
                "in": "query",
                "required": False,
                "schema": {"type": t, **bounds.get(n, {})},
                "description": d,
            }
            for n, (t, d) in e.query.items()
        ]
        if e.if_match:
            params.append(
                {
                    "name": "If-Match",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "The ETag read last",
                }
            )
        op: dict = {"operationId": e.name, "summary": e.summary, "parameters": params}
        if e.request is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": schema(e.request)}},
            }
        if e.content_type:
            ok = {
                "description": "The file",
                # A comma-separated content type: one file in one of several formats.
                "content": {
                    kind.strip(): {"schema": {"type": "string", "format": "binary"}}
                    for kind in e.content_type.split(",")
                },
            }
        elif e.response is None:
            ok = {"description": "OK"}
        else:
            ok = {
                "description": "OK",
                "content": {"application/json": {"schema": schema(e.response)}},
            }
            if e.response in (s.AssessmentOut,):
                ok["headers"] = {
                    "ETag": {
                        "schema": {"type": "string"},
                        "description": "The assessment's version",
                    }
                }
        responses = {str(e.status): ok}
        # A query string holding NUL is refused with 422 before any handler runs
        # (api.limits.query), so every endpoint that takes query parameters can answer it.
        # Every change can be refused with 403 to a person whose roles only read (auditors,
        # issue 21), whatever roles the endpoint names.
        implied = (
            ({401} if e.auth else set())
            | ({422} if e.query else set())
            | ({403} if e.auth and e.method != "GET" else set())
        )
        for code in sorted(set(e.errors) | implied):
            responses[str(code)] = {
                "description": ERROR_TEXT[code],
                "content": {"application/json": {"schema": error_ref}},
            }
        op["responses"] = responses
        if e.auth:
            op["security"] = [{"bearer": []}]
        paths.setdefault(path, {})[e.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Impact assessment (EVA/IVA) API",
            "version": "1",
            "description": "Decisions, assessments, flags, documents and meetings for "
            "case-management systems. Errors: {error: {code, message, "
            "details}}; messages in the language of Accept-Language.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@functools.cache
def _document_json() -> str:
    # The endpoints are all declared at import, so the document never changes while the
    # process runs; generating it takes tens of milliseconds.
    return json.dumps(document(), ensure_ascii=False)


@bp.get("/openapi.json")
def openapi():
    return Response(_document_json(), mimetype="application/json")
