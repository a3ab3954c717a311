"""Clean what a preparer or a program sends, section by section.

Returns the clean value and the errors per field path. What is well-formed is kept even
when incomplete (completeness is reported separately); what is malformed (an unknown id,
a value outside a scale, a text over its limit) is refused and named.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from ..assessment_data import Screening
from ..input_shape import CONTROL, first_few
from ..translation import lazy_text as _l
from . import costs as costs_
from .definition import FormDefinition, Question, Section
from .organisation import OrgSettings, exempt_categories, groups, options
from .policy_screening import switched_off
from .screening import ANSWERS, LEVELS, is_below, recommended_level

TEXT_MAX, LONG_MAX, LIST_MAX = 300, 5000, 50
CELL_TEXTS = ("rationale", "evidence", "mitigation")
SCALES = ("direction", "magnitude", "likelihood", "duration", "reversibility", "confidence")
DEFAULT_ORG = OrgSettings()
CELL_KEYS = {"alternative": _l("alternative"), "group": _l("group"), "dimension": _l("dimension")}


class Errors(dict):
    def add(self, path: str, message) -> None:
        self.setdefault(path, []).append(message)


def unknown(errors: Errors, parent: str, names: list, one) -> None:
    """Refuse unknown ``names`` under ``parent``: one of them is named by its own path
    (``one`` is its message, given the id), several by one error on ``parent`` naming the
    first few and counting them all, however many a client sent (issue 15, item 1)."""
    if len(names) == 1:
        errors.add(f"{parent}.{names[0]}", one(names[0]))
    elif names:
        shown, _ = first_few(names)
        errors.add(
            parent,
            _l(
                "%(n)d unknown names, the first of them %(names)s: only the names the "
                "definition gives are accepted.",
                n=len(names),
                names=shown,
            ),
        )


def _text(errors: Errors, path: str, value, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(path, _l("Expected text."))
        return ""
    # Control characters cannot be stored in a document; tabs and newlines are kept.
    value = CONTROL.sub("", value.replace("\r\n", "\n"))
    if len(value) > limit:
        errors.add(
            path,
            _l("At most %(max)d characters are allowed; this has %(n)d.", max=limit, n=len(value)),
        )
    return value


def _one_of(errors: Errors, path: str, value, allowed, *, optional=True):
    if value in (None, "") and optional:
        return None
    if value not in allowed:
        errors.add(
            path,
            _l("%(value)r is not one of: %(allowed)s.", value=value, allowed=", ".join(allowed)),
        )
        return None
    return value


def _date(errors: Errors, path: str, value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        errors.add(path, _l("Enter a date as YYYY-MM-DD, for example 2027-03-31."))
        return None


def clean_screening(
    form: FormDefinition, payload: dict[str, Any], org: OrgSettings = DEFAULT_ORG
) -> tuple[dict, Errors]:
    errors = Errors()
    known = [q.id for q in form.screening.questions]
    answers = {}
    given = payload.get("answers") or {}
    off = switched_off(form)
    for qid in given:
        if qid in off:
            errors.add(
                f"screening.answers.{qid}",
                _l(
                    "The screening question %(id)r is switched off by the organisation's "
                    "assessment policy: leave it out.",
                    id=qid,
                ),
            )
    unknown(
        errors,
        "screening.answers",
        [qid for qid in given if qid not in known and qid not in off],
        lambda qid: _l("Unknown screening question %(id)r.", id=qid),
    )
    for qid, value in given.items():
        if qid in known and value not in (None, ""):
            answers[qid] = _one_of(errors, f"screening.answers.{qid}", value, ANSWERS)
    answers = {k: v for k, v in answers.items() if v}
    exempt_ids = [c.id for c in exempt_categories(form, org)]
    clean = {
        "answers": answers,
        "level": _one_of(errors, "screening.level", payload.get("level"), LEVELS),
        "level_reason": _text(
            errors, "screening.level_reason", payload.get("level_reason"), LONG_MAX
        ),
        "exempt_category": _one_of(
            errors, "screening.exempt_category", payload.get("exempt_category"), exempt_ids
        ),
    }
    clean["recommended_level"] = recommended_level(form, answers)
    return clean, errors


def screening_problems(form: FormDefinition, screening: Screening | Mapping[str, Any]) -> list:
    """What the screening lacks before the assessment can start or be screened out."""
    screening = Screening.load(screening)
    problems = []
    answers = screening.answers
    exempt = screening.exempt_category
    unanswered = [q for q in form.screening.questions if q.id not in answers]
    if unanswered and not exempt:
        problems.append(
            _l("Answer every screening question (%(n)d unanswered).", n=len(unanswered))
        )
    level = screening.level
    reason = (screening.level_reason or "").strip()
    if level is None:
        problems.append(_l("Choose the level of the assessment."))
    elif level == "none" and not reason and not exempt:
        problems.append(_l("No assessment needs a written reason or an exempt category."))
    elif is_below(level, recommended_level(form, answers)) and not reason and not exempt:
        problems.append(_l("The chosen level is lower than the recommended one: give the reason."))
    return problems


def clean_question(
    errors: Errors,
    form: FormDefinition,
    q: Question,
    value,
    path: str,
    org: OrgSettings = DEFAULT_ORG,
):
    if q.type in ("text", "person"):
        return _text(errors, path, value, q.max_length or TEXT_MAX)
    if q.type == "long_text":
        return _text(errors, path, value, q.max_length or LONG_MAX)
    if q.type == "date":
        return _date(errors, path, value)
    if q.type == "number":
        if value in (None, ""):
            return None
        try:
            return float(value) if "." in str(value) else int(value)
        except (TypeError, ValueError):
            errors.add(path, _l("Enter a number, for example 120000."))
            return None
    if q.type == "yes_no":
        return _one_of(errors, path, value, ("yes", "no"))
    if q.type == "choice":
        return _one_of(errors, path, value, [o.id for o in options(form, q, org)])
    if q.type == "multi_choice":
        allowed = [o.id for o in options(form, q, org)]
        values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        for v in values:
            if v not in allowed:
                errors.add(path, _l("%(value)r is not one of the choices.", value=v))
        return [o for o in allowed if o in values]  # definition order, no duplicates
    # list
    rows = value if isinstance(value, list) else []
    if len(rows) > LIST_MAX:
        errors.add(path, _l("At most %(max)d rows.", max=LIST_MAX))
        rows = rows[:LIST_MAX]
    clean_rows = []
    for i, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        item = {}
        for f in q.fields or []:
            sub = f"{path}.{i}.{f.id}"
            if f.type == "choice":
                item[f.id] = _one_of(errors, sub, row.get(f.id), [o.id for o in f.options or []])
            elif f.type == "date":
                item[f.id] = _date(errors, sub, row.get(f.id))
            else:
                item[f.id] = _text(
                    errors, sub, row.get(f.id), LONG_MAX if f.type == "long_text" else TEXT_MAX
                )
        _unknown_fields(errors, f"{path}.{i}", row, {f.id for f in q.fields or []})
        if any(v not in (None, "") for v in item.values()):
            clean_rows.append(item)  # an all-empty row is a blank "add another" row
    return clean_rows


def clean_answers(
    form: FormDefinition,
    section: Section,
    payload: dict[str, Any],
    org: OrgSettings = DEFAULT_ORG,
):
    errors = Errors()
    known = {q.id: q for q in section.questions}
    clean = {}
    unknown(
        errors,
        "answers",
        [qid for qid in payload if qid not in known],
        lambda qid: _l("Unknown question %(id)r.", id=qid),
    )
    for qid, value in payload.items():
        if (q := known.get(qid)) is not None:
            clean[qid] = clean_question(errors, form, q, value, f"answers.{qid}", org)
    return clean, errors


def _unknown_fields(errors: Errors, path: str, row: dict, fields) -> None:
    prefix = f"{path}." if path else ""
    names = [name for name in row if name not in fields]
    if len(names) == 1:
        errors.add(f"{prefix}{names[0]}", _l("Unknown field %(id)r.", id=names[0]))
    else:
        unknown(errors, path, names, lambda name: _l("Unknown field %(id)r.", id=name))


def clean_cell(
    form: FormDefinition,
    cell: dict[str, Any],
    alternative_ids: list[str],
    org: OrgSettings = DEFAULT_ORG,
):
    errors = Errors()
    clean: dict[str, Any] = {}
    for key in ("alternative", "group", "dimension"):
        value = cell.get(key)
        allowed = {
            "alternative": alternative_ids,
            "group": [g.id for g in groups(form, org)],
            "dimension": [d.id for d in form.dimensions],
        }[key]
        if value not in allowed:
            errors.add(
                key,
                _l(
                    "Unknown %(what)s %(id)r; expected one of: %(allowed)s.",
                    what=CELL_KEYS[key],
                    id=value,
                    allowed=", ".join(allowed),
                ),
            )
        clean[key] = value
    for scale in SCALES:
        clean[scale] = _one_of(
            errors, scale, cell.get(scale), [v.id for v in form.scales[scale].values]
        )
    for key in CELL_TEXTS:
        clean[key] = _text(errors, key, cell.get(key), LONG_MAX)
    _unknown_fields(errors, "", cell, {"alternative", "group", "dimension", *SCALES, *CELL_TEXTS})
    return clean, errors


ALTERNATIVE_FIELDS = (
    "id",
    "label",
    "description",
    "zero_option",
    "recommended",
    # The economic view (issue 18): assess/questionnaire/costs.py
    "costs",
    "horizon_years",
    "costs_note",
)
HEARING_FIELDS = (
    "id",
    "council",
    "requested_on",
    "answered_on",
    "statement",
    "taken_into_account",
    "not_heard_reason",
    "not_heard_code",
)
INDICATOR_FIELDS = (
    "id",
    "name",
    "source",
    "baseline",
    "target",
    "review_date",
    "owner",
    "plan_indicator",
)


def _rows(errors: Errors, path: str, rows, fields) -> list[dict]:
    rows = rows if isinstance(rows, list) else []
    if len(rows) > LIST_MAX:
        errors.add(path, _l("At most %(max)d rows.", max=LIST_MAX))
    out = []
    for i, row in enumerate(rows[:LIST_MAX]):
        row = row if isinstance(row, dict) else {}
        _unknown_fields(errors, f"{path}.{i}", row, set(fields))
        out.append(row)
    return out


def _row_id(row) -> str:
    rid = str(row.get("id") or "")
    return rid if re.fullmatch(r"[a-z0-9_-]{1,40}", rid) else uuid.uuid4().hex[:10]


def clean_alternatives(rows) -> tuple[list, Errors]:
    errors = Errors()
    out = []
    for i, row in enumerate(_rows(errors, "alternatives", rows, ALTERNATIVE_FIELDS)):
        item = {
            "id": _row_id(row),
            "label": _text(errors, f"alternatives.{i}.label", row.get("label"), TEXT_MAX),
            "description": _text(
                errors, f"alternatives.{i}.description", row.get("description"), LONG_MAX
            ),
            "zero_option": bool(row.get("zero_option")),
            "recommended": bool(row.get("recommended")),
            **_economy(errors, f"alternatives.{i}", row),
        }
        if item["label"] or item["description"]:
            out.append(item)
    return out, errors


def _economy(errors: Errors, path: str, row: dict) -> dict[str, Any]:
    """An alternative's costs, horizon and cost note; only those it has, so an alternative
    without them is stored as before."""
    out: dict[str, Any] = {}
    costs = costs_.clean_costs(
        errors, f"{path}.costs", row.get("costs"), _text, _unknown_fields, _row_id
    )
    if costs:
        out["costs"] = costs
    horizon = costs_.clean_horizon(errors, f"{path}.horizon_years", row.get("horizon_years"))
    if horizon is not None:
        out["horizon_years"] = horizon
    note = _text(errors, f"{path}.costs_note", row.get("costs_note"), costs_.NOTE_MAX)
    if note:
        out["costs_note"] = note
    return out


def clean_hearings(form: FormDefinition, rows) -> tuple[list, Errors]:
    errors = Errors()
    councils = [c.id for c in form.councils]
    reasons = [r.id for r in form.not_heard_reasons]
    out = []
    # "attachment" is set by uploading a file only; sent back, it is ignored.
    for i, row in enumerate(_rows(errors, "hearings", rows, (*HEARING_FIELDS, "attachment"))):
        p = f"hearings.{i}"
        item = {
            "id": _row_id(row),
            "council": _one_of(errors, f"{p}.council", row.get("council"), councils),
            "requested_on": _date(errors, f"{p}.requested_on", row.get("requested_on")),
            "answered_on": _date(errors, f"{p}.answered_on", row.get("answered_on")),
            "statement": _text(errors, f"{p}.statement", row.get("statement"), LONG_MAX),
            "taken_into_account": _text(
                errors, f"{p}.taken_into_account", row.get("taken_into_account"), LONG_MAX
            ),
            "not_heard_reason": _text(
                errors, f"{p}.not_heard_reason", row.get("not_heard_reason"), LONG_MAX
            ),
            "not_heard_code": _one_of(
                errors, f"{p}.not_heard_code", row.get("not_heard_code"), reasons
            ),
        }
        if (
            item["requested_on"]
            and item["answered_on"]
            and item["answered_on"] < item["requested_on"]  # ISO dates compare as text
        ):
            errors.add(
                f"{p}.answered_on",
                _l(
                    "The statement cannot have been received before it was requested "
                    "(%(requested)s); check both dates.",
                    requested=item["requested_on"],
                ),
            )
        if any(item[k] for k in HEARING_FIELDS[1:]):
            out.append(item)
    return out, errors


# The groups and the dimensions in an assessment's scope.
Scope = tuple[Iterable[str], Iterable[str]]


def clean_indicators(rows, scope: Scope | None = None) -> tuple[list, Errors]:
    """The indicators; ``follows`` may name only effects ("group:dimension") of ``scope``
    (the groups and dimensions in scope; None: no effect may be named)."""
    errors = Errors()
    out = []
    for i, row in enumerate(_rows(errors, "indicators", rows, (*INDICATOR_FIELDS, "follows"))):
        p = f"indicators.{i}"
        item: dict[str, Any] = {"id": _row_id(row)}
        for key in ("name", "source", "baseline", "target", "owner"):
            item[key] = _text(errors, f"{p}.{key}", row.get(key), TEXT_MAX)
        item["review_date"] = _date(errors, f"{p}.review_date", row.get("review_date"))
        if row.get("plan_indicator"):  # the caller checks it names an indicator of the plan
            item["plan_indicator"] = _text(
                errors, f"{p}.plan_indicator", row.get("plan_indicator"), TEXT_MAX
            ).strip()
        follows = _follows(errors, f"{p}.follows", row.get("follows"), scope)
        if follows:
            item["follows"] = follows
        if any(item.get(k) for k in INDICATOR_FIELDS[1:]) or follows:
            out.append(item)
    return out, errors


def _follows(errors: Errors, path: str, value, scope: Scope | None) -> list[str]:
    """Effects as "group:dimension", each in the scope, each once, in the order given."""
    if value is None or value == []:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(path, _l('Give the effects followed as a list of "group:dimension".'))
        return []
    groups, dimensions = (set(part) for part in scope) if scope else (set(), set())
    # Never more than every effect of the scope (and a bound on a hostile list's work).
    if len(value) > max(len(groups) * len(dimensions), 1):
        errors.add(path, _l("An indicator follows at most every effect of the scope once."))
        return []
    out: list[str] = []
    for effect in value:
        group, _, dimension = effect.partition(":")
        if group not in groups or dimension not in dimensions:
            errors.add(
                path,
                _l(
                    "“%(effect)s” is not an effect in the scope: name a group and a dimension "
                    'of the scope as "group:dimension".',
                    effect=effect[:80],
                ),
            )
        elif effect not in out:
            out.append(effect)
    return out


def clean_summary(payload) -> tuple[dict, Errors]:
    errors = Errors()
    payload = payload if isinstance(payload, dict) else {}
    out = {}
    for lang in ("fi", "sv"):
        if lang in payload:
            # The limit is checked by completeness: a long draft is kept, not lost.
            out[lang] = _text(errors, f"summary.{lang}", payload.get(lang), 20_000)
    for extra in set(payload) - {"fi", "sv"}:
        errors.add(f"summary.{extra}", _l("Summaries are in fi and sv only."))
    return out, errors
