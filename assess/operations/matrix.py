"""The impact matrix a row at a time (issue 20): one alternative's cells for one group, every
dimension in scope at once.

A row is saved with its own optimistic lock: the page carries the row's fingerprint as it
was loaded, and the save is refused only when THAT row changed since, naming it and who
changed it last (from the audit log). Two people working on different rows do not collide:
the whole-assessment version is not checked, although it still bumps with every save; when
the database finds that someone saved between our read and our write, the row is read
again and, if it is still as the person loaded it, the save is retried.

Each saved row is one audit event (``assessment.answers_saved``, as a cell's save) whose
field-level changes are named ``impacts.<alternative>.<group>.<dimension>.<field>``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .. import audit
from ..assessment_data import AssessmentData, ImpactCell
from ..definitions import localized
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, AuditEvent, User
from ..questionnaire import FormDefinition
from ..questionnaire.answers import CELL_TEXTS, SCALES, clean_cell
from ..questionnaire.completeness import alternatives as alternatives_of
from ..questionnaire.completeness import cell_problems
from . import flags as flag_ops
from ._audit import record
from ._changes import CONTENT_ACTIONS
from ._stale import changing
from .context import engine_for, form_for, org_settings
from .errors import Conflict, Forbidden, NotFound, Stale, ValidationFailed

FIELDS = (*SCALES, *CELL_TEXTS)
# A save that meets someone else's save of another row is retried on the fresh data; more
# than a few in a row means something else is wrong, and the person is told.
RETRIES = 3
# How far back the audit log is read to find who changed a row last.
HISTORY_LIMIT = 500
HELSINKI = ZoneInfo("Europe/Helsinki")


class RowChanged(Stale):
    """The row changed since the person loaded it: nothing of theirs was saved."""

    def __init__(self, message, *, actor_name: str | None, at: datetime | None):
        super().__init__(message)
        self.actor_name = actor_name
        self.at = at


@dataclass(frozen=True)
class Row:
    """An alternative's row for one group, with the dimensions in scope."""

    alternative: Any  # Alternative of the assessment data
    group: Any  # Group of the form definition
    dimensions: list  # Dimension definitions in scope, in the form's order

    @property
    def zero(self) -> bool:
        return bool(self.alternative.zero_option)

    def name(self) -> str:
        alt = self.alternative.label or str(_l("the proposal"))
        return f"{localized(self.group.labels)} – {alt}"


def row_of(form: FormDefinition, data: AssessmentData, alternative: str, group: str) -> Row:
    """The row, or NotFound when the alternative is unknown or the group not in scope."""
    alt = next((x for x in alternatives_of(data) if x.id == alternative), None)
    g = form.group(group)
    if alt is None or g is None or group not in data.groups_in_scope:
        raise NotFound(
            _l(
                "No row for group %(group)r in alternative %(alternative)r: choose a group "
                "in scope and an alternative of this assessment.",
                group=group,
                alternative=alternative,
            )
        )
    dims = [d for d in form.dimensions if d.id in data.dimensions_in_scope]
    return Row(alt, g, dims)


def row_cells(data: AssessmentData, alternative: str, group: str) -> dict[str, ImpactCell]:
    """The row's stored cells by dimension (in scope or not)."""
    return {
        c.dimension: c for c in data.impacts if (c.alternative, c.group) == (alternative, group)
    }


