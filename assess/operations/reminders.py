"""Scheduled reminders: a meeting near with items not ready, a follow-up due (issue 20).

``flask --app wsgi notifications remind`` runs this from cron or a systemd timer. Each
reminder carries a dedupe key naming what it is about and when (the meeting and its date,
the indicator and its follow-up date), so running it every hour tells each person once;
a meeting moved to another day or a follow-up date changed is reminded of again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Assessment, Meeting, User, UserRole
from ..workflow import WorkflowDefinition
from . import meetings as meeting_ops
from . import notifications
from ._tx import transaction
from .context import HELSINKI, today
from .process import state_means


@dataclass
class ReminderReport:
    written: dict[str, int] = field(
        default_factory=lambda: {"meeting_deadline": 0, "follow_up_due": 0}
    )

    def __str__(self) -> str:
        return ", ".join(f"{kind}: {n}" for kind, n in self.written.items())


def remind(on: date | None = None) -> ReminderReport:
    """Write the reminders due ``on`` (today in Finland), each person once."""
    on = on or today()
    report = ReminderReport()
    _meetings(on, report)
    _follow_ups(on, report)
    return report


def _write(report: ReminderReport, kind: str, **kwargs) -> None:
    try:
        with transaction() as session:
            report.written[kind] += len(notifications.notify(session, kind=kind, **kwargs))
    except IntegrityError:
        # Another run wrote the same reminder between our look and our write: it is there.
        pass


def _secretaries(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.organisation_id == organisation_id,
                User.active,
                UserRole.role == "secretary",
            )
            .order_by(User.id)
        )
    )


def _meetings(on: date, report: ReminderReport) -> None:
    days = int(current_app.config.get("REMIND_MEETING_DAYS") or 7)
    # Only an agenda still being built: a published one is out of the preparers' hands.
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.state == "planned", Meeting.cancelled_at.is_(None))
    ).all()
    for m in meetings:
        left = meeting_ops.days_left(m, on)
        if not 0 <= left <= days:
            continue
        ready = meeting_ops.readiness(m.items)
        not_ready = [i for i in m.items if ready.get(i.id, (None, []))[1]]
        if not not_ready:
            continue
        day = m.starts_at.astimezone(HELSINKI).date().isoformat()
        common = {
            "meeting": m.label,
            "date": day,
            "body": {lang: m.body.name(lang) for lang in ("fi", "sv", "en")},
        }
        _write(
            report,
            "meeting_deadline",
            users=_secretaries(m.organisation_id),
            actor=None,
            meeting=m,
            params={**common, "count": len(not_ready)},
            dedupe_key=f"meeting_deadline:{m.id}:{day}",
        )
        for item in not_ready:
            assessment, lacks = ready[item.id]
            # A lack that is the preparer's names them; one a reviewer or the secretary
            # must fix names a role.
            if not any(isinstance(lack.who, str) for lack in lacks):
                continue
            preparer = assessment.prepared_by if assessment is not None else item.decision.preparer
            _write(
                report,
                "meeting_deadline",
                users=[preparer],
                actor=None,
                meeting=m,
                params={
                    **common,
                    "case_number": item.decision.case_number,
                    "title": item.decision.title,
                    "decision_id": item.decision_id,
                },
                dedupe_key=f"meeting_deadline:{m.id}:{item.decision_id}:{day}",
            )


def _follow_ups(on: date, report: ReminderReport) -> None:
    horizon = on + timedelta(days=int(current_app.config.get("REMIND_FOLLOW_UP_DAYS") or 14))
    assessments = db.session.scalars(
        select(Assessment).where(
            Assessment.active,
            or_(
                state_means(WorkflowDefinition.is_approved),
                state_means(WorkflowDefinition.is_in_follow_up),
            ),
        )
    ).all()
    for a in assessments:
        for indicator in a.content.indicators:
            if not indicator.review_date:
                continue
            try:
                due = date.fromisoformat(indicator.review_date)
            except ValueError:
                continue
            if due > horizon:
                continue
            _write(
                report,
                "follow_up_due",
                users=[a.prepared_by],
                actor=None,
                assessment=a,
                params={"date": due.isoformat(), "indicator": indicator.name},
                dedupe_key=f"follow_up_due:{a.id}:{indicator.id or indicator.name[:40]}:{due}",
            )
