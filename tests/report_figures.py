"""A yearly report's figures in the contract's shape (docs/api.md, issue 22), for the tests of
the report's tables, overview, pages and stored snapshot; the numbers are invented."""

from __future__ import annotations

import copy


def _split(decisions, full, light, screened, missing):
    counted = full + light + screened
    return {
        "decisions": decisions,
        "assessed": {"full": full, "light": light},
        "screened_out": screened,
        "missing_required": missing,
        "coverage": round(counted / decisions, 3) if decisions else None,
    }


FIGURES = {
    "organisation": {
        "id": 1,
        "name": {"fi": "Esimerkkilä", "sv": "Exempelby", "en": "Esimerkkilä"},
    },
    "year": 2025,
    "time_zone": "Europe/Helsinki",
    "generated_at": "2026-11-28T12:00:00+02:00",
    "decisions": 120,
    "imported": 80,
    "assessed": {"full": 10, "light": 25},
    "screened_out": 40,
    "screened_out_reasons": {"routine": 12, "not_affected": 28},
    "missing_required": 6,
    "coverage": 0.625,
    "days_to_approval": {"median": 21.5, "p90": 44.0},
    "late_submissions": 3,
    "flags": {
        "children_no_crc": {"appeared": 4, "resolved": 2, "acknowledged": 1, "open_at_approval": 1}
    },
    "flags_by_month": {"children_no_crc": [0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]},
    "groups": {
        "children": {"negative": 5, "positive": 9},
        "older": {"negative": 7, "positive": 2},
    },
    "dimensions": {"health": {"negative": 3, "positive": 7}},
    "hearings": {
        "youth_council": {
            "requested": 6,
            "answered": 5,
            "not_heard": 1,
            "not_heard_reasons": {"urgent": 1},
        }
    },
    "objectives": {"12": {"helped": 4, "harmed": 1, "neutral": 2}},
    "follow_ups": {"due": 8, "done": 5, "overdue": 2},
    "ex_post": {"as_expected": 3, "better": 1, "worse": 1, "unknown": 0},
    "by_body": {
        "council": _split(70, 8, 15, 25, 4),
        "board": _split(50, 2, 10, 15, 2),
    },
    "by_decision_type": {"budget": _split(20, 6, 4, 5, 1), "none": _split(100, 4, 21, 35, 5)},
    "by_division": {"education": _split(60, 5, 12, 20, 3), "none": _split(60, 5, 13, 20, 3)},
    "names": {
        "bodies": {
            "council": {"fi": "Valtuusto", "sv": "Fullmäktige", "en": "Council"},
            "board": {"fi": "Hallitus", "sv": "Styrelsen", "en": "Executive board"},
        },
        "decision_types": {"budget": {"fi": "Talousarvio", "sv": "Budget", "en": "Budget"}},
        "divisions": {
            "education": {"fi": "Sivistystoimiala", "sv": "Bildningssektorn", "en": "Education"}
        },
        "groups": {
            "children": {"fi": "Lapset", "sv": "Barn", "en": "Children"},
            "older": {"fi": "Ikääntyneet", "sv": "Äldre", "en": "Older people"},
        },
        "dimensions": {"health": {"fi": "Terveys", "sv": "Hälsa", "en": "Health"}},
        "councils": {
            "youth_council": {
                "fi": "Nuorisovaltuusto",
                "sv": "Ungdomsfullmäktige",
                "en": "Youth council",
            }
        },
        "flags": {
            "children_no_crc": {
                "fi": "Lapset ilman lapsivaikutusten arviointia",
                "sv": "Barn utan barnkonsekvensbedömning",
                "en": "Children without a child impact assessment",
            }
        },
        "objectives": {
            "12": {"fi": "Liikkuva arki", "sv": "Aktiv vardag", "en": "Active everyday life"}
        },
        "reasons": {
            "routine": {"fi": "Rutiiniasia", "sv": "Rutinärende", "en": "Routine matter"},
            "urgent": {"fi": "Kiireellinen", "sv": "Brådskande", "en": "Urgent"},
        },
    },
}


def figures(**changes) -> dict:
    """A deep copy of the figures, with ``changes`` at the top level."""
    result = copy.deepcopy(FIGURES)
    result.update(changes)
    return result
