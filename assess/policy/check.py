"""Checking a policy against what the organisation has: every problem, with its path.

The shape is checked by the pydantic models (``model.py``); what the shape cannot know
(which decision types, bodies, workflows, exempt categories and screening questions
exist) is checked here, on the raw data, so that a file with a bad threshold still has
its unknown decision type named in the same run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..definitions import Problem, pydantic_problems
from ..questionnaire.policy_screening import check_screening
from ..workflow.definition import WorkflowDefinition
from .model import PROCESS_LEVELS, Policy, Processes


@dataclass
class Known:
    """What a policy may refer to, as the organisation has it now."""

    decision_types: set[str] = field(default_factory=set)
    bodies: set[str] = field(default_factory=set)
    # The loaded workflows by key (the latest version of each).
    workflows: dict[str, WorkflowDefinition] = field(default_factory=dict)
    exempt_categories: set[str] = field(default_factory=set)
    screening_questions: set[str] = field(default_factory=set)
    # Retired ones: still unknown to a policy, but named as retired, which says what to do.
    retired_decision_types: set[str] = field(default_factory=set)
    retired_bodies: set[str] = field(default_factory=set)


_EUROS = ("threshold_eur", "investment_threshold_eur")
_DAYS = ("submit_days_before_meeting",)


def check(
    data: Any, known: Known, *, source: str = "policy"
) -> tuple[Policy | None, list[Problem]]:
    """The policy in ``data`` and no problems, or None and every problem found."""
    if not isinstance(data, dict):
        return None, [
            Problem(source, "", "a policy is a mapping of keys (format, default, rules ...)")
        ]
    problems: list[Problem] = []
    policy: Policy | None = None
    try:
        policy = Policy.load(data)
    except ValidationError as exc:
        problems += [_clearer(p) for p in pydantic_problems(source, exc)]
    found: list[Problem] = []
    _Checker(data, known, source, found).run()
    for p in found:
        if p not in problems:
            problems.append(p)
    return (None, sorted(problems, key=_in_file_order(data))) if problems else (policy, [])


def _in_file_order(data: dict):
    """Problems in the order of the file: its top-level keys as written, then list items
    by number, so that a person can work down the file."""
    top = {key: i for i, key in enumerate(data)}

    def key(problem: Problem):
        parts = problem.path.split(".") if problem.path else []
        first = top.get(parts[0], len(top)) if parts else -1
        return (first, [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in parts[1:]])

    return key


def _clearer(problem: Problem) -> Problem:
    """pydantic's wording for a number, replaced by one that says what would be right."""
    last = problem.path.rsplit(".", 1)[-1]
    if last in _EUROS and "unknown key" not in problem.message:
        return Problem(
            problem.file,
            problem.path,
            "must be a whole number of euros from 0 to 1000000000000, without spaces (e.g. 100000)",
        )
    if last in _DAYS and "unknown key" not in problem.message:
        return Problem(problem.file, problem.path, "must be a whole number of days from 0 to 365")
    return problem


def _listed(values) -> str:
    return ", ".join(sorted(values)) or "(none defined)"


