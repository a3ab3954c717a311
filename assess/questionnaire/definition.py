"""forms/*.yaml -> a validated FormDefinition (questionnaire, screening, content ids)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, PrivateAttr, model_validator

from ..definitions import Labels, Problem, Strict, load_file

Id = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
QuestionType = Literal[
    "text", "long_text", "choice", "multi_choice", "date", "number", "person", "yes_no", "list"
]
SectionKind = Literal[
    "questions", "hearings", "alternatives", "impacts", "indicators", "summary", "plan"
]
Level = Literal["light", "full"]
SCALES = ("direction", "magnitude", "likelihood", "duration", "reversibility", "confidence")
# The types of organisation (``Organisation.kind``): the acts the content cites follow it.
OrgKind = Literal["municipality", "wellbeing_county", "joint_authority", "helsinki"]
ORGANISATION_KINDS: tuple[str, ...] = get_args(OrgKind)
# A legal basis: one text for every type of organisation, or one per type, where null
# says the product cites no act for that type (legal-bases.md verifies none).
Basis = Labels | dict[OrgKind, Labels | None]


def basis_for(basis: Basis | None, kind: str | None) -> Labels | None:
    """The text of ``basis`` for an organisation of type ``kind`` (None: none is cited)."""
    if basis is None or isinstance(basis, Labels):
        return basis
    return basis.get(kind if kind in ORGANISATION_KINDS else "municipality")  # type: ignore[call-overload]


class Option(Strict):
    id: str = Id
    labels: Labels


class Group(Strict):
    id: str = Id
    labels: Labels
    vulnerable: bool = False
    council: str | None = None


class Dimension(Strict):
    id: str = Id
    labels: Labels
    help: Labels | None = None


class ScaleValue(Strict):
    id: str = Id
    labels: Labels
    symbol: str = ""


class Scale(Strict):
    labels: Labels
    help: Labels | None = None
    values: list[ScaleValue] = Field(min_length=2)


class CalledFor(Strict):
    """What calls for hearing a council, besides the groups naming it (``Group.council``):
    a non-neutral effect on one of ``groups``, or a "yes"/"don't know" to one of the
    ``screening`` questions."""

    groups: list[str] = []
    screening: list[str] = []


class Council(Strict):
    id: str = Id
    labels: Labels
    # The act that has it heard, by type of organisation where the acts differ.
    basis: Basis | None = None
    called_for: CalledFor = CalledFor()
    # The types of organisation that have it (empty: every type). A council an
    # organisation of another type does not have is never asked for.
    kinds: list[OrgKind] = []
    # How serious a missing hearing is: the statutory councils' high, the hearings good
    # practice calls for medium.
    severity: Literal["high", "medium", "low"] = "high"

    def basis_for(self, kind: str | None) -> Labels | None:
        return basis_for(self.basis, kind)

    def exists_in(self, kind: str | None) -> bool:
        return not self.kinds or kind in self.kinds


class NotHeardReason(Strict):
    """A coded reason why a council was not heard (``Hearing.not_heard_code``)."""

    id: str = Id
    labels: Labels
    # Whether a hearing with this reason counts as done: "no time" does not.
    acceptable: bool
    # The reason counts only with the free text beside it (``Hearing.not_heard_reason``).
    needs_text: bool = False


class LegalBases(Strict):
    """The acts the product cites besides the councils', by type of organisation."""

    # The duty to take the assessed effects of decisions into account.
    duty_to_assess: Basis | None = None
    # The authority's duty to see to language rights in practice.
    language_rights: Basis | None = None
    # The audit committee's yearly evaluation report (the policy document's reporting).
    audit_evaluation: Basis | None = None


class FlagBasis(Strict):
    """What a flag rule rests on: the act (by organisation type, as a council's basis; None:
    a rule of the method only) and the method source (THL, the EVA model, LAVA)."""

    law: Basis | None = None
    method: Labels

    def law_for(self, kind: str | None) -> Labels | None:
        return basis_for(self.law, kind)


class Condition(Strict):
    """Show a question when an earlier answer is one value (``equals``) or one of a set
    (``in``, e.g. a screening "yes" or "don't know"): exactly one of the two."""

    question: str
    equals: str | None = None
    in_: list[str] | None = Field(default=None, alias="in", min_length=1)

    @model_validator(mode="after")
    def _one_test(self):
        if (self.equals is None) == (self.in_ is None):
            raise ValueError("a condition gives exactly one of equals or in")
        return self

    @property
    def values(self) -> list[str]:
        """The answers that show the question."""
        return [self.equals] if self.equals is not None else list(self.in_ or [])


