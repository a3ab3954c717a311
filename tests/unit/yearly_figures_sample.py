"""A yearly report's figures in the shape of the contract (docs/api.md, GET
/api/v1/reports/yearly), for the tests of what renders them: the charts and the document."""

import copy

FIGURES = {
    "organisation": {"id": 1, "name": {"fi": "Esimerkkikunta", "sv": "Exempelkommun"}},
    "year": 2026,
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
        "children_no_crc": {"appeared": 4, "resolved": 2, "acknowledged": 1, "open_at_approval": 1},
        "no_hearing": {"appeared": 6, "resolved": 3, "acknowledged": 2, "open_at_approval": 1},
    },
    "flags_by_month": {
        "children_no_crc": [0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0],
        "no_hearing": [1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 1, 0],
    },
    "groups": {
        "children": {"negative": 5, "positive": 9},
        "older": {"negative": 7, "positive": 2},
        "disabled": {"negative": 1, "positive": 0},
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
        "council": {
            "decisions": 40,
            "assessed": {"full": 5, "light": 10},
            "screened_out": 15,
            "missing_required": 2,
            "coverage": 0.75,
        },
        "board": {
            "decisions": 80,
            "assessed": {"full": 5, "light": 15},
            "screened_out": 25,
            "missing_required": 4,
            "coverage": 0.5625,
        },
    },
    "by_decision_type": {
        "none": {
            "decisions": 120,
            "assessed": {"full": 10, "light": 25},
            "screened_out": 40,
            "missing_required": 6,
            "coverage": 0.625,
        }
    },
    "by_division": {
        "none": {
            "decisions": 120,
            "assessed": {"full": 10, "light": 25},
            "screened_out": 40,
            "missing_required": 6,
            "coverage": 0.625,
        }
    },
    "names": {
        "bodies": {
            "council": {"fi": "Kunnanvaltuusto", "sv": "Kommunfullmäktige", "en": "Council"},
            "board": {"fi": "Kunnanhallitus", "sv": "Kommunstyrelsen", "en": "Executive board"},
        },
        "decision_types": {},
        "divisions": {},
        "groups": {
            "children": {
                "fi": "Lapset ja nuoret",
                "sv": "Barn och unga",
                "en": "Children and young people",
            },
            "older": {"fi": "Ikääntyneet", "sv": "Äldre", "en": "Older people"},
            "disabled": {
                "fi": "Vammaiset henkilöt",
                "sv": "Personer med funktionsnedsättning",
                "en": "Disabled people",
            },
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
                "fi": "Lapsivaikutukset ilman lapsen oikeuksien arviota",
                "sv": "Barnkonsekvenser utan barnrättsbedömning",
                "en": "Children affected, no child-rights assessment",
            },
            "no_hearing": {
                "fi": "Vaikuttamistoimielintä ei kuultu",
                "sv": "Påverkansorgan inte hört",
                "en": "Council not heard",
            },
        },
        "objectives": {
            "12": {"fi": "Liikunta lisääntyy", "sv": "Mer motion", "en": "More exercise"}
        },
        "reasons": {
            "urgent": {"fi": "Kiireellinen", "sv": "Brådskande", "en": "Urgent"},
            "routine": {"fi": "Rutiiniasia", "sv": "Rutinärende", "en": "Routine"},
        },
    },
}


def empty_figures() -> dict:
    """A year with no decisions: every count zero, coverage unknown."""
    figures = copy.deepcopy(FIGURES)
    figures.update(
        decisions=0,
        imported=0,
        assessed={"full": 0, "light": 0},
        screened_out=0,
        screened_out_reasons={},
        missing_required=0,
        coverage=None,
        days_to_approval={"median": None, "p90": None},
        late_submissions=None,
        flags={},
        flags_by_month={},
        groups={},
        dimensions={},
        hearings={},
        objectives={},
        follow_ups={"due": 0, "done": 0, "overdue": 0},
        ex_post={"as_expected": 0, "better": 0, "worse": 0, "unknown": 0},
        by_body={},
        by_decision_type={},
        by_division={},
    )
    return figures
