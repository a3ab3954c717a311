"""Render the demo-like policy of the benchmark as .docx in fi and sv, convert each to PDF
with LibreOffice and save its first page as docs/policy-document-fi.png (and -sv.png).

Run: `.venv/bin/python docs/policy_document_image.py` (needs soffice and poppler-utils).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess.documents.policy import render_policy  # noqa: E402
from bench.policy_document_bench import demo_like  # noqa: E402


def main(pages: tuple[int, ...] = (1,)) -> None:
    tmp = Path(tempfile.mkdtemp())
    policy, context = demo_like()
    for language in ("fi", "sv"):
        source = tmp / f"policy-{language}.docx"
        source.write_bytes(render_policy(policy, context, language))
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp),
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        for page in pages:
            suffix = "" if page == 1 else f"-page{page}"
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
                    str(tmp / f"policy-{language}.pdf"),
                    str(ROOT / "docs" / f"policy-document-{language}{suffix}"),
                ],
                check=True,
            )
            print(f"docs/policy-document-{language}{suffix}.png: page {page}")


if __name__ == "__main__":
    main(tuple(int(p) for p in sys.argv[1:]) or (1,))
