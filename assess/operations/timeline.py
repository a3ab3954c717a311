"""One assessment's life as a timeline a person can read (issue 21).

The audit events of the assessment, of its decision, and those of the meetings whose
agenda held the decision and concern it, merged in the chain's order; every value in the
reader's language; who acted with their role(s) at the time (from their own ``user.*``
events), when (in the organisation's time zone) and from where. Filtered by kind, person
and section, paginated, grouped by the revision each entry belongs to.

Every query goes through an index on its object (``ix_audit_events_object``, the agenda
items' and documents' decision index): the time depends on the assessment's own events,
never on the size of the database. Reading is not recorded here: the fronts do it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from ..audit import addresses as audit_addresses
from ..described import (
    FORM_SECTIONS,
    SECTIONS,
    Difference,
    describe_changes,
    section_choices,
)
from ..extensions import db
from ..input_shape import MAX_ID
from ..models import (
    AgendaItem,
    Assessment,
    AuditEvent,
    Body,
    DecisionType,
    Document,
    Meeting,
    Organisation,
    User,
)
from ..roles import ROLE_LABELS
from ..translation import lazy_text as _l
from ..workflow.definition import WorkflowDefinition
from . import timeline_words as words
from .context import _plan_objectives, form_for, workflows
from .errors import ValidationFailed
from .meetings import OUTCOME_LABELS, REMOVED_FROM_AGENDA
from .meetings import STATE_LABELS as MEETING_STATES

KINDS = tuple(words.KINDS)
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Entry:
    kind: str
    kind_label: str
    event_id: int
    hash: str
    action: str
    at: datetime  # aware, in the organisation's time zone
    at_text: str  # ``at`` as the reader writes it, with the zone's abbreviation
    who: str
    who_id: int | None
    roles: tuple[str, ...]  # at the time of the event
    role_labels: tuple[str, ...]
    via: str  # "web", "api", "system", "command_line"
    via_label: str
    client_address: str | None
    summary: str
    comment: str | None
    details: tuple[Difference, ...]
    revision: int | None  # the latest revision made before or by this event
    sections: frozenset[str] = field(default_factory=frozenset)
    # The event as the chain holds it, for the API's machine-readable side.
    actor_type: str = "user"
    event_changes: list[dict[str, Any]] = field(default_factory=list)
    event_transition: dict[str, Any] | None = None


@dataclass(frozen=True)
class Group:
    revision: int | None
    label: str
    entries: list[Entry]


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    groups: list[Group]
    page: int
    per_page: int
    total: int
    pages: int
    kinds: list[tuple[str, str]]  # (kind, label), every kind
    people: list[tuple[int, str]]  # (user id, name) of everyone in this assessment's life
    sections: list[tuple[str, str]]
    time_zone: str

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class _Raw:
    """An entry before its words: which event, which of its changes, which revision."""

    kind: str
    event: AuditEvent
    changes: list[dict[str, Any]]
    revision: int | None
    definition: WorkflowDefinition | None = None
    before: WorkflowDefinition | None = None  # a handover: the process the step left
    meeting: Meeting | None = None


def timeline(
    assessment: Assessment,
    language: str,
    *,
    kinds: Iterable[str] | None = None,
    person: int | None = None,
    section: str | None = None,
    page: int = 1,
    per_page: int = 100,
) -> TimelinePage:
    """The page ``page`` of the assessment's timeline, oldest first."""
    sections = section_choices(language)
    wanted = _checked(kinds, section, sections, page, per_page)
    organisation = db.session.get(Organisation, assessment.organisation_id)
    zone = organisation.time_zone if organisation is not None else "Europe/Helsinki"
    events = _events(assessment)
    raws = list(_raws(assessment, events))
    people: list[tuple[int, str]] = sorted(
        {(r.event.actor_id, r.event.actor_name) for r in raws if r.event.actor_id is not None},
        key=lambda p: (p[1], p[0]),
    )
    chosen = [
        r
        for r in raws
        if (wanted is None or r.kind in wanted) and (person is None or r.event.actor_id == person)
    ]
    words_for = _Words(assessment, language, ZoneInfo(zone), events)
    words_for.revision_labels.update(_revision_labels(raws, language))
    if section is not None:
        built = [e for e in (words_for.entry(r) for r in chosen) if section in e.sections]
        total = len(built)
        shown = built[(page - 1) * per_page : page * per_page]
    else:
        total = len(chosen)
        shown = [words_for.entry(r) for r in chosen[(page - 1) * per_page : page * per_page]]
    return TimelinePage(
        entries=shown,
        groups=_groups(shown, words_for.revision_labels, language),
        page=page,
        per_page=per_page,
        total=total,
        pages=max(1, -(-total // per_page)),
        kinds=[(k, label.render(language)) for k, label in words.KINDS.items()],
        people=[(uid, name) for uid, name in people],
        sections=sections,
        time_zone=zone,
    )


def _checked(kinds, section, sections, page, per_page) -> set[str] | None:
    errors: dict[str, list] = {}
    wanted = None if kinds is None else {k for k in kinds if k}
    if wanted is not None and (unknown := sorted(wanted - set(KINDS))):
        errors["kind"] = [
            _l(
                "Unknown kind %(kinds)s; choose from: %(known)s.",
                kinds=", ".join(unknown),
                known=", ".join(KINDS),
            )
        ]
    if section is not None and section not in {s for s, _ in sections}:
        errors["section"] = [
            _l(
                "Unknown section %(section)s; choose from: %(known)s.",
                section=section,
                known=", ".join(s for s, _ in sections),
            )
        ]
    if page < 1:
        errors["page"] = [_l("The page is a whole number from 1.")]
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors["per_page"] = [_l("Entries per page: a whole number from 1 to 100.")]
    if errors:
        raise ValidationFailed(errors)
    return wanted or None


# --- the events: every query by an indexed object -------------------------------------------


def _of(object_type: str, ids: Sequence[int], since: int, until: int | None):
    query = select(AuditEvent).where(
        AuditEvent.object_type == object_type,
        AuditEvent.object_id.in_(ids) if len(ids) != 1 else AuditEvent.object_id == ids[0],
        AuditEvent.id >= since,
    )
    if until is not None:
        query = query.where(AuditEvent.id <= until)
    return db.session.scalars(query.order_by(AuditEvent.id)).all()


def _events(assessment: Assessment) -> list[AuditEvent]:
    own = _of("assessment", [assessment.id], 0, None)
    if not own:
        return []
    since = own[0].id
    # A withdrawn assessment's life ends with its last event; the decision and its meetings
    # go on with the next assessment.
    until = None if _engine_definition(assessment).is_active(assessment.state) else own[-1].id
    decision_events = _of("decision", [assessment.decision_id], since, until)
    # The meetings whose agenda holds the decision, and those that held it until its item
    # was removed (the removal is recorded on the decision too, so no meeting's events
    # but these are read).
    removed_from: set[int] = {
        c["old"]
        for e in decision_events
        if e.action == REMOVED_FROM_AGENDA
        for c in e.changes or ()
        if isinstance(c, dict) and c.get("field") == "meeting" and isinstance(c.get("old"), int)
    }
    meeting_ids = sorted(
        set(
            db.session.scalars(
                select(AgendaItem.meeting_id).where(
                    AgendaItem.decision_id == assessment.decision_id
                )
            )
        )
        | removed_from
    )
    meeting_events = _of("meeting", meeting_ids, since, until) if meeting_ids else []
    return sorted([*own, *decision_events, *meeting_events], key=lambda e: e.id)


def _engine_definition(assessment: Assessment) -> WorkflowDefinition:
    return workflows().get(assessment.workflow_key, assessment.workflow_version).definition


def _definition(ident: str | None) -> WorkflowDefinition | None:
    if not ident or "@" not in ident:
        return None
    key, _, version = ident.partition("@")
    try:
        return workflows().get(key, int(version)).definition
    except (KeyError, ValueError, LookupError):
        return None


# --- which entries the events make ---------------------------------------------------------

_ASSESSMENT_KINDS = {
    "assessment.created": "transition",
    "assessment.form_migrated": "transition",
    "assessment.policy_applied": "transition",
    "assessment.flag_acknowledged": "flag",
    "assessment.flags_recomputed": "flag",
    "assessment.commented": "comment",
    "assessment.reviewer_chosen": "reviewer",
    "assessment.document_generated": "document",
    "assessment.document_pdf": "document",
    "assessment.follow_up_saved": "follow_up",
    "assessment.follow_up_summary": "follow_up",
}
# Meeting events about the whole agenda: they concern the decision while it is on it.
_WHOLE_AGENDA = {
    "meeting.published",
    "meeting.cancelled",
    "meeting.edited",
    "meeting.corrected",
    "meeting.state_changed",
}


def _raws(assessment: Assessment, events: list[AuditEvent]) -> Iterable[_Raw]:
    decision = assessment.decision
    doc_ids = set(
        db.session.scalars(select(Document.id).where(Document.decision_id == decision.id))
    )
    meetings = {
        m.id: m
        for m in db.session.scalars(
            select(Meeting)
            .where(Meeting.id.in_({e.object_id for e in events if e.object_type == "meeting"}))
            # Only the body and the label are read: not the items and documents it loads
            # eagerly for the agenda's pages.
            .options(lazyload("*"))
        )
    }
    on_agenda: set[int] = set()
    revision: int | None = None
    current = _engine_definition(assessment)
    for e in events:
        changes = list(e.changes or [])
        if e.object_type == "meeting":
            concerns = _concerns(e, changes, decision.id, decision.case_number, doc_ids)
            if e.action == "meeting.item_added" and concerns:
                on_agenda.add(e.object_id or 0)
            if concerns or (e.action in _WHOLE_AGENDA and e.object_id in on_agenda):
                yield _Raw("agenda", e, changes, revision, meeting=meetings.get(e.object_id or 0))
            if e.action == "meeting.item_removed" and concerns:
                on_agenda.discard(e.object_id or 0)
            continue
        if e.object_type == "decision":
            if e.action != REMOVED_FROM_AGENDA:  # the meeting's own event says it
                yield _Raw("decision", e, changes, revision)
            continue
        if e.action == "assessment.created":
            current = _definition(_new(changes, "workflow")) or current
            # What it started as: the process; the rest (ids, the policy) is the record's.
            changes = [c for c in changes if c.get("field") == "workflow"]
        flag_changes = [c for c in changes if str(c.get("field", "")).startswith("flags.")]
        rest = [c for c in changes if c not in flag_changes]
        if e.action.startswith("access."):
            yield _Raw("access", e, changes, revision)
            continue
        if e.action == "assessment.transition":
            before = current
            handed = (e.transition or {}).get("workflow")
            if handed:
                current = _definition(handed.get("new")) or current
            revision = (e.transition or {}).get("revision") or revision
            t = before.transition((e.transition or {}).get("trigger", ""), _from(e))
            kind = "reopened" if t is not None and before.takes_back_approval(t) else "transition"
            yield _Raw(kind, e, rest, revision, definition=current, before=before)
        elif e.action == "assessment.answers_saved":
            hearings = [
                c for c in rest if str(c.get("field", "")).startswith(("hearings", "no_hearings"))
            ]
            answers = [c for c in rest if c not in hearings]
            if answers or not (hearings or flag_changes):
                yield _Raw("answers", e, answers, revision)
            if hearings:
                yield _Raw("hearing", e, hearings, revision)
        else:
            kind = _ASSESSMENT_KINDS.get(e.action, "answers")
            if kind == "flag":
                yield _Raw(kind, e, changes, revision)
                continue
            yield _Raw(kind, e, rest, revision, definition=current)
        if flag_changes:
            yield _Raw("flag", e, flag_changes, revision)


def _from(e: AuditEvent) -> str:
    return str((e.transition or {}).get("from", ""))


def _new(changes: list[dict], name: str) -> Any:
    return next((c.get("new") for c in changes if c.get("field") == name), None)


def _concerns(e: AuditEvent, changes, decision_id, case_number, doc_ids) -> bool:
    for c in changes:
        new, old = c.get("new"), c.get("old")
        if c.get("case_number") == case_number:
            return True
        if isinstance(new, dict) and new.get("decision") == decision_id:
            return True
        if e.action == "meeting.item_removed" and c.get("field") == "items" and old == case_number:
            return True
        if e.action == "meeting.documents_attached" and isinstance(new, list):
            return any(d.get("document") in doc_ids for d in new if isinstance(d, dict))
    return False


# --- the words of each entry ---------------------------------------------------------------


class _Words:
    """Turns raw entries into entries in one language, with what they need loaded once."""

    def __init__(self, assessment: Assessment, language: str, zone: ZoneInfo, events):
        self.assessment, self.language, self.zone = assessment, language, zone
        self.form = form_for(assessment)
        self.data = assessment.data
        links = [link.objective for link in assessment.content.plan_links]
        # The wellbeing plan's objectives by their texts, as the revisions freeze them.
        self.objectives = _plan_objectives(assessment.organisation_id, links) if links else {}
        self.section_labels = dict(section_choices(language))
        self.revision_labels: dict[int, str] = {}
        self.roles = _roles_at({e.actor_id for e in events if e.actor_type != "system"})
        self.names: dict[int, str] = {}
        # The client addresses kept apart from the chain, where not yet erased (issue 16).
        self.addresses = audit_addresses.kept(db.session, (e.id for e in events))

    def entry(self, raw: _Raw) -> Entry:
        e, lang = raw.event, self.language
        summary, comment, details = getattr(self, f"_{raw.kind}")(raw)
        roles = _roles_for(self.roles, e.actor_id, e.id) if e.actor_type != "system" else ()
        via = _via(e)
        at = e.at.astimezone(self.zone)
        return Entry(
            kind=raw.kind,
            kind_label=words.KINDS[raw.kind].render(lang),
            event_id=e.id,
            hash=e.hash,
            action=e.action,
            at=at,
            at_text=f"{format_datetime(at, 'medium', tzinfo=self.zone, locale=lang)} {at.tzname()}",
            who=e.actor_name,
            who_id=e.actor_id,
            roles=roles,
            role_labels=tuple(ROLE_LABELS[r].render(lang) for r in roles if r in ROLE_LABELS),
            via=via,
            via_label=words.VIA[via].render(lang),
            client_address=audit_addresses.shown(e.id, e.client_address, self.addresses),
            summary=summary,
            comment=comment or None,
            details=tuple(details),
            revision=raw.revision,
            sections=frozenset(d.section for d in details) | _fixed_section(raw, details),
            actor_type=e.actor_type,
            event_changes=list(e.changes or []),
            event_transition=e.transition,
        )

    # one method per kind: (summary, comment, details)

    def _plain(self, raw: _Raw, **params) -> tuple[str, str | None, list[Difference]]:
        return words.action_text(raw.event.action, self.language, **params), None, self._fields(raw)

    def _fields(self, raw: _Raw) -> list[Difference]:
        out = []
        for c in raw.changes:
            name = str(c.get("field", ""))
            label = words.FIELDS.get(name)
            old, new = self._value(name, c.get("old")), self._value(name, c.get("new"))
            if old == new and old is not None:
                continue
            out.append(
                Difference(
                    path=name,
                    label=label.render(self.language) if label else name,
                    old=old,
                    new=new,
                    change="added" if old is None else "removed" if new is None else "changed",
                    section="decision" if raw.kind == "decision" else "other",
                )
            )
        return out

    def _value(self, name: str, value: Any) -> str | None:
        lang = self.language
        if value is None:
            return None
        if name == "workflow":
            found = _definition(str(value))
            return found.labels.get(lang) if found else str(value)
        if name == "body" and _stored_id(value):
            body = db.session.get(Body, value)
            return body.name(lang) if body else str(value)
        if name == "decision_type" and isinstance(value, str):
            kind = db.session.scalar(
                select(DecisionType).where(
                    DecisionType.organisation_id == self.assessment.organisation_id,
                    DecisionType.key == value,
                )
            )
            return kind.name(lang) if kind else value
        if name == "source" and value in words.SOURCES:
            return words.SOURCES[value].render(lang)
        if name == "outcome" and value in OUTCOME_LABELS:
            return OUTCOME_LABELS[value].render(lang)
        if name == "via" and value in words.VIA:
            return words.VIA[value].render(lang)
        if name == "meeting_date" and isinstance(value, str):
            try:
                return format_date(date.fromisoformat(value), "short", locale=lang)
            except ValueError:
                return value
        if name == "translations" and isinstance(value, dict):
            named = words.DOCUMENT_LANGUAGES
            return ", ".join(named[k].render(lang) if k in named else k for k in value)
        return words.as_words(value, lang)

    def _transition(self, raw: _Raw):
        e, lang = raw.event, self.language
        if e.action != "assessment.transition":
            return self._plain(raw)
        t = e.transition or {}
        before = raw.before or _engine_definition(self.assessment)
        after = raw.definition or before
        step = before.transition(t.get("trigger", ""), _from(e))
        summary = _l(
            "%(step)s: %(old)s → %(new)s",
            step=step.labels.get(lang) if step else t.get("trigger", ""),
            old=before.state_label(t.get("from", ""), lang),
            new=after.state_label(t.get("to", ""), lang),
        ).render(lang)
        details = [d for d in self._fields(raw) if d.path != "state"]
        return summary, t.get("comment"), details

    _reopened = _transition

    def _described(self, raw: _Raw) -> list[Difference]:
        return describe_changes(
            raw.changes, self.language, self.form, self.data, objectives=self.objectives
        )

    def _answers(self, raw: _Raw):
        if raw.event.action != "assessment.answers_saved":
            return self._plain(raw)
        details = self._described(raw)
        summary = _l("Answers saved: %(what)s", what=_listing(d.label for d in details))
        return summary.render(self.language), None, details

    def _hearing(self, raw: _Raw):
        details = self._described(raw)
        return _l("Hearings changed").render(self.language), None, details

    def _follow_up(self, raw: _Raw):
        if raw.event.action == "assessment.follow_up_summary":
            return self._document(raw)
        details = self._described(raw)
        return words.action_text(raw.event.action, self.language), None, details

    def _flag(self, raw: _Raw):
        lang, details, comments = self.language, [], []
        for c in raw.changes:
            message = c.get("message") or {}
            text = message.get(lang) or message.get("en") or c.get("rule") or c.get("field")
            severity = words.SEVERITY.get(c.get("severity", ""))
            details.append(
                Difference(
                    path=str(c.get("field")),
                    label=f"{severity.render(lang)}: {text}" if severity else str(text),
                    old=words.FLAG_STATUS[c.get("old")].render(lang) if c.get("old") else None,
                    new=words.FLAG_STATUS.get(c.get("new"), words.FLAG_STATUS[None]).render(lang),
                    change="added" if not c.get("old") else "changed",
                    section="flags",
                )
            )
            if c.get("comment"):
                comments.append(str(c["comment"]))
        if raw.event.action in ("assessment.flag_acknowledged", "assessment.flags_recomputed"):
            summary = words.action_text(raw.event.action, lang)
        else:
            raised = sum(1 for c in raw.changes if not c.get("old") and c.get("new") == "open")
            summary = _l(
                "Flags: %(raised)d raised, %(other)d changed",
                raised=raised,
                other=len(raw.changes) - raised,
            ).render(lang)
        return summary, "\n".join(comments), details

    def _comment(self, raw: _Raw):
        c = raw.changes[0] if raw.changes else {}
        section = str(c.get("field", "")).partition(".")[2]
        label = self._thread_label(section)
        summary = _l("Comment on the section %(section)s", section=label).render(self.language)
        return summary, c.get("new"), []

    def _thread_label(self, thread: str) -> str:
        """A comment thread's name: the whole assessment's, the screening's or a section's."""
        if thread == "general":
            return _l("the whole assessment").render(self.language)
        for s in self.form.sections:
            if s.id == thread:
                return s.labels.get(self.language)
        return self.section_labels.get(thread, thread)

    def _reviewer(self, raw: _Raw):
        c = raw.changes[0] if raw.changes else {}
        default = _l("the default reviewers").render(self.language)
        details = [
            Difference(
                "reviewer",
                words.FIELDS["reviewer"].render(self.language),
                self._user_name(c.get("old")),
                c.get("name") or default,
                "changed",
                "other",
            )
        ]
        return words.action_text(raw.event.action, self.language), None, details

    def _document(self, raw: _Raw):
        lang, details = self.language, []
        for c in raw.changes:
            new = c.get("new") or {}
            parts = str(c.get("field", "")).split(".")
            language = parts[1] if len(parts) > 1 else new.get("language", "")
            named = words.DOCUMENT_LANGUAGES.get(language) or words.DOCUMENT_LANGUAGES.get(
                new.get("language", "")
            )
            label = ", ".join(x for x in (new.get("reference"), named and named.render(lang)) if x)
            details.append(
                Difference(
                    str(c.get("field")),
                    _l("%(document)s: SHA-256", document=label).render(lang),
                    None,
                    new.get("sha256"),
                    "added",
                    "other",
                )
            )
        return words.action_text(raw.event.action, lang), None, details

    def _decision(self, raw: _Raw):
        return self._plain(raw)

    def _access(self, raw: _Raw):
        summary, _, details = self._plain(raw)
        # What was read, in words: the filters a reader chose are kinds, people and sections.
        named = {
            "kind": lambda v: ", ".join(
                words.KINDS[k].render(self.language) if k in words.KINDS else k
                for k in str(v).split(",")
            ),
            "person": lambda v: self._user_name(int(v)) if str(v).isdigit() else str(v),
            "section": lambda v: self.section_labels.get(str(v), str(v)),
            "via": lambda v: words.VIA[v].render(self.language) if v in words.VIA else str(v),
            "language": lambda v: (
                words.DOCUMENT_LANGUAGES[v].render(self.language)
                if v in words.DOCUMENT_LANGUAGES
                else str(v)
            ),
        }
        return (
            summary,
            None,
            [
                replace(d, new=named[d.path](d.new)) if d.path in named and d.new else d
                for d in details
            ],
        )

    def _agenda(self, raw: _Raw):
        e, lang = raw.event, self.language
        m = raw.meeting
        meeting = f"{m.body.name(lang)} {m.label}" if m is not None else str(e.object_id)
        params: dict[str, Any] = {"meeting": meeting}
        comment = None
        details: list[Difference] = []
        for c in raw.changes:
            name = str(c.get("field", ""))
            if e.action == "meeting.outcome_recorded" and name.endswith(".outcome"):
                outcome = OUTCOME_LABELS.get(c.get("new", ""))
                params["outcome"] = outcome.render(lang) if outcome else c.get("new")
                comment = c.get("note")
            elif name in ("cancel_reason", "correction"):
                comment = c.get("new")
            elif e.action == "meeting.state_changed" and name == "state":
                state = MEETING_STATES.get(c.get("new", ""))
                params["state"] = state.render(lang) if state else c.get("new")
            elif e.action == "meeting.edited" or e.action == "meeting.corrected":
                details.extend(self._fields(_Raw(raw.kind, e, [c], raw.revision)))
        if e.action in ("meeting.documents_attached", "meeting.published"):
            details = self._agenda_documents(raw)
        return words.action_text(e.action, lang, **params), comment, details

    def _agenda_documents(self, raw: _Raw) -> list[Difference]:
        out = []
        case = self.assessment.decision.case_number
        for c in raw.changes:
            new = c.get("new")
            if not isinstance(new, list) or c.get("field") not in ("documents", "items"):
                continue
            docs = new
            if c.get("field") == "items":
                docs = [d for i in new if i.get("case_number") == case for d in i["documents"]]
            for d in docs:
                if "reference" in d and d.get("sha256"):
                    label = _l("%(document)s: SHA-256", document=d["reference"])
                    if d.get("kind") == "attachment":
                        label = _l(
                            "%(document)s (agenda attachment): SHA-256", document=d["reference"]
                        )
                    out.append(
                        Difference(
                            "documents",
                            label.render(self.language),
                            None,
                            d["sha256"],
                            "added",
                            "other",
                        )
                    )
        return out

    def _user_name(self, user_id: Any) -> str | None:
        if not _stored_id(user_id):
            return None if not isinstance(user_id, int) else str(user_id)
        if user_id not in self.names:
            found = db.session.get(User, user_id)
            self.names[user_id] = found.name if found else str(user_id)
        return self.names[user_id]


def _stored_id(value: Any) -> bool:
    """Whether a value from an event could be a row's id. Events keep what was sent, and an
    integer beyond the id columns' range would make PostgreSQL refuse the whole page."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _fixed_section(raw: _Raw, details: Sequence[Difference]) -> frozenset[str]:
    fixed = {"flag": "flags", "hearing": "hearings", "decision": "decision"}
    if raw.kind in fixed:
        return frozenset({fixed[raw.kind]})
    if raw.kind == "follow_up":
        return frozenset({"follow_up"})
    if raw.kind == "comment" and raw.changes:
        thread = str(raw.changes[0].get("field", "")).partition(".")[2]
        # The form's section ids are not all the timeline's sections: the same mapping as
        # the answers' (described.FORM_SECTIONS).
        return frozenset({FORM_SECTIONS.get(thread, thread if thread in SECTIONS else "other")})
    return frozenset()


def _listing(labels: Iterable[str], most: int = 3) -> str:
    unique = list(dict.fromkeys(labels))
    shown = ", ".join(unique[:most])
    return shown + (f" (+{len(unique) - most})" if len(unique) > most else "")


def _via(e: AuditEvent) -> str:
    if e.actor_type == "token":
        return "api"
    if e.actor_type == "system":
        return "system"
    return "web" if e.request_id else "command_line"


# --- roles at the time --------------------------------------------------------------------


def _roles_at(user_ids: set[int | None]) -> dict[int, tuple[list[int], list[tuple[str, ...]]]]:
    """For each user, the ids of their events that set roles and the roles each set."""
    ids = sorted(u for u in user_ids if u is not None)
    if not ids:
        return {}
    found: dict[int, tuple[list[int], list[tuple[str, ...]]]] = {}
    rows = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == "user",
            AuditEvent.object_id.in_(ids),
            AuditEvent.action.in_(("user.created", "user.updated")),
        )
        .order_by(AuditEvent.id)
    )
    for e in rows:
        for c in e.changes or []:
            if c.get("field") == "roles" and isinstance(c.get("new"), list):
                at, roles = found.setdefault(e.object_id or 0, ([], []))
                if not at and isinstance(c.get("old"), list):
                    # Roles held before the first recorded change: from the change's old side.
                    at.append(0)
                    roles.append(tuple(c["old"]))
                at.append(e.id)
                roles.append(tuple(c["new"]))
    return found


def _roles_for(known, user_id: int | None, event_id: int) -> tuple[str, ...]:
    if user_id is None or user_id not in known:
        return ()
    at, roles = known[user_id]
    i = bisect.bisect_right(at, event_id) - 1
    return roles[i] if i >= 0 else ()


def _revision_labels(raws: list[_Raw], language: str) -> dict[int, str]:
    labels = {}
    for r in raws:
        t = r.event.transition or {}
        if r.definition is not None and t.get("revision") and t.get("to"):
            labels[int(t["revision"])] = r.definition.state_label(t["to"], language)
    return labels


def _groups(entries: list[Entry], labels: dict[int, str], language: str) -> list[Group]:
    groups: list[Group] = []
    for entry in entries:
        if not groups or groups[-1].revision != entry.revision:
            if entry.revision is None:
                label = _l("Before the first version").render(language)
            elif entry.revision in labels:
                label = _l(
                    "Version %(n)d: %(state)s", n=entry.revision, state=labels[entry.revision]
                ).render(language)
            else:
                label = _l("Version %(n)d", n=entry.revision).render(language)
            groups.append(Group(entry.revision, label, []))
        groups[-1].entries.append(entry)
    return groups
