"""The UI language: chosen on every page, remembered per user."""

from __future__ import annotations

from flask import Blueprint, current_app, has_request_context, redirect, request, session
from flask_login import current_user

from ..operations import users as user_ops
from .util import safe_next

LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    # Outside a request (CLI, scripts) messages are in English, the source language.
    if not has_request_context():
        return "en"
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.preferred_language in languages:
        return current_user.preferred_language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if current_user.is_authenticated:
        default = current_user.organisation.setting("default_language")
        if default in languages:
            return default
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.post("/language")
def switch():
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            user_ops.set_preferred_language(current_user, language)
    return redirect(safe_next(request.form.get("next")))
