"""The version a person sees of an assessment: its latest revision's number (issue 19).

Pages, the history, the documents and the agenda all say "version N" with N the
revision's sequence number (``Revision.seq``, ``Snapshot.revision``). The assessment's
optimistic-lock counter (``Assessment.version``) changes with every save and stays a
hidden field of the forms: it is never shown.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Assessment, Revision


def shown_version(assessment: Assessment) -> int | None:
    """The latest revision's number; None before the first transition made one."""
    return db.session.scalar(
        select(func.max(Revision.seq)).where(Revision.assessment_id == assessment.id)
    )
