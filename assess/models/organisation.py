from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model

if TYPE_CHECKING:
    from .user import User

# Settings an organisation has unless it says otherwise (domain.md).
DEFAULT_SETTINGS: dict[str, Any] = {
    "investment_threshold_eur": 100_000,
    "default_language": "fi",
}


class Organisation(Model):
    """A municipality or wellbeing services county."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("minority_language IN ('fi', 'sv', 'none')", name="minority_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200))
    bilingual: Mapped[bool] = mapped_column(default=False)
    # Which national language is the minority in a bilingual organisation: that
    # language group triggers the national languages committee.
    minority_language: Mapped[str] = mapped_column(String(4), default="none")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    bodies: Mapped[list[Body]] = relationship(back_populates="organisation", order_by="Body.id")
    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def name(self, language: str) -> str:
        return self.name_sv if language == "sv" else self.name_fi

    def setting(self, key: str) -> Any:
        return (self.settings or {}).get(key, DEFAULT_SETTINGS.get(key))


class Body(Model):
    """A deciding body: a board, a committee, a council."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="bodies")

    def name(self, language: str) -> str:
        return self.name_sv if language == "sv" else self.name_fi
