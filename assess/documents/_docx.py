"""python-docx helpers the renderers share: accessible structure, safe text, fixed bytes.

- Real heading styles, tables whose first row repeats on every page (``w:tblHeader``),
  the language on the styles, the title, subject, author and language in the core
  properties: what screen readers and PDF/UA conversion need.
- Text that XML cannot hold (control characters) is dropped and counted, so the
  document says what it left out instead of failing to open.
- Zip entries get a fixed timestamp: the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

# Characters XML 1.0 forbids (tab, newline and carriage return are allowed), and the
# non-characters U+FFFE/U+FFFF; lone surrogates cannot be encoded at all.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
LANGUAGE_TAGS = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}
# Metric-compatible with Carlito, which LibreOffice installations carry: the layout is
# the same in Word and in the PDF made by LibreOffice.
FONT = "Calibri"


class Writer:
    """A document being written, with the count of characters that had to be dropped."""

    def __init__(self, language: str):
        self.doc = Document()
        self.language = language
        self.dropped = 0
        self._setup_styles()

    # --- text ------------------------------------------------------------------------

    def clean(self, value) -> str:
        value = "" if value is None else str(value)
        cleaned, n = _INVALID.subn("", value)
        self.dropped += n
        return cleaned

    def heading(self, value, level: int):
        return self.doc.add_heading(self.clean(value), level=level)

    def paragraph(self, value="", style: str | None = None, *, bold_label: str | None = None):
        p = self.doc.add_paragraph(style=style)
        if bold_label:
            p.add_run(self.clean(bold_label) + ": ").bold = True
        if value:
            p.add_run(self.clean(value))
        return p

    def bullet(self, value="", *, bold_label: str | None = None):
        return self.paragraph(value, "List Bullet", bold_label=bold_label)

    # --- tables ----------------------------------------------------------------------

    def table(self, header: list[str], rows: list[list[str]], widths: list[float] | None = None,
              font_size: float | None = None):  # fmt: skip
        """A grid table whose first row is a header row repeated on every page."""
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = "Table Grid"
        for i, value in enumerate(header):
            cell = table.rows[0].cells[i]
            run = cell.paragraphs[0].add_run(self.clean(value))
            run.bold = True
            if font_size:
                run.font.size = Pt(font_size)
        repeat_header(table.rows[0])
        for r, row in enumerate(rows, start=1):
            cells = table.rows[r].cells
            for i, value in enumerate(row):
                run = cells[i].paragraphs[0].add_run(self.clean(value))
                if font_size:
                    run.font.size = Pt(font_size)
        if widths:
            table.autofit = False
            for row in table.rows:
                for i, width in enumerate(widths):
                    row.cells[i].width = Cm(width)
        return table

    # --- sections --------------------------------------------------------------------

    def landscape(self):
        section = self.doc.add_section()
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        return section

    def portrait(self):
        section = self.doc.add_section()
        section.orientation = WD_ORIENT.PORTRAIT
        if section.page_width > section.page_height:
            section.page_width, section.page_height = section.page_height, section.page_width
        return section

    def footer(self, parts_before_page: str, page_label: str, parts_after: str):
        """Footer on every page: text, "Page N / M", text (fields Word and LibreOffice fill)."""
        footer = self.doc.sections[0].footer
        p = footer.paragraphs[0]
        p.style = self.doc.styles["Footer"]
        if parts_before_page:
            p.add_run(self.clean(parts_before_page) + " · ")
        p.add_run(f"{page_label} ")
        _field(p, "PAGE")
        p.add_run(" / ")
        _field(p, "NUMPAGES")
        if parts_after:
            p.add_run(" · " + self.clean(parts_after))
        for run in p.runs:
            run.font.size = Pt(8)

    def header_mark(self, value: str):
        """A mark on every page (the draft's), in the header."""
        p = self.doc.sections[0].header.paragraphs[0]
        run = p.add_run(self.clean(value))
        run.bold = True
        run.font.size = Pt(14)

    # --- finishing -------------------------------------------------------------------

    def core(self, *, title: str, subject: str, author: str, when: datetime, revision: int,
             identifier: str, last_modified_by: str, keywords: str):  # fmt: skip
        cp = self.doc.core_properties
        cp.title = self.clean(title)[:255]
        cp.subject = self.clean(subject)[:255]
        cp.author = self.clean(author)[:255]
        cp.last_modified_by = self.clean(last_modified_by)[:255]
        cp.language = LANGUAGE_TAGS[self.language]
        cp.identifier = identifier
        cp.keywords = keywords
        cp.revision = max(1, revision)
        cp.created = when
        cp.modified = when
        cp.last_printed = when
        cp.comments = ""
        cp.category = ""
        cp.content_status = ""
        cp.version = ""

    def save(self, when: datetime) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return fixed_zip(buffer.getvalue(), when)

    # --- styles ----------------------------------------------------------------------

    def _setup_styles(self):
        tag = LANGUAGE_TAGS[self.language]
        styles = self.doc.styles
        # The document default and every style this renderer uses carry the language,
        # so spelling and screen readers use Finnish or Swedish, not US English.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                _set_lang(rpr, tag)
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet",
                     "Footer", "Header"):  # fmt: skip
            style = styles[name]
            style.font.name = FONT
            _set_lang(style.element.get_or_add_rPr(), tag)
            rfonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
            if rfonts is not None:
                for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                    rfonts.attrib.pop(qn(attr), None)
                rfonts.set(qn("w:cs"), FONT)
        styles["Normal"].font.size = Pt(11)


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _set_lang(rpr, tag: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:bidi"), tag)


def _field(paragraph, instruction: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    paragraph._p.append(fld)


def fixed_zip(data: bytes, when: datetime) -> bytes:
    """The same zip with every entry stamped ``when``, in the same order, same compression."""
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
