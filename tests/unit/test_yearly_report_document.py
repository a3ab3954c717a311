"""The yearly report document (issue 22): fi and sv, every table and chart, the charts'
text alternatives in the document's XML, fixed bytes, and read back through LibreOffice."""

import io
import shutil
import subprocess
import zipfile

import docx
import pytest

from assess.documents._docx import custom_properties
from assess.documents.yearly_report import figures_sha256, render
from assess.report_charts import chart_alt
from tests.support import missing
from tests.unit.yearly_figures_sample import FIGURES, empty_figures

OVERVIEW = {
    "fi": "Vuonna 2026 Esimerkkikunta päätti 120 asiaa; 35 arvioitiin.\n\nKoordinaattorin lisäys.",
    "sv": "År 2026 avgjorde Exempelkommun 120 ärenden; 35 bedömdes.",
}


def document_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("word/document.xml").decode("utf-8")


def all_text(content: bytes) -> str:
    d = docx.Document(io.BytesIO(content))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_same_report_gives_the_same_bytes(language):
    assert render(FIGURES, OVERVIEW, language) == render(FIGURES, OVERVIEW, language)


def test_the_document_holds_the_overview_the_tables_and_the_charts():
    content = render(FIGURES, OVERVIEW, "fi")
    text = all_text(content)
    assert "Vuosiraportti vaikutusten ennakkoarvioinneista 2026" in text
    assert "Esimerkkikunta" in text
    assert "Koordinaattorin lisäys." in text  # the edited overview, both paragraphs
    assert "Kunnanhallitus" in text and "56,2 %" in text and "62,5 %" in text
    assert "Lapset ja nuoret" in text and "Nuorisovaltuusto" in text
    assert "Kuva 4: Seurannat ja niiden tulokset" in text
    xml = document_xml(content)
    # Each chart is a picture whose alternative text says its numbers.
    for chart in ("coverage", "flags_by_month", "groups", "follow_ups"):
        alt = chart_alt(chart, FIGURES, "fi")
        assert f'descr="{alt}"' in xml, chart
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert len([n for n in z.namelist() if n.startswith("word/media/")]) == 4
    props = custom_properties(content)
    assert props["figures_sha256"] == figures_sha256(FIGURES)
    assert props["renderer"] == "yearly_report 1"


def test_swedish_and_the_overview_of_the_language():
    text = all_text(render(FIGURES, OVERVIEW, "sv"))
    assert "Årsrapport om förhandsbedömningarna av konsekvenser 2026" in text
    assert "Exempelkommun" in text and "År 2026 avgjorde Exempelkommun" in text
    assert "Kommunstyrelsen" in text and "Barn och unga" in text
    assert "Vuonna 2026" not in text


def test_a_stored_report_is_read_for_its_figures_and_id():
    class Report:
        id = 7
        figures = FIGURES

    text = all_text(render(Report(), OVERVIEW["fi"], "fi"))
    assert "VR-1-2026-7-FI" in text


def test_an_empty_year_and_no_overview_still_make_a_document():
    text = all_text(render(empty_figures(), None, "fi", draft=True))
    assert "Yleiskatsausta ei ole kirjoitettu." in text
    assert "Ei yhtään vuoden aikana." in text


def test_libreoffice_reads_the_figures_back(tmp_path):
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        missing("LibreOffice (libreoffice-writer-nogui) or pdftotext (poppler-utils) is missing")
    source = tmp_path / "report-fi.docx"
    source.write_bytes(render(FIGURES, OVERVIEW, "fi"))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report-fi.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    squeezed = " ".join(text.split())
    assert "Vuosiraportti vaikutusten ennakkoarvioinneista 2026" in squeezed
    assert "Kunnanhallitus 80 5 15 25 4 56,2 %" in squeezed
    assert "Kuva 1: Arviointien kattavuus toimielimittäin" in squeezed
    assert "Kuva 3: Vaikutukset väestöryhmiin" in squeezed
    assert "Sivu 1 / " in squeezed  # page numbers
    assert figures_sha256(FIGURES) in squeezed
