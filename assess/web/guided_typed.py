"""What a person typed on a section's page, carried through an upload (issue 20): uploading
a hearing's statement sends the section's form with it, and the texts typed but not yet
saved come back on the page after the upload, shown and not yet saved."""

from __future__ import annotations

from flask import session
from werkzeug.datastructures import MultiDict

KEY = "guided_typed"
# The form's own fields, not what the person typed.
NOT_TYPED = {"csrf_token", "version", "save", "continue"}


def keep(assessment_id: int, section_id: str, form) -> bool:
    """Keep the typed fields of ``form`` for the section's next page; False when the form
    held nothing typed (the upload came from elsewhere)."""
    pairs = [(k, v) for k, v in form.items(multi=True) if k not in NOT_TYPED]
    if not pairs:
        return False
    session[KEY] = {"assessment": assessment_id, "section": section_id, "pairs": pairs}
    return True


def kept(assessment_id: int, section_id: str) -> MultiDict | None:
    """The typed fields waiting for this section's page, once."""
    waiting = session.get(KEY)
    if not waiting or (waiting["assessment"], waiting["section"]) != (assessment_id, section_id):
        return None
    session.pop(KEY, None)
    return MultiDict([tuple(p) for p in waiting["pairs"]])
