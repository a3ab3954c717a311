"""A yearly report's figures in the contract's shape (docs/api.md, issue 22), for the tests of
the report's tables, overview, pages and stored snapshot; the numbers are invented.

The sample the charts and the document are tested with (``tests.unit.yearly_figures_sample``,
whose texts are pinned) with another organisation, year and split: the totals, times,
hearings, objectives, follow-ups and ex-post results are the sample's own."""

from __future__ import annotations

import copy

from tests.unit.yearly_figures_sample import FIGURES as SAMPLE


def _split(decisions, full, light, screened, missing):
    counted = full + light + screened
    return {
        "decisions": decisions,
        "assessed": {"full": full, "light": light},
        "screened_out": screened,
        "missing_required": missing,
        "coverage": round(counted / decisions, 3) if decisions else None,
    }


FIGURES = copy.deepcopy(SAMPLE)
FIGURES.update(
    {
        "organisation": {
            "id": 1,
            "name": {"fi": "Esimerkkilä", "sv": "Exempelby", "en": "Esimerkkilä"},
        },
        "year": 2025,
        "flags": {
            "children_no_crc": {
                "appeared": 4,
                "resolved": 2,
                "acknowledged": 1,
                "open_at_approval": 1,
            }
        },
        "flags_by_month": {"children_no_crc": [0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]},
        "groups": {
            "children": {"negative": 5, "positive": 9},
            "older": {"negative": 7, "positive": 2},
        },
        "by_body": {"council": _split(70, 8, 15, 25, 4), "board": _split(50, 2, 10, 15, 2)},
        "by_decision_type": {
            "budget": _split(20, 6, 4, 5, 1),
            "none": _split(100, 4, 21, 35, 5),
        },
        "by_division": {
            "education": _split(60, 5, 12, 20, 3),
            "none": _split(60, 5, 13, 20, 3),
        },
    }
)
FIGURES["names"].update(
    {
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
    }
)


def figures(**changes) -> dict:
    """A deep copy of the figures, with ``changes`` at the top level."""
    result = copy.deepcopy(FIGURES)
    result.update(changes)
    return result
