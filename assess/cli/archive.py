"""``flask --app wsgi documents archive``: the PDF/A of every document that lacks one."""

from __future__ import annotations

import sys

import click


@click.command("archive")
@click.option(
    "--no-fresh-start",
    is_flag=True,
    help="Only the long-running converter (PDF_CONVERTER); no LibreOffice start per document.",
)
def archive_command(no_fresh_start: bool):
    """Make the archival PDF/A-2b of every stored document and published agenda without
    one (the converter was down when it was made), keep it beside the .docx with its file
    checksum; exit 1 if any could not be made."""
    from ..operations import archive

    try:
        run = archive.archive_missing(fresh_fallback=not no_fresh_start)
    finally:
        archive.stop_converter()
    for doc in run.made:
        click.echo(f"PDF/A of {archive.describe(doc)}: file checksum (SHA-256) {doc.pdf_sha256}")
    for doc, why in run.failed:
        click.echo(f"NOT MADE {archive.describe(doc)}: {why}", err=True)
    if run.failed:
        click.echo(f"{len(run.failed)} PDF/A files could not be made; try again.", err=True)
        sys.exit(1)
    click.echo(f"{len(run.made)} PDF/A files made; every stored document has one.")
