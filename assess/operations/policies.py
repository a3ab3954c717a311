"""The organisation's assessment policy: drafts, checks, publication, import and export.

A policy is versioned data (docs/policy.md). An admin edits one draft at a time (saved even
with problems, so work is not lost, and the problems are shown); publishing needs a draft
with no problem and a start date, and turns it into a published version that never changes.
The version in force on a day is the latest published one that has started by then; with
none, the built-in default applies (``assess.policy.BUILTIN``).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..canonical import canonical_json
from ..definitions import Problem, load_yaml
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Body, DecisionType, Organisation, PolicyVersion, User
from ..models._types import utcnow
from ..policy import Applied, Known, Policy, apply, check
from ..policy.model import DecisionTypeDef
from . import organisation_data, required_levels
from ._audit import record
from ._tx import transaction
from .context import forms, today, version_in_force, workflows
from .errors import Conflict, Forbidden, NotFound, Stale, ValidationFailed

OBJECT_TYPE = "policy"
DEFAULT_FORM_KEY = "iva"


class PolicyProblems(ValidationFailed):
    """The policy has problems; ``problems`` names each with its path. Nothing was changed."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__({p.path or "(top level)": [p.message] for p in problems})
        self.details = [str(p) for p in problems]
        self.message = "\n".join(str(p) for p in problems)


# --- reading -----------------------------------------------------------------------------


def known(organisation: Organisation) -> Known:
    """What the organisation's policy may refer to, as it has it now."""
    loaded = workflows()
    form = forms().latest(organisation.setting("default_form") or DEFAULT_FORM_KEY)
    return Known(
        decision_types=set(
            _scalars(
                select(DecisionType.key).where(
                    DecisionType.organisation_id == organisation.id, DecisionType.active
                )
            )
        ),
        bodies=set(
            _scalars(select(Body.key).where(Body.organisation_id == organisation.id, Body.active))
        ),
        workflows={key: loaded.latest(key).definition for key in loaded.names()},
        exempt_categories={c.id for c in form.screening.exempt_categories},
        screening_questions={q.id for q in form.screening.questions},
        retired_decision_types=set(
            _scalars(
                select(DecisionType.key).where(
                    DecisionType.organisation_id == organisation.id,
                    DecisionType.active.is_(False),
                )
            )
        ),
        retired_bodies=set(
            _scalars(
                select(Body.key).where(
                    Body.organisation_id == organisation.id, Body.active.is_(False)
                )
            )
        ),
    )


def _scalars(statement) -> list:
    return list(db.session.scalars(statement))


def versions(organisation: Organisation) -> list[PolicyVersion]:
    """Every version of the organisation's policy, the newest first."""
    return _scalars(
        select(PolicyVersion)
        .where(PolicyVersion.organisation_id == organisation.id)
        .order_by(PolicyVersion.version.desc())
    )


def policy_in_force(organisation: Organisation, on: date | None = None) -> PolicyVersion | None:
    """The published version in force on ``on`` (default: today in Finland): the latest
    published one whose start date has come. None: the built-in default applies."""
    # In the context, below the use cases: the screening reads it too (context.form_for).
    return version_in_force(organisation, on)


def policy_of(version: PolicyVersion | None) -> Policy | None:
    """The stored version as a Policy (None stays None: the built-in default)."""
    return None if version is None else Policy.load(version.data)


def applied_rule(
    organisation: Organisation,
    *,
    decision_type: str | None,
    body: str | None,
    amount_eur: int | None,
    on: date | None = None,
) -> tuple[Applied, PolicyVersion | None]:
    """The rule the policy in force gives a decision, and the version it came from."""
    version = policy_in_force(organisation, on)
    applied = apply(
        policy_of(version),
        decision_type=decision_type,
        body=body,
        amount_eur=amount_eur,
        policy_version=version.version if version else None,
        starts_on=version.starts_on if version else None,
    )
    return applied, version


def draft(user: User | None, organisation: Organisation) -> PolicyVersion | None:
    """The organisation's draft, if it has one."""
    _allowed(user, organisation)
    found = _scalars(
        select(PolicyVersion).where(
            PolicyVersion.organisation_id == organisation.id, PolicyVersion.status == "draft"
        )
    )
    return found[0] if found else None


def check_data(
    organisation: Organisation, data: Any, *, source: str = "policy"
) -> tuple[Policy | None, list[Problem]]:
    """Check ``data`` against what the organisation has: the policy, or every problem."""
    return check(data, known(organisation), source=source)


def check_draft(
    user: User | None, organisation: Organisation | None = None
) -> tuple[PolicyVersion, list[Problem]]:
    """The draft and its problems (none: it can be published)."""
    org = _organisation(user, organisation)
    current = draft(user, org)
    if current is None:
        raise NotFound(_l("There is no draft policy. Save one first."))
    return current, check_data(org, current.data, source=f"draft (version {current.version})")[1]


