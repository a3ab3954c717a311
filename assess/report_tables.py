"""The yearly report's tables (issue 22), from its figures: one list for the page, the CSVs and
the document, so that the three always show the same numbers.

The figures are the dict ``operations.yearly_figures.figures`` answers (docs/api.md); their
``names`` carry every label in fi/sv/en as it was when the report was generated, so a
stored report shows the same words a year later, after a body or a group was renamed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .translation import LazyText
from .translation import lazy_text as _l

Cell = str | int | float | None

# Cells a spreadsheet would run as a formula are written as text (CSV injection), as the
# search export does.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MONTHS = 12


@dataclass(frozen=True)
class Table:
    id: str  # also the CSV's file name: "<id>.csv"
    title: str
    header: list[str]
    rows: list[list[Cell]]
    # The last row sums up the others (shown in bold on the page and in the document).
    total: bool = False


_COUNTS_HEADER = (
    _l("Decisions"),
    _l("Full assessment"),
    _l("Light assessment"),
    _l("Screened out"),
    _l("Required assessment missing"),
    _l("Coverage"),
)

_SPLITS: tuple[tuple[str, str, LazyText, LazyText, LazyText], ...] = (
    ("by_body", "bodies", _l("Decisions by body"), _l("Body"), _l("(no body)")),
    (
        "by_decision_type",
        "decision_types",
        _l("Decisions by decision type"),
        _l("Decision type"),
        _l("(no decision type)"),
    ),
    (
        "by_division",
        "divisions",
        _l("Decisions by division"),
        _l("Division"),
        _l("(no division)"),
    ),
)

_FLAG_COLUMNS = ("appeared", "resolved", "acknowledged", "open_at_approval")
_FLAG_HEADER = (
    _l("Appeared"),
    _l("Resolved by a change"),
    _l("Acknowledged by a reviewer"),
    _l("Open at approval"),
)
_EX_POST = ("as_expected", "better", "worse", "unknown")
_EX_POST_HEADER = (_l("As expected"), _l("Better"), _l("Worse"), _l("Not known"))
_MONTH_NAMES = (
    _l("Jan"),
    _l("Feb"),
    _l("Mar"),
    _l("Apr"),
    _l("May"),
    _l("Jun"),
    _l("Jul"),
    _l("Aug"),
    _l("Sep"),
    _l("Oct"),
    _l("Nov"),
    _l("Dec"),
)
_REASON_NOT_AFFECTED = _l("not affected (screening)")


def label(figures: Mapping[str, Any], kind: str, key: str, language: str) -> str:
    """The name of ``key`` among the figures' ``names[kind]`` in ``language`` (Finnish, then
    English, then the key itself when that language has none)."""
    names = (figures.get("names") or {}).get(kind) or {}
    return pick(names.get(key), language, key)


def pick(entry: Any, language: str, default: str) -> str:
    """A label held as {"fi": .., "sv": .., "en": ..} in ``language``, else in Finnish or
    English, else ``default``."""
    if isinstance(entry, Mapping):
        for lang in (language, "fi", "en"):
            if entry.get(lang):
                return str(entry[lang])
    if isinstance(entry, str) and entry:
        return entry
    return default


def _counts(row: Mapping[str, Any]) -> list[Cell]:
    assessed = row.get("assessed") or {}
    return [
        row.get("decisions", 0),
        assessed.get("full", 0),
        assessed.get("light", 0),
        row.get("screened_out", 0),
        row.get("missing_required", 0),
        row.get("coverage"),
    ]


def _t(items, language: str) -> list[str]:
    return [i.render(language) for i in items]


def _sorted_keys(block: Mapping[str, Any], figures, kind: str, language: str) -> list[str]:
    return sorted(block, key=lambda k: (k == "none", label(figures, kind, k, language).lower()))


def _counts_by_key(
    figures: Mapping[str, Any],
    language: str,
    table_and_kind: tuple[str, str],
    title: LazyText,
    first: LazyText,
    columns: tuple[tuple[str, LazyText], ...],
    *,
    extra: tuple[LazyText, Callable[[Mapping[str, Any]], str]] | None = None,
) -> Table:
    """A table of one row per key of ``figures[table]`` (named as ``kind``, in the order of
    their names): the key's counts in ``columns``, and an ``extra`` column made from its
    entry."""
    table_id, kind = table_and_kind
    block = figures.get(table_id) or {}
    header = [first.render(language), *(h.render(language) for _, h in columns)]
    if extra:
        header.append(extra[0].render(language))
    rows: list[list[Any]] = []
    for key in _sorted_keys(block, figures, kind, language):
        row: list[Any] = [label(figures, kind, key, language)]
        row += [block[key].get(c, 0) for c, _ in columns]
        if extra:
            row.append(extra[1](block[key]))
        rows.append(row)
    return Table(table_id, title.render(language), header, rows)


def tables(figures: Mapping[str, Any], language: str) -> list[Table]:
    """Every table of the report, in the order the page and the document show them."""
    result: list[Table] = []
    total = _l("Total").render(language)
    result.append(
        Table(
            "decisions",
            _l("Decisions and their assessments").render(language),
            ["", *_t(_COUNTS_HEADER, language)],
            [[total, *_counts(figures)]],
        )
    )
    for table_id, kind, title, column, no_key in _SPLITS:
        block = figures.get(table_id) or {}
        rows: list[list[Cell]] = []
        for key in _sorted_keys(block, figures, kind, language):
            name = no_key.render(language) if key == "none" else label(figures, kind, key, language)
            rows.append([name, *_counts(block[key])])
        rows.append([total, *_counts(figures)])
        result.append(
            Table(
                table_id,
                title.render(language),
                [column.render(language), *_t(_COUNTS_HEADER, language)],
                rows,
                total=True,
            )
        )
    reasons = figures.get("screened_out_reasons") or {}
    result.append(
        Table(
            "screened_out_reasons",
            _l("Why decisions were screened out").render(language),
            [_l("Reason or exempt category").render(language), _l("Decisions").render(language)],
            [
                [
                    _REASON_NOT_AFFECTED.render(language)
                    if key == "not_affected"
                    else label(figures, "reasons", key, language),
                    reasons[key],
                ]
                for key in sorted(reasons, key=lambda k: (-reasons[k], k))
            ],
        )
    )
    days = figures.get("days_to_approval") or {}
    result.append(
        Table(
            "days_to_approval",
            _l("Time from the start of screening to approval").render(language),
            [
                _l("Median, days").render(language),
                _l("90th percentile, days").render(language),
                _l("Submitted later than the policy's time limit").render(language),
            ],
            [[days.get("median"), days.get("p90"), figures.get("late_submissions")]],
        )
    )
    flags = figures.get("flags") or {}
    result.append(
        Table(
            "flags",
            _l("Flags").render(language),
            [_l("Flag").render(language), *_t(_FLAG_HEADER, language)],
            [
                [label(figures, "flags", rule, language)]
                + [flags[rule].get(c, 0) for c in _FLAG_COLUMNS]
                for rule in _sorted_keys(flags, figures, "flags", language)
            ],
        )
    )
    by_month = figures.get("flags_by_month") or {}
    result.append(
        Table(
            "flags_by_month",
            _l("Flags by month").render(language),
            [_l("Flag").render(language), *_t(_MONTH_NAMES, language)],
            [
                [label(figures, "flags", rule, language), *list(by_month[rule])[:MONTHS]]
                for rule in _sorted_keys(by_month, figures, "flags", language)
            ],
        )
    )
    for table_id, kind, title, column in (
        ("groups", "groups", _l("Population groups affected"), _l("Population group")),
        ("dimensions", "dimensions", _l("Dimensions affected"), _l("Dimension")),
    ):
        block = figures.get(table_id) or {}
        result.append(
            Table(
                table_id,
                title.render(language),
                [
                    column.render(language),
                    _l("Negative effects").render(language),
                    _l("Positive effects").render(language),
                ],
                [
                    [
                        label(figures, kind, key, language),
                        block[key].get("negative", 0),
                        block[key].get("positive", 0),
                    ]
                    for key in sorted(
                        block,
                        key=lambda k, b=block: (-b[k].get("negative", 0), -b[k].get("positive", 0)),
                    )
                ],
            )
        )
    result.append(
        _counts_by_key(
            figures,
            language,
            ("hearings", "councils"),
            _l("Hearings"),
            _l("Council or body heard"),
            (
                ("requested", _l("Requested")),
                ("answered", _l("Answered")),
                ("not_heard", _l("Not heard")),
            ),
            extra=(
                _l("Reasons for not hearing"),
                lambda entry: ", ".join(
                    f"{label(figures, 'reasons', code, language)}: {n}"
                    for code, n in sorted((entry.get("not_heard_reasons") or {}).items())
                ),
            ),
        )
    )
    result.append(
        _counts_by_key(
            figures,
            language,
            ("objectives", "objectives"),
            _l("The wellbeing plan's objectives"),
            _l("Objective"),
            (
                ("helped", _l("Decisions that helped")),
                ("harmed", _l("Decisions that harmed")),
                ("neutral", _l("Neutral")),
            ),
        )
    )
    follow = figures.get("follow_ups") or {}
    result.append(
        Table(
            "follow_ups",
            _l("Follow-ups").render(language),
            [
                _l("Due in the year").render(language),
                _l("Done").render(language),
                _l("Overdue").render(language),
            ],
            [[follow.get("due", 0), follow.get("done", 0), follow.get("overdue", 0)]],
        )
    )
    ex_post = figures.get("ex_post") or {}
    result.append(
        Table(
            "ex_post",
            _l("Effects seen afterwards (ex post)").render(language),
            _t(_EX_POST_HEADER, language),
            [[ex_post.get(k, 0) for k in _EX_POST]],
        )
    )
    return result


def cell_text(value: Cell, language: str, *, coverage: bool = False) -> str:
    """A cell as a person reads it: coverage as a percentage, decimals with the language's
    separator, an unknown value as a dash."""
    if value is None:
        return "–"
    if coverage and isinstance(value, int | float):
        value = f"{value * 100:.1f} %"
    elif isinstance(value, float):
        value = f"{value:.1f}"
    text = str(value)
    return text.replace(".", ",") if language in ("fi", "sv") and _numeric(text) else text


def _numeric(text: str) -> bool:
    return text.replace(".", "", 1).replace(" %", "").isdigit()


def is_coverage_column(table: Table, index: int) -> bool:
    """The coverage columns (a share, shown as a percentage)."""
    return table.id in ("decisions", "by_body", "by_decision_type", "by_division") and (
        index == len(table.header) - 1
    )


def csv_bytes(table: Table) -> bytes:
    """The table as CSV (UTF-8 with a byte order mark, so spreadsheets read ä and å), numbers
    as the figures have them and text cells guarded against formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_safe(table.header))
    for row in table.rows:
        writer.writerow(_safe(["" if c is None else c for c in row]))
    return out.getvalue().encode("utf-8-sig")


def _safe(cells: list) -> list:
    return ["'" + c if isinstance(c, str) and c.startswith(_FORMULA_START) else c for c in cells]
