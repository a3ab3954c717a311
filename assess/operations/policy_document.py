"""The policy printed for the board: a version of the organisation's policy as .docx.

Reading only: the document is rendered on request from the stored version (the same
version gives the same bytes, ``assess.documents.policy``), so nothing is stored and
nothing is audited. Anyone of the organisation may print a published version (it is the
policy every preparer follows); a draft is the administrators' working material.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..documents.policy import PolicyContext, document_id, render_policy
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Body, DecisionType, Organisation, PolicyVersion, User
from ..models._types import utcnow
from .context import forms, workflows
from .errors import Forbidden, NotFound, ValidationFailed
from .policies import DEFAULT_FORM_KEY, policy_in_force

LANGUAGES = ("fi", "sv", "en")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class PrintedPolicy:
    content: bytes
    filename: str
    version: PolicyVersion


def policy_document(
    user: User | None,
    organisation: Organisation,
    language: str,
    *,
    version: int | None = None,
    draft: bool = False,
) -> PrintedPolicy:
    """The .docx of the policy ``version`` (a number), of the draft, or (neither given) of
    the version in force today, else the latest published one (published, not started).

    ``user`` None is the command line, which may print anything.
    """
    if language not in LANGUAGES:
        raise ValidationFailed(
            {"language": [_l("Choose the language fi, sv or en, not %(value)s.", value=language)]}
        )
    if user is not None and user.organisation_id != organisation.id:
        raise Forbidden(_l("You can print only your own organisation's policy."))
    admin = user is None or user.has_role("admin")
    if draft and not admin:
        raise Forbidden(_l("Only administrators can print a draft of the policy."))
    found = _version(organisation, version=version, draft=draft)
    if found.status == "draft" and not admin:
        raise Forbidden(_l("Only administrators can print a draft of the policy."))
    context = _context(organisation, found)
    content = render_policy(found.data, context, language)
    return PrintedPolicy(content, f"{document_id(context, language)}.docx", found)


def printable(organisation: Organisation) -> dict[str, bool]:
    """What of the organisation's policy can be printed: a published version, a draft."""
    statuses = set(
        db.session.scalars(
            select(PolicyVersion.status)
            .where(PolicyVersion.organisation_id == organisation.id)
            .distinct()
        )
    )
    return {"published": "published" in statuses, "draft": "draft" in statuses}


def _version(organisation: Organisation, *, version: int | None, draft: bool) -> PolicyVersion:
    rows = select(PolicyVersion).where(PolicyVersion.organisation_id == organisation.id)
    if draft:
        found = db.session.scalars(rows.where(PolicyVersion.status == "draft")).first()
        if found is None:
            raise NotFound(_l("The organisation has no draft of its policy."))
        return found
    if version is not None:
        found = db.session.scalars(rows.where(PolicyVersion.version == version)).first()
        if found is None:
            raise NotFound(
                _l("The organisation's policy has no version %(version)s.", version=version)
            )
        return found
    found = (
        policy_in_force(organisation)
        or db.session.scalars(
            rows.where(PolicyVersion.status == "published").order_by(PolicyVersion.version.desc())
        ).first()
    )
    if found is None:
        raise NotFound(
            _l("The organisation has not published a policy yet; print its draft instead.")
        )
    return found


def _context(organisation: Organisation, found: PolicyVersion) -> PolicyContext:
    data = found.data or {}
    named = {r.get("decision_type") for r in data.get("rules") or []}
    types = db.session.scalars(
        select(DecisionType)
        .where(DecisionType.organisation_id == organisation.id)
        .order_by(DecisionType.id)
    ).all()
    bodies = db.session.scalars(
        select(Body).where(Body.organisation_id == organisation.id).order_by(Body.id)
    ).all()
    loaded = workflows()
    draft = found.status == "draft"
    return PolicyContext(
        organisation={
            "fi": organisation.name_fi,
            "sv": organisation.name_sv,
            "en": organisation.name_fi,
        },
        organisation_kind=organisation.kind,
        form=forms().latest(organisation.setting("default_form") or DEFAULT_FORM_KEY),
        workflows={key: loaded.latest(key).definition for key in loaded.names()},
        # The version's own time: the same version prints the same bytes.
        when=(found.published_at if not draft else found.created_at) or utcnow(),
        version=None if draft else found.version,
        starts_on=None if draft else found.starts_on,
        draft=draft,
        # Retired types still name the rules of the versions that had them.
        decision_types={
            t.key: {"fi": t.name_fi, "sv": t.name_sv, "en": t.name_en or t.name_fi}
            for t in types
            if t.active or t.key in named
        },
        bodies={b.key: {"fi": b.name_fi, "sv": b.name_sv, "en": b.name_fi} for b in bodies},
        investment_threshold_eur=(organisation.settings or {}).get("investment_threshold_eur"),
    )
