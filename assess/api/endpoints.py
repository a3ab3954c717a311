"""The API's endpoints: thin translations between JSON and the operations layer."""

from __future__ import annotations

import io

from flask import current_app, g, request, send_file, url_for
from sqlalchemy import func, select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Body, Decision, Document
from ..operations import answers as answer_ops
from ..operations import assessments as ops
from ..operations import audit_log, revision_compare
from ..operations import decisions as decision_ops
from ..operations import documents as doc_ops
from ..operations import flags as flag_ops
from ..operations import meetings as meeting_ops
from ..operations import review as review_ops
from ..operations.agenda_documents import stored_agendas
from ..operations.errors import ValidationFailed
from . import ApiError, endpoint, etag, if_match, iso, language
from . import schemas as s
from .screening import screening_questions

ASSESSMENT_ERRORS = (401, 404)


def _page_args() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 20))
        if not (1 <= page <= MAX_PAGE and 1 <= per_page <= 100):
            raise ValueError
    except ValueError:
        raise ApiError(
            422,
            "validation_failed",
            _l("page is a whole number from 1 and per_page one from 1 to 100."),
            [{"path": "page", "message": "1..1000000"}, {"path": "per_page", "message": "1..100"}],
        ) from None
    return page, per_page


MAX_PAGE = 1_000_000
PAGING = {
    "page": ("integer", "Page number, from 1"),
    "per_page": ("integer", "Items per page, 1-100"),
}


# --- who and what ------------------------------------------------------------------------


@endpoint("/me", response=s.Me, errors=(401,))
def me():
    """The token's user with roles and organisation."""
    u = g.api_user
    org = u.organisation
    return {
        "id": u.id,
        "name": u.name,
        "email": u.email,
        "roles": sorted(u.roles),
        "organisation": {
            "id": org.id,
            "name_fi": org.name_fi,
            "name_sv": org.name_sv,
            "bilingual": bool(org.bilingual),
        },
    }


@endpoint("/bodies", response=list[s.BodyOut], errors=(401,))
def bodies():
    """The organisation's deciding bodies."""
    rows = db.session.scalars(
        select(Body).where(Body.organisation_id == g.api_user.organisation_id).order_by(Body.id)
    )
    return [body_json(b) for b in rows]


def body_json(b: Body) -> dict:
    return {
        "id": b.id,
        "key": b.key,
        "kind": b.kind,
        "name_fi": b.name_fi,
        "name_sv": b.name_sv,
        "active": b.active,
    }


@endpoint("/definitions/forms", response=list[s.FormSummary], errors=(401,))
def forms():
    """The loaded questionnaire definitions."""
    return [
        {"key": f.key, "version": f.version, "labels": f.labels.model_dump()}
        for f in answer_ops.forms()
    ]


@endpoint(
    "/definitions/forms/<key>",
    response=s.Definition,
    errors=(401, 404),
    query={"version": ("integer", "A version; the latest without it")},
)
def form(key: str):
    """One questionnaire definition, with every id and label."""
    loaded = answer_ops.forms()
    try:
        version = request.args.get("version", type=int)
        found = loaded.get(key, version) if version else loaded.latest(key)
    except LookupError:
        raise ApiError(
            404, "not_found", _l("There is no questionnaire %(key)r.", key=key)
        ) from None
    return {"key": found.key, "version": found.version, "definition": found.model_dump(mode="json")}


@endpoint("/definitions/workflows/<key>", response=s.Definition, errors=(401, 404))
def workflow(key: str):
    """One process definition: states, triggers, roles, guards."""
    try:
        found = ops.workflows().latest(key).definition
    except LookupError:
        raise ApiError(404, "not_found", _l("There is no process %(key)r.", key=key)) from None
    return {"key": found.key, "version": found.version, "definition": found.model_dump(mode="json")}


# --- decisions ----------------------------------------------------------------------------


def _decision(d: Decision) -> dict:
    active = ops.active_assessment(d)
    return {
        "id": d.id,
        "case_number": d.case_number,
        "title": d.title,
        "language": d.language,
        "body": d.body_id,
        "proposal": d.proposal or "",
        "preparer": d.preparer_id,
        "version": d.version,
        "assessment": active.id if active else None,
        "decision_type": d.decision_type.key if d.decision_type else None,
        "decision_type_name": d.decision_type.name(language()) if d.decision_type else None,
        "amount_eur": d.amount_eur,
        "policy": decision_ops.policy_view(d, active, language()),
        "translations": d.translations or {},
        "meeting_date": d.meeting_date.isoformat() if d.meeting_date else None,
        "outcome": d.outcome,
        "source": d.source,
        "required_level": d.required_level,
    }