def fingerprint(data: AssessmentData, alternative: str, group: str) -> str:
    """What the row holds now, in 16 hex digits: the page's row-level lock."""
    cells = sorted((c.dump() for c in row_cells(data, alternative, group).values()), key=str)
    blob = json.dumps(cells, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def row_state(
    form: FormDefinition,
    data: AssessmentData,
    row: Row,
    cells: dict[str, ImpactCell] | None = None,
) -> str:
    """``empty`` (no cell), ``done`` (every dimension's cell complete) or ``partly``;
    ``cells``: the row's cells when the caller has them (a page listing every row)."""
    if cells is None:
        cells = row_cells(data, row.alternative.id, row.group.id)
    mine = [cells[d.id] for d in row.dimensions if d.id in cells]
    if not mine:
        return "empty"
    if len(mine) == len(row.dimensions) and not any(
        cell_problems(form, c, baseline=row.zero) for c in mine
    ):
        return "done"
    return "partly"


def last_change(assessment_id: int, alternative: str, group: str):
    """(actor name, when) of the newest audited content change of the row, or None."""
    prefix = f"impacts.{alternative}.{group}."
    events = db.session.execute(
        select(AuditEvent.actor_name, AuditEvent.at, AuditEvent.changes)
        .where(
            AuditEvent.object_type == "assessment",
            AuditEvent.object_id == assessment_id,
            AuditEvent.action.in_(CONTENT_ACTIONS),
        )
        .order_by(AuditEvent.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    for actor_name, at, changes in events:
        for change in changes or ():
            name = str(change.get("field", ""))
            if name.startswith(prefix):
                return actor_name, at
            # A cell's save, a section or the API replace the whole list.
            if name == "impacts" and _row_of_list(change.get("old"), alternative, group) != (
                _row_of_list(change.get("new"), alternative, group)
            ):
                return actor_name, at
    return None


def _row_of_list(cells, alternative: str, group: str) -> list:
    return sorted(
        (
            c
            for c in cells or ()
            if isinstance(c, dict)
            and (c.get("alternative"), c.get("group")) == (alternative, group)
        ),
        key=str,
    )


def _changed(a: Assessment, row: Row) -> RowChanged:
    found = last_change(a.id, row.alternative.id, row.group.id)
    actor, at = found if found else (None, None)
    if actor:
        when = at.astimezone(HELSINKI).strftime("%d.%m.%Y %H:%M") if at else ""
        message = _l(
            "The row %(row)s was changed by %(who)s (%(when)s) after you opened it. Nothing "
            "of yours was saved: what you typed is kept below, beside the row as it is now. "
            "Compare them, then save again.",
            row=row.name(),
            who=actor,
            when=when,
        )
    else:
        message = _l(
            "The row %(row)s was changed by someone else after you opened it. Nothing of "
            "yours was saved: what you typed is kept below, beside the row as it is now. "
            "Compare them, then save again.",
            row=row.name(),
        )
    return RowChanged(message, actor_name=actor, at=at)


def _clean(form, a: Assessment, row: Row, dimension: str, given: dict[str, Any], errors) -> dict:
    ids = [alt.id for alt in alternatives_of(a.content)]
    payload = {
        "alternative": row.alternative.id,
        "group": row.group.id,
        "dimension": dimension,
        **{k: given.get(k) for k in FIELDS},
    }
    if row.zero:  # the baseline is described, never scored (issue 18)
        payload.update(dict.fromkeys(SCALES), mitigation="")
    value, found = clean_cell(form, payload, ids, org_settings(a))
    for path, messages in found.items():
        errors.setdefault(f"{dimension}.{path}", []).extend(messages)
    return value


def _empty(cell: dict) -> bool:
    return not any((cell.get(k) or "").strip() if k in CELL_TEXTS else cell.get(k) for k in FIELDS)


def _keyed(row: Row, cells: Iterable[dict]) -> dict:
    """The row as nested mappings, so the audit diff names each field of each cell."""
    by_dim = {c["dimension"]: {k: c.get(k) for k in FIELDS} for c in cells}
    return {"impacts": {row.alternative.id: {row.group.id: by_dim}}}


def _write(user: User, a: Assessment, form, row: Row, cells: list[dict]) -> Assessment:
    data = a.content
    dims = {d.id for d in row.dimensions}
    key = (row.alternative.id, row.group.id)
    before = [
        c.dump() for c in data.impacts if (c.alternative, c.group) == key and c.dimension in dims
    ]
    kept = [
        c.dump()
        for c in data.impacts
        if not ((c.alternative, c.group) == key and c.dimension in dims)
    ]
    ids = [alt.id for alt in alternatives_of(data)]
    order = {g.id: i for i, g in enumerate(form.groups)}
    dim_order = {d.id: i for i, d in enumerate(form.dimensions)}
    merged = sorted(
        kept + cells,
        key=lambda c: (
            ids.index(c["alternative"]) if c["alternative"] in ids else 99,
            order.get(c["group"], 99),
            dim_order.get(c["dimension"], 99),
        ),
    )
    changes = audit.diff(_keyed(row, before), _keyed(row, cells))
    if not changes:
        return a
    old = a.data or {}
    new = AssessmentData.load({**old, "impacts": merged})
    new.flags, flag_changes = flag_ops.evaluate(a, new)
    # Not the whole assessment's version: only the row's fingerprint, checked by the caller.
    with changing(a, None) as session:
        a.content = new
        a.last_edited_by_id = user.id
        session.flush()
        record(
            session,
            user,
            "assessment.answers_saved",
            "assessment",
            a.id,
            changes=changes + flag_changes,
        )
    return a


def _change_row(
    user: User,
    a: Assessment,
    alternative: str,
    group: str,
    loaded: str | None,
    make: Callable[[FormDefinition, Row], list[dict]],
) -> Assessment:
    if not user.has_role("preparer"):
        raise Forbidden(_l("Only preparers can change the answers of an assessment."))
    last: Stale | None = None
    for _ in range(RETRIES):
        db.session.refresh(a)  # the row as stored now, not as this request first read it
        state = engine_for(a).definition.states[a.state]
        if not state.editable:
            raise Conflict(
                _l(
                    "The assessment cannot be changed while it is '%(state)s'.",
                    state=localized(state.labels),
                )
            )
        form, data = form_for(a), a.content
        row = row_of(form, data, alternative, group)
        if loaded is not None and loaded != fingerprint(data, alternative, group):
            raise _changed(a, row)
        cells = make(form, row)
        try:
            return _write(user, a, form, row, cells)
        except Stale as exc:  # another row was saved meanwhile: read again and retry
            last = exc
    assert last is not None
    raise last


def save_row(
    user: User,
    a: Assessment,
    alternative: str,
    group: str,
    given: dict[str, dict[str, Any]],
    *,
    loaded: str | None,
) -> Assessment:
    """Save the row's cells: ``given`` maps each dimension in scope to its fields (the
    scales' value ids, the texts). A dimension left wholly empty has no cell; malformed
    input is refused whole, named ``<dimension>.<field>``. ``loaded`` is the row's
    fingerprint as the person loaded it (None: do not check)."""

    def make(form, row: Row) -> list[dict]:
        errors: dict[str, list] = {}
        known = [d.id for d in row.dimensions]
        for dimension in given:
            if dimension not in known:
                errors.setdefault(str(dimension), []).append(
                    _l(
                        "No dimension %(id)r in scope; expected one of: %(allowed)s.",
                        id=dimension,
                        allowed=", ".join(known),
                    )
                )
        cells = []
        for d in row.dimensions:
            value = _clean(form, a, row, d.id, given.get(d.id) or {}, errors)
            if not _empty(value):
                cells.append(value)
        if errors:
            raise ValidationFailed(errors)
        return cells

    return _change_row(user, a, alternative, group, loaded, make)


def no_effect_row(
    user: User,
    a: Assessment,
    alternative: str,
    group: str,
    *,
    loaded: str | None,
    reason: str = "",
) -> Assessment:
    """Every dimension of the row: neutral, no significant effect (what a cell saved as
    neutral records); ``reason`` (optional) becomes each cell's rationale."""

    def make(form, row: Row) -> list[dict]:
        if row.zero:
            raise ValidationFailed(
                {
                    "row": [
                        _l(
                            "The zero option is the situation without the decision: describe "
                            "it in each cell; it is not scored, so it cannot be marked as "
                            "having no effect."
                        )
                    ]
                }
            )
        errors: dict[str, list] = {}
        cells = [
            _clean(form, a, row, d.id, {"direction": "neutral", "rationale": reason}, errors)
            for d in row.dimensions
        ]
        if errors:  # only the reason can be wrong: the same message for every cell
            raise ValidationFailed({"reason": next(iter(errors.values()))})
        return cells

    return _change_row(user, a, alternative, group, loaded, make)


def copy_row(
    user: User,
    a: Assessment,
    alternative: str,
    group: str,
    *,
    source: str,
    loaded: str | None,
) -> Assessment:
    """Replace the row with the same group's row of alternative ``source``, to adjust after.
    Copied into the zero option, a cell keeps its description only (it is not scored)."""

    def make(form, row: Row) -> list[dict]:
        data = a.content
        ids = {x.id: x for x in alternatives_of(data)}
        if source not in ids or source == alternative:
            raise ValidationFailed(
                {"source": [_l("Choose another alternative of this assessment to copy from.")]}
            )
        theirs = row_cells(data, source, group)
        errors: dict[str, list] = {}
        cells = []
        for d in row.dimensions:
            if d.id in theirs:
                value = _clean(form, a, row, d.id, theirs[d.id].dump(), errors)
                if not _empty(value):
                    cells.append(value)
        if not cells:
            raise ValidationFailed(
                {
                    "source": [
                        _l(
                            "%(alternative)s has nothing to copy for %(group)s yet.",
                            alternative=ids[source].label or _l("the proposal"),
                            group=localized(row.group.labels),
                        )
                    ]
                }
            )
        if errors:
            raise ValidationFailed(errors)
        return cells

    return _change_row(user, a, alternative, group, loaded, make)
