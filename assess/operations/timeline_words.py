"""The timeline's words (issue 21): kinds, where a change came from, and one sentence per
event in the reader's language. Kept apart from ``timeline`` so that the assembling of
entries stays short to read; nothing here queries the database."""

from __future__ import annotations

from typing import Any

from ..translation import LazyText
from ..translation import lazy_text as _l

KINDS: dict[str, LazyText] = {
    "transition": _l("Process steps"),
    "answers": _l("Changes to the answers"),
    "flag": _l("Flags"),
    "hearing": _l("Hearings"),
    "comment": _l("Comments on sections"),
    "reviewer": _l("Reviewer chosen"),
    "document": _l("Documents"),
    "agenda": _l("Meeting agenda"),
    "decision": _l("The decision's details"),
    "reopened": _l("Reopenings"),
    "follow_up": _l("Follow-up"),
    "access": _l("Reading the assessment"),
}

VIA: dict[str, LazyText] = {
    "web": _l("web"),
    "api": _l("API token"),
    "system": _l("system"),
    "command_line": _l("command line"),
    # How a decisions.imported event's decisions came from the case-management system.
    "csv": _l("CSV file"),
}

FLAG_STATUS: dict[str | None, LazyText] = {
    None: _l("not raised"),
    "open": _l("open"),
    "acknowledged": _l("acknowledged"),
    "resolved": _l("resolved"),
}
SEVERITY = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}
DOCUMENT_LANGUAGES = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}

ACTIONS: dict[str, LazyText] = {
    "assessment.created": _l("Assessment started"),
    "assessment.answers_saved": _l("Answers saved"),
    "assessment.flag_acknowledged": _l("Flag acknowledged"),
    "assessment.form_migrated": _l("Moved to a newer questionnaire"),
    "assessment.policy_applied": _l("Assessment policy applied again"),
    "assessment.flags_recomputed": _l("Flags recomputed after the decision changed"),
    "assessment.follow_up_saved": _l("Follow-up recorded"),
    "assessment.follow_up_summary": _l("Follow-up summary made for those heard"),
    "assessment.reviewer_chosen": _l("Reviewer chosen"),
    "assessment.commented": _l("Comment on a section"),
    "assessment.document_generated": _l("Document made"),
    "assessment.document_pdf": _l("PDF/A copy of a document made"),
    "decision.created": _l("Decision created"),
    "decision.updated": _l("The decision's details changed"),
    "decisions.imported": _l("Decisions imported from the case-management system"),
    "meeting.item_added": _l("Added to the agenda of meeting %(meeting)s"),
    "meeting.item_removed": _l("Removed from the agenda of meeting %(meeting)s"),
    "meeting.item_moved": _l("Moved on the agenda of meeting %(meeting)s"),
    "meeting.documents_attached": _l("Documents attached to the agenda of meeting %(meeting)s"),
    "meeting.published": _l("The agenda of meeting %(meeting)s was published"),
    "meeting.outcome_recorded": _l("Outcome at meeting %(meeting)s: %(outcome)s"),
    "meeting.cancelled": _l("Meeting %(meeting)s was cancelled"),
    "meeting.assessment_changed": _l(
        "Meeting %(meeting)s: the assessment changed after the agenda was published"
    ),
    "meeting.presenter_chosen": _l("Presenter chosen at meeting %(meeting)s"),
    "meeting.edited": _l("Time or place of meeting %(meeting)s changed"),
    "meeting.corrected": _l("The published agenda of meeting %(meeting)s corrected"),
    "meeting.state_changed": _l("Meeting %(meeting)s is now: %(state)s"),
    "meeting.agenda_pdf": _l("PDF/A copy of the agenda of meeting %(meeting)s made"),
    "access.history_viewed": _l("Read the history"),
    "access.revisions_compared": _l("Compared two versions"),
    "access.revision_document": _l("Downloaded the document of a version"),
    "access.history_exported": _l("Exported the history"),
    "access.history_report": _l("Downloaded the history report"),
    "access.search_exported": _l("Exported a search"),
    "access.verification_report": _l("Downloaded a verification report"),
    "access.audit_verified": _l("Checked the audit log on the integrity page"),
}

# Labels of the fields of non-answer events, for their detail rows.
FIELDS: dict[str, LazyText] = {
    "reviewer": _l("Reviewer"),
    "state": _l("State"),
    "workflow": _l("Process"),
    "form": _l("Questionnaire"),
    "title": _l("Title"),
    "proposal": _l("Proposal"),
    "case_number": _l("Case number"),
    "body": _l("Body"),
    "decision_type": _l("Type of decision"),
    "amount_eur": _l("Amount (EUR)"),
    "language": _l("Language"),
    "translations": _l("Texts in the other language"),
    "policy": _l("Assessment policy"),
    "policy_version": _l("Version of the assessment policy"),
    "level": _l("Level"),
    "starts_at": _l("Starts"),
    "place": _l("Place"),
    "place_sv": _l("Place in Swedish"),
    "correction": _l("Reason for the correction"),
    "cancel_reason": _l("Reason for cancelling"),
    "position": _l("Position on the agenda"),
    "format": _l("Format"),
    "from": _l("From version"),
    "to": _l("To version"),
    "revision": _l("Version"),
    "via": _l("Used through"),
    "page": _l("Page"),
    "kind": _l("Kind"),
    "person": _l("Person"),
    "section": _l("Section"),
    "sha256": _l("SHA-256 of the file"),
    # A decision's fields as the case-management system gives them (issue 22).
    "meeting_date": _l("Meeting date"),
    "outcome": _l("Outcome"),
    "source": _l("Came from"),
    # The counts of a decisions.imported event.
    "created": _l("Decisions created"),
    "updated": _l("Decisions updated"),
    "unchanged": _l("Decisions unchanged"),
    "kept": _l("Decisions whose assessed details were kept"),
}

# Where a decision came from (``Decision.source``).
SOURCES: dict[str, LazyText] = {
    "imported": _l("the case-management system"),
    "entered": _l("entered in this service"),
}


def action_text(action: str, language: str, **params: Any) -> str:
    known = ACTIONS.get(action)
    if known is None:
        return action
    return _l(known.message, **params).render(language) if params else known.render(language)


def as_words(value: Any, language: str) -> str | None:
    """A plain value as a person reads it: yes/no, lists joined, nothing as None."""
    if value is None or value == "" or value == []:
        return None
    if value is True:
        return _l("Yes").render(language)
    if value is False:
        return _l("No").render(language)
    if isinstance(value, list):
        return ", ".join(w for w in (as_words(v, language) for v in value) if w)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {as_words(v, language) or '–'}" for k, v in value.items())
    return str(value)
