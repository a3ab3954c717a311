"""The follow-up of a decided assessment (issue 18): observations, what actually happened,
and a summary for each council heard.

Allowed only in the workflow's follow-up states (``in_follow_up``), to preparers and
reviewers. A save replaces the observations of the indicators it names and the ex-post
outcomes, in one audited change with the version check; bad input is refused whole and
named, nothing stored. A summary freezes the assessment in a revision of its own (so that
``documents verify`` can render it again) and stores the .docx with its SHA-256.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import func, select

from .. import audit
from ..assessment_data import AssessmentData
from ..definitions import localized
from ..documents import follow_up as summary_doc
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Document, Revision, User
from ..questionnaire import answers as clean
from ..questionnaire import follow_up as rules
from ._audit import record
from ._stale import changing, check_version
from .context import (
    FOLLOW_UP_KIND,
    engine_for,
    follow_up_summaries,
    form_for,
    snapshot,
    today,
)
from .documents import languages_for
from .documents import store as store_document
from .errors import Conflict, Forbidden, ValidationFailed

ROLES = ("preparer", "reviewer")
OBSERVATIONS_MAX = 50
VALUE_MAX = 200


def may_record(user: User, assessment: Assessment) -> bool:
    return user.has_role(*ROLES) and engine_for(assessment).definition.is_in_follow_up(
        assessment.state
    )


def _check_allowed(user: User, assessment: Assessment) -> None:
    if not user.has_role(*ROLES):
        raise Forbidden(_l("Only preparers and reviewers can record the follow-up."))
    definition = engine_for(assessment).definition
    if not definition.is_in_follow_up(assessment.state):
        raise Conflict(
            _l(
                "The follow-up is recorded after the decision; the assessment is '%(state)s'.",
                state=localized(definition.states[assessment.state].labels),
            )
        )


def clean_follow_up(
    data: AssessmentData, payload: dict[str, Any], *, on_or_before: date
) -> tuple[dict[str, Any], clean.Errors]:
    """The follow-up parts ``payload`` gives (``indicators[].observations``, ``ex_post``),
    checked against the assessment: known indicators, followed effects, dates not ahead."""
    errors = clean.Errors()
    changes: dict[str, Any] = {}
    if not isinstance(payload, dict):
        errors.add("follow_up", _l("Give the follow-up as an object."))
        return changes, errors
    clean._unknown_fields(errors, "", payload, {"indicators", "ex_post"})
    if "indicators" in payload:
        rows = payload["indicators"] if isinstance(payload["indicators"], list) else None
        if rows is None:
            errors.add("indicators", _l("Give the indicators as a list."))
            rows = []
        known = {i.id: i for i in data.indicators}
        given: dict[str, list[dict[str, Any]]] = {}
        for i, row in enumerate(rows[: clean.LIST_MAX]):
            row = row if isinstance(row, dict) else {}
            clean._unknown_fields(errors, f"indicators.{i}", row, {"id", "observations"})
            ident = row.get("id")
            if ident not in known:
                errors.add(
                    f"indicators.{i}.id",
                    _l(
                        "No indicator %(id)r in this assessment; the indicators are: %(known)s.",
                        id=ident,
                        known=", ".join(known) or "—",
                    ),
                )
                continue
            given[ident] = _observations(
                errors, f"indicators.{i}.observations", row.get("observations"), on_or_before
            )
        indicators = []
        for ind in data.indicators:
            item = ind.dump()
            if ind.id in given:
                item["observations"] = given[ind.id]
            indicators.append(item)
        changes["indicators"] = indicators
    if "ex_post" in payload:
        changes["ex_post"] = _ex_post(errors, data, payload["ex_post"])
    return changes, errors


def _observations(errors, path: str, rows, on_or_before: date) -> list[dict[str, Any]]:
    if rows is None:
        return []
    if not isinstance(rows, list):
        errors.add(path, _l("Give the observations as a list."))
        return []
    if len(rows) > OBSERVATIONS_MAX:
        errors.add(path, _l("At most %(max)d rows.", max=OBSERVATIONS_MAX))
    out = []
    for i, row in enumerate(rows[:OBSERVATIONS_MAX]):
        row = row if isinstance(row, dict) else {}
        p = f"{path}.{i}"
        clean._unknown_fields(errors, p, row, {"on", "value", "note"})
        value = clean._text(errors, f"{p}.value", row.get("value"), VALUE_MAX).strip()
        note = clean._text(errors, f"{p}.note", row.get("note"), clean.LONG_MAX).strip()
        on = clean._date(errors, f"{p}.on", row.get("on"))
        if not (value or note or row.get("on")):
            continue  # an empty row of the form
        if not value:
            errors.add(
                f"{p}.value", _l("Give the value observed, for example 412 trips or 3 weeks.")
            )
        if on is None and f"{p}.on" not in errors:
            errors.add(f"{p}.on", _l("Give the date of the observation as YYYY-MM-DD."))
        elif on is not None and date.fromisoformat(on) > on_or_before:
            errors.add(
                f"{p}.on",
                _l(
                    "An observation cannot be dated after today (%(today)s).",
                    today=on_or_before.isoformat(),
                ),
            )
        out.append({"on": on, "value": value, "note": note})
    return out


def _ex_post(errors, data: AssessmentData, rows) -> list[dict[str, Any]]:
    if not isinstance(rows, list):
        errors.add("ex_post", _l("Give the outcomes as a list."))
        return []
    followed = {(c.group, c.dimension) for c in rules.followed_effects(data)}
    seen: set[tuple[str, str]] = set()
    out = []
    for i, row in enumerate(rows[: clean.LIST_MAX]):
        row = row if isinstance(row, dict) else {}
        p = f"ex_post.{i}"
        clean._unknown_fields(errors, p, row, {"group", "dimension", "outcome", "lesson"})
        key = (str(row.get("group")), str(row.get("dimension")))
        if key not in followed:
            errors.add(
                p,
                _l(
                    "%(group)s:%(dimension)s is not a negative or unknown effect of the "
                    "recommended alternative; the effects followed are: %(followed)s.",
                    group=key[0],
                    dimension=key[1],
                    followed=", ".join(f"{g}:{d}" for g, d in sorted(followed)) or "—",
                ),
            )
            continue
        if key in seen:
            errors.add(p, _l("The same effect is given twice."))
        seen.add(key)
        outcome = row.get("outcome") or None
        if outcome is not None and outcome not in rules.OUTCOMES:
            errors.add(
                f"{p}.outcome",
                _l(
                    "%(value)r is not a valid choice; expected one of: %(allowed)s.",
                    value=outcome,
                    allowed=", ".join(rules.OUTCOMES),
                ),
            )
        lesson = clean._text(errors, f"{p}.lesson", row.get("lesson"), clean.LONG_MAX).strip()
        if outcome is None and not lesson:
            continue
        out.append({"group": key[0], "dimension": key[1], "outcome": outcome, "lesson": lesson})
    return out


def save(user: User, assessment: Assessment, payload: dict[str, Any], *, expected_version):
    """Record observations and ex-post outcomes (one audited change, or nothing)."""
    _check_allowed(user, assessment)
    check_version(assessment, expected_version)
    data = assessment.content
    changes, errors = clean_follow_up(data, payload, on_or_before=today())
    if errors:
        raise ValidationFailed(errors)
    old = assessment.data or {}
    new = AssessmentData.load({**old, **changes})
    field_changes = audit.diff(
        {k: old.get(k) for k in changes}, {k: v for k, v in new.dump().items() if k in changes}
    )
    if not field_changes:
        return assessment
    with changing(assessment, expected_version) as session:
        assessment.content = new
        session.flush()
        record(
            session,
            user,
            "assessment.follow_up_saved",
            "assessment",
            assessment.id,
            changes=field_changes,
        )
    return assessment


def summaries(assessment: Assessment) -> list[Document]:
    """The follow-up summaries made, newest first."""
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.assessment_id == assessment.id, Document.kind == FOLLOW_UP_KIND)
            .order_by(Document.id.desc())
        )
    )


def council_of(doc: Document) -> str:
    return ((doc.revision.snapshot or {}).get("follow_up_summary") or {}).get("council", "")


def up_to_date(assessment: Assessment) -> dict[str, bool]:
    """Council id -> whether its newest summary reports the follow-up as it is now."""
    current = rules.follow_up_of(assessment.content)
    return {c: dict(v) == current for c, v in follow_up_summaries(assessment).items()}


def make_summary(
    user: User, assessment: Assessment, council: str, language: str, *, expected_version
) -> Document:
    """Freeze the follow-up in a revision and store the council's summary of it."""
    _check_allowed(user, assessment)
    check_version(assessment, expected_version)
    heard = rules.heard_councils(assessment.content)
    languages = [x for x in languages_for(assessment.decision) if x in ("fi", "sv")]
    errors = clean.Errors()
    if council not in heard:
        errors.add(
            "council",
            _l(
                "%(council)r was not heard in this assessment; a summary is made for: %(heard)s.",
                council=council,
                heard=", ".join(heard) or "—",
            ),
        )
    if language not in languages:
        errors.add(
            "language",
            _l(
                "The summary is written in the organisation's languages: %(allowed)s.",
                allowed=", ".join(languages),
            ),
        )
    if errors:
        raise ValidationFailed(errors)
    form = form_for(assessment)
    with changing(assessment, expected_version) as session:
        seq = (
            session.scalar(
                select(func.max(Revision.seq)).where(Revision.assessment_id == assessment.id)
            )
            or 0
        ) + 1
        state = assessment.state
        snap = snapshot(
            assessment,
            seq=seq,
            user=user,
            transition={"trigger": None, "from": state, "to": state},
        )
        snap["follow_up_summary"] = {"council": council, "language": language}
        revision = Revision(
            assessment=assessment,
            seq=seq,
            state=state,
            trigger=None,
            snapshot=snap,
            sha256=hashlib.sha256(audit.canonical_json(snap)).hexdigest(),
            created_by_id=user.id,
        )
        session.add(revision)
        session.flush()
        content = summary_doc.render_summary(snap, form, language)
        reference = summary_doc.summary_id(snap, council, language)
        doc = store_document(
            session,
            user,
            revision,
            kind=FOLLOW_UP_KIND,
            language=language,
            reference=reference,
            content=content,
            renderer_version=summary_doc.RENDERER_VERSION,
        )
        record(
            session,
            user,
            "assessment.follow_up_summary",
            "assessment",
            assessment.id,
            changes=[
                {
                    "field": f"follow_up_summaries.{council}",
                    "old": None,
                    "new": {
                        "id": doc.id,
                        "reference": reference,
                        "language": language,
                        "sha256": doc.sha256,
                        "revision": seq,
                    },
                }
            ],
        )
    return doc
