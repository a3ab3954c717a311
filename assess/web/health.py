"""Health endpoints for load balancers and monitoring; no log-in."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .. import rate_limit_storage
from ..extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 while the service answers. With the API's rate limit on Redis, Redis is pinged:
    unreachable, the answer is still 200 (officials keep working; the limit is counted per
    worker meanwhile) but says ``degraded`` and names Redis, for monitoring."""
    if rate_limit_storage.healthy():
        return jsonify(status="ok")
    return jsonify(status="degraded", redis="unreachable", rate_limit="per worker")


@bp.get("/readyz")
def readyz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        retry = str(current_app.config["OUTAGE_RETRY_AFTER_SECONDS"])
        return (
            jsonify(status="unavailable", database=type(exc).__name__),
            503,
            {"Retry-After": retry},
        )
    return jsonify(status="ok", database="ok")
