"""Choosing the UI language on any page, remembered per user (``assess.i18n`` decides which
language a request reads)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, session
from flask_login import current_user

from ..operations import users as user_ops
from .util import safe_next

LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}

bp = Blueprint("i18n", __name__)


@bp.post("/language")
def switch():
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            user_ops.set_preferred_language(current_user, language)
    return redirect(safe_next(request.form.get("next")))