@endpoint(
    "/decisions",
    "POST",
    request=s.DecisionIn,
    response=s.DecisionOut,
    status=201,
    roles=("preparer",),
    errors=(400, 401, 403, 422),
    fields={"body_id": "body"},
)
def create_decision(payload: s.DecisionIn):
    """Create a decision draft."""
    d = decision_ops.create_decision(
        g.api_user,
        case_number=payload.case_number,
        title=payload.title,
        language=payload.language,
        body_id=payload.body,
        proposal=payload.proposal,
        decision_type=payload.decision_type,
        amount_eur=payload.amount_eur,
        translations={k: v.model_dump() for k, v in payload.translations.items()},
        **payload.model_dump(include={"meeting_date", "outcome"}, exclude_none=True),
    )
    return _decision(d)


@endpoint(
    "/decisions",
    response=s.DecisionPage,
    errors=(401, 422),
    query={**PAGING, "case_number": ("string", "An exact case number")},
)
def list_decisions():
    """The organisation's decisions, newest first; filter by case number."""
    page, per_page = _page_args()
    stmt = select(Decision).where(Decision.organisation_id == g.api_user.organisation_id)
    if request.args.get("case_number"):
        stmt = stmt.where(Decision.case_number == request.args["case_number"])
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.order_by(Decision.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return {
        "items": [_decision(d) for d in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
    }


@endpoint("/decisions/<int:decision_id>", response=s.DecisionOut, errors=(401, 404))
def get_decision(decision_id: int):
    """One decision."""
    return _decision(decision_ops.get_decision(g.api_user, decision_id))


@endpoint(
    "/decisions/<int:decision_id>",
    "PATCH",
    request=s.DecisionPatch,
    response=s.DecisionOut,
    roles=("preparer", "admin"),
    if_match=True,
    errors=(400, 401, 403, 404, 409, 412, 422, 428),
    fields={"body_id": "body"},
)
def patch_decision(decision_id: int, payload: s.DecisionPatch):
    """Change a decision draft; 409 while its assessment is under review, approved or decided
    (its proposal, body, language and title are what the assessment weighed)."""
    d = decision_ops.get_decision(g.api_user, decision_id)
    version = if_match(d.version)
    given = payload.model_dump(exclude_unset=True)
    current = {
        "case_number": d.case_number,
        "title": d.title,
        "language": d.language,
        "body_id": d.body_id,
        "proposal": d.proposal or "",
        "translations": d.translations or {},
    }
    if "body" in given:
        given["body_id"] = given.pop("body")
    decision_ops.update_decision(g.api_user, d, expected_version=version, **{**current, **given})
    return _decision(d), {"ETag": etag(d.version)}


# --- assessments --------------------------------------------------------------------------


def _assessment(a) -> tuple[dict, dict]:
    data = a.content
    screening = data.screening
    options = ops.options(g.api_user, a)
    out = {
        "id": a.id,
        "decision": a.decision_id,
        "state": a.state,
        "level": screening.level,
        "recommended_level": screening.recommended_level,
        "version": a.version,
        "workflow": {"key": a.workflow_key, "version": a.workflow_version},
        "form": {"key": a.form_key, "version": a.form_version},
        "screening": {
            "answers": screening.answers,
            "exempt_category": screening.exempt_category,
            "level_reason": screening.level_reason,
            "questions": screening_questions(answer_ops.form_for(a)),
        },
        "answers": data.answers,
        "alternatives": [alt.dump() for alt in data.alternatives],
        "impacts": [c.dump() for c in data.impacts],
        "hearings": [h.dump() for h in data.hearings],
        "indicators": [i.dump() for i in data.indicators],
        "plan_links": [link.dump() for link in data.plan_links],
        "summary": data.summary,
        "scope_exclusions": data.scope_exclusions,
        "flags": [
            {
                **{
                    k: getattr(f, k)
                    for k in (
                        "id",
                        "rule",
                        "severity",
                        "group",
                        "dimension",
                        "alternative",
                        "status",
                    )
                },
                "message": _localised(f.message),
                "basis": _localised(f.basis),
                "comment": f.acknowledged.comment if f.acknowledged else None,
            }
            for f in data.flags
        ],
        "policy": decision_ops.policy_view(a.decision, a, language()),
        "reviewer": a.reviewer_id,
        "transitions": {
            "available": [o.transition.trigger for o in options if o.available],
            "blocked": [
                {"trigger": o.transition.trigger, "reasons": [str(r) for r in o.reasons]}
                for o in options
                if not o.available
            ],
        },
    }
    return out, {"ETag": etag(a.version)}


def _localised(texts: dict) -> str:
    from . import language

    return texts.get(language()) or texts.get("en") or ""


@endpoint(
    "/decisions/<int:decision_id>/assessment",
    "POST",
    request=s.AssessmentIn,
    response=s.AssessmentOut,
    status=201,
    roles=("preparer",),
    errors=(400, 401, 403, 404, 409, 422),
)
def create_assessment(decision_id: int, payload: s.AssessmentIn):
    """Start the decision's assessment (process and questionnaire default to the organisation's)."""
    d = decision_ops.get_decision(g.api_user, decision_id)
    form = None
    if payload.form:
        try:
            form = answer_ops.forms().latest(payload.form).ident
        except LookupError:
            raise ApiError(
                422,
                "validation_failed",
                _l("There is no questionnaire %(key)r.", key=payload.form),
                [{"path": "form", "message": "unknown"}],
            ) from None
    a = ops.create_assessment(g.api_user, d, workflow=payload.workflow, form=form)
    return _assessment(a)


@endpoint("/assessments/<int:assessment_id>", response=s.AssessmentOut, errors=ASSESSMENT_ERRORS)
def get_assessment(assessment_id: int):
    """One assessment with its answers, flags and the steps possible now; ETag = version."""
    return _assessment(ops.get_assessment(g.api_user, assessment_id))


@endpoint(
    "/assessments/<int:assessment_id>",
    "PATCH",
    request=s.AssessmentPatch,
    response=s.AssessmentOut,
    roles=("preparer",),
    if_match=True,
    errors=(400, 401, 403, 404, 409, 412, 422, 428),
)
def patch_assessment(assessment_id: int, payload: s.AssessmentPatch):
    """Change answers: screening and answers merge by key, lists replace."""
    a = ops.get_assessment(g.api_user, assessment_id)
    version = if_match(a.version)
    given = payload.model_dump(exclude_unset=True)
    if payload.screening is not None:  # a null screening stays None: nothing given
        given["screening"] = payload.screening.model_dump(exclude_unset=True)
    answer_ops.patch(g.api_user, a, given, expected_version=version)
    return _assessment(a)


@endpoint(
    "/assessments/<int:assessment_id>/hearings",
    "POST",
    request=s.HearingIn,
    response=s.AssessmentOut,
    status=201,
    roles=("preparer",),
    errors=(400, 401, 403, 404, 409, 422),
)
def add_hearing(assessment_id: int, payload: s.HearingIn):
    """Record the hearing of a council."""
    a = ops.get_assessment(g.api_user, assessment_id)
    section = next(sec for sec in answer_ops.form_for(a).sections if sec.kind == "hearings")
    data = a.content
    hearings = [*(h.dump() for h in data.hearings), payload.model_dump()]
    try:
        answer_ops.save_section(
            g.api_user,
            a,
            section.id,
            {"hearings": hearings, "no_hearings_reason": data.no_hearings_reason},
            expected_version=a.version,
        )
    except ValidationFailed as exc:
        # The section names the new hearing's fields by their place in the list; the
        # request's body is that one hearing.
        new = f"hearings.{len(hearings) - 1}."
        raise ValidationFailed(
            {path.removeprefix(new): messages for path, messages in exc.errors.items()}
        ) from None
    return _assessment(a)


@endpoint(
    "/assessments/<int:assessment_id>/flags/<flag_id>/acknowledge",
    "POST",
    request=s.AcknowledgeIn,
    response=s.AssessmentOut,
    roles=("reviewer",),
    errors=(400, 401, 403, 404, 409, 422),
)
def acknowledge(assessment_id: int, flag_id: str, payload: s.AcknowledgeIn):
    """Acknowledge a flag with a comment (reviewers, during the review)."""
    a = ops.get_assessment(g.api_user, assessment_id)
    flag_ops.acknowledge(g.api_user, a, flag_id, payload.comment, expected_version=a.version)
    return _assessment(a)


@endpoint(
    "/assessments/<int:assessment_id>/transitions",
    "POST",
    request=s.TransitionIn,
    response=s.AssessmentOut,
    errors=(400, 401, 404, 409, 422),
)
def transition(assessment_id: int, payload: s.TransitionIn):
    """Take a step of the process; 409 lists every reason when it is blocked."""
    a = ops.get_assessment(g.api_user, assessment_id)
    review_ops.submit(
        g.api_user,
        a,
        payload.trigger,
        payload.reviewer_id if "reviewer_id" in payload.model_fields_set else review_ops.DEFAULT,
        payload.comment,
        expected_version=a.version,
    )
    return _assessment(a)


@endpoint(
    "/assessments/<int:assessment_id>/revisions",
    response=list[s.RevisionOut],
    errors=ASSESSMENT_ERRORS,
)
def revisions(assessment_id: int):
    """The frozen revisions: one per transition, one per follow-up summary (trigger null)."""
    a = ops.get_assessment(g.api_user, assessment_id)
    created = {r.seq: r.created_at for r in a.revisions}
    return [
        {
            "seq": r.seq,
            "state": r.state,
            "trigger": r.trigger,
            "sha256": r.sha256,
            "created_at": iso(created[r.seq]),
            "state_label": r.state_label,
            "step": r.step,
            "comment": r.comment,
            "by": r.by,
            "at": r.at.isoformat(),
            "stored_documents": list(r.stored_languages),
        }
        for r in revision_compare.revisions(a, language())
    ]


def _document(d: Document) -> dict:
    return {
        "id": d.id,
        "language": d.language,
        "revision": d.revision.seq,
        "sha256": d.sha256,
        "created_at": iso(d.created_at),
        "url": public_url(url_for("api.document", document_id=d.id)),
        "kind": d.kind,
        "data_fingerprint": d.revision.sha256,
    }


@endpoint(
    "/assessments/<int:assessment_id>/documents",
    response=list[s.DocumentOut],
    errors=ASSESSMENT_ERRORS,
)
def assessment_documents(assessment_id: int):
    """The assessment's documents, newest first."""
    a = ops.get_assessment(g.api_user, assessment_id)
    return [_document(d) for d in doc_ops.documents_of(a.decision) if d.assessment_id == a.id]


@endpoint(
    "/documents/<int:document_id>", response=None, errors=(401, 404), content_type=Document.DOCX
)
def document(document_id: int):
    """The .docx bytes; ETag is the SHA-256."""
    d = doc_ops.get_document(g.api_user, document_id)
    response = send_file(
        io.BytesIO(d.content),
        mimetype=Document.DOCX,
        as_attachment=True,
        download_name=d.filename,
        etag=d.sha256,
        max_age=0,
    )
    return response


def public_url(path: str) -> str:
    """An absolute link on the configured PUBLIC_BASE_URL, else the path itself: never on
    the request's Host header, which the client chooses (a link planted in a case system)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    return f"{base}{path}" if base else path


# --- meetings -----------------------------------------------------------------------------


def _meeting(m) -> dict:
    return {
        "id": m.id,
        "body": m.body_id,
        "number": m.number,
        "year": m.year,
        "starts_at": iso(m.starts_at),
        "place": m.place,
        "place_sv": m.place_sv,
        "state": m.state,
        "version": m.version,
        "items": [
            {
                "id": i.id,
                "position": i.position,
                "decision": i.decision_id,
                "outcome": i.outcome,
                "documents": [d.id for d in i.documents],
                "assessment_changed": i.assessment_changed,
                "presenter": presenter_out(i),
            }
            for i in m.items
        ],
        "agendas": [
            {"language": a.language, "sha256": a.sha256, "size": a.size, "pdf_sha256": a.pdf_sha256}
            for a in stored_agendas(m)
        ],
    }


# The meeting as every meeting route answers it; the agenda's presenter route too (agenda.py).
def meeting_out(m) -> dict:
    return _meeting(m)


def presenter_out(item) -> dict | None:
    if item.presenter_user is None and not item.presenter:
        return None
    return {
        "user": item.presenter_id,
        "name": item.presenter_user.name if item.presenter_user else item.presenter,
        "title": {"fi": item.presenter_title_fi, "sv": item.presenter_title_sv},
    }


@endpoint(
    "/meetings",
    "POST",
    request=s.MeetingIn,
    response=s.MeetingOut,
    status=201,
    roles=("secretary",),
    errors=(400, 401, 403, 422),
    fields={"body_id": "body"},
)
def create_meeting(payload: s.MeetingIn):
    """Create a meeting of a deciding body (number: the next of the year unless given)."""
    m = meeting_ops.create_meeting(
        g.api_user,
        body_id=payload.body,
        number=payload.number,
        year=payload.year,
        starts_at=payload.starts_at,
        place=payload.place,
        place_sv=payload.place_sv,
    )
    return _meeting(m)


@endpoint("/meetings/<int:meeting_id>", response=s.MeetingOut, errors=(401, 404))
def get_meeting(meeting_id: int):
    """A meeting with its agenda."""
    return _meeting(meeting_ops.get_meeting(g.api_user, meeting_id))


@endpoint(
    "/meetings/<int:meeting_id>/items",
    "POST",
    request=s.ItemIn,
    response=s.MeetingOut,
    status=201,
    roles=("secretary",),
    errors=(400, 401, 403, 404, 409, 422),
)
def add_item(meeting_id: int, payload: s.ItemIn):
    """Put a decision on the agenda, with its approved documents if there are any."""
    m = meeting_ops.get_meeting(g.api_user, meeting_id)
    meeting_ops.add_item_and_attach(g.api_user, m, payload.decision, expected_version=m.version)
    return _meeting(m)


@endpoint(
    "/meetings/<int:meeting_id>/publish",
    "POST",
    response=s.MeetingOut,
    roles=("secretary",),
    errors=(401, 403, 404, 409),
)
def publish(meeting_id: int):
    """Publish the agenda; 409 lists each item and what it lacks."""
    m = meeting_ops.get_meeting(g.api_user, meeting_id)
    meeting_ops.attach_and_publish(g.api_user, m, expected_version=m.version)
    return _meeting(m)


@endpoint(
    "/meetings/<int:meeting_id>/agenda",
    response=None,
    errors=(401, 404),
    content_type=Document.DOCX,
    query={"language": ("string", "fi or sv")},
)
def agenda(meeting_id: int):
    """The agenda as .docx."""
    m = meeting_ops.get_meeting(g.api_user, meeting_id)
    content, name = meeting_ops.agenda_document(g.api_user, m, request.args.get("language", "fi"))
    return send_file(
        io.BytesIO(content),
        mimetype=Document.DOCX,
        as_attachment=True,
        download_name=name,
        max_age=0,
    )


@endpoint(
    "/meetings/<int:meeting_id>/items/<int:item_id>/outcome",
    "POST",
    request=s.OutcomeIn,
    response=s.MeetingOut,
    roles=("secretary",),
    errors=(400, 401, 403, 404, 409, 422),
)
def outcome(meeting_id: int, item_id: int, payload: s.OutcomeIn):
    """Record what the body decided on an item; moves the assessment on."""
    m = meeting_ops.get_meeting(g.api_user, meeting_id)
    meeting_ops.record_outcome(
        g.api_user, m, item_id, payload.outcome, payload.note, expected_version=m.version
    )
    return _meeting(m)


# --- audit -------------------------------------------------------------------------------


@endpoint(
    "/audit/verify",
    response=s.AuditOut,
    roles=("auditor", "admin"),
    errors=(401, 403),
    records_access=True,
)
def audit_verify():
    """The hash chain of the audit log held against the signed checkpoints: the events
    written since the last recorded walk are read now (at most AUDIT_VERIFY_REQUEST_LIMIT),
    the older ones were read by that walk; recorded as ``access.audit_verified``."""
    r = audit_log.verify_for(g.api_user, since_last_run=True)
    return {
        "intact": r.intact,
        "anchored": r.anchored,
        "events": r.events,
        "events_covered": r.events_covered,
        "events_after_checkpoint": r.events_after_checkpoint,
        "checkpoint_at": iso(r.checkpoint_at),
        "first_broken": r.first_broken,
        "warnings": list(r.warnings),
        "verified_at": iso(r.verified_at) or "",
        "checked_from_event": r.checked_from,
        "checked_up_to_event": r.checked_upto if r.intact else None,
        "events_checked": r.new_events,
        "complete": not r.more,
        "previous_walk": _walk(r.since),
        "last_full_walk": _walk(r.last_full),
    }


def _walk(run) -> dict | None:
    if run is None:
        return None
    return {
        "at": iso(run.at),
        "from_first_event": run.full,
        "intact": run.intact,
        "events": run.events,
        "last_event_id": run.last_event_id,
    }
