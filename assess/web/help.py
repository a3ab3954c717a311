"""Help (issue 20): the glossary of the method's terms, each with an anchor the guided
form's term links lead to (``_glossary.html``'s ``term(id, text)``)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from ..glossary import glossary as the_glossary
from ..i18n import request_language

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.get("/glossary")
@login_required
def glossary():
    language = request_language()
    terms = sorted(the_glossary().terms, key=lambda t: t.term.get(language).casefold())
    return render_template("help/glossary.html", terms=terms, language=language)
