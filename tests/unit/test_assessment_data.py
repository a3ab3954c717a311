"""The typed assessment data: what is stored is what is dumped, no more and no less."""

import copy

import pytest
from pydantic import ValidationError

from assess.assessment_data import AssessmentData, ImpactCell, Snapshot, StoredFlag

STORED = {
    "screening": {"answers": {"s_children": "yes"}, "level": "full", "exempt_category": None},
    "impacts": [
        {"alternative": "proposal", "group": "children", "dimension": "health", "magnitude": None}
    ],
    "flags": [
        {
            "id": "abc",
            "rule": "no_follow_up",
            "severity": "medium",
            "field": "indicators",
            "message": {"en": "m"},
            "resolve": {"en": "r"},
            "status": "open",
        }
    ],
    "no_hearings_reason": None,
}


def test_absent_keys_stay_absent_and_nulls_stay_null():
    stored = copy.deepcopy(STORED)
    data = AssessmentData.load(stored)
    assert data.dump() == stored
    assert data.alternatives == [] and data.summary == {} and data.level == "full"
    assert data.impacts[0].direction is None and data.impacts[0].rationale == ""
    assert data.flags[0].group is None


def test_keys_it_does_not_know_are_kept():
    stored = {**copy.deepcopy(STORED), "later_section": {"x": 1}}
    stored["impacts"][0]["weight"] = 3
    stored["screening"]["note"] = "n"
    assert AssessmentData.load(stored).dump() == stored


def test_a_part_changed_in_place_is_stored():
    data = AssessmentData.load({})
    data.screening.level = "light"
    data.impacts.append(ImpactCell(alternative="a", group="g", dimension="d"))
    data.summary["fi"] = "Tiivistelmä."
    assert data.dump() == {
        "screening": {"level": "light"},
        "impacts": [{"alternative": "a", "group": "g", "dimension": "d"}],
        "summary": {"fi": "Tiivistelmä."},
    }


def test_assigned_parts_are_stored():
    data = AssessmentData.load({"answers": {"q": 1}})
    data.flags = [StoredFlag(id="f", rule="r", severity="high", status="open")]
    assert data.dump() == {
        "answers": {"q": 1},
        "flags": [{"id": "f", "rule": "r", "severity": "high", "status": "open"}],
    }


def test_a_wrong_shape_is_refused_with_its_place():
    with pytest.raises(ValidationError) as exc:
        AssessmentData.load({"impacts": [{"alternative": "a", "group": "g"}]})
    assert exc.value.errors()[0]["loc"] == ("impacts", 0, "dimension")


def test_a_snapshot_keeps_the_transition_from_its_alias():
    stored = {
        "assessment": 1,
        "revision": "DRAFT",
        "state": "draft",
        "workflow": {"key": "w", "version": 1},
        "form": {"key": "iva", "version": 1},
        "decision": {
            "id": 2,
            "case_number": "K/1",
            "title": "T",
            "language": "fi",
            "body": {"id": 3, "fi": "Hallitus", "sv": None},
            "proposal": "",
        },
        "organisation": {"fi": "Alue", "sv": "Område"},
        "data": copy.deepcopy(STORED),
        "prepared_by": {"id": 4, "name": "P"},
        "by": {"id": 4, "name": "P"},
        "transition": {"trigger": None, "from": "draft", "to": "draft"},
        "at": "2026-11-27T10:00:00+00:00",
    }
    snapshot = Snapshot.load(stored)
    assert snapshot.transition.from_ == "draft" and snapshot.revision == "DRAFT"
    assert snapshot.data.impacts[0].key == ("proposal", "children", "health")
    assert snapshot.dump() == stored
