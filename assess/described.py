"""The words for every change to an assessment: what an auditor reads instead of ids.

An audit event's ``changes`` (``[{"field", "old", "new", ...}]``, dotted paths as
``canonical.diff`` writes them for ``audit.diff``) and the difference between two
revisions' data are told here as ``Difference`` rows: a stable machine path, a label in
the reader's language (the question's text, the group's and dimension's names, the
alternative's name), and the old and new values in words (the scale's words, the
options' names, "Yes"/"No").

Lists are expanded item by item (the impact matrix cell by cell and field by field,
hearings, alternatives, indicators by their ids), so that only what changed is listed.
The timeline, the revision comparison and their exports all read this one module.
Pure: no Flask, no database; the language and the form are arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .canonical import diff
from .questionnaire.costs import COST_LABELS
from .questionnaire.definition import SCALES, FormDefinition, Question
from .translation import LazyText
from .translation import lazy_text as _l

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

# The parts of an assessment a reader filters by, in the order the assessment is read.
SECTIONS = (
    "screening",
    "scope",
    "alternatives",
    "impacts",
    "hearings",
    "indicators",
    "plan",
    "summary",
    "flags",
    "follow_up",
    "translations",
    "decision",
    "other",
)
SECTION_LABELS: dict[str, LazyText] = {
    "screening": _l("Screening"),
    "scope": _l("Scope"),
    "alternatives": _l("Alternatives"),
    "impacts": _l("Impacts"),
    "hearings": _l("Hearings"),
    "indicators": _l("Indicators"),
    "plan": _l("Wellbeing plan"),
    "summary": _l("Summary"),
    "flags": _l("Flags"),
    "follow_up": _l("Follow-up"),
    "translations": _l("Translations"),
    "decision": _l("Decision"),
    "other": _l("Other"),
}
CHANGE_LABELS: dict[str, LazyText] = {
    ADDED: _l("added"),
    REMOVED: _l("removed"),
    CHANGED: _l("changed"),
}
# A questions section of the form filed under a reader's section: the scoping questions are
# the scope; the evidence and the mitigation are read with the impacts they support.
FORM_SECTIONS = {
    "scoping": "scope",
    "evidence": "impacts",
    "mitigation": "impacts",
    "wellbeing_plan": "plan",
    "follow_up": "indicators",
}
KIND_SECTIONS = {
    "hearings": "hearings",
    "alternatives": "alternatives",
    "impacts": "impacts",
    "indicators": "indicators",
    "summary": "summary",
    "plan": "plan",
}

ANSWER_WORDS = {"yes": _l("Yes"), "no": _l("No"), "unknown": _l("Don't know")}
LEVEL_WORDS = {
    "none": _l("no assessment"),
    "light": _l("light assessment"),
    "full": _l("full assessment"),
}
FLAG_STATUS_WORDS = {
    "open": _l("open"),
    "acknowledged": _l("acknowledged"),
    "resolved": _l("resolved"),
}
PLAN_EFFECT_WORDS = {
    "helped": _l("helps the objective"),
    "harmed": _l("works against the objective"),
    "neutral": _l("no effect on the objective"),
}
OUTCOME_WORDS = {
    "as_expected": _l("as expected"),
    "better": _l("better than expected"),
    "worse": _l("worse than expected"),
    "not_known": _l("not known"),
}
LANGUAGE_NAMES = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}

SCREENING_FIELDS = {
    "level": _l("Level of the assessment"),
    "recommended_level": _l("Level the screening recommends"),
    "level_reason": _l("Reason for the level"),
    "exempt_category": _l("Exempt category"),
}
ALTERNATIVE_FIELDS = {
    "label": _l("Name"),
    "description": _l("Description"),
    "zero_option": _l("Zero option"),
    "recommended": _l("Recommended"),
    "horizon_years": _l("Years the costs are looked at"),
    "costs_note": _l("Why there are no costs"),
}
CELL_FIELDS = {
    "rationale": _l("Rationale"),
    "evidence": _l("Evidence"),
    "mitigation": _l("Mitigation"),
}
HEARING_FIELDS = {
    "council": _l("Council or group heard"),
    "requested_on": _l("Statement requested"),
    "answered_on": _l("Statement received"),
    "statement": _l("Statement"),
    "taken_into_account": _l("How the statement was taken into account"),
    "not_heard_reason": _l("Why not heard"),
    "not_heard_code": _l("Reason for not hearing"),
    "attachment": _l("Statement file"),
}
INDICATOR_FIELDS = {
    "name": _l("Name"),
    "source": _l("Source"),
    "baseline": _l("Baseline"),
    "target": _l("Target"),
    "owner": _l("Responsible"),
    "review_date": _l("Review date"),
    "follows": _l("Effects it follows"),
    "plan_indicator": _l("Wellbeing plan indicator"),
}
OBSERVATION_FIELDS = {"on": _l("Date"), "value": _l("Value"), "note": _l("Note")}
PLAN_LINK_FIELDS = {"effect": _l("Effect on the objective"), "note": _l("Note")}
EX_POST_FIELDS = {"outcome": _l("What happened"), "lesson": _l("Lesson learned")}
DECISION_FIELDS = {
    "title": _l("Title"),
    "proposal": _l("Proposal"),
    "case_number": _l("Case number"),
    "body": _l("Deciding body"),
    "body_id": _l("Deciding body"),
    "type": _l("Type of decision"),
    "decision_type": _l("Type of decision"),
    "language": _l("Language of the decision"),
    "translations": _l("Title and proposal in the other language"),
}


@dataclass(frozen=True)
class Difference:
    """One change, told in the reader's language (see the module's doc)."""

    path: str  # stable and machine-readable: "impacts.ve1.children.health.direction"
    label: str  # words, never an id: "Impact of VE1 on Children – Health: Direction"
    old: str | None  # the value in words; None when the thing did not exist
    new: str | None
    change: str  # added | removed | changed
    section: str  # one of SECTIONS

    def as_dict(self) -> dict[str, str | None]:
        return {
            "path": self.path,
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "change": self.change,
            "section": self.section,
        }


def section_choices(language: str) -> list[tuple[str, str]]:
    """Every section as (id, label in ``language``), in reading order."""
    return [(s, SECTION_LABELS[s].render(language)) for s in SECTIONS]


def change_word(change: str, language: str) -> str:
    """ "added", "removed" or "changed" in ``language``."""
    return CHANGE_LABELS[change].render(language)


def describe_changes(
    changes: Iterable[Mapping[str, Any]],
    language: str,
    form: FormDefinition,
    data: Mapping | None = None,
    *,
    objectives: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Difference]:
    """An audit event's ``changes`` in words. ``data`` (the assessment's data then or now)
    names the alternatives, hearings and indicators a change refers to by id only;
    ``objectives`` (a snapshot's ``plan_objectives``) names the wellbeing plan's."""
    words = _Words(language, form, data or {}, objectives or {})
    for change in changes:
        field = str(change.get("field", ""))
        if field.startswith("flags.") and "message" in change:
            words.flag(field, change.get("old"), change.get("new"), change.get("message"))
        else:
            words.path(field, change.get("old"), change.get("new"))
    return words.out


def compare(
    old: Mapping,
    new: Mapping,
    language: str,
    form: FormDefinition,
    *,
    objectives: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Difference]:
    """Two assessments' ``data`` (a revision's ``snapshot["data"]``) compared field by field
    and cell by cell, in the order the assessment is read."""
    names = {**dict(old), "alternatives": [*(old.get("alternatives") or [])]}
    # The newer names win; an alternative removed since keeps its old name.
    names["alternatives"] = [*(new.get("alternatives") or []), *names["alternatives"]]
    names["hearings"] = [*(new.get("hearings") or []), *(old.get("hearings") or [])]
    names["indicators"] = [*(new.get("indicators") or []), *(old.get("indicators") or [])]
    words = _Words(language, form, names, objectives or {})
    for change in diff(dict(old), dict(new)):
        words.path(change["field"], change["old"], change["new"])
    order = {s: i for i, s in enumerate(SECTIONS)}
    return sorted(words.out, key=lambda d: order.get(d.section, len(SECTIONS)))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _kind(old: Any, new: Any) -> str:
    if _empty(old):
        return ADDED
    if _empty(new):
        return REMOVED
    return CHANGED


def _capital(text: str) -> str:
    """A label that begins with a name such as "the zero option" begins with a capital."""
    return text[:1].upper() + text[1:]


def _cell_key(cell: Mapping) -> tuple[str, str, str]:
    return (str(cell.get("alternative")), str(cell.get("group")), str(cell.get("dimension")))


def _keyed(items: Any, key) -> dict[Any, Mapping]:
    return {key(i): i for i in items or () if isinstance(i, Mapping)}


# --- the words ---------------------------------------------------------------------------


class _Words:
    """Turns paths and values into ``Difference`` rows in one language (collected in ``out``)."""

    def __init__(self, language: str, form: FormDefinition, data: Mapping, objectives: Mapping):
        self.language = language
        self.form = form
        self.data = data
        self.objectives = objectives
        self.out: list[Difference] = []
        self.questions: dict[str, tuple[str, Question]] = {}
        for section in form.sections:
            where = FORM_SECTIONS.get(section.id) or KIND_SECTIONS.get(section.kind, "other")
            for q in section.questions:
                self.questions[q.id] = (where, q)
        self.screening = {q.id: q for q in form.screening.questions}

    # -- helpers --

    def word(self, words: Mapping[str, LazyText], value: Any) -> str | None:
        if _empty(value):
            return None
        found = words.get(str(value))
        return found.render(self.language) if found is not None else str(value)

    def text(self, value: Any) -> str | None:
        if _empty(value):
            return None
        if isinstance(value, bool):
            return (ANSWER_WORDS["yes"] if value else ANSWER_WORDS["no"]).render(self.language)
        if isinstance(value, list):
            return ", ".join(str(self.text(v)) for v in value if not _empty(v)) or None
        if isinstance(value, Mapping):
            return "; ".join(f"{k}: {self.text(v)}" for k, v in value.items() if not _empty(v))
        return str(value)

    def add(self, path: str, label: str, old: str | None, new: str | None, section: str) -> None:
        if old == new:
            return
        self.out.append(Difference(path, label, old, new, _kind(old, new), section))

    def group_name(self, group_id: str) -> str:
        group = self.form.group(group_id)
        return group.labels.get(self.language) if group else group_id

    def dimension_name(self, dimension_id: str) -> str:
        dim = self.form.dimension(dimension_id)
        return dim.labels.get(self.language) if dim else dimension_id

    def council_name(self, council_id: Any) -> str | None:
        if _empty(council_id):
            return None
        council = self.form.council(str(council_id))
        return council.labels.get(self.language) if council else str(council_id)

    def alternative_name(self, alternative_id: str, item: Mapping | None = None) -> str:
        known = list(self.data.get("alternatives") or [])
        found = item or next(
            (a for a in known if isinstance(a, Mapping) and a.get("id") == alternative_id), None
        )
        if found and str(found.get("label") or "").strip():
            return str(found["label"]).strip()
        if alternative_id == "proposal":
            return _l("the proposal").render(self.language)
        if found and found.get("zero_option"):
            return _l("the zero option").render(self.language)
        ids = list(dict.fromkeys(a.get("id") for a in known if isinstance(a, Mapping)))
        if alternative_id in ids:
            return _l("Alternative %(n)d", n=ids.index(alternative_id) + 1).render(self.language)
        return _l("An alternative no longer recorded").render(self.language)

    def named(self, part: str, item_id: str, field: str) -> Mapping | None:
        return next(
            (
                i
                for i in self.data.get(part) or []
                if isinstance(i, Mapping) and str(i.get(field)) == item_id
            ),
            None,
        )

    # -- the dispatcher --

    def path(self, field: str, old: Any, new: Any) -> None:
        parts = field.split(".")
        head, rest = parts[0], parts[1:]
        handler = getattr(self, f"_{head}", None)
        if head == "flags" and not rest:
            self.flags_list(old, new)
        elif head == "flags":
            stored = self.named("flags", ".".join(rest), "id") or {}
            self.flag(field, old, new, stored.get("message"))
        elif handler is not None and head in _PARTS:
            handler(field, rest, old, new)
        elif head in DECISION_FIELDS and not rest:
            self.add(
                field,
                DECISION_FIELDS[head].render(self.language),
                self.text(old),
                self.text(new),
                "decision",
            )
        elif isinstance(old, Mapping) or isinstance(new, Mapping):
            for change in diff(old if isinstance(old, Mapping) else {}, new or {}, field + "."):
                self.path(change["field"], change["old"], change["new"])
        else:
            self.add(field, field, self.text(old), self.text(new), "other")

    # -- screening --

    def _screening(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if rest[:1] == ["answers"] and len(rest) == 2:
            q = self.screening.get(rest[1])
            label = (
                q.labels.get(self.language)
                if q
                else _l("A screening question").render(self.language)
            )
            self.add(
                field,
                label,
                self.word(ANSWER_WORDS, old),
                self.word(ANSWER_WORDS, new),
                "screening",
            )
        elif rest and isinstance(old or new, Mapping):
            for change in diff(old or {}, new or {}, field + "."):
                self.path(change["field"], change["old"], change["new"])
        elif rest and rest[0] in ("level", "recommended_level"):
            label = SCREENING_FIELDS[rest[0]].render(self.language)
            self.add(
                field, label, self.word(LEVEL_WORDS, old), self.word(LEVEL_WORDS, new), "screening"
            )
        elif rest and rest[0] == "exempt_category":
            options = {o.id: o.labels for o in self.form.screening.exempt_categories}
            self.add(
                field,
                SCREENING_FIELDS["exempt_category"].render(self.language),
                self.option(options, old),
                self.option(options, new),
                "screening",
            )
        else:
            what = SCREENING_FIELDS.get(rest[0] if rest else "")
            self.add(
                field,
                what.render(self.language) if what else field,
                self.text(old),
                self.text(new),
                "screening",
            )

    def option(self, options: Mapping, value: Any) -> str | None:
        if _empty(value):
            return None
        labels = options.get(str(value))
        return labels.get(self.language) if labels is not None else str(value)

    # -- the questions --

    def _answers(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if not rest:
            for change in diff(old or {}, new or {}, "answers."):
                self.path(change["field"], change["old"], change["new"])
            return
        found = self.questions.get(rest[0])
        if found is None:
            self.add(field, rest[0], self.text(old), self.text(new), "other")
            return
        section, q = found
        label = q.labels.get(self.language)
        if q.type in ("choice", "multi_choice"):
            options = {o.id: o.labels for o in self.form.options_of(q)}
            if q.type == "choice" or not (isinstance(old, list) or isinstance(new, list)):
                self.add(
                    field, label, self.option(options, old), self.option(options, new), section
                )
                return
            before = [str(v) for v in old or []]
            after = [str(v) for v in new or []]
            for value in [v for v in before if v not in after] + [
                v for v in after if v not in before
            ]:
                word = self.option(options, value)
                self.add(
                    f"answers.{q.id}.{value}",
                    label,
                    word if value in before else None,
                    word if value in after else None,
                    section,
                )
        elif q.type == "yes_no":
            self.add(
                field, label, self.word(ANSWER_WORDS, old), self.word(ANSWER_WORDS, new), section
            )
        elif q.type == "list":
            self.list_rows(q, section, label, old, new)
        else:
            self.add(field, label, self.text(old), self.text(new), section)

    def list_rows(self, q: Question, section: str, label: str, old: Any, new: Any) -> None:
        """A list question's rows (sources...) by position, field by field."""
        before = [r for r in old or [] if isinstance(r, Mapping)]
        after = [r for r in new or [] if isinstance(r, Mapping)]
        fields = q.fields or []
        for i in range(max(len(before), len(after))):
            a = before[i] if i < len(before) else {}
            b = after[i] if i < len(after) else {}
            for f in fields:
                options = {o.id: o.labels for o in f.options or []}

                def value(row: Mapping, f=f, options=options) -> str | None:
                    v = row.get(f.id)
                    if f.type == "choice":
                        return self.option(options, v)
                    if f.type == "yes_no":
                        return self.word(ANSWER_WORDS, v)
                    return self.text(v)

                self.add(
                    f"answers.{q.id}.{i + 1}.{f.id}",
                    _l(
                        "%(question)s, row %(n)d: %(field)s",
                        question=label,
                        n=i + 1,
                        field=f.labels.get(self.language),
                    ).render(self.language),
                    value(a),
                    value(b),
                    section,
                )

    # -- alternatives --

    def _alternatives(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if not rest:
            before = _keyed(old, lambda a: str(a.get("id")))
            after = _keyed(new, lambda a: str(a.get("id")))
            for alt_id in list(dict.fromkeys([*after, *before])):
                self.alternative(alt_id, before.get(alt_id) or {}, after.get(alt_id) or {})
            return
        alt_id, key = rest[0], rest[1] if len(rest) > 1 else ""
        if not key:
            self.alternative(alt_id, old or {}, new or {})
        elif key == "costs" and len(rest) == 2:
            self.costs(alt_id, old, new)
        else:
            self.alternative_field(alt_id, key, old, new)

    def alternative(self, alt_id: str, before: Mapping, after: Mapping) -> None:
        for key in ALTERNATIVE_FIELDS:
            self.alternative_field(alt_id, key, before.get(key), after.get(key), after or before)
        self.costs(alt_id, before.get("costs"), after.get("costs"), after or before)

    def alternative_field(
        self, alt_id: str, key: str, old: Any, new: Any, item: Mapping | None = None
    ) -> None:
        name = self.alternative_name(alt_id, item)
        what = ALTERNATIVE_FIELDS.get(key)
        label = _capital(
            _l(
                "%(alternative)s: %(field)s",
                alternative=name,
                field=what.render(self.language) if what else key,
            ).render(self.language)
        )
        if key in ("zero_option", "recommended"):
            # False and absent read the same: not the zero option, not recommended.
            old, new = bool(old) or None, bool(new) or None
        self.add(
            f"alternatives.{alt_id}.{key}", label, self.text(old), self.text(new), "alternatives"
        )

    def costs(self, alt_id: str, old: Any, new: Any, item: Mapping | None = None) -> None:
        before = _keyed(old, lambda c: str(c.get("id")))
        after = _keyed(new, lambda c: str(c.get("id")))
        label = _capital(
            _l(
                "%(alternative)s: cost or saving", alternative=self.alternative_name(alt_id, item)
            ).render(self.language)
        )
        for cost_id in list(dict.fromkeys([*before, *after])):
            self.add(
                f"alternatives.{alt_id}.costs.{cost_id}",
                label,
                self.cost(before.get(cost_id)),
                self.cost(after.get(cost_id)),
                "alternatives",
            )

    def cost(self, line: Mapping | None) -> str | None:
        if not line:
            return None
        words = [
            self.word(COST_LABELS, line.get(k)) for k in ("kind", "timing", "category", "borne_by")
        ]
        amount = line.get("amount_eur")
        text = ", ".join(w for w in words if w)
        if amount is not None:
            text += f": {amount:,} €".replace(",", "\u00a0")
        if str(line.get("note") or "").strip():
            text += f" ({line['note']})"
        return text

    # -- the impact matrix --

    def _impacts(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if not rest:
            before, after = _keyed(old, _cell_key), _keyed(new, _cell_key)
            for alt, group, dim in list(dict.fromkeys([*before, *after])):
                a, b = before.get((alt, group, dim)) or {}, after.get((alt, group, dim)) or {}
                for name in [*SCALES, *CELL_FIELDS]:
                    self.cell(alt, group, dim, name, a.get(name), b.get(name))
            return
        if len(rest) == 4:
            self.cell(rest[0], rest[1], rest[2], rest[3], old, new)
        elif len(rest) < 4 and (isinstance(old, Mapping) or isinstance(new, Mapping)):
            for change in diff(old or {}, new or {}, field + "."):
                self.path(change["field"], change["old"], change["new"])
        else:
            self.add(field, field, self.text(old), self.text(new), "impacts")

    def cell(self, alt: str, group: str, dim: str, name: str, old: Any, new: Any) -> None:
        if name in SCALES:
            scale = self.form.scales[name]
            what = scale.labels.get(self.language)
            words = {v.id: v.labels for v in scale.values}
            old_text, new_text = self.option(words, old), self.option(words, new)
        else:
            found = CELL_FIELDS.get(name)
            what = found.render(self.language) if found else name
            old_text, new_text = self.text(old), self.text(new)
        label = _l(
            "Impact of %(alternative)s on %(group)s – %(dimension)s: %(field)s",
            alternative=self.alternative_name(alt),
            group=self.group_name(group),
            dimension=self.dimension_name(dim),
            field=what,
        ).render(self.language)
        self.add(f"impacts.{alt}.{group}.{dim}.{name}", label, old_text, new_text, "impacts")

    # -- hearings --

    def _hearings(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if not rest:
            before = _keyed(old, lambda h: str(h.get("id")))
            after = _keyed(new, lambda h: str(h.get("id")))
            for hearing_id in list(dict.fromkeys([*before, *after])):
                a, b = before.get(hearing_id) or {}, after.get(hearing_id) or {}
                for key in HEARING_FIELDS:
                    self.hearing(hearing_id, key, a.get(key), b.get(key), b or a)
            return
        if len(rest) == 1:
            a, b = old or {}, new or {}
            for key in HEARING_FIELDS:
                self.hearing(rest[0], key, a.get(key), b.get(key), b or a)
        else:
            self.hearing(rest[0], rest[1], old, new)

    def hearing(
        self, hearing_id: str, key: str, old: Any, new: Any, item: Mapping | None = None
    ) -> None:
        item = item or self.named("hearings", hearing_id, "id") or {}
        council = self.council_name(item.get("council"))
        who = council or _l("a council or group").render(self.language)
        what = HEARING_FIELDS.get(key)
        label = _l(
            "Hearing of %(council)s: %(field)s",
            council=who,
            field=what.render(self.language) if what else key,
        ).render(self.language)
        if key == "council":
            old_text, new_text = self.council_name(old), self.council_name(new)
        elif key == "not_heard_code":
            reasons = {r.id: r.labels for r in self.form.not_heard_reasons}
            old_text, new_text = self.option(reasons, old), self.option(reasons, new)
        elif key == "attachment":
            old_text, new_text = self.file(old), self.file(new)
        else:
            old_text, new_text = self.text(old), self.text(new)
        self.add(f"hearings.{hearing_id}.{key}", label, old_text, new_text, "hearings")

    def file(self, value: Any) -> str | None:
        if isinstance(value, Mapping):
            return str(value.get("filename") or "") or None
        return self.text(value)

    def _no_hearings_reason(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        label = _l("Why no hearings were held").render(self.language)
        self.add(field, label, self.text(old), self.text(new), "hearings")

    # -- indicators and their follow-up --

    def _indicators(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if not rest:
            before = _keyed(old, lambda i: str(i.get("id")))
            after = _keyed(new, lambda i: str(i.get("id")))
            for indicator_id in list(dict.fromkeys([*before, *after])):
                a, b = before.get(indicator_id) or {}, after.get(indicator_id) or {}
                self.indicator(indicator_id, a, b)
            return
        item = self.named("indicators", rest[0], "id") or {}
        if len(rest) == 1:
            self.indicator(rest[0], old or {}, new or {})
        elif rest[1] == "observations":
            self.observations(rest[0], item, old, new)
        else:
            self.indicator_field(rest[0], rest[1], old, new, item)

    def indicator(self, indicator_id: str, before: Mapping, after: Mapping) -> None:
        item = after or before
        for key in INDICATOR_FIELDS:
            self.indicator_field(indicator_id, key, before.get(key), after.get(key), item)
        self.observations(indicator_id, item, before.get("observations"), after.get("observations"))

    def indicator_name(self, item: Mapping) -> str:
        name = str(item.get("name") or "").strip()
        return name or _l("an indicator").render(self.language)

    def indicator_field(
        self, indicator_id: str, key: str, old: Any, new: Any, item: Mapping
    ) -> None:
        what = INDICATOR_FIELDS.get(key)
        label = _l(
            "Indicator “%(indicator)s”: %(field)s",
            indicator=self.indicator_name(item),
            field=what.render(self.language) if what else key,
        ).render(self.language)
        if key == "follows":
            old_text, new_text = self.effects(old), self.effects(new)
        else:
            old_text, new_text = self.text(old), self.text(new)
        self.add(f"indicators.{indicator_id}.{key}", label, old_text, new_text, "indicators")

    def effects(self, value: Any) -> str | None:
        """ "group:dimension" keys as "Children – Health", joined."""
        names = []
        for key in value or []:
            group, _, dim = str(key).partition(":")
            names.append(f"{self.group_name(group)} – {self.dimension_name(dim)}")
        return ", ".join(names) or None

    def observations(self, indicator_id: str, item: Mapping, old: Any, new: Any) -> None:
        before = [o for o in old or [] if isinstance(o, Mapping)]
        after = [o for o in new or [] if isinstance(o, Mapping)]
        for i in range(max(len(before), len(after))):
            a = before[i] if i < len(before) else {}
            b = after[i] if i < len(after) else {}
            label = _l(
                "Indicator “%(indicator)s”: observation %(n)d",
                indicator=self.indicator_name(item),
                n=i + 1,
            ).render(self.language)
            self.add(
                f"indicators.{indicator_id}.observations.{i + 1}",
                label,
                self.observation(a),
                self.observation(b),
                "follow_up",
            )

    def observation(self, row: Mapping) -> str | None:
        parts = [
            f"{OBSERVATION_FIELDS[k].render(self.language)}: {row[k]}"
            for k in OBSERVATION_FIELDS
            if not _empty(row.get(k))
        ]
        return "; ".join(parts) or None

    def _ex_post(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        key = lambda e: f"{e.get('group')}:{e.get('dimension')}"  # noqa: E731
        before = _keyed(old if not rest else [], key)
        after = _keyed(new if not rest else [], key)
        for effect in list(dict.fromkeys([*before, *after])):
            a, b = before.get(effect) or {}, after.get(effect) or {}
            for name, what in EX_POST_FIELDS.items():
                label = _l(
                    "Afterwards, %(effect)s: %(field)s",
                    effect=self.effects([effect]),
                    field=what.render(self.language),
                ).render(self.language)
                if name == "outcome":
                    old_text = self.word(OUTCOME_WORDS, a.get(name))
                    new_text = self.word(OUTCOME_WORDS, b.get(name))
                else:
                    old_text, new_text = self.text(a.get(name)), self.text(b.get(name))
                self.add(f"ex_post.{effect}.{name}", label, old_text, new_text, "follow_up")
        if rest:
            self.add(field, field, self.text(old), self.text(new), "follow_up")

    # -- the wellbeing plan --

    def objective_name(self, key: str) -> str:
        texts = self.objectives.get(key) or {}
        name = texts.get(self.language) or texts.get("fi") or texts.get("en")
        return str(name) if name else _l("an objective of the wellbeing plan").render(self.language)

    def _plan_links(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if rest:
            before = {rest[0]: old if isinstance(old, Mapping) else {}}
            after = {rest[0]: new if isinstance(new, Mapping) else {}}
            if len(rest) > 1:
                before, after = {rest[0]: {rest[1]: old}}, {rest[0]: {rest[1]: new}}
        else:
            before = _keyed(old, lambda p: str(p.get("objective")))
            after = _keyed(new, lambda p: str(p.get("objective")))
        for objective in list(dict.fromkeys([*before, *after])):
            a, b = before.get(objective) or {}, after.get(objective) or {}
            for name, what in PLAN_LINK_FIELDS.items():
                label = _l(
                    "Wellbeing plan objective “%(objective)s”: %(field)s",
                    objective=self.objective_name(objective),
                    field=what.render(self.language),
                ).render(self.language)
                if name == "effect":
                    old_text = self.word(PLAN_EFFECT_WORDS, a.get(name))
                    new_text = self.word(PLAN_EFFECT_WORDS, b.get(name))
                else:
                    old_text, new_text = self.text(a.get(name)), self.text(b.get(name))
                self.add(f"plan_links.{objective}.{name}", label, old_text, new_text, "plan")

    # -- the rest of the parts --

    def _summary(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if not rest:
            for change in diff(old or {}, new or {}, "summary."):
                self.path(change["field"], change["old"], change["new"])
            return
        language = LANGUAGE_NAMES.get(rest[0])
        label = _l(
            "Summary (%(language)s)",
            language=language.render(self.language) if language else rest[0],
        ).render(self.language)
        self.add(field, label, self.text(old), self.text(new), "summary")

    def _scope_exclusions(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if not rest:
            for change in diff(old or {}, new or {}, "scope_exclusions."):
                self.path(change["field"], change["old"], change["new"])
            return
        label = _l("Why %(group)s is left out of the scope", group=self.group_name(rest[0])).render(
            self.language
        )
        self.add(field, label, self.text(old), self.text(new), "scope")

    def _translations(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        if len(rest) < 3:
            for change in diff(old or {}, new or {}, field + "."):
                self.path(change["field"], change["old"], change["new"])
            return
        language, original, key = rest[0], ".".join(rest[1:-1]), rest[-1]
        of = self.original_label(original)
        name = LANGUAGE_NAMES.get(language)
        in_language = name.render(self.language) if name else language
        if key == "copied":
            label = _l(
                "%(text)s in %(language)s: copied from the original, not yet translated",
                text=of,
                language=in_language,
            ).render(self.language)
            old, new = bool(old) or None, bool(new) or None
        else:
            label = _l("%(text)s in %(language)s", text=of, language=in_language).render(
                self.language
            )
        self.add(field, label, self.text(old), self.text(new), "translations")

    def original_label(self, path: str) -> str:
        """The label of the free text at ``path`` (``bilingual.text_paths``'s)."""
        probe = _Words(self.language, self.form, self.data, self.objectives)
        probe.path(path, None, "-")
        return probe.out[0].label if probe.out else path

    def _form(self, field: str, rest: list[str], old: Any, new: Any) -> None:
        label = _l("Version of the questionnaire").render(self.language)
        self.add(field, label, self.text(old), self.text(new), "other")

    # -- flags --

    def flag(self, field: str, old: Any, new: Any, message: Any) -> None:
        text = None
        if isinstance(message, Mapping):
            text = message.get(self.language) or message.get("en") or message.get("fi")
        label = _l("Flag: %(message)s", message=text or field.split(".", 1)[-1]).render(
            self.language
        )
        self.add(
            field,
            label,
            self.word(FLAG_STATUS_WORDS, old),
            self.word(FLAG_STATUS_WORDS, new),
            "flags",
        )

    def flags_list(self, old: Any, new: Any) -> None:
        before = _keyed(old, lambda f: str(f.get("id")))
        after = _keyed(new, lambda f: str(f.get("id")))
        for flag_id in list(dict.fromkeys([*before, *after])):
            a, b = before.get(flag_id) or {}, after.get(flag_id) or {}
            self.flag(f"flags.{flag_id}", a.get("status"), b.get("status"), (b or a).get("message"))


# The top-level parts of ``AssessmentData`` with their own words (``_Words._<part>``).
_PARTS = frozenset(
    {
        "screening",
        "answers",
        "alternatives",
        "impacts",
        "hearings",
        "no_hearings_reason",
        "indicators",
        "ex_post",
        "plan_links",
        "summary",
        "scope_exclusions",
        "translations",
        "form",
    }
)