def export_policy(
    organisation: Organisation, draft: bool = False, *, version: int | None = None
) -> str:
    """The policy in force (or the draft, or version number ``version``) as a YAML file;
    the built-in default when none is in force, so that an organisation starts from what
    applies today."""
    if draft or version is not None:
        found = _scalars(
            select(PolicyVersion).where(
                PolicyVersion.organisation_id == organisation.id,
                PolicyVersion.version == version
                if version is not None
                else PolicyVersion.status == "draft",
            )
        )
        if not found:
            if version is not None:
                raise NotFound(_l("There is no policy version %(version)d.", version=version))
            raise NotFound(_l("There is no draft policy."))
        data = found[0].data
    else:
        in_force = policy_in_force(organisation)
        data = in_force.data if in_force else builtin_data()
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def builtin_data() -> dict[str, Any]:
    """The built-in default written out in full, as a file would say it."""
    return {
        "format": 1,
        "default": {"rule": "screen"},
        "rules": [],
        "processes": {"screening": "eva-standard", "light": "eva-light", "full": "eva-standard"},
        "review": {"role": "reviewer", "body": None},
        "time_limits": {"submit_days_before_meeting": 14},
    }


# --- changing ------------------------------------------------------------------------------


def fingerprint(data: Any) -> str:
    """A hash of a draft's content (canonical JSON): what the editor's token compares, so
    that a save over a draft changed since it was opened is refused (policy_drafts)."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


def save_draft(
    user: User | None, data: Any, *, organisation: Organisation | None = None
) -> tuple[PolicyVersion, list[Problem]]:
    """Save ``data`` as the organisation's draft (a new one, or over the one it has).

    A draft may have problems: they are returned to be shown, and publishing refuses it
    until they are fixed. Audited (``policy.draft_saved``), with what changed.
    The editor's ``policy_drafts.save`` refuses a save over a draft that changed since
    the admin opened it.
    """
    org = _organisation(user, organisation)
    if not isinstance(data, dict):
        raise PolicyProblems(
            [Problem("policy", "", "a policy is a mapping of keys (format, default, rules ...)")]
        )
    _, problems = check_data(org, data, source="draft policy")
    current = draft(user, org)
    with transaction() as session:
        if current is None:
            current = PolicyVersion(
                organisation_id=org.id,
                version=_next_version(org),
                status="draft",
                data=data,
                created_by_id=user.id if user else None,
            )
            session.add(current)
            changes = audit.diff({}, {"version": current.version, "data": data})
        else:
            changes = audit.diff({"data": current.data}, {"data": data})
            current.data = data
        try:
            session.flush()
        except IntegrityError:
            # Another admin created the draft (or took the version number) at the same moment.
            raise Stale(
                _l(
                    "Someone else saved a draft policy at the same moment. Open the draft "
                    "again and repeat your change."
                )
            ) from None
        record(
            session,
            user,
            "policy.draft_saved",
            OBJECT_TYPE,
            current.id,
            changes=changes,
            organisation_id=org.id,
        )
    return current, problems


def discard_draft(user: User | None, organisation: Organisation | None = None) -> None:
    """Delete the draft (audited); the published versions stay as they are."""
    org = _organisation(user, organisation)
    current = draft(user, org)
    if current is None:
        raise NotFound(_l("There is no draft policy."))
    with transaction() as session:
        record(
            session,
            user,
            "policy.draft_discarded",
            OBJECT_TYPE,
            current.id,
            changes=[{"field": "version", "old": current.version, "new": None}],
            organisation_id=org.id,
        )
        session.delete(current)


def publish(
    user: User | None, starts_on: date, *, organisation: Organisation | None = None
) -> PolicyVersion:
    """Publish the draft from ``starts_on`` (audited ``policy.published``).

    Refused, with every problem, while the draft has any; refused when the date is in the
    past or before the start of the latest published version (a version follows the one
    before it). The previous versions are kept as they were.
    """
    org = _organisation(user, organisation)
    current, problems = check_draft(user, org)
    if problems:
        raise PolicyProblems(problems)
    if not isinstance(starts_on, date):
        raise ValidationFailed({"starts_on": [_l("Give the start date as YYYY-MM-DD.")]})
    if starts_on < today():
        raise ValidationFailed(
            {
                "starts_on": [
                    _l(
                        "The start date %(day)s is in the past; a policy applies from today "
                        "(%(today)s) or a later day.",
                        day=starts_on.isoformat(),
                        today=today().isoformat(),
                    )
                ]
            }
        )
    latest = _latest_published(org)
    if latest is not None and latest.starts_on is not None and starts_on < latest.starts_on:
        raise Conflict(
            _l(
                "Version %(version)d starts on %(day)s; a new version cannot start before it. "
                "Choose %(day)s or a later day.",
                version=latest.version,
                day=latest.starts_on.isoformat(),
            )
        )
    with transaction() as session:
        current.status = "published"
        current.starts_on = starts_on
        current.published_by_id = user.id if user else None
        current.published_at = utcnow()
        record(
            session,
            user,
            "policy.published",
            OBJECT_TYPE,
            current.id,
            changes=[
                {"field": "status", "old": "draft", "new": "published"},
                {"field": "version", "old": None, "new": current.version},
                {"field": "starts_on", "old": None, "new": starts_on.isoformat()},
            ],
            organisation_id=org.id,
        )
        required_levels.recompute_from(org, starts_on)
    return current


# import_policy's parameter ``publish`` hides the function inside it.
_publish_draft = publish


def import_policy(
    user: User | None,
    text: str,
    *,
    source: str,
    publish: bool = False,
    starts_on: date | None = None,
    organisation: Organisation | None = None,
) -> tuple[PolicyVersion | None, list[Problem]]:
    """Read a policy file (YAML, safe loader) and save it as the draft; publish it too when
    asked. An invalid file stores nothing: its problems come back, each with its path.

    The file's ``decision_types`` the organisation lacks are created first (audited), in
    the same transaction.
    """
    org = _organisation(user, organisation)
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, [Problem(source, where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
    existing = known(org)
    policy, problems = check(data, existing, source=source)
    if isinstance(data, dict):
        problems += _retired_types(org, data, source)
    if problems or policy is None:
        return None, problems
    with transaction():
        _create_missing_types(user, org, policy, existing)
        version, _ = save_draft(user, data, organisation=org)
        if publish:
            version = _publish_draft(user, starts_on or today(), organisation=org)
    return version, []


def _create_missing_types(
    user: User | None, org: Organisation, policy: Policy, existing: Known
) -> None:
    for kind in policy.decision_types:
        if kind.id in existing.decision_types:
            continue
        if user is not None:
            organisation_data.create_decision_type(
                user,
                key=kind.id,
                name_fi=kind.labels.fi,
                name_sv=kind.labels.sv,
                name_en=kind.labels.en,
                task_class=kind.task_class,
            )
        else:
            _create_type_from_command_line(org, kind)


def _create_type_from_command_line(org: Organisation, kind: DecisionTypeDef) -> None:
    """The command line without --as has no admin to hand to create_decision_type: the
    same row and audit event, with the system as the actor (the file was checked)."""
    session = db.session()
    row = DecisionType(
        organisation_id=org.id,
        key=kind.id,
        name_fi=kind.labels.fi,
        name_sv=kind.labels.sv,
        name_en=kind.labels.en,
        task_class=kind.task_class,
        active=True,
    )
    session.add(row)
    session.flush()
    fields = ("key", "name_fi", "name_sv", "name_en", "task_class", "active")
    record(
        session,
        None,
        "decision_type.created",
        "decision_type",
        row.id,
        changes=[{"field": f, "old": None, "new": getattr(row, f)} for f in fields],
        organisation_id=org.id,
    )


def _retired_types(org: Organisation, data: dict, source: str) -> list[Problem]:
    """A type the file defines that the organisation has retired: it cannot be created
    again under the same id."""
    retired = set(
        _scalars(
            select(DecisionType.key).where(
                DecisionType.organisation_id == org.id, DecisionType.active.is_(False)
            )
        )
    )
    return [
        Problem(
            source,
            f"decision_types.{i}.id",
            f"decision type {t['id']!r} exists but is retired; bring it back in the admin "
            "pages first, or give this one another id",
        )
        for i, t in enumerate(data.get("decision_types") or [])
        if isinstance(t, dict) and t.get("id") in retired
    ]


# --- helpers -------------------------------------------------------------------------------


def _allowed(user: User | None, organisation: Organisation) -> None:
    """Admins of the organisation; None is the command line's system actor."""
    if user is None:
        return
    if not user.has_role("admin") or user.organisation_id != organisation.id:
        raise Forbidden(_l("Only the organisation's administrators can change its policy."))


def _organisation(user: User | None, organisation: Organisation | None) -> Organisation:
    org = organisation if organisation is not None else (user.organisation if user else None)
    if org is None:
        raise NotFound(_l("No organisation was given."))
    _allowed(user, org)
    return org


def _next_version(org: Organisation) -> int:
    numbers = _scalars(
        select(PolicyVersion.version)
        .where(PolicyVersion.organisation_id == org.id)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    )
    return (numbers[0] if numbers else 0) + 1


def _latest_published(org: Organisation) -> PolicyVersion | None:
    found = _scalars(
        select(PolicyVersion)
        .where(PolicyVersion.organisation_id == org.id, PolicyVersion.status == "published")
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    )
    return found[0] if found else None
