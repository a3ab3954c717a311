"""The yearly report document (issue 22): a pure function from the report's figures and the
coordinator's overview to .docx bytes, in Finnish or Swedish (English for tests and
reading).

The board and the audit committee read it: the title, the organisation and the year, the
overview as the coordinator edited it, every table of the report (``report_tables``, the
same the page and the CSVs show) with the charts beside them as pictures carrying their
text alternatives (``descr``), what is counted, and page numbers. The figures carry their
own labels, so a report renders the same words a year later; the same figures, overview
and language give the same bytes (the zip stamped with the figures' ``generated_at``).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from docx.shared import Cm

from ..canonical import canonical_json
from ..report_charts import chart_alt, chart_png
from ..report_charts import title as chart_title
from ..report_tables import Table, cell_text, is_coverage_column, tables
from ..translation import pgettext, pgettext_noop
from ._docx import _W, Writer
from .texts import date_text, text

# Bump when the output changes; a stored report keeps its bytes whatever the version.
RENDERER_VERSION = 1

# The charts and the table each one stands before.
CHART_BEFORE = {
    "by_body": "coverage",
    "flags_by_month": "flags_by_month",
    "groups": "groups",
    "follow_ups": "follow_ups",
}
CHART_WIDTH_CM = 14.5

TEXTS: dict[str, str] = {
    "title": pgettext_noop("document", "Yearly report on the impact assessments %(year)s"),
    "year": pgettext_noop("document", "Year"),
    "figures_as_of": pgettext_noop("document", "Figures as of"),
    "overview": pgettext_noop("document", "Overview"),
    "no_overview": pgettext_noop("document", "No overview has been written."),
    "figure": pgettext_noop("document", "Figure %(n)d: %(title)s"),
    "chart_numbers": pgettext_noop("document", "The chart's numbers are in the table below."),
    "no_rows": pgettext_noop("document", "None in the year."),
    "counted": pgettext_noop("document", "What is counted"),
    "counted_decisions": pgettext_noop(
        "document",
        "Decisions of the year are the organisation's decisions whose meeting was in "
        "%(year)s, in the time zone %(zone)s, whether they were entered in the product or "
        "imported from case management. Coverage is the share of them that were assessed "
        "(full or light assessment, approved) or screened out.",
    ),
    "counted_assessments": pgettext_noop(
        "document",
        "The times, flags, population groups, hearings and objectives count the assessments "
        "approved in %(year)s; the follow-ups count those due in %(year)s.",
    ),
    "counted_snapshot": pgettext_noop(
        "document",
        "The figures were taken on %(date)s and are kept unchanged with the report; their "
        "fingerprint (SHA-256) is %(sha)s.",
    ),
    "subject": pgettext_noop("document", "Ex-ante impact assessments of the decisions"),
}


def t(key: str, language: str, **params) -> str:
    if key in TEXTS:
        return pgettext(language, "document", TEXTS[key], **params)
    return text(key, language, **params)


def figures_sha256(figures: Mapping[str, Any]) -> str:
    """The SHA-256 of the figures' canonical JSON (as the stored report's ``figures_sha256``)."""
    return hashlib.sha256(canonical_json(dict(figures))).hexdigest()


def document_id(figures: Mapping[str, Any], language: str, report_id: int | None = None) -> str:
    organisation = (figures.get("organisation") or {}).get("id", "")
    parts = ["VR", str(organisation), str(figures.get("year", ""))]
    if report_id is not None:
        parts.append(str(report_id))
    return "-".join([*parts, language.upper()])


def file_name(figures: Mapping[str, Any], language: str) -> str:
    """The document's file name: ASCII only."""
    return f"report-{language}.docx"


