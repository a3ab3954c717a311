"""The yearly report's charts (issue 22), drawn on the server from its figures.

Four charts where a person would rather look than read: the population groups affected
(negative and positive), the coverage by body, the flags over the months and the
follow-ups with their ex-post results. Each comes as SVG for the page, PNG for the
document, and a text alternative that says the main numbers; the numbers themselves are
in the report's tables beside them (``report_tables``).

Pure but for matplotlib's global settings, which are changed only inside a lock:
the same figures give the same bytes (a fixed ``svg.hashsalt``, no dates in the metadata,
text drawn as paths in the documents' font), so a stored report's charts repeat. The
figures are the dict ``operations.yearly_figures.figures`` answers; their ``names`` hold
the labels as they were when the report was generated.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib
from babel.dates import get_month_names
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .canonical import canonical_json
from .translation import pgettext, pgettext_noop

CHARTS = ("groups", "coverage", "flags_by_month", "follow_ups")
# The regional view's chart: the coverage of each sharing organisation, side by side. Its
# figures are ``region_figures(...)``'s, not a report's.
REGION_CHARTS = ("region_coverage",)
ALL_CHARTS = CHARTS + REGION_CHARTS
# A region has tens of organisations: the regional chart shows them all, up to this many.
MOST_ORGANISATIONS = 40
# The most bars or series a chart shows: beyond that it is read from the table.
MOST = 10
MOST_SERIES = 5

# Carlito is metric-compatible with Calibri, the documents' font (documents/_docx.py); DejaVu
# Sans, which matplotlib carries, where it is not installed.
_FONT_FILES = (
    "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",
    "/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf",
)
# Colour-blind safe (Okabe-Ito), each at least 3:1 against white (WCAG 1.4.11).
NEGATIVE = "#b24c00"
POSITIVE = "#0063a6"
SERIES = ("#0063a6", "#b24c00", "#007a5e", "#a0337a", "#5c5c5c", "#7a6a00")
TEXT = "#212529"
DPI = 150
# Charts kept drawn (about 60 kB each): the four of a few reports in three languages.
CACHED = 64

TEXTS: dict[str, str] = {
    "groups_title": pgettext_noop("document", "Population groups affected"),
    "coverage_title": pgettext_noop("document", "Coverage of the assessments by body"),
    "flags_by_month_title": pgettext_noop("document", "Flags by month"),
    "follow_ups_title": pgettext_noop("document", "Follow-ups and their results"),
    "negative": pgettext_noop("document", "negative"),
    "positive": pgettext_noop("document", "positive"),
    "assessments": pgettext_noop("document", "Assessments"),
    "coverage_axis": pgettext_noop("document", "Share of decisions assessed or screened (%)"),
    "flags_axis": pgettext_noop("document", "Flags that appeared"),
    "other_rules": pgettext_noop("document", "other rules"),
    "due": pgettext_noop("document", "due"),
    "done": pgettext_noop("document", "done"),
    "overdue": pgettext_noop("document", "overdue"),
    "as_expected": pgettext_noop("document", "as expected"),
    "better": pgettext_noop("document", "better than expected"),
    "worse": pgettext_noop("document", "worse than expected"),
    "unknown": pgettext_noop("document", "not known"),
    "follow_ups_part": pgettext_noop("document", "Follow-ups"),
    "ex_post_part": pgettext_noop("document", "Ex-post results"),
    "no_data": pgettext_noop("document", "Nothing to show for the year."),
    "groups_alt": pgettext_noop(
        "document", "Bar chart of the population groups affected in %(year)s: %(items)s."
    ),
    "groups_item": pgettext_noop(
        "document", "%(name)s %(negative)d negative, %(positive)d positive"
    ),
    "coverage_alt": pgettext_noop(
        "document", "Bar chart of the coverage by body in %(year)s: %(items)s."
    ),
    "region_coverage_title": pgettext_noop(
        "document", "Coverage of the assessments by organisation"
    ),
    "region_coverage_alt": pgettext_noop(
        "document", "Bar chart of the coverage by organisation in %(year)s: %(items)s."
    ),
    "coverage_item": pgettext_noop(
        "document", "%(name)s %(percent)s %% of %(decisions)d decisions"
    ),
    "flags_alt": pgettext_noop(
        "document",
        "Bar chart of the flags by month in %(year)s, %(total)d in all; the most in "
        "%(month)s (%(most)d). By rule: %(items)s.",
    ),
    "flags_item": pgettext_noop("document", "%(name)s %(n)d"),
    "follow_ups_alt": pgettext_noop(
        "document",
        "Bar chart of the follow-ups in %(year)s: %(due)d due, %(done)d done, %(overdue)d "
        "overdue; ex-post results: %(as_expected)d as expected, %(better)d better, "
        "%(worse)d worse, %(unknown)d not known.",
    ),
    "no_data_alt": pgettext_noop("document", "%(title)s: nothing to show for %(year)s."),
}

_lock = threading.Lock()
_fonts: list[str] = []


def t(key: str, language: str, **params) -> str:
    return pgettext(language, "document", TEXTS[key], **params)


def title(chart_id: str, language: str) -> str:
    """The chart's title in ``language`` (also its caption in the document)."""
    return t(f"{chart_id}_title", language)


