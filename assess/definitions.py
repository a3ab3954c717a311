"""What every content definition (workflows/*.yaml, forms/*.yaml) shares.

Loading validates fully; every problem is reported with the file, the path inside it
and what is expected, so the person editing the YAML can fix all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(top level)'}: {self.message}"


class DefinitionError(Exception):
    """One or more definitions are invalid; ``problems`` lists each."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(Strict):
    """A text in every UI language; a missing or empty one is a missing translation."""

    fi: str = Field(min_length=1)
    sv: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return getattr(self, language if language in LANGUAGES else "en")


def read_yaml(path: Path) -> tuple[object, list[Problem]]:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, [Problem(path.name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]


def pydantic_problems(file: str, exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"])
        message = err["msg"]
        if err["type"] == "missing" and err["loc"] and err["loc"][-1] in LANGUAGES:
            message = f"missing translation ({err['loc'][-1]})"
        elif err["type"] == "string_too_short" and err["loc"] and err["loc"][-1] in LANGUAGES:
            message = f"empty translation ({err['loc'][-1]})"
        elif err["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
        problems.append(Problem(file, path, message))
    return problems


class Localized:
    """A content label that renders in the reader's language (escaped like any text)."""

    __slots__ = ("labels",)

    def __init__(self, labels: Labels):
        self.labels = labels

    def __str__(self) -> str:
        from flask_babel import get_locale

        return self.labels.get(str(get_locale() or "en"))


def localized(labels: Labels) -> Localized:
    return Localized(labels)
