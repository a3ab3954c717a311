"""The front page after log-in: what this person has to do, by role."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..extensions import db
from ..models import Body, Decision, User
from ..operations.decisions import search_decisions

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    org_id = current_user.organisation_id
    sections = {}
    if current_user.has_role("preparer"):
        sections["mine"] = db.session.scalars(
            search_decisions(current_user, preparer=current_user).limit(20)
        ).all()
    if current_user.has_role("reviewer", "auditor"):
        sections["recent"] = db.session.scalars(search_decisions(current_user).limit(10)).all()
    if current_user.has_role("secretary"):
        sections["by_body"] = db.session.execute(
            select(Body, func.count(Decision.id))
            .outerjoin(Decision, Decision.body_id == Body.id)
            .where(Body.organisation_id == org_id)
            .group_by(Body.id)
            .order_by(Body.id)
        ).all()
    if current_user.has_role("admin"):
        sections["users"] = db.session.execute(
            select(func.count(User.id), func.count(User.id).filter(User.active.is_(False))).where(
                User.organisation_id == org_id
            )
        ).one()
    return render_template("dashboard.html", sections=sections)
