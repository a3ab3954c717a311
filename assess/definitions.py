"""What every content definition (workflows/*.yaml, forms/*.yaml) shares.

Loading validates fully; every problem is reported with the file, the path inside it
and what is expected, so the person editing the YAML can fix all of them at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Generic, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .translation import current_language

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


# libyaml's parser where PyYAML was built with it (the wheels are): the same documents and
# error marks, about ten times faster. Every app start reads the form and the workflows, and
# the test suite starts an app per test.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(stream: str | IO[str]) -> object:
    """``yaml.safe_load`` with libyaml's parser when there is one."""
    return yaml.load(stream, Loader=_SafeLoader)  # noqa: S506 - a safe loader


def read_yaml(path: Path) -> tuple[object, list[Problem]]:
    try:
        with open(path, encoding="utf-8") as fh:
            return load_yaml(fh), []
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

    def render(self, language: str) -> str:
        return self.labels.get(language)

    def __str__(self) -> str:
        return self.labels.get(current_language())


def localized(labels: Labels) -> Localized:
    return Localized(labels)


class Keyed(Protocol):
    """A loaded definition: what ``load_directory`` files it under."""

    @property
    def key(self) -> str: ...

    @property
    def version(self) -> int: ...


D = TypeVar("D", bound=Keyed)
T = TypeVar("T")


class Versioned(Generic[T]):
    """Every loaded version of every definition of one kind, by (key, version)."""

    def __init__(self, kind: str, items: dict[tuple[str, int], T]):
        self.kind = kind
        self._items = items

    def get(self, key: str, version: int) -> T:
        try:
            return self._items[(key, version)]
        except KeyError:
            raise LookupError(f"{self.kind} {key!r} version {version} is not loaded") from None

    def latest(self, key: str) -> T:
        versions = [v for k, v in self._items if k == key]
        if not versions:
            raise LookupError(f"no {self.kind} {key!r} is loaded")
        return self._items[(key, max(versions))]

    def names(self) -> list[str]:
        return sorted({k for k, _ in self._items})

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())


def load_directory(
    directory: Path, kind: str, load_one: Callable[[Path], tuple[D | None, list[Problem]]]
) -> dict[tuple[str, int], D]:
    """Load every ``*.yaml`` of ``directory`` with ``load_one(path) -> (definition, problems)``.

    Raises DefinitionError listing every problem of every file, including the same
    (key, version) defined twice.
    """
    problems: list[Problem] = []
    loaded: dict[tuple[str, int], D] = {}
    origin: dict[tuple[str, int], str] = {}
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise DefinitionError([Problem(str(directory), "", f"no {kind} files (*.yaml) found")])
    for path in files:
        definition, found = load_one(path)
        problems.extend(found)
        if definition is None:
            continue
        ident = (definition.key, definition.version)
        if ident in origin:
            problems.append(
                Problem(
                    path.name,
                    "key",
                    f"{definition.key!r} version "
                    f"{definition.version} is already defined in {origin[ident]}; "
                    "give this one a new version",
                )
            )
            continue
        origin[ident] = path.name
        loaded[ident] = definition
    if problems:
        raise DefinitionError(problems)
    return loaded


def load_file(path: Path, model: type[BaseModel], semantic_problems):
    """Read one YAML file into ``model``; then ``semantic_problems(file, definition)``.

    Returns (definition, []) or (None, every problem found).
    """
    raw, problems = read_yaml(path)
    if problems:
        return None, problems
    try:
        definition = model.model_validate(raw)
    except ValidationError as exc:
        return None, pydantic_problems(path.name, exc)
    problems = semantic_problems(path.name, definition)
    return (None, problems) if problems else (definition, [])