# --- what each chart shows ---------------------------------------------------------------


def _names(figures: Mapping[str, Any], kind: str, key: str, language: str) -> str:
    entry = ((figures.get("names") or {}).get(kind) or {}).get(key)
    if isinstance(entry, Mapping):
        for lang in (language, "fi", "en"):
            if entry.get(lang):
                return str(entry[lang])
    return str(entry) if isinstance(entry, str) and entry else key


def _groups(figures, language) -> list[tuple[str, int, int]]:
    rows = [
        (
            _names(figures, "groups", key, language),
            int(v.get("negative", 0)),
            int(v.get("positive", 0)),
        )
        for key, v in (figures.get("groups") or {}).items()
    ]
    rows = [r for r in rows if r[1] or r[2]]
    # The most affected first (negative weighs first: that is what the board follows).
    rows.sort(key=lambda r: (-(r[1] + r[2]), -r[1], r[0].lower()))
    return rows[:MOST]


def _coverage(figures, language, *, region: bool = False) -> list[tuple[str, float, int]]:
    """(name, coverage, decisions) by body, or by organisation for the regional chart; the
    most decisions first."""
    table, kind = ("by_organisation", "organisations") if region else ("by_body", "bodies")
    rows = []
    for key, v in (figures.get(table) or {}).items():
        if v.get("coverage") is None or not v.get("decisions"):
            continue
        name = "—" if key == "none" else _names(figures, kind, key, language)
        rows.append((name, float(v["coverage"]), int(v["decisions"])))
    rows.sort(key=lambda r: (-r[2], r[0].lower()))
    return rows[: MOST_ORGANISATIONS if region else MOST]


