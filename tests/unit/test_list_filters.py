"""The lists' filters read from the address (issue 20): each field checked on its own, a bad
value left out with a message that names it, the rest kept."""

from datetime import date

from assess.list_filters import TEXT_MAX, Choices, Filters, parse

ALL = Choices(
    states={"none", "draft", "in_review"},
    bodies={1, 2},
    preparers={10},
    reviewers={20, 21},
    levels={"none", "light", "full"},
)


def rendered(parsed):
    return {k: v.render("en") for k, v in parsed.problems.items()}


def test_nothing_given_is_no_filter():
    parsed = parse({}, ALL)
    assert parsed.filters == Filters()
    assert not parsed.filters.active
    assert parsed.problems == {}
    assert parsed.filters.query_args() == {}


def test_every_field_read():
    args = {
        "q": "  KPHA/412 ",
        "state": "in_review",
        "body": "2",
        "preparer": "10",
        "reviewer": "21",
        "level": "full",
        "date_from": "2026-01-01",
        "date_to": "2026-03-31",
    }
    parsed = parse(args, ALL)
    assert parsed.problems == {}
    assert parsed.filters == Filters(
        q="KPHA/412",
        state="in_review",
        body=2,
        preparer=10,
        reviewer=21,
        level="full",
        date_from=date(2026, 1, 1),
        date_to=date(2026, 3, 31),
    )
    assert parsed.filters.active
    # The links of other pages carry the same filters back.
    assert parsed.filters.query_args() == {**args, "q": "KPHA/412"}


def test_empty_values_are_any():
    parsed = parse({k: "" for k in ("q", "state", "body", "date_from")}, ALL)
    assert parsed.filters == Filters() and parsed.problems == {}


def test_a_choice_not_offered_is_left_out_and_named():
    parsed = parse({"state": "nonsense", "level": "huge", "body": "3", "q": "x"}, ALL)
    assert parsed.filters == Filters(q="x")
    problems = rendered(parsed)
    assert set(problems) == {"state", "level", "body"}
    assert "'nonsense' is not one of the choices of State" in problems["state"]
    assert "'huge'" in problems["level"] and "Level" in problems["level"]
    # Another organisation's body looks like any id not offered here.
    assert "'3'" in problems["body"] and "another organisation" in problems["body"]


def test_ids_must_be_whole_numbers_in_range():
    for given in ("abc", "-1", "0", "1.0", "99999999999", "２"):
        parsed = parse({"reviewer": given, "preparer": "10"}, ALL)
        assert parsed.filters == Filters(preparer=10), given
        assert set(parsed.problems) == {"reviewer"}, given


def test_dates_only_year_month_day():
    for given in ("31.3.2026", "20260331", "2026-W13-1", "2026-02-30", "tomorrow", "2026-3-1"):
        parsed = parse({"date_from": given}, ALL)
        assert parsed.filters.date_from is None, given
        assert "is not a date" in rendered(parsed)["date_from"], given


def test_dates_far_away_are_refused():
    parsed = parse({"date_from": "0001-01-01", "date_to": "9999-12-31"}, ALL)
    assert parsed.filters == Filters()
    assert "from year 1900 to 2999" in rendered(parsed)["date_to"]


def test_an_end_before_the_start_keeps_the_start():
    parsed = parse({"date_from": "2026-03-31", "date_to": "2026-01-01"}, ALL)
    assert parsed.filters == Filters(date_from=date(2026, 3, 31))
    assert "before the start date 2026-03-31" in rendered(parsed)["date_to"]
    same_day = parse({"date_from": "2026-03-31", "date_to": "2026-03-31"}, ALL)
    assert same_day.problems == {}


def test_a_long_search_is_left_out():
    parsed = parse({"q": "x" * (TEXT_MAX + 1)}, ALL)
    assert parsed.filters.q == ""
    assert f"{TEXT_MAX + 1} characters" in rendered(parsed)["q"]
    assert parse({"q": "x" * TEXT_MAX}, ALL).filters.q == "x" * TEXT_MAX


def test_a_list_reads_only_its_own_fields():
    meetings = Choices(states={"planned"}, bodies={1})
    parsed = parse({"reviewer": "nonsense", "level": "x", "state": "planned"}, meetings)
    assert parsed.filters == Filters(state="planned")
    assert parsed.problems == {}


def test_messages_in_finnish_and_swedish():
    parsed = parse({"date_from": "x"}, ALL)
    assert "päivämäärä" in parsed.problems["date_from"].render("fi")
    assert "datum" in parsed.problems["date_from"].render("sv")
