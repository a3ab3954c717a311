"""The facts the yearly report counts inside an assessment's answers (issue 22)."""

from datetime import UTC, datetime

from assess.report_facts import Fact, facts_of


def idents(data):
    return {f.ident for f in facts_of(data)}


def test_nothing_from_nothing():
    assert facts_of(None) == set()
    assert facts_of({}) == set()
    assert facts_of({"flags": "x", "impacts": [1, None]}) == set()


def test_flags_appeared_and_how_they_ended():
    data = {
        "flags": [
            {"rule": "serious_negative_effect", "status": "acknowledged"},
            {"rule": "serious_negative_effect", "status": "open"},
            {"rule": "single_alternative", "status": "resolved"},
        ]
    }
    assert idents(data) == {
        ("flag", "serious_negative_effect", "appeared"),
        ("flag", "serious_negative_effect", "acknowledged"),
        ("flag", "serious_negative_effect", "open_at_approval"),
        ("flag", "single_alternative", "appeared"),
        ("flag", "single_alternative", "resolved"),
    }
    assert all(f.first_seen == (f.value == "appeared") for f in facts_of(data))


def test_cells_of_the_zero_option_do_not_count():
    data = {
        "alternatives": [{"id": "a0", "zero_option": True}, {"id": "a1"}],
        "impacts": [
            {
                "alternative": "a0",
                "group": "children",
                "dimension": "health",
                "direction": "negative",
            },
            {
                "alternative": "a1",
                "group": "elderly",
                "dimension": "health",
                "direction": "positive",
            },
            {"alternative": "a1", "group": "youth", "dimension": "income", "direction": "neutral"},
        ],
    }
    assert idents(data) == {("group", "elderly", "positive"), ("dimension", "health", "positive")}


def test_hearings_objectives_follow_ups_and_ex_post():
    data = {
        "hearings": [
            {"council": "youth_council", "answered_on": "2026-03-01"},
            {"council": "elderly_council", "not_heard_code": "urgent"},
            {"council": "disability_council", "not_heard_reason": "no time"},
            {"council": None},
        ],
        "plan_links": [{"objective": "12", "effect": "helped"}, {"objective": "13"}],
        "indicators": [
            {"id": "i1", "review_date": "2027-01-01", "observations": [{"value": "3"}]},
            {"id": "i2", "review_date": "2026-12-31"},
            {"id": "i3", "review_date": "not a date"},
        ],
        "ex_post": [
            {"group": "children", "dimension": "health", "outcome": "not_known"},
            {"group": "children", "dimension": "income", "outcome": "better"},
            {"group": "children", "dimension": "safety"},
        ],
    }
    facts = facts_of(data)
    assert {f.ident for f in facts} == {
        ("hearing", "youth_council", "requested"),
        ("hearing", "youth_council", "answered"),
        ("hearing", "elderly_council", "requested"),
        ("hearing", "elderly_council", "not_heard:urgent"),
        ("hearing", "disability_council", "requested"),
        ("hearing", "disability_council", "not_heard:other"),
        ("objective", "12", "helped"),
        ("follow_up", "i1", "done"),
        ("follow_up", "i2", "pending"),
        ("ex_post", "children:health", "unknown"),
        ("ex_post", "children:income", "better"),
    }
    due = {f.key: f.at for f in facts if f.kind == "follow_up"}
    # Local midnight in Helsinki, as a UTC instant: 1.1.2027 00:00 (+02:00).
    assert due["i1"].astimezone(UTC) == datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
    assert due["i2"].astimezone(UTC) == datetime(2026, 12, 30, 22, 0, tzinfo=UTC)
    assert Fact("ex_post", "x", "better").first_seen