def region_figures(year: int, organisations: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The regional chart's figures from the regional view's organisations
    (``operations.regional.regional_figures``): the sharing ones' coverage and decisions."""
    sharing = [o for o in organisations if o.get("shares") and o.get("figures")]
    return {
        "year": year,
        "by_organisation": {
            str(o["id"]): {
                "coverage": o["figures"]["coverage"],
                "decisions": o["figures"]["decisions"],
            }
            for o in sharing
        },
        "names": {
            "organisations": {
                str(o["id"]): {
                    "fi": o["name"]["fi"],
                    "sv": o["name"].get("sv") or o["name"]["fi"],
                    "en": o["name"]["fi"],
                }
                for o in sharing
            }
        },
    }


def _flag_series(figures, language) -> list[tuple[str, list[int]]]:
    months = figures.get("flags_by_month") or {}
    series = [
        (key, [int(n) for n in (list(counts) + [0] * 12)[:12]]) for key, counts in months.items()
    ]
    series = [s for s in series if sum(s[1])]
    series.sort(key=lambda s: (-sum(s[1]), s[0]))
    shown = [(_names(figures, "flags", key, language), counts) for key, counts in series]
    if len(shown) > MOST_SERIES:
        rest = [sum(c[m] for _, c in shown[MOST_SERIES - 1 :]) for m in range(12)]
        shown = shown[: MOST_SERIES - 1] + [(t("other_rules", language), rest)]
    return shown


def _follow_ups(figures) -> tuple[dict[str, int], dict[str, int]]:
    f = figures.get("follow_ups") or {}
    e = figures.get("ex_post") or {}
    return (
        {k: int(f.get(k, 0) or 0) for k in ("due", "done", "overdue")},
        {k: int(e.get(k, 0) or 0) for k in ("as_expected", "better", "worse", "unknown")},
    )


def has_data(chart_id: str, figures: Mapping[str, Any]) -> bool:
    """Whether the chart would show anything (the page may leave an empty one out)."""
    if chart_id == "groups":
        return bool(_groups(figures, "en"))
    if chart_id == "coverage":
        return bool(_coverage(figures, "en"))
    if chart_id == "region_coverage":
        return bool(_coverage(figures, "en", region=True))
    if chart_id == "flags_by_month":
        return bool(_flag_series(figures, "en"))
    if chart_id == "follow_ups":
        done, results = _follow_ups(figures)
        return any(done.values()) or any(results.values())
    raise KeyError(f"no chart {chart_id!r}; the charts are {', '.join(ALL_CHARTS)}")


def _months(language: str) -> list[str]:
    return list(get_month_names("abbreviated", "stand-alone", locale=language).values())


def _percent(value: float, language: str) -> str:
    text = f"{value * 100:.1f}".removesuffix(".0")
    return text if language == "en" else text.replace(".", ",")


def chart_alt(chart_id: str, figures: Mapping[str, Any], language: str) -> str:
    """The chart's text alternative: what it shows and its main numbers, in ``language``."""
    year = str(figures.get("year", ""))
    if not has_data(chart_id, figures):
        return t("no_data_alt", language, title=title(chart_id, language), year=year)
    if chart_id == "groups":
        items = [
            t("groups_item", language, name=n, negative=neg, positive=pos)
            for n, neg, pos in _groups(figures, language)
        ]
        return t("groups_alt", language, year=year, items="; ".join(items))
    if chart_id == "coverage":
        items = [
            t("coverage_item", language, name=n, percent=_percent(c, language), decisions=d)
            for n, c, d in _coverage(figures, language)
        ]
        return t("coverage_alt", language, year=year, items="; ".join(items))
    if chart_id == "region_coverage":
        items = [
            t("coverage_item", language, name=n, percent=_percent(c, language), decisions=d)
            for n, c, d in _coverage(figures, language, region=True)
        ]
        return t("region_coverage_alt", language, year=year, items="; ".join(items))
    if chart_id == "flags_by_month":
        series = _flag_series(figures, language)
        totals = [sum(c[m] for _, c in series) for m in range(12)]
        most = max(totals)
        return t(
            "flags_alt",
            language,
            year=year,
            total=sum(totals),
            month=_months(language)[totals.index(most)],
            most=most,
            items="; ".join(t("flags_item", language, name=n, n=sum(c)) for n, c in series),
        )
    done, results = _follow_ups(figures)
    return t("follow_ups_alt", language, year=year, **done, **results)


# --- drawing -----------------------------------------------------------------------------


def _font_families() -> list[str]:
    if not _fonts:
        for path in _FONT_FILES:
            if Path(path).exists():
                font_manager.fontManager.addfont(path)
        found = {f.name for f in font_manager.fontManager.ttflist}
        _fonts.extend(name for name in ("Carlito", "DejaVu Sans") if name in found)
    return _fonts


def _settings(chart_id: str) -> Any:  # rc_context types its keys as literals
    return {
        "font.family": "sans-serif",
        "font.sans-serif": _font_families(),
        "font.size": 10,
        "text.color": TEXT,
        "axes.labelcolor": TEXT,
        "axes.edgecolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "path",
        # The ids inside the SVG derive from this salt, not from a random one: fixed bytes.
        "svg.hashsalt": f"assess-{chart_id}",
        "path.simplify": False,
    }


def _figure(chart_id: str, figures: Mapping[str, Any], language: str) -> Figure:
    if chart_id not in ALL_CHARTS:
        raise KeyError(f"no chart {chart_id!r}; the charts are {', '.join(ALL_CHARTS)}")
    if not has_data(chart_id, figures):
        fig = Figure(figsize=(6.4, 1.2))
        fig.text(0.02, 0.7, title(chart_id, language), fontsize=12, fontweight="bold")
        fig.text(0.02, 0.3, t("no_data", language))
        return fig
    draw = {
        "groups": _draw_groups,
        "coverage": _draw_coverage,
        "region_coverage": _draw_region_coverage,
        "flags_by_month": _draw_flags,
        "follow_ups": _draw_follow_ups,
    }[chart_id]
    return draw(figures, language)


def _bars_height(n: float) -> float:
    return 1.4 + 0.42 * n


def _draw_groups(figures, language) -> Figure:
    rows = _groups(figures, language)
    fig = Figure(figsize=(6.4, _bars_height(len(rows) * 1.6)), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title("groups", language), loc="left", fontweight="bold")
    ys = range(len(rows))
    height = 0.38
    neg = ax.barh(
        [y - height / 2 for y in ys],
        [r[1] for r in rows],
        height,
        color=NEGATIVE,
        label=t("negative", language),
        hatch="//",
        edgecolor="white",
    )
    pos = ax.barh(
        [y + height / 2 for y in ys],
        [r[2] for r in rows],
        height,
        color=POSITIVE,
        label=t("positive", language),
    )
    ax.bar_label(neg, padding=2, fontsize=9)
    ax.bar_label(pos, padding=2, fontsize=9)
    ax.set_yticks(list(ys), [r[0] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel(t("assessments", language))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(x=0.12)
    ax.legend(loc="lower right", frameon=False)
    return fig


def _draw_region_coverage(figures, language) -> Figure:
    return _draw_coverage(figures, language, region=True)


def _draw_coverage(figures, language, *, region: bool = False) -> Figure:
    rows = _coverage(figures, language, region=region)
    fig = Figure(figsize=(6.4, _bars_height(len(rows))), layout="constrained")
    ax = fig.add_subplot()
    chart_id = "region_coverage" if region else "coverage"
    ax.set_title(title(chart_id, language), loc="left", fontweight="bold")
    bars = ax.barh(range(len(rows)), [r[1] * 100 for r in rows], 0.6, color=POSITIVE)
    ax.bar_label(
        bars,
        labels=[f"{_percent(r[1], language)} % ({r[2]})" for r in rows],
        padding=2,
        fontsize=9,
    )
    ax.set_yticks(list(range(len(rows))), [r[0] for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 118)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(t("coverage_axis", language))
    return fig


def _draw_flags(figures, language) -> Figure:
    series = _flag_series(figures, language)
    fig = Figure(figsize=(6.4, 3.2 + 0.22 * len(series)), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title("flags_by_month", language), loc="left", fontweight="bold")
    bottom = [0] * 12
    hatches = ("", "//", "..", "xx", "\\\\", "--")
    for i, (name, counts) in enumerate(series):
        ax.bar(
            range(12),
            counts,
            0.7,
            bottom=bottom,
            label=name,
            color=SERIES[i % len(SERIES)],
            hatch=hatches[i % len(hatches)],
            edgecolor="white",
        )
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_xticks(list(range(12)), _months(language), fontsize=9, rotation=45, ha="right")
    ax.set_ylabel(t("flags_axis", language))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    # Below the bars: a rule's name is long, and beside them it would narrow the months.
    fig.legend(loc="outside lower left", frameon=False, fontsize=9)
    return fig


def _draw_follow_ups(figures, language) -> Figure:
    done, results = _follow_ups(figures)
    fig = Figure(figsize=(6.4, 2.8), layout="constrained")
    fig.suptitle(title("follow_ups", language), x=0.02, ha="left", fontweight="bold")
    left, right = fig.subplots(1, 2, width_ratios=[3, 4])
    for ax, part, values, colours in (
        (left, "follow_ups_part", done, (SERIES[0], SERIES[2], SERIES[1])),
        (right, "ex_post_part", results, (SERIES[0], SERIES[2], SERIES[1], SERIES[4])),
    ):
        labels = [t(k, language) for k in values]
        bars = ax.bar(range(len(values)), list(values.values()), 0.65, color=colours)
        ax.bar_label(bars, padding=2, fontsize=9)
        ax.set_xticks(list(range(len(values))), labels, fontsize=8, rotation=20, ha="right")
        ax.set_title(t(part, language), fontsize=10)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.margins(y=0.18)
    return fig


# --- output ------------------------------------------------------------------------------

_ID = re.compile(r'(\bid="|url\(#|xlink:href="#|\bhref="#)')


def chart_svg(
    chart_id: str, figures: Mapping[str, Any], language: str, *, prefix: str | None = None
) -> str:
    """The chart as an SVG element to put inline in a page.

    It scales to its container (a viewBox, no fixed size), is an image to assistive
    technology (``role="img"``) named by its text alternative (``<title>``), and its ids
    start with ``prefix`` (the chart's id by default) so several charts share a page.
    """
    return _svg(chart_id, _key(figures), language, prefix or chart_id)


def chart_png(chart_id: str, figures: Mapping[str, Any], language: str) -> bytes:
    """The chart as a PNG for the document (its text alternative goes with it there)."""
    return _png(chart_id, _key(figures), language)


def _key(figures: Mapping[str, Any]) -> str:
    """The figures as the charts read them: without the moment they were taken, so that the
    live figures, taken again on every view, draw from the cache until a count changes."""
    return canonical_json({k: v for k, v in figures.items() if k != "generated_at"}).decode()


# Drawing takes about half a second a chart on a busy server, and a page shows four: the
# charts of the same figures (a stored report's never change) are drawn once.
@lru_cache(maxsize=CACHED)
def _svg(chart_id: str, key: str, language: str, prefix: str) -> str:
    figures = json.loads(key)
    with _lock, matplotlib.rc_context(_settings(chart_id)):
        fig = _figure(chart_id, figures, language)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg") :]
    svg = _ID.sub(lambda m: m.group(1) + prefix + "-", svg)
    head_end = svg.index(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", svg[:head_end])
    alt = _escape(chart_alt(chart_id, figures, language))
    return (
        f'{head} role="img" aria-labelledby="{prefix}-title">'
        f'<title id="{prefix}-title">{alt}</title>' + svg[head_end + 1 :]
    )


@lru_cache(maxsize=CACHED)
def _png(chart_id: str, key: str, language: str) -> bytes:
    figures = json.loads(key)
    with _lock, matplotlib.rc_context(_settings(chart_id)):
        fig = _figure(chart_id, figures, language)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
