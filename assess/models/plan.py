"""The organisation's wellbeing plan (hyvinvointisuunnitelma): its objectives, each with the
indicators (for example Sotkanet ids) the plan follows it by (issue 18).

An objective's key is what assessments store in their plan links, so it never changes once
made; an objective that is no longer pursued is retired, and old assessments keep pointing
at it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import UTCDateTime, utcnow


def _pick(fi: str, sv: str, en: str, language: str) -> str:
    return {"sv": sv, "en": en}.get(language) or fi


class PlanObjective(Model):
    __tablename__ = "plan_objectives"
    __table_args__ = (
        UniqueConstraint("organisation_id", "key", name="uq_plan_objectives_key"),
        CheckConstraint("end_year >= start_year", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    text_fi: Mapped[str] = mapped_column(String(500))
    text_sv: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str] = mapped_column(String(500))
    start_year: Mapped[int]
    end_year: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The order the plan lists its objectives in.
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicators: Mapped[list[PlanIndicator]] = relationship(
        back_populates="objective",
        order_by="PlanIndicator.position",
        cascade="all, delete-orphan",
    )

    def text(self, language: str) -> str:
        return _pick(self.text_fi, self.text_sv, self.text_en, language)

    def indicator(self, code: str) -> PlanIndicator | None:
        return next((i for i in self.indicators if i.code == code), None)


class PlanIndicator(Model):
    __tablename__ = "plan_indicators"
    __table_args__ = (UniqueConstraint("objective_id", "code", name="uq_plan_indicators_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("plan_objectives.id", ondelete="CASCADE"))
    # The indicator's id in its source, e.g. a Sotkanet indicator number.
    code: Mapped[str] = mapped_column(String(60))
    name_fi: Mapped[str] = mapped_column(String(300))
    name_sv: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    objective: Mapped[PlanObjective] = relationship(back_populates="indicators")

    def name(self, language: str) -> str:
        return _pick(self.name_fi, self.name_sv, self.name_en, language)
