"""SQLAlchemy models, one module per aggregate."""

from .decision import Decision
from .organisation import Body, Organisation
from .user import ROLES, ApiToken, LoginAttempt, User, UserRole

__all__ = [
    "ROLES",
    "ApiToken",
    "Body",
    "Decision",
    "LoginAttempt",
    "Organisation",
    "User",
    "UserRole",
]