class _Checker:
    def __init__(self, data: dict, known: Known, source: str, problems: list[Problem]):
        self.data = data
        self.known = known
        self.source = source
        self.problems = problems
        defined = [t.get("id") for t in _items(data.get("decision_types")) if isinstance(t, dict)]
        self.types = set(known.decision_types) | {t for t in defined if isinstance(t, str)}

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, path, message))

    def run(self) -> None:
        self.decision_types()
        default = self.data.get("default")
        if isinstance(default, dict):
            for key in ("decision_type", "body"):
                if key in default:
                    self.add(
                        f"default.{key}",
                        f"the default rule applies to every {key}; "
                        "write a rule under rules for one",
                    )
            self.rule_body(default, "default")
        seen: dict[tuple[object, object], int] = {}
        for i, rule in enumerate(_items(self.data.get("rules"))):
            if not isinstance(rule, dict):
                continue
            here = f"rules.{i}"
            kind, body = rule.get("decision_type"), rule.get("body")
            if isinstance(kind, str) and kind in self.known.retired_decision_types - self.types:
                self.add(
                    f"{here}.decision_type",
                    f"decision type {kind!r} is retired; bring it back on the decision types "
                    "page, or remove this rule",
                )
            elif isinstance(kind, str) and kind not in self.types:
                self.add(
                    f"{here}.decision_type",
                    f"unknown decision type {kind!r}; expected one of: {_listed(self.types)} "
                    "(or define it under decision_types)",
                )
            if isinstance(body, str):
                self.body(body, f"{here}.body")
            if (kind, body) in seen:
                also = f" and body {body!r}" if body else ""
                self.add(
                    here,
                    f"duplicate rule: rules.{seen[(kind, body)]} already sets decision type "
                    f"{kind!r}{also}; keep one",
                )
            else:
                seen[(kind, body)] = i
            self.rule_body(rule, here)
        processes = self.data.get("processes", {})
        if isinstance(processes, dict):
            # A level the file leaves out has the built-in default's workflow, which this
            # installation must have too.
            defaults = {k: v for k, v in Processes().as_dict().items() if k not in processes}
            self.processes(processes, "processes")
            self.processes(defaults, "processes", defaulted=True)
        review = self.data.get("review")
        if isinstance(review, dict):
            self.review(review, "review")
        self.screening(self.data.get("screening"))

    def decision_types(self) -> None:
        seen: set[str] = set()
        for i, t in enumerate(_items(self.data.get("decision_types"))):
            key = t.get("id") if isinstance(t, dict) else None
            if isinstance(key, str):
                if key in seen:
                    self.add(f"decision_types.{i}.id", f"duplicate decision type {key!r}")
                seen.add(key)

    def body(self, key: str, path: str) -> None:
        if key in self.known.retired_bodies - self.known.bodies:
            self.add(
                path, f"body {key!r} is retired; bring it back on the bodies page, or use another"
            )
        elif key not in self.known.bodies:
            self.add(path, f"unknown body {key!r}; expected one of: {_listed(self.known.bodies)}")

    def rule_body(self, rule: dict, here: str) -> None:
        kind = rule.get("rule")
        category = rule.get("exempt_category")
        if kind == "exempt" and category is None:
            self.add(
                f"{here}.exempt_category",
                "an exempt rule needs exempt_category: one of: "
                f"{_listed(self.known.exempt_categories)}",
            )
        elif category is not None and kind != "exempt":
            self.add(f"{here}.exempt_category", "only an exempt rule has an exempt_category")
        elif isinstance(category, str) and category not in self.known.exempt_categories:
            self.add(
                f"{here}.exempt_category",
                f"unknown exempt category {category!r}; expected one of: "
                f"{_listed(self.known.exempt_categories)}",
            )
        if rule.get("threshold_eur") is not None and kind in ("full", "light", "exempt"):
            self.add(
                f"{here}.threshold_eur",
                f"a threshold belongs to a screen rule only (this rule is {kind!r}): remove it, "
                "or make the rule screen",
            )
        if isinstance(rule.get("processes"), dict):
            self.processes(rule["processes"], f"{here}.processes")
        if isinstance(rule.get("review"), dict):
            self.review(rule["review"], f"{here}.review")

    def processes(self, processes: dict, here: str, *, defaulted: bool = False) -> None:
        workflows = self.known.workflows
        for level in PROCESS_LEVELS:
            key = processes.get(level)
            if not isinstance(key, str):
                continue
            if key not in workflows:
                self.add(
                    f"{here}.{level}",
                    f"the default workflow {key!r} is not loaded: name one of {_listed(workflows)}"
                    if defaulted
                    else f"unknown workflow {key!r}; expected one of: {_listed(workflows)}",
                )
            elif level == "full" and not _has_follow_up(workflows[key]):
                self.add(
                    f"{here}.full",
                    f"workflow {key!r} has no follow-up phase (a state with in_follow_up: true "
                    "that is not final), which a full assessment needs; choose one that has",
                )

    def review(self, review: dict, here: str) -> None:
        if isinstance(review.get("body"), str):
            self.body(review["body"], f"{here}.body")

    def screening(self, screening: object) -> None:
        # What the block means for the questionnaire is the questionnaire's to say.
        self.problems.extend(
            check_screening(self.known.screening_questions, screening, source=self.source)
        )


def _items(value: object) -> list:
    return value if isinstance(value, list) else []


def _has_follow_up(workflow: WorkflowDefinition) -> bool:
    return any(s.in_follow_up and not s.final for s in workflow.states.values())
