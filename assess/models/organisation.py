from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .user import User

# Settings an organisation has unless it says otherwise (domain.md).
DEFAULT_SETTINGS: dict[str, Any] = {
    "investment_threshold_eur": 100_000,
    "default_language": "fi",
}

# The organisation types (issue 17): the legal bases the product cites follow the type.
ORGANISATION_KINDS = ("municipality", "wellbeing_county", "joint_authority", "helsinki")
# The kinds of deciding body, from the council down to an office holder deciding alone.
BODY_KINDS = ("council", "executive_board", "committee", "board", "division", "office_holder")
# What a body's or a decision type's key looks like: it is written in policy files.
KEY_PATTERN = r"^[a-z][a-z0-9_-]*$"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(Model):
    """A municipality or wellbeing services county."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("minority_language IN ('fi', 'sv', 'none')", name="minority_language"),
        CheckConstraint(_in("kind", ORGANISATION_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200))
    bilingual: Mapped[bool] = mapped_column(default=False)
    # Which national language is the minority in a bilingual organisation: that
    # language group triggers the national languages committee.
    minority_language: Mapped[str] = mapped_column(String(4), default="none")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    kind: Mapped[str] = mapped_column(
        String(20), default="municipality", server_default="municipality"
    )
    # The history and the exports show times in it (issue 21).
    time_zone: Mapped[str] = mapped_column(
        String(40), default="Europe/Helsinki", server_default="Europe/Helsinki"
    )
    # The organisation agrees that the region's coordinators see its yearly report's
    # aggregate figures, never case content (issue 22). Changed only through operations,
    # audited.
    shares_regional_figures: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Whether the organisation's people may sign in with a password (issue 16): an
    # organisation that signs in through its identity provider switches it off. Changed
    # only through operations, audited.
    password_sign_in: Mapped[bool] = mapped_column(default=True, server_default=true())

    bodies: Mapped[list[Body]] = relationship(back_populates="organisation", order_by="Body.id")
    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def name(self, language: str) -> str:
        return self.name_sv if language == "sv" else self.name_fi

    def setting(self, key: str) -> Any:
        return (self.settings or {}).get(key, DEFAULT_SETTINGS.get(key))


class Body(Model):
    """A deciding body: a board, a committee, a council."""

    __tablename__ = "bodies"
    __table_args__ = (
        # A unique index, not a constraint: SQLite adds one to a table in place.
        Index("uq_bodies_key", "organisation_id", "key", unique=True),
        CheckConstraint(_in("kind", BODY_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Policy files name a body by its key. A body made without one (older code, fixtures)
    # gets a unique placeholder an admin can rename; migrated rows got `body-<id>`.
    key: Mapped[str] = mapped_column(String(60), default=lambda: f"body-{uuid4().hex[:8]}")
    kind: Mapped[str] = mapped_column(String(20), default="board", server_default="board")
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200))
    # A retired body cannot be chosen for new decisions; old decisions keep it.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The division (toimiala, a body of kind "division") this body belongs to: the yearly
    # report's figures per division (issue 22). None: the body stands on its own. No foreign
    # key: SQLite cannot add one to a table others reference without rebuilding it; the
    # operations check that it names a division of the same organisation.
    division_id: Mapped[int | None] = mapped_column(default=None)

    organisation: Mapped[Organisation] = relationship(back_populates="bodies")

    def name(self, language: str) -> str:
        return self.name_sv if language == "sv" else self.name_fi


class DecisionType(Model):
    """A kind of decision the organisation names in its assessment policy."""

    __tablename__ = "decision_types"
    __table_args__ = (UniqueConstraint("organisation_id", "key", name="uq_decision_types_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # The records management's task class code, e.g. "05.01.00".
    task_class: Mapped[str | None] = mapped_column(String(40), default=None)
    # Records metadata (issue 19; documents/records.py): None takes the organisation's
    # default. Publicity class: public, partly_secret, secret; retention: "permanent" or
    # whole years ("10"); personal data: whether its documents hold any.
    publicity_class: Mapped[str | None] = mapped_column(String(20), default=None)
    retention_period: Mapped[str | None] = mapped_column(String(20), default=None)
    personal_data: Mapped[bool | None] = mapped_column(default=None)
    # A retired type cannot be chosen for new decisions; old decisions keep it.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def name(self, language: str) -> str:
        if language == "sv":
            return self.name_sv
        if language == "en":
            return self.name_en or self.name_fi
        return self.name_fi
