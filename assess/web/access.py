"""Who may see what: the role check of every page."""

from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from ..roles import ROLE_LABELS, role_label  # noqa: F401  (re-exported for templates)


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

        # Read by the read-only guard (read_only.py) to say who may do what it refused.
        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator
