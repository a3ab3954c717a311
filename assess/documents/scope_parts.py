"""The assessment document's part on the scope (issue 18, [scope]): the groups the
screening pointed to that the scope leaves out, and the preparer's reason for each.

Printed only when a reason is recorded, so documents of revisions made before (or without)
such reasons render byte for byte as they did.
"""

from __future__ import annotations

from typing import Any

from ..translation import pgettext, pgettext_noop

TEXTS: dict[str, str] = {
    "left_out": pgettext_noop(
        "document", "Groups the screening pointed to, left out of the scope, and why"
    ),
}


def write(renderer: Any) -> None:
    """Add the part to ``renderer``'s document (``documents.assessment._Renderer``)."""
    data, w, lang, form = renderer.data, renderer.w, renderer.lang, renderer.form
    reasons = {g: r for g, r in data.scope_exclusions.items() if g not in data.groups_in_scope}
    if not reasons:
        return
    w.paragraph(pgettext(lang, "document", TEXTS["left_out"]) + ":")
    for group in form.groups:  # in the form's order
        if group.id in reasons:
            reason = renderer.free(f"scope_exclusions.{group.id}", reasons[group.id])
            w.bullet(reason, bold_label=group.labels.get(lang))
