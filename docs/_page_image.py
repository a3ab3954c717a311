"""What the page-image scripts of docs/ share: a .docx converted to PDF with LibreOffice, and
a page of a PDF saved as PNG with poppler's pdftoppm (needs soffice and poppler-utils)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def to_pdf(source: Path) -> Path:
    """``source`` (.docx) as PDF beside it, converted by LibreOffice with a profile of its own
    in the same folder (a running LibreOffice of the user is left alone)."""
    folder = source.parent
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    return source.with_suffix(".pdf")


def page_png(pdf: Path, page: int, target: Path, *, dpi: int = 80) -> None:
    """Page ``page`` of ``pdf`` as ``target`` + ".png" (pdftoppm adds the suffix)."""
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(target),
        ],
        check=True,
    )
