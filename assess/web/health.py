"""Health endpoints for load balancers and monitoring; no log-in."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


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
