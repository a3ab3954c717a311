"""Render the demo-like policy of the benchmark as .docx in fi and sv, convert each to PDF
with LibreOffice and save its first page as docs/policy-document-fi.png (and -sv.png).

Run: `.venv/bin/python docs/policy_document_image.py` (needs soffice and poppler-utils).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _page_image import page_png, to_pdf  # noqa: E402  (this folder, first on the path)

from assess.documents.policy import render_policy  # noqa: E402
from bench.policy_document_bench import demo_like  # noqa: E402


def main(pages: tuple[int, ...] = (1,)) -> None:
    tmp = Path(tempfile.mkdtemp())
    policy, context = demo_like()
    for language in ("fi", "sv"):
        source = tmp / f"policy-{language}.docx"
        source.write_bytes(render_policy(policy, context, language))
        pdf = to_pdf(source)
        for page in pages:
            suffix = "" if page == 1 else f"-page{page}"
            page_png(pdf, page, ROOT / "docs" / f"policy-document-{language}{suffix}")
            print(f"docs/policy-document-{language}{suffix}.png: page {page}")


if __name__ == "__main__":
    main(tuple(int(p) for p in sys.argv[1:]) or (1,))
