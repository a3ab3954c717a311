"""The economic view of an alternative: its cost lines checked, and summed over its horizon.

The municipal EVA model weighs the economy beside people and the environment: each
alternative's one-off and yearly costs and savings (operating or investment), who bears
them, and over how many years they are looked at. Pure: data in, data out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..assessment_data import Alternative
from ..translation import lazy_text as _l

# The fixed sets a cost line is chosen from; the interface's labels are in COST_LABELS.
KINDS = ("cost", "saving")
TIMINGS = ("one_off", "yearly")
CATEGORIES = ("operating", "investment")
BORNE_BY = ("organisation", "residents", "other_public")
AMOUNT_MAX = 10**12  # euros; the same bound as a decision's amount
HORIZON_MAX = 50  # years
COST_FIELDS = ("id", "kind", "timing", "category", "borne_by", "amount_eur", "note")
NOTE_MAX = 1000

COST_LABELS = {
    "cost": _l("cost"),
    "saving": _l("saving"),
    "one_off": _l("one-off"),
    "yearly": _l("yearly"),
    "operating": _l("operating"),
    "investment": _l("investment"),
    "organisation": _l("the organisation"),
    "residents": _l("residents"),
    "other_public": _l("other public bodies"),
}


def _amount(errors, path: str, value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().replace(" ", "").isdigit():
        value = int(value.strip().replace(" ", ""))  # the page sends text, "12 000" too
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= AMOUNT_MAX:
        errors.add(
            path,
            _l(
                "Give the amount in whole euros, from 0 to %(max)s; write a saving as a line "
                "of kind 'saving', not as a negative amount.",
                max=f"{AMOUNT_MAX:,}".replace(",", " "),
            ),
        )
        return None
    return value


def _choice(errors, path: str, value, allowed: tuple[str, ...], default: str) -> str:
    if value in (None, ""):
        return default
    if value not in allowed:
        errors.add(
            path,
            _l(
                "Unknown value %(id)r; expected one of: %(allowed)s.",
                id=value,
                allowed=", ".join(allowed),
            ),
        )
        return default
    return value


def clean_horizon(errors, path: str, value) -> int | None:
    """Over how many years the costs are looked at: 1..50, or not given."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= HORIZON_MAX:
        errors.add(path, _l("Give the horizon in whole years, from 1 to %(max)d.", max=HORIZON_MAX))
        return None
    return value


def clean_costs(errors, path: str, rows, text, unknown_fields, row_id) -> list[dict[str, Any]]:
    """The cost lines of one alternative; a line with neither an amount nor a note is
    dropped, as an empty row of any list is. ``text``, ``unknown_fields`` and ``row_id``
    are the answers module's checks, handed in so that the messages stay one."""
    if rows in (None, ""):
        return []
    if not isinstance(rows, list):
        errors.add(path, _l("Give the costs as a list of cost lines."))
        return []
    out = []
    for i, row in enumerate(rows[:50]):
        p = f"{path}.{i}"
        row = row if isinstance(row, dict) else {}
        unknown_fields(errors, p, row, set(COST_FIELDS))
        item = {
            "id": row_id(row),
            "kind": _choice(errors, f"{p}.kind", row.get("kind"), KINDS, "cost"),
            "timing": _choice(errors, f"{p}.timing", row.get("timing"), TIMINGS, "yearly"),
            "category": _choice(
                errors, f"{p}.category", row.get("category"), CATEGORIES, "operating"
            ),
            "borne_by": _choice(
                errors, f"{p}.borne_by", row.get("borne_by"), BORNE_BY, "organisation"
            ),
            "amount_eur": _amount(errors, f"{p}.amount_eur", row.get("amount_eur")),
            "note": text(errors, f"{p}.note", row.get("note"), NOTE_MAX),
        }
        if item["amount_eur"] is not None or item["note"]:
            out.append(item)
    if len(rows) > 50:
        errors.add(path, _l("At most %(max)d rows.", max=50))
    return out


@dataclass(frozen=True)
class CostSummary:
    """One alternative's costs and savings, summed: what the document's table shows."""

    one_off_costs: int = 0
    yearly_costs: int = 0
    one_off_savings: int = 0
    yearly_savings: int = 0
    investment: int | None = 0  # one-off investment costs, plus yearly ones over the horizon
    horizon: int | None = None
    # Costs over the horizon by who bears them (None: no horizon to multiply by).
    borne_by: dict[str, int | None] = field(default_factory=dict)
    lines: int = 0
    unpriced: int = 0  # lines with a note but no amount yet

    @property
    def total_costs(self) -> int | None:
        return _over(self.one_off_costs, self.yearly_costs, self.horizon)

    @property
    def total_savings(self) -> int | None:
        return _over(self.one_off_savings, self.yearly_savings, self.horizon)

    @property
    def net(self) -> int | None:
        """Costs less savings over the horizon (negative: the alternative saves)."""
        costs, savings = self.total_costs, self.total_savings
        return None if costs is None or savings is None else costs - savings


def _over(one_off: int, yearly: int, horizon: int | None) -> int | None:
    if yearly == 0:
        return one_off
    return None if horizon is None else one_off + yearly * horizon


def summarise(alternative: Alternative) -> CostSummary:
    """The sums of ``alternative``'s cost lines; yearly amounts count once a year."""
    sums = {(k, t): 0 for k in KINDS for t in TIMINGS}
    borne = {b: (0, 0) for b in BORNE_BY}
    investment = (0, 0)
    unpriced = 0
    for line in alternative.costs:
        if line.amount_eur is None:
            unpriced += 1
            continue
        key = (line.kind, line.timing)
        if key not in sums:
            continue  # a stored value outside the sets (never cleaned): not summed
        sums[key] += line.amount_eur
        yearly = line.timing == "yearly"
        if line.kind == "cost":
            one, per_year = borne.get(line.borne_by, (0, 0))
            borne[line.borne_by] = (
                one + (0 if yearly else line.amount_eur),
                per_year + (line.amount_eur if yearly else 0),
            )
            if line.category == "investment":
                investment = (
                    investment[0] + (0 if yearly else line.amount_eur),
                    investment[1] + (line.amount_eur if yearly else 0),
                )
    horizon = alternative.horizon_years
    return CostSummary(
        one_off_costs=sums[("cost", "one_off")],
        yearly_costs=sums[("cost", "yearly")],
        one_off_savings=sums[("saving", "one_off")],
        yearly_savings=sums[("saving", "yearly")],
        investment=_over(*investment, horizon),
        horizon=horizon,
        borne_by={b: _over(one, per_year, horizon) for b, (one, per_year) in borne.items()},
        lines=len(alternative.costs),
        unpriced=unpriced,
    )


def has_estimate(alternative: Alternative) -> bool:
    """A cost line, or a note saying why there is none (``no_cost_estimate``)."""
    return bool(alternative.costs or alternative.costs_note.strip())


def euros(amount: int | None, language: str) -> str:
    """An amount as written in Finland: 12 000 € (en: €12,000); "—" when not known."""
    if amount is None:
        return "—"
    sign = "−" if amount < 0 else ""
    if language == "en":
        return f"{sign}€{abs(amount):,}"
    return f"{sign}{abs(amount):,}".replace(",", "\u00a0") + "\u00a0€"
