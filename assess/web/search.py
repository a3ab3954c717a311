"""Search across assessments (issue 21): the page for reviewers, auditors and admins, and
its result as CSV and JSON with the same filters. An export is itself an audit event
(``access.search_exported``), as the data may concern vulnerable groups."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from ..assessment_search import (
    FLAG_RULE_LABELS,
    LEVEL_LABELS,
    SORTS,
    ParsedSearch,
    parse_filters,
)
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import search as ops
from ..operations.access_log import record_access
from . import list_queries as lists
from .access import roles_required
from .limits import query_number

bp = Blueprint("search", __name__)

PER_PAGE = 25
MAX_PAGE = 1_000_000
SORT_LABELS = {
    "-started": _l("Started, newest first"),
    "started": _l("Started, oldest first"),
    "-updated": _l("Last changed, newest first"),
    "case_number": _l("Case number"),
    "title": _l("Title"),
    "state": _l("State"),
    "level": _l("Level"),
}
# Cells a spreadsheet would run as a formula are written as text (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _zone_name(zone: ZoneInfo) -> str:
    return str(_l("Finnish time")) if zone.key == "Europe/Helsinki" else zone.key


def _parsed() -> ParsedSearch:
    parsed = parse_filters(request.args, ops.choices(current_user))
    if "flag" in parsed.problems:
        # The API lists the rules' ids; a person reads their names, in their language.
        names = sorted(str(label) for label in FLAG_RULE_LABELS.values())
        parsed.problems["flag"] = _l(
            "Flag: %(given)s is not a flag. Choose one of: %(names)s.",
            given=repr((request.args.get("flag") or "").strip()[:40]),
            names="; ".join(names),
        )
    return parsed


def _options(language: str) -> dict[str, list]:
    org = current_user.organisation_id
    forms_groups: dict[str, str] = {}
    words = ops.Words(language, ops.time_zone(current_user))
    for group_id in sorted(ops.choices(current_user).groups):
        forms_groups[group_id] = words.group(group_id)
    yes_no = [("true", str(_l("Yes"))), ("false", str(_l("No")))]
    return {
        "state": lists.state_options(language),
        "level": [(k, str(v)) for k, v in LEVEL_LABELS.items()],
        "body": [(b.id, b.name(language)) for b in lists.bodies_of(org)],
        **lists.people_with(org, "preparer", "reviewer"),
        "flag": sorted(((k, str(v)) for k, v in FLAG_RULE_LABELS.items()), key=lambda o: o[1]),
        "negative_group": sorted(forms_groups.items(), key=lambda o: o[1]),
        "changed_after_publication": yes_no,
        "acknowledged_high": yes_no,
        "sort": [(k, str(v)) for k, v in SORT_LABELS.items()],
    }


@bp.get("/assessments/search")
@roles_required(*ops.SEARCH_ROLES)
def index():
    language = request_language()
    parsed = _parsed()
    zone = ops.time_zone(current_user)
    found = None
    status = 200
    if parsed.problems:
        status = 422  # nothing is searched: the summary names each bad value
    else:
        number = query_number("page", 1, MAX_PAGE) or 1
        found = ops.search(
            current_user, parsed.filters, sort=parsed.sort, page=number, per_page=PER_PAGE
        )
        if not found.items and number > found.pages:
            found = ops.search(
                current_user,
                parsed.filters,
                sort=parsed.sort,
                page=found.pages,
                per_page=PER_PAGE,
            )
    return render_template(
        "search/index.html",
        parsed=parsed,
        filters=parsed.filters,
        problems=parsed.problems,
        found=found,
        words=ops.Words(language, zone),
        zone_name=_zone_name(zone),
        options=_options(language),
        args=_args(parsed),
        sorts=SORTS,
    ), status


def _args(parsed: ParsedSearch) -> dict[str, str]:
    args = parsed.filters.query_args()
    if parsed.sort != "-started":
        args["sort"] = parsed.sort
    return args


@bp.get("/assessments/search.csv")
@roles_required(*ops.SEARCH_ROLES)
def export_csv():
    return _export("csv")


@bp.get("/assessments/search.json")
@roles_required(*ops.SEARCH_ROLES)
def export_json():
    return _export("json")


def _export(kind: str):
    parsed = _parsed()
    if parsed.problems:
        return index()
    language = request_language()
    zone = ops.time_zone(current_user)
    words = ops.Words(language, zone)
    rows = list(ops.every_row(current_user, parsed.filters, sort=parsed.sort))
    now = datetime.now(zone)
    if kind == "csv":
        content = _csv(rows, words, _zone_name(zone)).encode("utf-8-sig")
        mimetype = "text/csv; charset=utf-8"
    else:
        content = json.dumps(
            {
                "exported_at": now.isoformat(timespec="seconds"),
                "time_zone": zone.key,
                "language": language,
                "filters": parsed.filters.query_args(),
                "sort": parsed.sort,
                "total": len(rows),
                "items": [ops.record_of(r, words) for r in rows],
            },
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8")
        mimetype = "application/json"
    record_access(
        current_user,
        "access.search_exported",
        "organisation",
        current_user.organisation_id,
        {"format": kind, "filters": _args(parsed), "rows": len(rows)},
    )
    filename = f"assessments-{now:%Y-%m-%d}.{kind}"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _csv(rows: list[ops.SearchRow], words: ops.Words, zone_name: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            str(_l("Case number")),
            str(_l("Title")),
            str(_l("Deciding body")),
            str(_l("State")),
            str(_l("Level")),
            str(_l("Preparer")),
            str(_l("Reviewer")),
            str(_l("Started (%(zone)s)", zone=zone_name)),
            str(_l("Last changed (%(zone)s)", zone=zone_name)),
            str(_l("Changed after the agenda was published (%(zone)s)", zone=zone_name)),
            str(_l("Flags")),
            str(_l("Groups with negative effects")),
            str(_l("High flag acknowledged")),
            str(_l("Assessment id")),
            str(_l("Decision id")),
        ]
    )
    for r in rows:
        writer.writerow(
            _safe(
                [
                    r.case_number,
                    r.title,
                    r.body_name(words.language),
                    words.state(r),
                    words.level(r.level) or "",
                    r.preparer_name,
                    r.reviewer_name or "",
                    _when(words.at(r.started_at)),
                    _when(words.at(r.updated_at)),
                    _when(words.at(r.changed_after_publication_at)),
                    "; ".join(words.flag(f) for f in r.flag_rules),
                    "; ".join(words.group(g) for g in r.negative_groups),
                    str(_l("Yes") if r.acknowledged_high else _l("No")),
                    str(r.assessment_id),
                    str(r.decision_id),
                ]
            )
        )
    return out.getvalue()


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def _safe(cells: list[str]) -> list[str]:
    return ["'" + c if c.startswith(_FORMULA_START) else c for c in cells]
