"""Who may see what: the role check of every page."""

from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

ROLE_LABELS = {
    "preparer": _l("preparer"),
    "reviewer": _l("reviewer"),
    "secretary": _l("board secretary"),
    "auditor": _l("auditor"),
    "admin": _l("administrator"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def roles_required(*roles: str):
    """Log-in required, and one of ``roles``; otherwise a helpful 403 page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                g.required_roles = roles
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator
