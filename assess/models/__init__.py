"""SQLAlchemy models, one module per aggregate."""

from . import decision_text  # noqa: F401  (the search text index's DDL on create_all)
from .assessment import (
    Assessment,
    AssessmentFact,
    AssessmentSearchKey,
    Attachment,
    Document,
    NegativeEffect,
    Revision,
)
from .audit import AuditAddress, AuditCheckpoint, AuditEvent
from .comment import AssessmentComment
from .decision import Decision
from .meeting import MEETING_STATES, OUTCOMES, AgendaItem, Meeting, MeetingDocument
from .notification import NOTIFICATION_KINDS, Notification, OutboxMessage
from .organisation import BODY_KINDS, ORGANISATION_KINDS, Body, DecisionType, Organisation
from .plan import PlanIndicator, PlanObjective
from .policy import POLICY_STATUSES, PolicyVersion, PublishedPolicyChanged
from .report import REPORT_STATUSES, YearlyReport, YearlyReportFile
from .session import END_REASONS, LoginSession
from .user import ROLES, ApiToken, LoginAttempt, ReviewerBody, User, UserRole

__all__ = [
    "MEETING_STATES",
    "OUTCOMES",
    "AgendaItem",
    "Meeting",
    "MeetingDocument",
    "Assessment",
    "AssessmentComment",
    "AssessmentFact",
    "AssessmentSearchKey",
    "REPORT_STATUSES",
    "YearlyReport",
    "YearlyReportFile",
    "NOTIFICATION_KINDS",
    "Notification",
    "OutboxMessage",
    "Attachment",
    "AuditAddress",
    "AuditCheckpoint",
    "AuditEvent",
    "Document",
    "NegativeEffect",
    "Revision",
    "ROLES",
    "ApiToken",
    "BODY_KINDS",
    "Body",
    "Decision",
    "DecisionType",
    "END_REASONS",
    "LoginSession",
    "LoginAttempt",
    "ORGANISATION_KINDS",
    "Organisation",
    "POLICY_STATUSES",
    "PlanIndicator",
    "PlanObjective",
    "PolicyVersion",
    "PublishedPolicyChanged",
    "ReviewerBody",
    "User",
    "UserRole",
]
