"""python-docx helpers the renderers share: accessible structure, safe text, fixed bytes.

- Real heading styles, tables whose first row repeats on every page (``w:tblHeader``),
  the language on the styles, the title, subject, author and language in the core
  properties: what screen readers and PDF/UA conversion need.
- Text that XML cannot hold (control characters) is dropped and counted, so the
  document says what it left out instead of failing to open.
- Zip entries get a fixed timestamp: the same input gives the same bytes.
- Custom properties (``docProps/custom.xml``) carry what a machine reads and a person
  does not: the full data fingerprint, the records metadata. python-docx has no API for
  them, so the part is written here with lxml, sorted by name (fixed bytes).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

# Characters XML 1.0 forbids (tab, newline and carriage return are allowed), and the
# non-characters U+FFFE/U+FFFF; lone surrogates cannot be encoded at all.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
LANGUAGE_TAGS = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}
# Metric-compatible with Carlito, which LibreOffice installations carry: the layout is
# the same in Word and in the PDF made by LibreOffice.
FONT = "Calibri"

CUSTOM_PART = "/docProps/custom.xml"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# The format id every user-defined property carries (ECMA-376 part 1, 22.3.2.2).
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


# Told the kind of each document saved (assess/metrics.py counts them); no Flask here.
_RENDERED: list[Callable[[str], None]] = []


def when_rendered(callback: Callable[[str], None]) -> None:
    """Call ``callback(kind)`` after each document is rendered (once, however often asked)."""
    if callback not in _RENDERED:
        _RENDERED.append(callback)


class Writer:
    """A document being written, with the count of characters that had to be dropped.

    ``kind`` names the document for the metrics ("assessment", "agenda" ...)."""

    def __init__(self, language: str, kind: str = "document"):
        self.doc = Document()
        self.language = language
        self.kind = kind
        self.dropped = 0
        self._custom: dict[str, str] = {}
        self._style_ids: dict[str, str] = {}
        self._setup_styles()
        # A4, as Finnish public documents are (the template is US Letter).
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))

    # --- text ------------------------------------------------------------------------

    def clean(self, value) -> str:
        value = "" if value is None else str(value)
        cleaned, n = _INVALID.subn("", value)
        self.dropped += n
        return cleaned

    def style_id(self, name: str) -> str:
        # python-docx looks a style up by name with XPath on every use, which made a
        # large document six times slower than plain paragraphs; look it up once.
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def heading(self, value, level: int):
        return self.paragraph(value, f"Heading {level}")

    def paragraph(
        self,
        value="",
        style: str | None = None,
        *,
        bold_label: str | None = None,
        bold: bool = False,
    ):
        """A paragraph at the end of the body, as XML: python-docx's ``add_paragraph`` and
        ``add_run`` search the tree on every call, and a full assessment has thousands."""
        p = OxmlElement("w:p")
        if style:
            ppr = etree.SubElement(p, _W + "pPr")
            etree.SubElement(ppr, _W + "pStyle").set(_W + "val", self.style_id(style))
        if bold_label:
            _run(p, self.clean(bold_label) + ": ", bold=True)
        if value:
            _run(p, self.clean(value), bold=bold)
        self._append(p)
        return p

    def _append(self, element) -> None:
        """Add at the end of the body, before its final section properties."""
        body = self.doc.element.body
        last = body[-1] if len(body) else None
        if last is not None and last.tag == _W + "sectPr":
            last.addprevious(element)
        else:
            body.append(element)

    def bullet(self, value="", *, bold_label: str | None = None):
        return self.paragraph(value, "List Bullet", bold_label=bold_label)

    # --- tables ----------------------------------------------------------------------

    def table(
        self,
        header: list[str],
        rows: list[list[str]],
        first_width: float | None = None,
        font_size: float | None = None,
        widths: list[float] | None = None,
    ):
        """A grid table whose first row is a header row repeated on every page.

        Written as XML for the same reason as ``paragraph``: python-docx recomputes the
        grid of a table on every ``row.cells``.
        """
        section = self.doc.sections[-1]
        width, left, right = section.page_width, section.left_margin, section.right_margin
        if width is None or left is None or right is None:
            raise ValueError("the document's last section sets no page width or margins")
        usable = (width - left - right) // 635
        # The page's width: the first column as asked (in cm), the others share the rest.
        first = int(Cm(first_width) // 635) if first_width else int(usable // len(header))
        rest = int((usable - first) // max(1, len(header) - 1))
        twips = [first] + [rest] * (len(header) - 1)
        if widths:
            # Columns as asked (in cm), the last one taking what is left of the page.
            fixed = [int(Cm(w) // 635) for w in widths[: len(header) - 1]]
            twips = fixed + [int(usable - sum(fixed))]
        tbl = OxmlElement("w:tbl")
        tbl_pr = etree.SubElement(tbl, _W + "tblPr")
        etree.SubElement(tbl_pr, _W + "tblStyle").set(_W + "val", self.style_id("Table Grid"))
        tbl_w = etree.SubElement(tbl_pr, _W + "tblW")
        tbl_w.set(_W + "w", str(sum(twips)))
        tbl_w.set(_W + "type", "dxa")
        etree.SubElement(tbl_pr, _W + "tblLayout").set(_W + "type", "fixed")
        look = etree.SubElement(tbl_pr, _W + "tblLook")
        for key, value in (
            ("val", "04A0"),
            ("firstRow", "1"),
            ("lastRow", "0"),
            ("firstColumn", "1"),
            ("lastColumn", "0"),
            ("noHBand", "0"),
            ("noVBand", "1"),
        ):
            look.set(_W + key, value)
        grid = etree.SubElement(tbl, _W + "tblGrid")
        for w in twips:
            etree.SubElement(grid, _W + "gridCol").set(_W + "w", str(w))
        size = str(int(font_size * 2)) if font_size else None
        for r, values in enumerate([header, *rows]):
            tr = etree.SubElement(tbl, _W + "tr")
            if r == 0:
                etree.SubElement(etree.SubElement(tr, _W + "trPr"), _W + "tblHeader").set(
                    _W + "val", "true"
                )
            for value, w in zip(values, twips, strict=True):
                tc = etree.SubElement(tr, _W + "tc")
                tc_w = etree.SubElement(etree.SubElement(tc, _W + "tcPr"), _W + "tcW")
                tc_w.set(_W + "w", str(w))
                tc_w.set(_W + "type", "dxa")
                p = etree.SubElement(tc, _W + "p")
                if value:
                    _run(p, self.clean(value), bold=r == 0, size=size)
        self._append(tbl)
        return tbl

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
        for run in p._p.iter(_W + "r"):  # the fields' runs too
            rpr = run.find(_W + "rPr")
            if rpr is None:
                rpr = etree.Element(_W + "rPr")
                run.insert(0, rpr)
            etree.SubElement(rpr, _W + "sz").set(_W + "val", "16")

    def header_mark(self, value: str):
        """A mark on every page (the draft's), in the header."""
        p = self.doc.sections[0].header.paragraphs[0]
        run = p.add_run(self.clean(value))
        run.bold = True
        run.font.size = Pt(14)

    # --- finishing -------------------------------------------------------------------

    def core(
        self,
        *,
        title: str,
        subject: str,
        author: str,
        when: datetime,
        revision: int,
        identifier: str,
        last_modified_by: str,
        keywords: str,
    ):
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

    def custom_properties(self, values: dict[str, str]) -> None:
        """Add text properties to ``docProps/custom.xml`` (later values of a name win).

        Renderers call it more than once (the fingerprint, the records metadata); the part
        is written once, at ``save``.
        """
        for name, value in values.items():
            name = self.clean(name).strip()
            if not name or len(name) > 255:
                raise ValueError(f"a custom property needs a name of 1-255 characters: {name!r}")
            self._custom[name] = self.clean(value)

    def _write_custom(self) -> None:
        if not self._custom:
            return
        root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
        # pid 0 and 1 are reserved; user-defined properties start at 2.
        for pid, name in enumerate(sorted(self._custom), start=2):
            prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property")
            prop.set("fmtid", _CUSTOM_FMTID)
            prop.set("pid", str(pid))
            prop.set("name", name)
            etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = self._custom[name]
        blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        package = self.doc.part.package
        part = Part(PackURI(CUSTOM_PART), _CUSTOM_TYPE, blob, package)
        package.relate_to(part, _CUSTOM_REL)

    def save(self, when: datetime) -> bytes:
        self._write_custom()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        content = fixed_zip(buffer.getvalue(), when)
        for callback in _RENDERED:
            callback(self.kind)
        return content

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
        for name in (
            "Normal",
            "Title",
            "Heading 1",
            "Heading 2",
            "Heading 3",
            "List Bullet",
            "List Continue",
            "Footer",
            "Header",
        ):
            style = styles[name]
            style.font.name = FONT
            _set_lang(style.element.get_or_add_rPr(), tag)
            rfonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
            if rfonts is not None:
                for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                    rfonts.attrib.pop(qn(attr), None)
                rfonts.set(qn("w:cs"), FONT)
        styles["Normal"].font.size = Pt(11)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAKS = re.compile(r"(\n|\t)")


def _run(p, value: str, *, bold: bool = False, size: str | None = None) -> None:
    """A run of text; line breaks and tabs become Word's own elements."""
    r = etree.SubElement(p, _W + "r")
    if bold or size:
        rpr = etree.SubElement(r, _W + "rPr")
        if bold:
            etree.SubElement(rpr, _W + "b")
        if size:
            etree.SubElement(rpr, _W + "sz").set(_W + "val", size)
            etree.SubElement(rpr, _W + "szCs").set(_W + "val", size)
    for part in _BREAKS.split(value.replace("\r\n", "\n").replace("\r", "\n")):
        if part == "\n":
            etree.SubElement(r, _W + "br")
        elif part == "\t":
            etree.SubElement(r, _W + "tab")
        elif part:
            t = etree.SubElement(r, _W + "t")
            t.text = part
            t.set(_XML_SPACE, "preserve")


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


def custom_properties(data: bytes) -> dict[str, str]:
    """The custom properties of a saved .docx (empty when it has none)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if CUSTOM_PART.lstrip("/") not in z.namelist():
            return {}
        root = etree.fromstring(z.read(CUSTOM_PART.lstrip("/")))
    return {
        prop.get("name", ""): "".join(prop.itertext())
        for prop in root.iter(f"{{{_CUSTOM_NS}}}property")
    }


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
