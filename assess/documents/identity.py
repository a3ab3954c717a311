"""One identity per document (issue 19): the version, the document id, the two checksums
and, for an attachment copy, the meeting and the attachment number.

Two checksums, named apart wherever they are shown:

- the **data fingerprint**: the SHA-256 of the revision's canonical JSON. The footer of
  every page prints its first ``FINGERPRINT_CHARS`` hex digits; the full value is in the
  document's custom properties (``revision_sha256``). It is the same for the Finnish and
  the Swedish document and for an attachment copy: they carry the same data.
- the **file checksum**: the SHA-256 of the .docx (or PDF) bytes, kept beside the file;
  what ``documents verify`` and the agenda list. It differs per file.

The version shown is the revision number (``Snapshot.revision``), never the
optimistic-lock counter of the assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

from .texts import date_text, text

FINGERPRINT_CHARS = 12
# The custom property carrying the full data fingerprint.
FINGERPRINT_PROPERTY = "revision_sha256"


def short_fingerprint(sha256: str) -> str:
    return sha256[:FINGERPRINT_CHARS]


@dataclass(frozen=True)
class AttachmentMark:
    """Where an attachment copy belongs: its number among the agenda item's attachments
    and the meeting (the original, rendered at approval, has none)."""

    number: int
    body: dict[str, str]  # the deciding body's name by language (fi, sv)
    meeting: str  # the meeting's label, "12/2026"
    date: str  # the meeting's date in Helsinki, ISO

    def meeting_text(self, language: str) -> str:
        body = self.body.get(language) or self.body.get("fi") or ""
        return f"{body} {self.meeting}, {date_text(self.date, language)}".strip()

    def number_text(self, language: str) -> str:
        return text("attachment_number", language, n=self.number)

    def header_text(self, language: str) -> str:
        return f"{self.number_text(language)} · {self.meeting_text(language)}"


def footer_text(language: str, case_number: str, doc_id: str, sha256: str) -> str:
    """Before the page number: the case, the document id and the short data fingerprint."""
    return " · ".join(
        (
            case_number,
            f"{text('footer_id', language)} {doc_id}",
            f"{text('fingerprint', language)} {short_fingerprint(sha256)}",
        )
    )


def fingerprint_note(language: str, sha256: str) -> str:
    """The fingerprint in the heading, with what it is and which other checksum exists."""
    return text("fingerprint_note", language, short=short_fingerprint(sha256))
