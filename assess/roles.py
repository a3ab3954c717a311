"""The roles' names in the UI languages (the ids are in ``models.user.ROLES``)."""

from .translation import lazy_text as _l

ROLE_LABELS = {
    "preparer": _l("preparer"),
    "reviewer": _l("reviewer"),
    "secretary": _l("board secretary"),
    "auditor": _l("auditor"),
    "admin": _l("administrator"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
