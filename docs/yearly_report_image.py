"""Render the sample yearly report (the tests' figures) as .docx in Finnish, convert it to PDF
with LibreOffice and save pages 1 and 2 as docs/images/yearly-report.png (-page2.png).

Run: `.venv/bin/python docs/yearly_report_image.py` (needs soffice and poppler-utils).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _page_image import page_png, to_pdf  # noqa: E402  (this folder, first on the path)

from assess.documents.yearly_report import render  # noqa: E402
from tests.unit.yearly_figures_sample import FIGURES  # noqa: E402

OVERVIEW = (
    "Vuonna 2026 Esimerkkikunta päätti 120 asiaa. Niistä 35 arvioitiin (10 laajasti, 25 "
    "suppeasti) ja 40:stä todettiin, ettei arviointia tarvita; 6:lta puuttui arviointi, jota "
    "toimintaohje edellytti. Kattavuus oli 62,5 %."
)


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    source = tmp / "report-fi.docx"
    source.write_bytes(render(FIGURES, OVERVIEW, "fi"))
    pdf = to_pdf(source)
    for page, suffix in ((1, ""), (2, "-page2")):
        page_png(pdf, page, ROOT / "docs" / "images" / f"yearly-report{suffix}", dpi=60)
        print(f"docs/images/yearly-report{suffix}.png: page {page}")


if __name__ == "__main__":
    main()