class Field_(Strict):
    id: str = Id
    type: Literal["text", "long_text", "choice", "date", "number", "person", "yes_no"]
    labels: Labels
    required: bool = False
    options: list[Option] | None = None


class Question(Strict):
    id: str = Id
    type: QuestionType
    labels: Labels
    help: Labels | None = None
    required: bool = False
    options: list[Option] | None = None
    options_from: Literal["groups", "dimensions", "councils"] | None = None
    show_if: Condition | None = None
    # The levels that ask it, within its section's (absent: every level of the section):
    # the light level has no alternatives, so it is not asked to compare them (issue 18).
    levels: list[Level] | None = Field(default=None, min_length=1)
    fields: list[Field_] | None = None
    min_items: int = Field(default=0, ge=0)
    max_length: int | None = Field(default=None, ge=1)


class Section(Strict):
    id: str = Id
    labels: Labels
    help: Labels | None = None
    levels: list[Level] = Field(min_length=1)
    kind: SectionKind = "questions"
    questions: list[Question] = []


class ScreeningQuestion(Strict):
    id: str = Id
    labels: Labels
    help: Labels | None = None
    # The question asks about the organisation's investment threshold: the page says its
    # amount, which each organisation sets.
    shows_investment_threshold: bool = False
    # The groups a "yes" or "don't know" says are affected: each must be in the scope, or
    # the preparer says why not (flag ``implied_group_out_of_scope``).
    implies_groups: list[str] = []


class ScreeningRule(Strict):
    full_if_any: list[str] = []
    light_max_yes: int = Field(default=2, ge=0)


class Screening(Strict):
    help: Labels | None = None
    questions: list[ScreeningQuestion] = Field(min_length=1)
    exempt_categories: list[Option] = []
    rule: ScreeningRule


# The scales a negative effect's seriousness is weighed on (``SeriousEffect``).
SERIOUS_FACTORS = ("magnitude", "likelihood", "duration", "reversibility")


class SeriousEffect(Strict):
    """When a negative effect is serious (``serious_negative_effect``): a table, not code.

    A negative cell scores the points of its value on each factor (``unrated`` when the
    cell leaves that scale empty), plus ``vulnerable_group`` when the group is vulnerable;
    it is serious at ``threshold`` points or more. docs/forms.md explains the table.
    """

    # factor -> scale value -> points; the loader checks the factors and the values.
    points: dict[str, dict[str, int]]
    unrated: dict[str, int] = {}
    vulnerable_group: int = Field(ge=0, le=100)
    threshold: int = Field(ge=1, le=1000)

    def score(self, factor: str, value: str | None) -> int:
        unrated = self.unrated.get(factor, 0)
        return unrated if value is None else self.points.get(factor, {}).get(value, unrated)


class FlagSettings(Strict):
    """Thresholds of the flag rules; an organisation's settings may override them."""

    # cumulative_burden: other approved assessments within this many days...
    cumulative_window_days: int = Field(365, ge=1, le=3660)
    # ...at least this many of them with a negative effect on the same group.
    cumulative_min_others: int = Field(2, ge=1, le=100)
    # late_assessment: submitted fewer than this many days before the meeting.
    late_days: int = Field(14, ge=0, le=365)
    # missing_mitigation: a mitigation of fewer words than this does not count ("-", "tbd").
    min_mitigation_words: int = Field(3, ge=1, le=50)

    @classmethod
    def bounds(cls, name: str) -> tuple[int, int]:
        """The allowed range of a threshold, from its Field constraints above."""
        meta = cls.model_fields[name].metadata
        return (
            next(m.ge for m in meta if hasattr(m, "ge")),
            next(m.le for m in meta if hasattr(m, "le")),
        )


