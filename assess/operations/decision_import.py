"""All the organisation's decisions come in from the case-management system (issue 22).

The yearly report counts every decision the organisation made, not only those entered here,
so that it can say what share was assessed and which decisions lacked an assessment the
policy required. The decisions come as a CSV file (``flask --app wsgi decisions import``)
or as a list through the API (``POST /api/v1/decisions/bulk``); both end in
``import_decisions``: every item checked first and every problem named (the API by
``items.N.field``, the command line by line and column), then all written in one
transaction or nothing.

A decision already here (the same case number) is updated, never its assessment: one
imported before and not yet assessed takes every field from the case-management system;
one entered here, or one with an assessment, takes only the meeting's date and the
outcome, since its title, body and proposal are what its assessment weighed. Importing the
same items again changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..input_shape import strip_control
from ..models import Assessment, Body, Decision, DecisionType, Organisation, User
from ..models._types import utcnow
from . import required_levels
from ._audit import record
from ._tx import transaction
from .decision_outcomes import meeting_date, outcome
from .decision_texts import clean_translations
from .decisions import LANGUAGES, MAX_AMOUNT_EUR, PROPOSAL_MAX
from .errors import Errors, Forbidden, ValidationFailed

MAX_ITEMS = 1_000  # one API request; a CSV file may hold any number
COLUMNS = ("case_number", "title", "body", "decision_type", "meeting_date", "outcome", "language")
OPTIONAL_COLUMNS = ("amount_eur", "proposal")
# What the case-management system says of a decision that its assessment did not weigh:
# these change on a decision entered here or assessed, the others only on one imported.
ALWAYS_UPDATED = ("meeting_date", "outcome")
FIELDS = (
    "title",
    "language",
    "body",
    "decision_type",
    "amount_eur",
    "proposal",
    "translations",
    *ALWAYS_UPDATED,
)
_CHUNK = 500


@dataclass
class Imported:
    """What an import did, or with ``dry_run`` would do."""

    dry_run: bool
    created: list[str] = field(default_factory=list)  # case numbers
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Decisions entered or assessed here whose title, body, etc. in the file differ: kept.
    kept: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "kept": len(self.kept),
        }


def require_importer(actor: User | None) -> User:
    """Only an administrator imports: the importer is recorded as the imported decisions'
    preparer of record (the case-management system names none)."""
    if actor is None or not actor.has_role("admin"):
        raise Forbidden(_l("Only an administrator can import decisions."))
    return actor


def import_decisions(
    actor: User | None, items: list[dict[str, Any]], *, dry_run: bool = False, via: str = "api"
) -> Imported:
    """Create or update a decision for each item (keys as ``COLUMNS`` and ``OPTIONAL_COLUMNS``;
    ``body`` a key or an id, ``translations`` as the API's). All or nothing: a problem in
    any item raises ``ValidationFailed`` naming ``items.N.field`` for each, and stores
    nothing. ``via`` ("csv" or "api") is kept in the audit event."""
    importer = require_importer(actor)
    organisation = importer.organisation
    cleaned = _checked(organisation, items)
    existing = _existing(organisation, [c["case_number"] for c in cleaned])
    assessed = _assessed([d.id for d in existing.values()])
    result = Imported(dry_run=dry_run)
    plan: list[tuple[dict, Decision | None, list[dict]]] = []
    for clean in cleaned:
        decision = existing.get(clean["case_number"])
        if decision is None:
            result.created.append(clean["case_number"])
            plan.append((clean, None, []))
            continue
        changes, kept = _changes(decision, clean, assessed=decision.id in assessed)
        if kept:
            result.kept.append(clean["case_number"])
        (result.updated if changes else result.unchanged).append(clean["case_number"])
        if changes:
            plan.append((clean, decision, changes))
    if dry_run:
        return result
    with transaction() as session:
        now = utcnow()
        for clean, decision, changes in plan:
            if decision is None:
                _create(session, importer, organisation, clean, now)
            else:
                _update(session, importer, decision, clean, changes, now)
        record(
            session,
            importer,
            "decisions.imported",
            "organisation",
            organisation.id,
            changes=[{"field": name, "old": None, "new": n} for name, n in result.counts().items()]
            + [{"field": "via", "old": None, "new": via}],
            organisation_id=organisation.id,
        )
    return result


# --- reading a CSV file -------------------------------------------------------------------


@dataclass
class CsvFile:
    """The file's rows as items for ``import_decisions``, and the line each starts on."""

    items: list[dict[str, str]]
    lines: list[int]


def read_csv(content: bytes) -> CsvFile:
    """The rows of a CSV file (UTF-8, with or without a byte order mark; ``;`` or ``,``
    between the fields, as the header row shows). Refused, naming what is wrong: not
    UTF-8, no header, a required column missing, an unknown or repeated column."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            {
                "file": [
                    _l(
                        "The file is not UTF-8 text (byte %(at)d); save it from the "
                        'spreadsheet as "CSV UTF-8".',
                        at=exc.start + 1,
                    )
                ]
            }
        ) from None
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise ValidationFailed(
            {"file": [_l("The file is empty; its first line names the columns: %(c)s.", c=_cols())]}
        )
    names = [h.strip().lower() for h in header]
    problems = Errors()
    known = (*COLUMNS, *OPTIONAL_COLUMNS)
    for name in names:
        if name not in known:
            problems.add(
                "line 1",
                _l("Unknown column %(name)r; the columns are: %(c)s.", name=name, c=_cols()),
            )
        elif names.count(name) > 1:
            problems.add("line 1", _l("The column %(name)r is given twice.", name=name))
    for name in COLUMNS:
        if name not in names:
            problems.add("line 1", _l("The column %(name)r is missing.", name=name))
    problems.raise_if_any()
    items: list[dict[str, str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            items.append(_row(names, row))
            lines.append(start)
        start = reader.line_num + 1
    return CsvFile(items=items, lines=lines)


def _row(names: list[str], row: list[str]) -> dict[str, str]:
    item = {name: (row[i] if i < len(row) else "") for i, name in enumerate(names)}
    if len(row) > len(names):
        item["_extra"] = str(len(row) - len(names))
    return item


def _cols() -> str:
    return (
        ";".join(COLUMNS)
        + " ("
        + str(_l("and optionally"))
        + " "
        + ";".join(OPTIONAL_COLUMNS)
        + ")"
    )


# --- checking -----------------------------------------------------------------------------


def _checked(organisation: Organisation, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    errors = Errors()
    bodies = db.session.scalars(
        select(Body).where(Body.organisation_id == organisation.id).order_by(Body.id)
    ).all()
    types = db.session.scalars(
        select(DecisionType)
        .where(DecisionType.organisation_id == organisation.id)
        .order_by(DecisionType.id)
    ).all()
    seen: dict[str, int] = {}
    cleaned = []
    for index, item in enumerate(items):
        clean = _item(errors, f"items.{index}", item, bodies, types)
        number = clean["case_number"]
        if number:
            if number in seen:
                errors.add(
                    f"items.{index}.case_number",
                    _l(
                        "The case number %(n)s is also item %(other)d: give each decision once.",
                        n=number,
                        other=seen[number],
                    ),
                )
            seen.setdefault(number, index)
        cleaned.append(clean)
    errors.raise_if_any()
    return cleaned


def _item(
    errors: Errors,
    at: str,
    item: dict[str, Any],
    bodies: Iterable[Body],
    types: Iterable[DecisionType],
) -> dict[str, Any]:
    if "_extra" in item:
        errors.add(
            at,
            _l(
                "The row has %(n)s more fields than the header has columns; put a text with "
                "the separator in quotes.",
                n=item["_extra"],
            ),
        )
    clean: dict[str, Any] = {
        "case_number": _text(errors, f"{at}.case_number", item.get("case_number"), 60, True),
        "title": _text(errors, f"{at}.title", item.get("title"), 300, True),
        "proposal": _text(errors, f"{at}.proposal", item.get("proposal"), PROPOSAL_MAX, False),
        "meeting_date": meeting_date(errors, f"{at}.meeting_date", item.get("meeting_date")),
        "outcome": outcome(errors, f"{at}.outcome", item.get("outcome")),
    }
    language = (
        (item.get("language") or "").strip() if isinstance(item.get("language"), str) else None
    )
    if language not in LANGUAGES:
        errors.add(
            f"{at}.language",
            _l(
                "%(value)r is not a language of a decision; write fi or sv.",
                value=str(item.get("language") or ""),
            ),
        )
    clean["language"] = language
    clean["body"] = _body(errors, f"{at}.body", item.get("body"), bodies)
    clean["decision_type"] = _type(errors, f"{at}.decision_type", item.get("decision_type"), types)
    clean["amount_eur"] = _amount(errors, f"{at}.amount_eur", item.get("amount_eur"))
    if "translations" in item:
        nested = Errors()
        clean["translations"] = clean_translations(nested, item["translations"], language)
        for name, messages in nested.items():
            for message in messages:
                errors.add(f"{at}.{name}", message)
    return clean


def _text(errors: Errors, at: str, value: Any, limit: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(at, _l("Expected text."))
        return ""
    value = strip_control(value).strip()
    if required and not value:
        errors.add(at, _l("This field is required."))
    elif len(value) > limit:
        errors.add(at, _l("At most %(n)d characters (this has %(len)d).", n=limit, len=len(value)))
    return value


def _body(errors: Errors, at: str, value: Any, bodies: Iterable[Body]) -> Body | None:
    if isinstance(value, str):
        value = value.strip()
    found = next(
        (
            b
            for b in bodies
            if (isinstance(value, str) and b.key == value)
            or (isinstance(value, int) and not isinstance(value, bool) and b.id == value)
        ),
        None,
    )
    if found is None:
        keys = ", ".join(b.key for b in bodies if b.active)
        if value in (None, ""):
            errors.add(at, _l("Give the body that decides, one of: %(keys)s.", keys=keys or "-"))
        else:
            errors.add(
                at,
                _l(
                    "%(value)r is not one of your organisation's bodies; use one of: %(keys)s.",
                    value=str(value),
                    keys=keys or "-",
                ),
            )
    return found


def _type(
    errors: Errors, at: str, value: Any, types: Iterable[DecisionType]
) -> DecisionType | None:
    value = value.strip() if isinstance(value, str) else value
    keys = ", ".join(t.key for t in types if t.active)
    if value in (None, ""):
        if keys:
            errors.add(at, _l("Give the decision type, one of: %(keys)s.", keys=keys))
        return None
    found = next((t for t in types if t.key == value), None)
    if found is None:
        errors.add(
            at,
            _l(
                "%(value)r is not one of your organisation's decision types; use one of: %(keys)s.",
                value=str(value),
                keys=keys or "-",
            ),
        )
    return found


def _amount(errors: Errors, at: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        digits = "".join(value.split())
        if digits.isascii() and digits.isdigit() and len(digits) <= 13:
            number = int(digits)
    if number is None or not 0 <= number <= MAX_AMOUNT_EUR:
        errors.add(
            at,
            _l(
                "%(value)r is not an amount; write whole euros without cents, for example "
                "150000, or leave it empty.",
                value=str(value),
            ),
        )
        return None
    return number


# --- writing ------------------------------------------------------------------------------


def _existing(organisation: Organisation, numbers: list[str]) -> dict[str, Decision]:
    found: dict[str, Decision] = {}
    for start in range(0, len(numbers), _CHUNK):
        for d in db.session.scalars(
            select(Decision).where(
                Decision.organisation_id == organisation.id,
                Decision.case_number.in_(numbers[start : start + _CHUNK]),
            )
        ):
            found[d.case_number] = d
    return found


def _assessed(decision_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(decision_ids), _CHUNK):
        found.update(
            db.session.scalars(
                select(Assessment.decision_id).where(
                    Assessment.decision_id.in_(decision_ids[start : start + _CHUNK]),
                    Assessment.active,
                )
            )
        )
    return found


def _audited(value: Any) -> Any:
    if isinstance(value, Body):
        return value.id
    if isinstance(value, DecisionType):
        return value.key
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _changes(decision: Decision, clean: dict, *, assessed: bool) -> tuple[list[dict], bool]:
    """The changes the item makes, and whether it differs in fields kept as they are."""
    open_to_all = decision.source == "imported" and not assessed
    changes, kept = [], False
    for name in FIELDS:
        if name not in clean:
            continue
        old, new = _audited(getattr(decision, name)), _audited(clean[name])
        if name == "translations":
            old = old or {}
        if old == new or (name in ALWAYS_UPDATED and new is None):
            continue  # an empty meeting date or outcome is not known there, not "none"
        if open_to_all or name in ALWAYS_UPDATED:
            changes.append({"field": name, "old": old, "new": new})
        else:
            kept = True
    return changes, kept


def _create(session, importer: User, organisation: Organisation, clean: dict, now) -> None:
    decision = Decision(
        organisation_id=organisation.id,
        preparer=importer,
        source="imported",
        imported_at=now,
        **{"translations": {}, **clean},
    )
    required_levels.keep(decision)
    session.add(decision)
    session.flush()
    record(
        session,
        importer,
        "decision.created",
        "decision",
        decision.id,
        changes=[{"field": k, "old": None, "new": _audited(v)} for k, v in clean.items()]
        + [{"field": "source", "old": None, "new": "imported"}],
    )


def _update(session, importer: User, decision: Decision, clean: dict, changes, now) -> None:
    for change in changes:
        setattr(decision, change["field"], clean[change["field"]])
    decision.imported_at = now
    required_levels.keep(decision)
    session.flush()
    record(session, importer, "decision.updated", "decision", decision.id, changes=changes)
