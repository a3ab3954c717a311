"""The search's pure parts (issue 21): the keys of an assessment's data and the filters."""

from datetime import date

from assess.assessment_search import SearchChoices, parse_filters, search_keys

CHOICES = SearchChoices(
    bodies={1, 2}, states={"approved"}, people={5}, flags={"late_assessment"}, groups={"children"}
)


def test_keys_from_flags_cells_and_acknowledged_high_flags():
    data = {
        "alternatives": [{"id": "ve0", "zero_option": True}, {"id": "ve1"}],
        "impacts": [
            {"alternative": "ve0", "group": "older_people", "direction": "negative"},
            {"alternative": "ve1", "group": "children", "direction": "negative"},
            {"alternative": "ve1", "group": "families", "direction": "positive"},
        ],
        "flags": [
            {"rule": "late_assessment", "severity": "high", "status": "acknowledged"},
            {"rule": "no_follow_up", "severity": "high", "status": "resolved"},
        ],
    }
    assert search_keys(data) == {
        "flag:late_assessment",
        "flag:no_follow_up",
        "negative:children",
        "acknowledged_high",
    }
    assert search_keys({}) == set() == search_keys(None) == search_keys({"flags": "x"})


def test_keys_of_the_state_and_the_level():
    """The state and the screening's level are keys (given: they are columns, not data),
    beside the data's; no level key before screening or for a level the column never has."""
    data = {"flags": [{"rule": "late_assessment", "severity": "low"}]}
    assert search_keys(data, state="in_review", level="light") == {
        "flag:late_assessment",
        "state:in_review",
        "level:light",
    }
    assert search_keys(None, state="draft", level=None) == {"state:draft"}
    assert search_keys({}, state="approved", level="full") == {"state:approved", "level:full"}
    assert search_keys({}, state="approved", level="none") == {"state:approved", "level:none"}
    assert search_keys({}, state="", level="huge") == set()
    # Without them, only the data's (what migration 0023 fills).
    assert search_keys(data) == {"flag:late_assessment"}


def test_filters_parse_and_every_bad_value_is_named():
    good = parse_filters(
        {
            "q": " KPHA ",
            "body": "2",
            "from": "2026-01-01",
            "to": "2026-01-31",
            "changed_after_publication": "TRUE",
            "acknowledged_high": "false",
            "sort": "-case_number",
        },
        CHOICES,
    )
    assert not good.problems
    f = good.filters
    assert (f.q, f.body, f.date_from, f.date_to) == ("KPHA", 2, date(2026, 1, 1), date(2026, 1, 31))
    assert f.changed_after_publication is True and f.acknowledged_high is False
    assert good.sort == "-case_number"
    assert f.query_args()["from"] == "2026-01-01"
    bad = parse_filters(
        {"body": "3", "flag": "x", "level": "big", "to": "31.1.2026", "reviewer": "-1"}, CHOICES
    )
    assert set(bad.problems) == {"body", "flag", "level", "to", "reviewer"}
    for name, message in bad.problems.items():
        assert message.render("en").startswith(name + ":")
        assert message.render("fi") != message.render("en")
    assert not bad.filters.active
