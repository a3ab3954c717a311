"""The fixed texts of the documents: English msgids, translated in the catalogues.

Their fi and sv translations are in ``assess/translations`` under the context
``document`` (msgctxt), apart from the interface's: a document re-rendered from its
revision must give the same bytes, so its wording changes only with ``RENDERER_VERSION``
(see ``assessment.py``), never with an edit of the interface's texts.
tests/unit/test_document_texts.py pins every one of them word for word.
"""

from __future__ import annotations

from ..translation import pgettext, pgettext_noop

# Literal in each entry below: extraction reads the context from the call.
CONTEXT = "document"

TEXTS: dict[str, str] = {
    "doc_title": pgettext_noop("document", "Ex-ante impact assessment"),
    "draft": pgettext_noop("document", "DRAFT"),
    "draft_note": pgettext_noop(
        "document", "Draft: the assessment is not approved. Do not attach it to the proposal."
    ),
    "organisation": pgettext_noop("document", "Organisation"),
    "body": pgettext_noop("document", "Deciding body"),
    "case_number": pgettext_noop("document", "Case number"),
    "decision": pgettext_noop("document", "Decision"),
    "preparer": pgettext_noop("document", "Preparer"),
    "reviewer": pgettext_noop("document", "Reviewer"),
    "meeting": pgettext_noop("document", "Meeting"),
    "not_known": pgettext_noop("document", "not known yet"),
    "document_id": pgettext_noop("document", "Document id"),
    "revision": pgettext_noop("document", "Revision"),
    "state": pgettext_noop("document", "State"),
    "page": pgettext_noop("document", "Page"),
    "summary": pgettext_noop("document", "Summary for the decision proposal"),
    "no_summary": pgettext_noop("document", "No summary has been written."),
    "recommended": pgettext_noop("document", "Recommended alternative"),
    "why": pgettext_noop("document", "Reason"),
    "screening": pgettext_noop("document", "Screening"),
    "level": pgettext_noop("document", "Level of the assessment"),
    "recommended_level": pgettext_noop("document", "Level the screening recommends"),
    "yes_answers": pgettext_noop("document", "Questions answered yes or don't know"),
    "none_yes": pgettext_noop("document", "None."),
    "level_reason": pgettext_noop("document", "Reason for the level"),
    "exempt": pgettext_noop("document", "Exempt category"),
    "level_none": pgettext_noop("document", "no assessment"),
    "level_light": pgettext_noop("document", "light assessment"),
    "level_full": pgettext_noop("document", "full assessment"),
    "answer_yes": pgettext_noop("document", "yes"),
    "answer_unknown": pgettext_noop("document", "don't know"),
    "alternatives": pgettext_noop("document", "Alternatives"),
    "zero_option": pgettext_noop("document", "zero option"),
    "recommended_mark": pgettext_noop("document", "recommended"),
    "the_proposal": pgettext_noop("document", "The proposal"),
    "impacts": pgettext_noop("document", "Effects on population groups"),
    "impact_table": pgettext_noop("document", "Impact table"),
    "group": pgettext_noop("document", "Population group"),
    "legend": pgettext_noop("document", "Legend"),
    "not_assessed": pgettext_noop("document", "not assessed"),
    "part": pgettext_noop("document", "part"),
    "flag_basis": pgettext_noop("document", "Basis"),
    "details": pgettext_noop("document", "Rationale, evidence and mitigation"),
    "rationale": pgettext_noop("document", "Rationale"),
    "evidence": pgettext_noop("document", "Evidence"),
    "mitigation": pgettext_noop("document", "Mitigation"),
    "no_impacts": pgettext_noop("document", "No effects have been recorded."),
    "flags": pgettext_noop("document", "Flags and how they were handled"),
    "no_flags": pgettext_noop("document", "No flags."),
    "severity_high": pgettext_noop("document", "high"),
    "severity_medium": pgettext_noop("document", "medium"),
    "severity_low": pgettext_noop("document", "low"),
    "status_open": pgettext_noop("document", "open"),
    "status_acknowledged": pgettext_noop("document", "acknowledged"),
    "status_resolved": pgettext_noop("document", "resolved: the answers changed"),
    "acknowledged_by": pgettext_noop("document", "Acknowledged by %(name)s on %(date)s"),
    "hearings": pgettext_noop("document", "Hearings"),
    "no_hearings": pgettext_noop("document", "No hearings have been recorded."),
    "requested_on": pgettext_noop("document", "Statement requested"),
    "answered_on": pgettext_noop("document", "Statement received"),
    "statement": pgettext_noop("document", "Statement"),
    "taken_into_account": pgettext_noop("document", "How it was taken into account"),
    "not_heard_reason": pgettext_noop("document", "Why not heard"),
    "attachment": pgettext_noop("document", "Attachment"),
    "follow_up": pgettext_noop("document", "Follow-up"),
    "no_indicators": pgettext_noop("document", "No follow-up indicators have been recorded."),
    "indicator": pgettext_noop("document", "Indicator"),
    "source": pgettext_noop("document", "Source"),
    "baseline": pgettext_noop("document", "Baseline"),
    "target": pgettext_noop("document", "Target"),
    "owner": pgettext_noop("document", "Owner"),
    "review_date": pgettext_noop("document", "Review date"),
    "approval": pgettext_noop("document", "Approval"),
    "approved_by": pgettext_noop("document", "Approved by"),
    "dropped": pgettext_noop(
        "document",
        "%(n)d characters that a Word document cannot hold (control characters) were left "
        "out of the document. The original text is kept in the assessment.",
    ),
    "paragraph_head": pgettext_noop("document", "Ex-ante impact assessment"),
    "paragraph_none": pgettext_noop(
        "document", "No assessment of the decision's effects was needed"
    ),
    "paragraph_approved": pgettext_noop(
        "document", "The assessment was approved by %(name)s on %(date)s (document %(doc)s)."
    ),
    "agenda_title": pgettext_noop("document", "Agenda"),
    "meeting_number": pgettext_noop("document", "Meeting"),
    "time": pgettext_noop("document", "Time"),
    "place": pgettext_noop("document", "Place"),
    "presenter": pgettext_noop("document", "Presenter"),
    "items": pgettext_noop("document", "Items"),
    "no_items": pgettext_noop("document", "The agenda has no items."),
    "attachments": pgettext_noop("document", "Attachments"),
    "no_attachments": pgettext_noop("document", "No attachments."),
    "attachment_title": pgettext_noop("document", "Attachment"),
    "language": pgettext_noop("document", "Language"),
    "lang_fi": pgettext_noop("document", "Finnish"),
    "lang_sv": pgettext_noop("document", "Swedish"),
    "lang_en": pgettext_noop("document", "English"),
    "assessment_doc": pgettext_noop("document", "Ex-ante impact assessment"),
    "no_paragraph": pgettext_noop("document", "No assessment is attached."),
    "published": pgettext_noop("document", "Published"),
    "not_published": pgettext_noop("document", "The agenda is not published."),
    # The agenda's file name: ASCII letters only.
    "agenda_file": pgettext_noop("document", "agenda"),
    # The agenda of issue 19: numbered attachments with their file checksums, the proposal
    # in the agenda's language, the presenter chosen by the secretary.
    "agenda_document": pgettext_noop("document", "Document"),
    "agenda_file_name": pgettext_noop("document", "File"),
    "agenda_checksum": pgettext_noop("document", "File checksum (SHA-256)"),
    "agenda_checksum_note": pgettext_noop(
        "document",
        "The file checksum is the SHA-256 of the attached file's bytes: computed from the "
        "file you received, it shows the file is the one attached. The assessment's footer "
        "carries another number, the fingerprint of the assessment's approved data.",
    ),
    "agenda_statement": pgettext_noop("document", "Statement of %(name)s"),
    "agenda_proposal": pgettext_noop("document", "Proposal of the presenter"),
    "agenda_no_proposal": pgettext_noop("document", "No proposal has been written."),
    "agenda_no_presenter": pgettext_noop("document", "not chosen"),
    "agenda_in_finnish": pgettext_noop("document", "(original in Finnish)"),
    "agenda_in_swedish": pgettext_noop("document", "(original in Swedish)"),
    # The acts of the organisation's type (issue 17); printed only from revisions that
    # record the type, so that older revisions re-render the same bytes.
    "duty_basis": pgettext_noop("document", "Duty to assess"),
    "hearing_basis": pgettext_noop("document", "Basis"),
    # One identity per document and the decision paragraph (issue 19, identity).
    "footer_id": pgettext_noop("document", "Id"),
    "fingerprint": pgettext_noop("document", "fingerprint"),
    "fingerprint_label": pgettext_noop("document", "Data fingerprint"),
    "fingerprint_note": pgettext_noop(
        "document",
        "%(short)s… (SHA-256 of this version's data; the full value is in the document's "
        "properties as revision_sha256. The file checksum listed on the agenda is of the "
        "file's bytes and differs for each file.)",
    ),
    "attachment_number": pgettext_noop("document", "Attachment %(n)d"),
    "paragraph_effects": pgettext_noop(
        "document",
        "Compared with the zero option (%(zero)s), the recommended alternative "
        "(%(alternative)s) affects most: %(groups)s.",
    ),
    "paragraph_effects_no_zero": pgettext_noop(
        "document", "The recommended alternative (%(alternative)s) affects most: %(groups)s."
    ),
    "paragraph_no_effects": pgettext_noop(
        "document", "The assessment found no significant effects on the population groups."
    ),
    "paragraph_heard": pgettext_noop("document", "Heard: %(councils)s."),
    "paragraph_not_heard_councils": pgettext_noop("document", "Not heard: %(councils)s."),
    "paragraph_no_hearings": pgettext_noop("document", "No hearings were held: %(reason)s."),
    "paragraph_no_hearings_plain": pgettext_noop("document", "No hearings were held."),
    "paragraph_follow_up": pgettext_noop(
        "document", "The first follow-up review of the effects is on %(date)s."
    ),
    "paragraph_no_follow_up": pgettext_noop("document", "No follow-up date has been set."),
    "paragraph_attachment": pgettext_noop(
        "document", "The assessment was approved by %(name)s on %(date)s (attachment %(n)d)."
    ),
}


def text(key: str, language: str, **params) -> str:
    """The document text ``key`` in ``language``, with its ``%(name)s`` parameters."""
    return pgettext(language, CONTEXT, TEXTS[key], **params)


def date_text(iso: str | None, language: str) -> str:
    """A date as Finns and Finland-Swedes write it (23.11.2026); ISO for English."""
    if not iso:
        return "—"
    day = iso[:10]
    if language == "en":
        return day
    y, m, d = day.split("-")
    return f"{int(d)}.{int(m)}.{y}"
