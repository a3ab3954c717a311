"""Take the demo's approved assessment (the health station's closure, written in Finnish and
Swedish) as it was stored at approval in Finnish and Swedish, convert each to PDF with
LibreOffice and save the one-page comparison of the alternatives as docs/comparison-fi.png
and docs/comparison-sv.png (issue 19).

Run: `.venv/bin/python docs/document_image.py` (needs soffice and poppler-utils).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _page_image import page_png, to_pdf  # noqa: E402  (this folder, first on the path)
from sqlalchemy import select  # noqa: E402

from assess import create_app  # noqa: E402
from assess.extensions import db  # noqa: E402
from assess.models import Document  # noqa: E402
from assess.operations.demo import load_demo  # noqa: E402
from assess.operations.demo_scenario import load_scenario  # noqa: E402

HEADINGS = {"fi": "Vaihtoehtojen vertailu", "sv": "Jämförelse av alternativen"}


def page_of(pdf: Path, heading: str) -> int:
    page = 1
    while True:
        out = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise SystemExit(f"no page with {heading!r}")
        if heading in out.stdout:
            return page
        page += 1


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'doc.db'}")
    with app.app_context(), app.test_request_context():
        db.create_all()
        load_demo()
        load_scenario()
        for language in HEADINGS:
            doc = db.session.scalar(
                select(Document).where(Document.kind == "assessment", Document.language == language)
            )
            assert doc is not None, f"the demo scenario stored no {language} document"
            (tmp / f"assessment-{language}.docx").write_bytes(doc.content)
    for language, heading in HEADINGS.items():
        pdf = to_pdf(tmp / f"assessment-{language}.docx")
        page = page_of(pdf, heading)
        page_png(pdf, page, ROOT / "docs" / f"comparison-{language}")
        following = subprocess.run(
            ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), str(pdf), "-"],
            capture_output=True,
            text=True,
        ).stdout
        print(f"docs/comparison-{language}.png: page {page} of the PDF; next page starts:")
        print("   ", following.strip().splitlines()[:2])


if __name__ == "__main__":
    main()
