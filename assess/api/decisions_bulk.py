"""``POST /api/v1/decisions/bulk``: the case-management system sends the organisation's
decisions, up to 1,000 at a time, all or nothing (issue 22)."""

from __future__ import annotations

from typing import Any

from flask import g, request
from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from ..operations import decision_import as ops
from . import endpoint
from .schemas import DecisionIn, Request


class BulkIn(Request):
    items: list[DecisionIn] = Field(
        description="Decisions in the shape of POST /decisions (body by its id), with "
        "meeting_date and outcome; 1 to 1,000. A decision whose case number is "
        "already here is updated."
    )

    @field_validator("items", mode="before")
    @classmethod
    def _at_most(cls, value: Any) -> Any:
        # Counted before any item is checked: a list too long is refused as one problem.
        if isinstance(value, list) and not value:
            # An empty import is a mistake in the sending program, not an event to record.
            raise PydanticCustomError(
                "too_short",
                "Give at least one decision in items (at most {limit}).",
                {"limit": ops.MAX_ITEMS},
            )
        if isinstance(value, list) and len(value) > ops.MAX_ITEMS:
            raise PydanticCustomError(
                "too_long",
                "At most {limit} decisions in one request (this one has {n}); send them in "
                "several requests of {limit} or fewer.",
                {"limit": ops.MAX_ITEMS, "n": len(value)},
            )
        return value


class BulkOut(BaseModel):
    dry_run: bool
    created: list[str]  # case numbers
    updated: list[str]
    unchanged: list[str]
    # Entered or assessed here, with other texts in the request: only meeting_date and
    # outcome were taken from it, the rest kept.
    kept: list[str]


@endpoint(
    "/decisions/bulk",
    "POST",
    request=BulkIn,
    response=BulkOut,
    roles=("admin",),
    errors=(400, 401, 403, 413, 422),
    query={"dry_run": ("boolean", "true: answer what would change and store nothing")},
)
def decisions_bulk(payload: BulkIn):
    """Create or update many decisions at once (the case-management system's import)."""
    items = [
        {
            **item.model_dump(exclude={"translations"}, exclude_none=True),
            "translations": {k: v.model_dump() for k, v in item.translations.items()},
        }
        for item in payload.items
    ]
    dry_run = request.args.get("dry_run", "").lower() in ("1", "true", "yes")
    done = ops.import_decisions(g.api_user, items, dry_run=dry_run, via="api")
    return {
        "dry_run": done.dry_run,
        "created": done.created,
        "updated": done.updated,
        "unchanged": done.unchanged,
        "kept": done.kept,
    }
