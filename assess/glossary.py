"""The glossary of the method's terms (issue 20): ``assess/data/glossary.yaml``, each term
with its name and meaning in fi, sv and en. Pure: read once, validated, no Flask."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field

from .definitions import Labels, Strict, load_yaml

PATH = Path(__file__).parent / "data" / "glossary.yaml"
Id = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)  # the anchor: term-<id>


class Term(Strict):
    id: str = Id
    term: Labels
    text: Labels


class Glossary(Strict):
    terms: list[Term] = Field(min_length=1)

    def get(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)

    def ids(self) -> set[str]:
        return {t.id for t in self.terms}


def load(path: Path = PATH) -> Glossary:
    """The glossary; a duplicate id or a missing language fails loudly."""
    with open(path, encoding="utf-8") as fh:
        glossary = Glossary.model_validate(load_yaml(fh))
    ids = [t.id for t in glossary.terms]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{path}: duplicate term ids {duplicates}")
    return glossary


@cache
def glossary() -> Glossary:
    return load()
