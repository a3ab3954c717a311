"""The roles' names in the UI languages (the ids are in ``models.user.ROLES``)."""

from .translation import lazy_text as _l

ROLE_LABELS = {
    "preparer": _l("preparer"),
    "reviewer": _l("reviewer"),
    "secretary": _l("board secretary"),
    "auditor": _l("auditor"),
    "admin": _l("administrator"),
    # The wellbeing coordinator (issue 22): the yearly report, its figures and the region's.
    "coordinator": _l("wellbeing coordinator"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


# Roles that give no right to change anything (issue 21): an auditor reads every assessment,
# its history and documents, and exports them, but changes nothing. The web pages and the API
# each refuse every change to such a person in one place (assess/web/read_only.py and
# assess/api/__init__.py's ``_answer``), not route by route.
READ_ONLY_ROLES = frozenset({"auditor"})


def reads_only(roles) -> bool:
    """True when ``roles`` give no right to change anything (no role at all included)."""
    return not set(roles) - READ_ONLY_ROLES


def who_may(roles) -> str:
    """The roles' names joined for a sentence, in the reader's language."""
    return " / ".join(role_label(r) for r in roles)
