"""Comments per section between the preparer and the reviewer (issue 20).

A thread per section of the questionnaire (or ``general`` for the whole assessment). Each
comment is kept with the revision it was written against (the latest one then), so a
thread reads against the version the reviewer saw, and is never edited or deleted: what
was said during the review stays, like the review's steps, in the audit log too.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..input_shape import strip_control
from ..models import Assessment, AssessmentComment, Revision, User
from . import notifications
from ._audit import record
from ._tx import transaction
from .context import form_for
from .errors import Forbidden, NotFound, ValidationFailed

BODY_MAX_LENGTH = 5000  # as a transition's comment
GENERAL = "general"
# The guided form's pages that are not questionnaire sections but have a thread too.
PAGES = (GENERAL, "screening")
# Who takes part in the review's conversation; an auditor reads it.
ROLES = ("preparer", "reviewer", "secretary", "admin")


def sections(assessment: Assessment) -> list[str]:
    """The threads an assessment can have: general, the screening and each section."""
    return [*PAGES, *(s.id for s in form_for(assessment).sections)]


def add_comment(user: User, assessment: Assessment, section: str, body: str) -> AssessmentComment:
    """Add ``body`` to the thread of ``section``; audited. Refused (nothing stored) when the
    person may not see or take part in the assessment, the section does not exist, or the
    text is empty or too long."""
    if assessment.organisation_id != user.organisation_id:
        raise NotFound(_l("No assessment with id %(id)s.", id=assessment.id))
    if not user.has_role(*ROLES):
        raise Forbidden(
            _l("Only the assessment's preparers, reviewers and secretaries comment on it.")
        )
    problems: dict[str, list] = {}
    if section not in sections(assessment):
        problems["section"] = [
            _l(
                "%(section)r is not a section of this assessment; comment on one of its "
                "sections or on the whole assessment (general).",
                section=section,
            )
        ]
    text = strip_control(body or "").strip()
    if not text:
        problems["body"] = [_l("The comment is empty: write what you want to say.")]
    elif len(text) > BODY_MAX_LENGTH:
        problems["body"] = [
            _l(
                "The comment has %(n)d characters; at most %(max)d are allowed.",
                n=len(text),
                max=BODY_MAX_LENGTH,
            )
        ]
    if problems:
        raise ValidationFailed(problems)
    with transaction() as session:
        seq = session.scalar(
            select(func.max(Revision.seq)).where(Revision.assessment_id == assessment.id)
        )
        comment = AssessmentComment(
            assessment_id=assessment.id,
            section=section,
            revision_seq=seq,
            author_id=user.id,
            body=text,
        )
        session.add(comment)
        session.flush()
        record(
            session,
            user,
            "assessment.commented",
            "assessment",
            assessment.id,
            changes=[
                {
                    "field": f"comments.{section}",
                    "old": None,
                    "new": text,
                    "comment": comment.id,
                    "revision": seq,
                }
            ],
        )
        notifications.on_comment(session, user, assessment, text, section=section)
    return comment


def thread(assessment: Assessment, section: str) -> Sequence[AssessmentComment]:
    """The comments on ``section``, oldest first."""
    return db.session.scalars(
        select(AssessmentComment)
        .where(
            AssessmentComment.assessment_id == assessment.id,
            AssessmentComment.section == section,
        )
        .order_by(AssessmentComment.id)
    ).all()


def counts(assessment: Assessment) -> dict[str, int]:
    """How many comments each section's thread has (sections without any left out)."""
    return dict(
        db.session.execute(
            select(AssessmentComment.section, func.count(AssessmentComment.id))
            .where(AssessmentComment.assessment_id == assessment.id)
            .group_by(AssessmentComment.section)
        ).all()
    )
