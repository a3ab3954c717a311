"""Bad input in a page's request is a 4xx with a page saying what is wrong (issue 15, item 7).

- A NUL character anywhere in a query string, a form or a URL is refused (422) with the
  fields named: PostgreSQL cannot store or compare it, SQLite can, and both must answer
  alike. The JSON API refuses it the same way in its own envelope (assess/api/limits.py).
- A form's hidden version (optimistic locking) or a number in a query string that is not
  a whole number in its range is refused (400) with what was given and what to do.
"""

from __future__ import annotations

from flask import Flask, render_template, request

from ..i18n import lazy_text as _l
from ..input_shape import MAX_ID, NUL


class BadInput(Exception):
    """A request no page of ours sends: answered with ``status`` and ``message``."""

    def __init__(self, status: int, message, fields: list[str] | None = None):
        super().__init__(str(message))
        self.status, self.message, self.fields = status, message, fields or []


def form_version() -> int:
    """The version the form's change is based on; -1 (stale) when the form has none."""
    given = request.form.get("version", "")
    if given == "":
        return -1  # a form without its version is treated as stale, never as current
    if not (given.isascii() and given.isdigit() and len(given) <= 10 and int(given) <= MAX_ID):
        raise BadInput(
            400,
            _l(
                "The form's version field is %(given)s, which is no version number: the page "
                "was changed after it was loaded. Reload the page and make your change again.",
                given=repr(given[:40]),
            ),
            ["version"],
        )
    return int(given)


def query_number(name: str, low: int, high: int) -> int | None:
    """The query string's ``name`` as a whole number from ``low`` to ``high``; None if absent."""
    given = request.args.get(name, "")
    if given == "":
        return None
    if given.isascii() and given.isdigit() and len(given) <= 12 and low <= int(given) <= high:
        return int(given)
    raise BadInput(
        400,
        _l(
            "In the address, %(name)s=%(given)s is not a whole number from %(low)d to "
            "%(high)d. Correct the address, or go back and follow a link.",
            name=name,
            given=repr(given[:40]),
            low=low,
            high=high,
        ),
        [name],
    )


def _refuse_nul() -> None:
    if request.path.startswith("/api/"):
        return  # the API refuses NUL in its own envelope
    fields = [name for name, value in request.args.items(multi=True) if NUL in name + value]
    if request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields += [name for name, value in request.form.items(multi=True) if NUL in name + value]
    fields += [k for k, v in (request.view_args or {}).items() if isinstance(v, str) and NUL in v]
    if fields:
        raise BadInput(
            422,
            _l(
                "A text holds a NUL character (U+0000), which cannot be stored: %(fields)s. "
                "Remove it (it is invisible; retyping the text removes it) and send again.",
                fields=", ".join(repr(f.replace(NUL, "")[:60]) for f in fields[:5]),
            ),
            fields,
        )


def _answer(exc: BadInput):
    return render_template("errors/bad_input.html", message=exc.message), exc.status


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.register_error_handler(BadInput, _answer)
