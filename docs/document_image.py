"""Render the realistic assessment of the benchmark as .docx, convert it to PDF with
LibreOffice and save the page with the first impact table as docs/impact-table.png.

Run: `.venv/bin/python docs/document_image.py` (needs soffice and poppler-utils).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess import create_app  # noqa: E402
from assess.documents import render  # noqa: E402
from assess.extensions import db  # noqa: E402
from assess.operations.demo import load_demo  # noqa: E402
from bench.documents_bench import REALISTIC, realistic_snapshot  # noqa: E402


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'doc.db'}")
    with app.app_context(), app.test_request_context():
        db.create_all()
        load_demo()
        snapshot, form = realistic_snapshot(*REALISTIC)
        (tmp / "assessment.docx").write_bytes(render(snapshot, form, "fi"))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            str(tmp / "assessment.docx"),
        ],
        check=True,
        capture_output=True,
    )
    pdf = tmp / "assessment.pdf"
    page = 1
    while True:
        out = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise SystemExit("no page with an impact table")
        if "Vaikutustaulukko" in out.stdout:
            break
        page += 1
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(ROOT / "docs" / "impact-table"),
        ],
        check=True,
    )
    print(f"docs/impact-table.png: page {page} of the PDF")


if __name__ == "__main__":
    main()
