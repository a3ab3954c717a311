"""One assessment's history as a document a person reads and files (issue 21).

A title page (the decision, the organisation, the period, who made the report and when, the
state of the chain for the events in it), then the timeline's entries grouped by version as
the history page shows them, each with who (name, role then), when, from where and what
changed in a table, and last the hashes of the assessment's documents. The words come
translated already (the timeline's); the report's own few texts are the interface's, as the
report is made on request and never approved or stored.

Pure: data in, .docx bytes out. The report's own SHA-256 is not printed in it (it would
change it); the access event that records the download holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from ..translation import lazy_text as _l
from ._docx import _W, Writer


@dataclass(frozen=True)
class Detail:
    label: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ReportEntry:
    at_text: str
    kind_label: str
    who: str
    role_labels: tuple[str, ...]
    via_label: str
    client_address: str | None
    summary: str
    comment: str | None
    details: tuple[Detail, ...]


@dataclass(frozen=True)
class ReportGroup:
    label: str
    entries: tuple[ReportEntry, ...]


@dataclass(frozen=True)
class DocumentHash:
    reference: str
    language: str  # in words
    sha256: str
    pdf_sha256: str | None


@dataclass(frozen=True)
class HistoryReport:
    language: str
    case_number: str
    title: str
    organisation: str
    time_zone: str
    period: tuple[str, str] | None  # the first and the last entry's time, as written
    made_by: str
    made_at: datetime  # aware, in the organisation's time zone
    made_at_text: str
    chain: str  # in words: intact, or the first broken event
    groups: tuple[ReportGroup, ...]
    documents: tuple[DocumentHash, ...] = field(default_factory=tuple)


def render(report: HistoryReport) -> bytes:
    """The report as .docx bytes; the same report gives the same bytes."""
    lang = report.language
    w = Writer(lang, kind="history_report")

    def t(text) -> str:
        return text.render(lang)

    heading = t(_l("History of the assessment"))
    w.paragraph(heading, "Title")
    w.paragraph(report.title, bold=True)
    for label, value in (
        (_l("Case number"), report.case_number),
        (_l("Organisation"), report.organisation),
        (
            _l("Period"),
            f"{report.period[0]} – {report.period[1]}" if report.period else t(_l("no entries")),
        ),
        (_l("Times in the time zone"), report.time_zone),
        (_l("Report made by"), report.made_by),
        (_l("Report made at"), report.made_at_text),
        (_l("The audit chain for these events"), report.chain),
    ):
        w.paragraph(value, bold_label=t(label))
    w.paragraph(
        t(
            _l(
                "Every entry comes from the tamper-evident audit log. The whole chain is "
                "checked on the integrity page or with `flask --app wsgi audit verify`."
            )
        )
    )
    _page_break(w)
    for group in report.groups:
        w.heading(group.label, 1)
        for entry in group.entries:
            _entry(w, entry, lang)
    w.heading(t(_l("Documents of the assessment")), 1)
    if report.documents:
        w.table(
            [t(_l("Document")), t(_l("Language")), t(_l("SHA-256 of the .docx"))]
            + [t(_l("SHA-256 of the PDF"))],
            [[d.reference, d.language, d.sha256, d.pdf_sha256 or "–"] for d in report.documents],
            font_size=8,
            widths=[3.5, 2.0, 5.75],
        )
    else:
        w.paragraph(t(_l("No documents have been made of this assessment.")))
    w.footer(f"{heading} · {report.case_number}", t(_l("Page")), "")
    w.core(
        title=f"{heading}: {report.case_number}",
        subject=report.title,
        author=report.made_by,
        when=report.made_at,
        revision=1,
        identifier=report.case_number,
        last_modified_by=report.made_by,
        keywords="history",
    )
    return w.save(report.made_at)


def _entry(w: Writer, e: ReportEntry, lang: str) -> None:
    w.heading(f"{e.at_text} · {e.kind_label}", 3)
    who = e.who + (f" ({', '.join(e.role_labels)})" if e.role_labels else "")
    where = _l("via %(via)s", via=e.via_label).render(lang)
    if e.client_address:
        where += " · " + _l("from %(address)s", address=e.client_address).render(lang)
    w.paragraph(f"{who} · {where}")
    w.paragraph(e.summary)
    if e.comment:
        w.paragraph(e.comment, bold_label=_l("Comment").render(lang))
    if e.details:
        w.table(
            [_l("What").render(lang), _l("Before").render(lang), _l("After").render(lang)],
            [_row(d, lang) for d in e.details],
            font_size=9,
            widths=[5.5, 5.75],
        )


def _row(d: Detail, lang: str) -> list[str]:
    removed = _l("removed").render(lang)
    return [d.label, d.old or "", d.new if d.new is not None else removed]


def _page_break(w: Writer) -> None:
    p = w.paragraph()
    etree.SubElement(etree.SubElement(p, _W + "r"), _W + "br").set(_W + "type", "page")