def render(
    report_or_figures: Any,
    overview: str | Mapping[str, str] | None,
    language: str,
    *,
    draft: bool = False,
) -> bytes:
    """The report's document in ``language``.

    ``report_or_figures`` is a stored ``YearlyReport`` (its ``figures`` and ``id`` are read)
    or the figures themselves; ``overview`` the text to print, or the report's
    ``{"fi": .., "sv": ..}`` of which the language's is taken. ``draft`` marks every page.
    """
    figures: Mapping[str, Any]
    if isinstance(report_or_figures, Mapping):
        figures, report_id = report_or_figures, None
    else:
        figures, report_id = report_or_figures.figures, getattr(report_or_figures, "id", None)
    if isinstance(overview, Mapping):
        overview = overview.get(language) or ""
    year = str(figures.get("year", ""))
    sha = figures_sha256(figures)
    when = _generated_at(figures)
    organisation = _pick((figures.get("organisation") or {}).get("name"), language)
    doc_id = document_id(figures, language, report_id)
    title = t("title", language, year=year)

    w = Writer(language, kind="yearly_report")
    w.footer(f"{organisation} · {doc_id}", t("page", language), f"SHA-256 {sha}")
    if draft:
        w.header_mark(t("draft", language))
    w.heading(title, 1)
    w.paragraph(organisation, bold_label=t("organisation", language))
    w.paragraph(year, bold_label=t("year", language))
    w.paragraph(
        date_text(when.date().isoformat(), language), bold_label=t("figures_as_of", language)
    )
    w.paragraph(doc_id, bold_label=t("document_id", language))

    w.heading(t("overview", language), 2)
    paragraphs = [p.strip() for p in (overview or "").split("\n\n") if p.strip()]
    for p in paragraphs or [t("no_overview", language)]:
        w.paragraph(p)

    figure_number = 0
    for table in tables(figures, language):
        w.heading(table.title, 2)
        chart = CHART_BEFORE.get(table.id)
        if chart:
            figure_number += 1
            # The chart, its caption and the line that points to the table stay on one page
            # with the table's start: a caption alone at the top of the next page was
            # separated from its picture.
            _picture(w, chart, figures, language)
            caption = w.paragraph(
                t("figure", language, n=figure_number, title=chart_title(chart, language)),
                "Caption",
            )
            if table.rows:
                _keep_with_next(caption)
                _keep_with_next(w.paragraph(t("chart_numbers", language)))
        _table(w, table, language)

    w.heading(t("counted", language), 2)
    zone = str(figures.get("time_zone") or "Europe/Helsinki")
    w.paragraph(t("counted_decisions", language, year=year, zone=zone))
    w.paragraph(t("counted_assessments", language, year=year))
    w.paragraph(
        t("counted_snapshot", language, date=date_text(when.isoformat(), language), sha=sha)
    )
    if w.dropped:
        w.paragraph(t("dropped", language, n=w.dropped))

    w.core(
        title=title,
        subject=t("subject", language),
        author=organisation,
        when=when,
        revision=1,
        identifier=doc_id,
        last_modified_by=organisation,
        keywords=f"{title}; {organisation}",
    )
    w.custom_properties(
        {
            "figures_sha256": sha,
            "renderer": f"yearly_report {RENDERER_VERSION}",
            "year": year,
            "organisation_id": str((figures.get("organisation") or {}).get("id", "")),
        }
    )
    return w.save(when)


def _table(w: Writer, table: Table, language: str) -> None:
    if not table.rows:
        w.paragraph(t("no_rows", language))
        return
    rows = [
        [
            cell_text(value, language, coverage=is_coverage_column(table, i))
            for i, value in enumerate(row)
        ]
        for row in table.rows
    ]
    font = 7 if len(table.header) > 10 else 8 if len(table.header) > 8 else 9
    # Names in the first column (a body, a rule, a group) take the room they need; a table
    # of figures only shares the page evenly.
    named = any(isinstance(row[0], str) for row in table.rows) and len(table.header) > 2
    first = (3.4 if len(table.header) > 8 else 4.5) if named else None
    element = w.table(table.header, rows, first_width=first, font_size=font)
    # A short table stays on one page: its total was left alone at the top of the next one.
    # Word and LibreOffice keep a table together by keeping each row with the next.
    trs = element.findall(_W + "tr")
    if len(trs) <= KEEP_TOGETHER_ROWS:
        for tr in trs[:-1]:
            for paragraph in tr.iter(_W + "p"):
                _keep_with_next(paragraph)
    if table.total:
        last = element.findall(_W + "tr")[-1]
        for run in last.iter(_W + "r"):
            rpr = run.find(_W + "rPr")
            if rpr is None:
                rpr = run.makeelement(_W + "rPr", {})
                run.insert(0, rpr)
            if rpr.find(_W + "b") is None:
                rpr.insert(0, rpr.makeelement(_W + "b", {}))


KEEP_TOGETHER_ROWS = 15


def _picture(w: Writer, chart: str, figures: Mapping[str, Any], language: str) -> None:
    """The chart as an inline picture whose alternative text (``descr``) says its numbers."""
    paragraph = w.doc.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True  # with its caption
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(chart_png(chart, figures, language)), width=Cm(CHART_WIDTH_CM))
    doc_pr = run._r.find(".//{*}docPr")
    if doc_pr is not None:
        doc_pr.set("name", chart_title(chart, language))
        doc_pr.set("descr", w.clean(chart_alt(chart, figures, language)))


def _keep_with_next(paragraph) -> None:
    """Keep ``paragraph`` (a ``w:p`` element) on the page of the next one."""
    ppr = paragraph.find(_W + "pPr")
    if ppr is None:
        ppr = paragraph.makeelement(_W + "pPr", {})
        paragraph.insert(0, ppr)
    style = ppr.find(_W + "pStyle")
    keep = ppr.makeelement(_W + "keepNext", {})
    if style is not None:
        style.addnext(keep)
    else:
        ppr.insert(0, keep)


def _generated_at(figures: Mapping[str, Any]) -> datetime:
    raw = figures.get("generated_at")
    if not raw:
        return datetime(1980, 1, 1, tzinfo=UTC)
    at = datetime.fromisoformat(str(raw))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _pick(entry: Any, language: str) -> str:
    if isinstance(entry, Mapping):
        for lang in (language, "fi", "en"):
            if entry.get(lang):
                return str(entry[lang])
        return ""
    return str(entry or "")
