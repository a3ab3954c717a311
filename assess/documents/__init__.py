"""Documents rendered from revisions: pure functions from a snapshot to .docx bytes."""

from .assessment import (
    RENDERER_VERSION,
    decision_paragraph,
    document_id,
    render,
    revision_sha256,
)

__all__ = ["RENDERER_VERSION", "decision_paragraph", "document_id", "render", "revision_sha256"]