class FormDefinition(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    version: int = Field(ge=1)
    labels: Labels
    help: Labels | None = None
    groups: list[Group] = Field(min_length=1)
    dimensions: list[Dimension] = Field(min_length=1)
    scales: dict[Literal[SCALES], Scale]  # type: ignore[valid-type]
    councils: list[Council] = []
    not_heard_reasons: list[NotHeardReason] = []
    legal_bases: LegalBases = LegalBases()
    screening: Screening
    sections: list[Section] = Field(min_length=1)
    flags: FlagSettings = FlagSettings()
    # Each flag rule's basis, by rule id (the flags cite it; a test checks every rule has one).
    flag_bases: dict[str, FlagBasis] = {}
    serious_effect: SeriousEffect
    # How answers of an older version map to this one: {old id: new id, or null to drop}.
    migrations: dict[int, dict[str, str | None]] = {}
    # Set on the effective form of an organisation's policy (``policy_screening``), never by
    # a file: the screening questions it switched off, and its own questions.
    _screening_off: frozenset[str] = PrivateAttr(default_factory=frozenset)
    _own_questions: frozenset[str] = PrivateAttr(default_factory=frozenset)

    @model_validator(mode="after")
    def _all_scales(self):
        missing = [s for s in SCALES if s not in self.scales]
        if missing:
            raise ValueError(f"scales missing: {', '.join(missing)}")
        return self

    @property
    def ident(self) -> tuple[str, int]:
        return (self.key, self.version)

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def dimension(self, dimension_id: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)

    def council(self, council_id: str) -> Council | None:
        return next((c for c in self.councils if c.id == council_id), None)

    def not_heard_reason(self, reason_id: str) -> NotHeardReason | None:
        return next((r for r in self.not_heard_reasons if r.id == reason_id), None)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def sections_for(self, level: str | None) -> list[Section]:
        return [s for s in self.sections if level in s.levels]

    def options_of(self, question: Question) -> list:
        if question.options_from:
            return list(getattr(self, question.options_from))
        return list(question.options or [])

    def scale_value(self, scale: str, value: str) -> ScaleValue | None:
        return next((v for v in self.scales[scale].values if v.id == value), None)


def load_form(path: Path) -> tuple[FormDefinition | None, list[Problem]]:
    """Read and validate one form file; return it, or the problems found."""
    return load_file(path, FormDefinition, _semantic_problems)


def _duplicates(items, path: str, file: str) -> list[Problem]:
    seen, found = set(), []
    for i, item in enumerate(items):
        if item.id in seen:
            found.append(Problem(file, f"{path}.{i}.id", f"duplicate id {item.id!r}"))
        seen.add(item.id)
    return found


def _values(f: FormDefinition, q: Question) -> set[str] | None:
    """The possible answers of a question (None: free text, anything goes)."""
    if q.type == "yes_no":
        return {"yes", "no"}
    if q.type in ("choice", "multi_choice"):
        return {o.id for o in f.options_of(q)}
    return None


def _serious_effect_problems(file: str, f: FormDefinition) -> list[Problem]:
    """Every factor scored, on exactly the values of its scale, with no negative points."""
    problems: list[Problem] = []
    table = f.serious_effect
    for factor in SERIOUS_FACTORS:
        where = f"serious_effect.points.{factor}"
        values = [v.id for v in f.scales[factor].values] if factor in f.scales else []
        given = table.points.get(factor)
        if given is None:
            problems.append(
                Problem(file, where, f"no points for {factor}; give each of: {', '.join(values)}")
            )
            continue
        for value, points in given.items():
            if value not in values:
                problems.append(
                    Problem(
                        file,
                        f"{where}.{value}",
                        f"{value!r} is not a value of the scale {factor!r}; expected one of: "
                        f"{', '.join(values)}",
                    )
                )
            elif points < 0:
                problems.append(Problem(file, f"{where}.{value}", "points are 0 or more"))
        if missing := [v for v in values if v not in given]:
            problems.append(Problem(file, where, f"no points for {', '.join(missing)}"))
    for part, factors in (("points", table.points), ("unrated", table.unrated)):
        for factor in factors:
            if factor not in SERIOUS_FACTORS:
                problems.append(
                    Problem(
                        file,
                        f"serious_effect.{part}.{factor}",
                        f"unknown factor {factor!r}; expected one of: {', '.join(SERIOUS_FACTORS)}",
                    )
                )
    for factor, points in table.unrated.items():
        if points < 0:
            problems.append(
                Problem(file, f"serious_effect.unrated.{factor}", "points are 0 or more")
            )
    return problems


def _semantic_problems(file: str, f: FormDefinition) -> list[Problem]:
    problems: list[Problem] = []
    add = lambda path, msg: problems.append(Problem(file, path, msg))  # noqa: E731
    problems += _duplicates(f.groups, "groups", file)
    problems += _duplicates(f.dimensions, "dimensions", file)
    problems += _duplicates(f.councils, "councils", file)
    problems += _duplicates(f.not_heard_reasons, "not_heard_reasons", file)
    problems += _duplicates(f.sections, "sections", file)
    problems += _duplicates(f.screening.questions, "screening.questions", file)
    problems += _duplicates(f.screening.exempt_categories, "screening.exempt_categories", file)
    councils = {c.id for c in f.councils}
    for i, g in enumerate(f.groups):
        if g.council and g.council not in councils:
            add(
                f"groups.{i}.council",
                f"unknown council {g.council!r}; expected one of: {', '.join(sorted(councils))}",
            )
    for name, scale in f.scales.items():
        problems += _duplicates(scale.values, f"scales.{name}.values", file)
    problems += _serious_effect_problems(file, f)
    bases = [(f"councils.{i}({c.id}).basis", c.basis) for i, c in enumerate(f.councils)]
    bases += [
        (f"legal_bases.{name}", getattr(f.legal_bases, name)) for name in LegalBases.model_fields
    ]
    bases += [(f"flag_bases.{rule}.law", b.law) for rule, b in f.flag_bases.items()]
    for where, basis in bases:
        if isinstance(basis, dict) and (
            missing := [k for k in ORGANISATION_KINDS if k not in basis]
        ):
            add(
                where,
                f"no basis for the organisation type(s) {', '.join(missing)}: a basis given per "
                f"type names every type ({', '.join(ORGANISATION_KINDS)}); write null where "
                "no act is cited for a type",
            )
    screening_ids = {q.id for q in f.screening.questions}
    group_ids = {g.id for g in f.groups}
    for j, sq in enumerate(f.screening.questions):
        for k, gid in enumerate(sq.implies_groups):
            if gid not in group_ids:
                add(
                    f"screening.questions.{j}({sq.id}).implies_groups.{k}",
                    f"unknown group {gid!r}; expected one of: {', '.join(sorted(group_ids))}",
                )
    problems += _called_for_problems(file, f, screening_ids)
    for j, qid in enumerate(f.screening.rule.full_if_any):
        if qid not in screening_ids:
            add(f"screening.rule.full_if_any.{j}", f"unknown screening question {qid!r}")
    # The values each referable question can have, for checking conditions.
    known: dict[str, set[str] | None] = {qid: {"yes", "no", "unknown"} for qid in screening_ids}
    all_ids: dict[str, str] = {q: "screening.questions" for q in screening_ids}
    for s_i, section in enumerate(f.sections):
        here = f"sections.{s_i}({section.id})"
        if section.kind != "questions" and section.questions:
            add(f"{here}.questions", f"a section of kind {section.kind!r} has no questions")
        problems += _duplicates(section.questions, f"{here}.questions", file)
        for q_i, q in enumerate(section.questions):
            qhere = f"{here}.questions.{q_i}({q.id})"
            if q.id in all_ids and all_ids[q.id] != here:
                add(f"{qhere}.id", f"id {q.id!r} is already used in {all_ids[q.id]}")
            all_ids[q.id] = here
            choice = q.type in ("choice", "multi_choice")
            if choice and not (q.options or q.options_from):
                add(qhere, "a choice question needs options or options_from")
            if not choice and (q.options or q.options_from):
                add(qhere, f"a {q.type} question has no options")
            if (q.type == "list") != bool(q.fields):
                add(qhere, "fields belong to (and are required for) a list question")
            if q.levels and (extra := [lv for lv in q.levels if lv not in section.levels]):
                add(
                    f"{qhere}.levels",
                    f"the section is not asked at level(s) {', '.join(extra)}; a question's "
                    f"levels are among its section's: {', '.join(section.levels)}",
                )
            if q.show_if and q.show_if.question not in known:
                add(
                    f"{qhere}.show_if.question",
                    f"unknown question {q.show_if.question!r}: a condition may refer to a "
                    "screening question or an earlier question",
                )
            elif q.show_if and (values := known[q.show_if.question]) is not None:
                key = "equals" if q.show_if.equals is not None else "in"
                for value in q.show_if.values:
                    if value not in values:
                        add(
                            f"{qhere}.show_if.{key}",
                            f"{value!r} is not a value of {q.show_if.question!r}; "
                            f"expected one of: {', '.join(sorted(values))}",
                        )
            known[q.id] = _values(f, q)
    for version, mapping in f.migrations.items():
        if version >= f.version:
            add(f"migrations.{version}", "migrations describe older versions only")
        for old, new in mapping.items():
            if new is not None and new not in all_ids:
                add(f"migrations.{version}.{old}", f"unknown question {new!r} in this version")
    return problems


def _called_for_problems(file: str, f: FormDefinition, screening_ids: set[str]) -> list[Problem]:
    """Every group and screening question that calls for a council must exist."""
    problems = []
    group_ids = {g.id for g in f.groups}
    for i, council in enumerate(f.councils):
        here = f"councils.{i}({council.id}).called_for"
        for j, gid in enumerate(council.called_for.groups):
            if gid not in group_ids:
                problems.append(
                    Problem(
                        file,
                        f"{here}.groups.{j}",
                        f"unknown group {gid!r}; expected one of: {', '.join(sorted(group_ids))}",
                    )
                )
        for j, qid in enumerate(council.called_for.screening):
            if qid not in screening_ids:
                problems.append(
                    Problem(
                        file,
                        f"{here}.screening.{j}",
                        f"unknown screening question {qid!r}; expected one of: "
                        f"{', '.join(sorted(screening_ids))}",
                    )
                )
    return problems
