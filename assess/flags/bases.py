"""What a flag rests on: the act of the organisation's type and the method source.

The texts are content (forms/*.yaml, ``flag_bases``, cited from shared/legal-bases.md);
this module only puts the two together in the reader's language.
"""

from __future__ import annotations

from ..definitions import Labels
from ..questionnaire.definition import FormDefinition
from ..translation import lazy_text as _l


class _Cited:
    """An act as cited in a sentence: without its own closing full stop ("2 mom."), which
    the sentence gives it."""

    __slots__ = ("labels",)

    def __init__(self, labels: Labels):
        self.labels = labels

    def render(self, language: str) -> str:
        return self.labels.get(language).rstrip(".")


def basis_of(form: FormDefinition, rule: str, kind: str | None):
    """The basis of ``rule`` for an organisation of type ``kind``, as a lazy text; None when
    the form gives the rule none (a test keeps every rule of ``RULES`` covered)."""
    entry = form.flag_bases.get(rule)
    if entry is None:
        return None
    method = _Cited(entry.method)
    law = entry.law_for(kind)
    if law is None:
        return _l("Method: %(method)s.", method=method)
    return _l("%(law)s. Method: %(method)s.", law=_Cited(law), method=method)
