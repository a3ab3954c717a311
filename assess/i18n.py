"""Lazy translatable texts that are escaped like any other text.

Flask-Babel's ``lazy_gettext`` marks its result as safe HTML (``__html__``), so a
parameter such as a case number typed by a user would reach the page unescaped. These
texts render in the reader's language when turned into ``str`` and carry no
``__html__``: Jinja escapes them, parameters included.
"""

from __future__ import annotations

from flask_babel import gettext


class LazyText:
    __slots__ = ("message", "params")

    def __init__(self, message: str, **params):
        self.message = message
        self.params = params

    def __str__(self) -> str:
        if self.params:
            return gettext(self.message, **self.params)
        return gettext(self.message)

    def __repr__(self) -> str:
        return f"LazyText({self.message!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.message)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, item) -> bool:
        return item in str(self)

    def __add__(self, other) -> str:
        return str(self) + str(other)

    def __radd__(self, other) -> str:
        return str(other) + str(self)


def lazy_text(message: str, **params) -> LazyText:
    return LazyText(message, **params)
