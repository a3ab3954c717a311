"""Search across assessments (issue 21): every filter against an oracle that reads the
assessments themselves, the keys kept on every write, the CSV and JSON exports, the API's
422, and the page's error summary."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from assess.assessment_search import SearchFilters, parse_filters, search_keys
from assess.extensions import db
from assess.flags import RULES
from assess.models import (
    AgendaItem,
    Assessment,
    AssessmentSearchKey,
    AuditEvent,
    Body,
    Decision,
    Meeting,
)
from assess.operations import assessments as ops
from assess.operations.demo_scenario import acknowledge_high, load_scenario
from assess.operations.search import choices, search
from assess.operations.users import issue_token
from tests.support import login, use_language, user


def stored_keys(assessment_id: int) -> set[str]:
    return set(
        db.session.scalars(
            select(AssessmentSearchKey.key).where(
                AssessmentSearchKey.assessment_id == assessment_id
            )
        )
    )


def keys_match_data() -> None:
    for a in db.session.scalars(select(Assessment)):
        assert stored_keys(a.id) == set(search_keys(a.data, state=a.state, level=a.level)), a.id


@pytest.fixture(scope="module")
def world(request):
    """The demo scenario (approved full assessment with acknowledged high flags, a light one
    in review with open high flags), a third just started in another body by another
    person, the approved one on a published agenda and changed after it."""
    from assess.operations.demo import load_demo
    from tests.conftest import fresh_app, release_app

    app = fresh_app(request)
    with app.app_context():
        load_demo()
        assert load_scenario()
        approved = db.session.scalar(select(Assessment).where(Assessment.state == "approved"))
        in_review = db.session.scalar(select(Assessment).where(Assessment.state == "in_review"))
        other = db.session.scalar(
            select(Decision).where(Decision.body_id != approved.decision.body_id).limit(1)
        )
        third = ops.create_assessment(user("preparer"), other)
        # Another preparer and a reviewer chosen, and a start just after midnight in
        # Finland (still the day before in UTC): the day filters count Finnish days.
        third.prepared_by_id = user("admin").id
        third.created_at = datetime(2025, 1, 15, 22, 30, tzinfo=UTC)  # 16 Jan 00:30 EET
        in_review.reviewer_id = user("reviewer").id
        db.session.commit()
        assert approved.changed_after_publication_at is None
        # The scenario's meeting has both on its agenda: its agenda goes out (the
        # publication's own checks are the meetings' tests'; here only its state matters).
        meeting = db.session.scalar(
            select(Meeting).join(AgendaItem).where(AgendaItem.decision_id == approved.decision_id)
        )
        meeting.state, meeting.published_at = "published", datetime.now(UTC)
        db.session.commit()
        assert db.session.get(Assessment, approved.id).changed_after_publication_at is None
        # A write after publication (any write: the hook sees every flush).
        approved.data = {**approved.data, "summary": {"fi": "Muutettu julkaisun jälkeen."}}
        db.session.commit()
        ids = {"approved": approved.id, "in_review": in_review.id, "third": third.id}
    yield app, ids
    release_app(app)


def test_the_keys_follow_the_data_on_every_write(world):
    app, ids = world
    with app.app_context():
        keys_match_data()
        in_review = db.session.get(Assessment, ids["in_review"])
        assert "acknowledged_high" not in stored_keys(in_review.id)
        assert any(k.startswith("flag:") for k in stored_keys(in_review.id))
        assert "acknowledged_high" in stored_keys(ids["approved"])
        # Just started: its state, no level (not screened), nothing from its answers.
        assert stored_keys(ids["third"]) == {"state:draft"}
        assert "state:in_review" in stored_keys(in_review.id)
        assert "level:light" in stored_keys(in_review.id)


def test_acknowledging_a_high_flag_and_a_flag_appearing_change_the_keys(world):
    """Through the operations (an acknowledgement) and any other write alike. The one in
    review is on the published agenda too: the acknowledgement is a change after it."""
    app, ids = world
    with app.app_context():
        a = db.session.get(Assessment, ids["in_review"])
        assert "acknowledged_high" not in stored_keys(a.id)
        assert a.changed_after_publication_at is None
        assert acknowledge_high(user("reviewer"), a)
        assert "acknowledged_high" in stored_keys(a.id)
        assert a.changed_after_publication_at is not None
        # A flag appearing: a stored flag of a rule it did not have.
        data = dict(a.data)
        had = {k.removeprefix("flag:") for k in stored_keys(a.id) if k.startswith("flag:")}
        new_rule = sorted(set(RULES) - had)[0]
        data["flags"] = [*data["flags"], {"id": "t1", "rule": new_rule, "severity": "low"}]
        a.data = data
        db.session.commit()
        assert "flag:" + new_rule in stored_keys(a.id)
        # And a flag going (the data rewritten without it) takes its key away.
        a.data = {**data, "flags": data["flags"][:-1]}
        db.session.commit()
        assert "flag:" + new_rule not in stored_keys(a.id)
        keys_match_data()


def test_a_change_after_publication_is_dated(world):
    app, ids = world
    with app.app_context():
        approved = db.session.get(Assessment, ids["approved"])
        published = db.session.scalar(
            select(Meeting)
            .join(AgendaItem)
            .where(AgendaItem.decision_id == approved.decision_id, Meeting.state == "published")
        )
        assert approved.changed_after_publication_at is not None
        assert approved.changed_after_publication_at >= published.published_at
        assert db.session.get(Assessment, ids["third"]).changed_after_publication_at is None


def _oracle(a: Assessment, name: str, value) -> bool:
    data = a.content
    zero = {alt.id for alt in data.alternatives if alt.zero_option}
    helsinki_day = a.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Helsinki"))
    return {
        "q": lambda: any(
            value.lower() in t.lower() for t in (a.decision.case_number, a.decision.title)
        ),
        "body": lambda: a.decision.body_id == value,
        "state": lambda: a.state == value,
        "level": lambda: data.screening.level == value,
        "from": lambda: helsinki_day.date().isoformat() >= value,
        "to": lambda: helsinki_day.date().isoformat() <= value,
        "preparer": lambda: a.prepared_by_id == value,
        "reviewer": lambda: a.reviewer_id == value,
        "flag": lambda: any(f.rule == value for f in data.flags),
        "negative_group": lambda: any(
            c.group == value and c.direction == "negative" and c.alternative not in zero
            for c in data.impacts
        ),
        "changed_after_publication": lambda: (
            (a.changed_after_publication_at is not None) == (value == "true")
        ),
        "acknowledged_high": lambda: (
            any(f.severity == "high" and f.status == "acknowledged" for f in data.flags)
            == (value == "true")
        ),
    }[name]()


def _cases(ids) -> list[tuple[str, object]]:
    approved = db.session.get(Assessment, ids["approved"])
    in_review = db.session.get(Assessment, ids["in_review"])
    rules = {f.rule for f in approved.content.flags} ^ {f.rule for f in in_review.content.flags}
    negative = sorted(
        k.removeprefix("negative:") for k in stored_keys(approved.id) if k.startswith("negative:")
    )
    return [
        ("q", approved.decision.case_number[:8]),
        ("q", in_review.decision.title.split()[0].lower()),
        ("body", approved.decision.body_id),
        ("state", "approved"),
        ("state", "in_review"),
        ("level", "full"),
        ("level", "light"),
        ("from", "2025-01-17"),
        ("to", "2025-01-16"),
        ("preparer", user("preparer").id),
        ("preparer", user("admin").id),
        ("reviewer", user("reviewer").id),
        ("flag", sorted(rules)[0]),
        ("negative_group", negative[0]),
        ("changed_after_publication", "true"),
        ("changed_after_publication", "false"),
        ("acknowledged_high", "true"),
        ("acknowledged_high", "false"),
    ]


def test_every_filter_finds_what_the_assessments_say(world):
    app, ids = world
    with app.app_context():
        auditor = user("auditor")
        everything = list(db.session.scalars(select(Assessment)))
        assert len(everything) == 3
        seen = set()
        for name, value in _cases(ids):
            parsed = parse_filters({name: str(value)}, choices(auditor))
            assert not parsed.problems, (name, value, parsed.problems)
            found = search(auditor, parsed.filters, per_page=100)
            expected = {a.id for a in everything if _oracle(a, name, value)}
            assert {r.assessment_id for r in found.items} == expected, (name, value)
            assert found.total == len(expected)
            # A page at a time too (a small page walks the sort order's index and tests
            # each assessment's keys instead of starting from the keys: both read alike).
            one_by_one = [
                r.assessment_id
                for n in range(1, len(expected) + 1)
                for r in search(auditor, parsed.filters, page=n, per_page=1).items
            ]
            assert one_by_one == [r.assessment_id for r in found.items], (name, value)
            # Each filter tells the assessments apart: it can fail.
            assert 0 < len(expected) < 3, (name, value)
            seen.add(name)
        # 2025-01-15 22:30 UTC is the 16th in Finland: the 15th finds nothing.
        only_15th = parse_filters({"from": "2025-01-15", "to": "2025-01-15"}, choices(auditor))
        assert search(auditor, only_15th.filters).total == 0
        only_16th = parse_filters({"from": "2025-01-16", "to": "2025-01-16"}, choices(auditor))
        assert [r.assessment_id for r in search(auditor, only_16th.filters).items] == [ids["third"]]
        assert seen == {
            "q", "body", "state", "level", "from", "to", "preparer", "reviewer", "flag",
            "negative_group", "changed_after_publication", "acknowledged_high",
        }  # fmt: skip


def _combinations(ids) -> list[dict[str, object]]:
    approved = db.session.get(Assessment, ids["approved"])
    in_review = db.session.get(Assessment, ids["in_review"])
    both = sorted(
        {f.rule for f in approved.content.flags} & {f.rule for f in in_review.content.flags}
    )
    negative = sorted(
        k.removeprefix("negative:") for k in stored_keys(approved.id) if k.startswith("negative:")
    )
    return [
        {"flag": both[0], "state": "approved"},
        {"flag": both[0], "state": "in_review"},
        {"flag": both[0], "state": "draft"},
        {"flag": both[0], "level": "light"},
        {"flag": both[0], "state": "approved", "level": "full"},
        {"flag": both[0], "state": "approved", "level": "light"},
        {"negative_group": negative[0], "acknowledged_high": "true"},
        {"negative_group": negative[0], "acknowledged_high": "true", "state": "approved"},
        {"negative_group": negative[0], "acknowledged_high": "true", "level": "full"},
        {"negative_group": negative[0], "acknowledged_high": "false", "state": "in_review"},
        {"acknowledged_high": "false", "level": "light"},
        {"acknowledged_high": "false", "state": "draft"},
        {"state": "in_review", "level": "light"},
        {"state": "draft", "preparer": user("admin").id},
        {"state": "approved", "changed_after_publication": "true"},
        {"level": "full", "changed_after_publication": "false"},
        {"flag": both[0], "state": "approved", "q": approved.decision.case_number[:8]},
        {"state": "in_review", "q": approved.decision.case_number[:8]},
        {"level": "light", "body": in_review.decision.body_id},
    ]


def test_state_and_level_with_other_filters_find_what_the_assessments_say(world, monkeypatch):
    """The state and the level are keys: with a flag, a group or an acknowledged high flag
    they are found in the key index alone, under the count's cap (from the keys) and past it
    (walking the sort order and reading the row's state and level) alike."""
    from assess.operations import search as search_ops

    app, ids = world
    with app.app_context():
        auditor = user("auditor")
        everything = list(db.session.scalars(select(Assessment)))
        found_some = found_none = 0
        for cap in (search_ops.COUNT_CAP, 0):
            monkeypatch.setattr(search_ops, "COUNT_CAP", cap)
            for args in _combinations(ids):
                parsed = parse_filters({k: str(v) for k, v in args.items()}, choices(auditor))
                assert not parsed.problems, (args, parsed.problems)
                expected = [
                    a.id
                    for a in sorted(everything, key=lambda a: (a.created_at, a.id), reverse=True)
                    if all(_oracle(a, name, value) for name, value in args.items())
                ]
                found = search(auditor, parsed.filters, per_page=100)
                assert [r.assessment_id for r in found.items] == expected, (cap, args)
                assert found.total == min(len(expected), cap), (cap, args)
                one_by_one = [
                    r.assessment_id
                    for n in range(1, len(expected) + 2)
                    for r in search(auditor, parsed.filters, page=n, per_page=1).items
                ]
                assert one_by_one == expected, (cap, args)
                found_some += bool(expected)
                found_none += not expected
        # The cases tell the assessments apart: some find some, some find none.
        assert found_some and found_none


def test_sorted_and_paginated(world):
    app, ids = world
    with app.app_context():
        auditor = user("auditor")
        rows = search(auditor, SearchFilters(), sort="case_number", per_page=100).items
        numbers = [r.case_number for r in rows]
        assert numbers == sorted(numbers)
        newest = search(auditor, SearchFilters(), per_page=100).items
        assert [r.started_at for r in newest] == sorted(
            (r.started_at for r in newest), reverse=True
        )
        pages = [search(auditor, SearchFilters(), page=n, per_page=1) for n in (1, 2, 3, 4)]
        assert [p.total for p in pages] == [3] * 4
        assert [len(p.items) for p in pages] == [1, 1, 1, 0]
        assert [p.items[0].assessment_id for p in pages[:3]] == [r.assessment_id for r in newest]


def test_only_reviewers_auditors_and_admins_search(world):
    from assess.operations.errors import Forbidden

    app, _ = world
    with app.app_context():
        for role in ("preparer", "secretary"):
            with pytest.raises(Forbidden):
                search(user(role), SearchFilters())


def _database_rows(ids_in_order):
    return [db.session.get(Assessment, i) for i in ids_in_order]


def test_csv_and_json_exports_parse_and_match_the_database(world):
    app, ids = world
    client = app.test_client()
    login(client, "auditor")
    use_language(client, "en")
    with app.app_context():
        events = db.session.query(AuditEvent).count()
    got = client.get("/assessments/search.csv?level=full&sort=case_number")
    assert got.status_code == 200, got.get_data(as_text=True)[:500]
    assert got.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(got.get_data().decode("utf-8-sig"))))
    header, body = table[0], table[1:]
    got_json = client.get("/assessments/search.json?level=full&sort=case_number")
    exported = json.loads(got_json.get_data(as_text=True))
    with app.app_context():
        full = sorted(
            db.session.scalars(select(Assessment).where(Assessment.level == "full")),
            key=lambda a: (a.decision.case_number, a.id),
        )
        assert full
        assert len(body) == len(full) == exported["total"] == len(exported["items"])
        column = {name: i for i, name in enumerate(header)}
        for line, item, a in zip(body, exported["items"], full, strict=True):
            assert line[column["Assessment id"]] == str(a.id) == str(item["id"])
            assert line[column["Case number"]] == a.decision.case_number == item["case_number"]
            assert line[column["Title"]] == a.decision.title == item["title"]
            assert line[column["Level"]] == "Full assessment" == item["level_label"]
            assert item["level"] == "full" and item["state"] == a.state
            assert item["body"] == {"id": a.decision.body_id, "name": a.decision.body.name_fi}
            assert item["preparer"]["id"] == a.prepared_by_id
            assert {f["rule"] for f in item["flags"]} == {f.rule for f in a.content.flags}
            assert item["acknowledged_high"] is True
            assert line[column["High flag acknowledged"]] == "Yes"
            started = datetime.fromisoformat(item["started_at"])
            assert started == a.created_at and started.utcoffset() in (
                timedelta(hours=2),
                timedelta(hours=3),
            )
            assert (item["changed_after_publication_at"] is not None) == (
                a.changed_after_publication_at is not None
            )
        assert exported["time_zone"] == "Europe/Helsinki"
        assert exported["filters"] == {"level": "full"}
        # Each download is an access event on the organisation, with its format.
        recorded = list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "access.search_exported")
                .order_by(AuditEvent.id)
            )
        )
        assert db.session.query(AuditEvent).count() == events + 2
        assert [e.object_type for e in recorded] == ["organisation", "organisation"]
        formats = [{c["field"]: c["new"] for c in e.changes}["format"] for e in recorded]
        assert formats == ["csv", "json"]


def test_the_page_shows_the_result_and_a_bad_filter_in_an_error_summary(world):
    app, ids = world
    client = app.test_client()
    login(client, "reviewer")
    use_language(client, "en")
    page = client.get("/assessments/search?state=approved")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Search assessments" in html and "1 assessment found." in html
    with app.app_context():
        events = db.session.query(AuditEvent).count()
    bad = client.get("/assessments/search?level=huge&from=yesterday")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "error-summary" in html
    assert "level: &#39;huge&#39; is not one of its values" in html
    assert "from: &#39;yesterday&#39; is not a date" in html
    assert "found." not in html
    # An export with a bad filter exports nothing and records nothing.
    assert client.get("/assessments/search.csv?flag=nope").status_code == 422
    with app.app_context():
        assert db.session.query(AuditEvent).count() == events


def test_the_page_is_for_reviewers_auditors_and_admins(world):
    app, _ = world
    for role, status in (("preparer", 403), ("secretary", 403), ("auditor", 200), ("admin", 200)):
        client = app.test_client()
        login(client, role)
        use_language(client, "en")
        assert client.get("/assessments/search").status_code == status, role
        nav = client.get("/").get_data(as_text=True)
        assert ("Search assessments" in nav) == (status == 200), role


def test_the_api_filters_and_answers_422_naming_the_parameter(world):
    app, ids = world
    with app.app_context():
        token = issue_token(user("auditor"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    got = client.get("/api/v1/assessments?state=approved&per_page=5", headers=headers)
    assert got.status_code == 200, got.get_json()
    body = got.get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 5
    assert [i["id"] for i in body["items"]] == [ids["approved"]]
    assert body["items"][0]["changed_after_publication_at"] is not None
    assert body["time_zone"] == "Europe/Helsinki"
    for query, parameter in (
        ("changed_after_publication=maybe", "changed_after_publication"),
        ("acknowledged_high=1", "acknowledged_high"),
        ("from=2026-13-01", "from"),
        ("from=2026-03-02&to=2026-03-01", "to"),
        ("body=abc", "body"),
        ("preparer=999999", "preparer"),
        ("flag=no_such_rule", "flag"),
        ("negative_group=martians", "negative_group"),
        ("state=flying", "state"),
        ("level=huge", "level"),
        ("sort=colour", "sort"),
        ("q=" + "x" * 201, "q"),
    ):
        bad = client.get(f"/api/v1/assessments?{query}", headers=headers)
        assert bad.status_code == 422, query
        error = bad.get_json()["error"]
        assert error["code"] == "validation_failed"
        assert [d["path"] for d in error["details"]] == [parameter], query
        assert error["details"][0]["message"].startswith(parameter + ":"), query
    finnish = client.get(
        "/api/v1/assessments?level=huge", headers={**headers, "Accept-Language": "fi"}
    )
    assert finnish.get_json()["error"]["details"][0]["message"] != error["details"][0]["message"]
    with app.app_context():
        token = issue_token(user("preparer"))
    assert (
        client.get("/api/v1/assessments", headers={"Authorization": f"Bearer {token}"}).status_code
        == 403
    )


def test_another_organisations_body_is_refused(world):
    app, _ = world
    with app.app_context():
        auditor = user("auditor")
        foreign = db.session.scalar(select(Body.id).order_by(Body.id.desc())) + 1000
        parsed = parse_filters({"body": str(foreign)}, choices(auditor))
        assert set(parsed.problems) == {"body"}


def test_the_text_filter_reads_the_index_and_finds_what_like_would(world):
    """The text index (SQLite FTS5 trigram, PostgreSQL pg_trgm) finds exactly the case-folded
    substrings of one column, whatever characters the text has; the triggers follow a
    renamed decision. The same test runs on both databases (TEST_DATABASE)."""
    app, ids = world
    with app.app_context():
        auditor = user("auditor")
        decision = db.session.get(Assessment, ids["third"]).decision
        decision.case_number = "HEL 2026-000777"
        decision.title = 'Päiväkoti "Sateenkaari": 100% _remontti'
        db.session.commit()
        texts = {
            a.id: (a.decision.case_number, a.decision.title)
            for a in db.session.scalars(select(Assessment))
        }
        for q in (
            "SATEENKAARI", '"sateen', "100%", "0% _r", "_rem", "päiväkoti", "000777",
            "ti", "%", "_", "777Päi",  # two characters and less: no trigram; across columns
        ):  # fmt: skip
            parsed = parse_filters({"q": q}, choices(auditor))
            found = {r.assessment_id for r in search(auditor, parsed.filters).items}
            expected = {i for i, both in texts.items() if any(q.lower() in t.lower() for t in both)}
            assert found == expected, q
        assert {r.assessment_id for r in search(auditor, SearchFilters(q="SATEENKAARI")).items} == {
            ids["third"]
        }
        assert not search(auditor, SearchFilters(q="777Päi")).items
        decision.title = "Uusi nimi"
        db.session.commit()
        assert not search(auditor, SearchFilters(q="sateenkaari")).items
        assert [r.assessment_id for r in search(auditor, SearchFilters(q="uusi nimi")).items] == [
            ids["third"]
        ]


def test_a_count_past_its_cap_says_more_than(world, monkeypatch):
    """The count stops at COUNT_CAP (so its time has a bound): the page, the API and the
    shape say "more than", and the next page is known from the rows themselves."""
    from assess.operations import search as search_ops

    app, ids = world
    with app.app_context():
        auditor = user("auditor")
        keyed = [
            SearchFilters(flag="single_alternative"),
            SearchFilters(acknowledged_high=True, state="approved"),
            SearchFilters(negative_group="older_people", acknowledged_high=False),
        ]
        before = [[r.assessment_id for r in search(auditor, f).items] for f in keyed]
        assert any(before) and not all(len(b) == 3 for b in before)
        # Past the cap a page walks the sort order and tests each assessment's keys.
        monkeypatch.setattr(search_ops, "COUNT_CAP", 0)
        for filters, found in zip(keyed, before, strict=True):
            walked = [
                r.assessment_id
                for n in (1, 2, 3)
                for r in search(auditor, filters, page=n, per_page=1).items
            ]
            assert walked == found, filters
            assert search(auditor, filters).capped == bool(found)
        monkeypatch.setattr(search_ops, "COUNT_CAP", 2)
        first = search(auditor, SearchFilters(), per_page=1)
        assert (first.total, first.capped, first.has_next) == (2, True, True)
        third = search(auditor, SearchFilters(), page=3, per_page=1)
        assert (third.total, third.capped, len(third.items), third.has_next) == (2, True, 1, False)
        assert third.pages == 3
        flagged = search(auditor, SearchFilters(flag="single_alternative"))
        assert not flagged.capped and flagged.total == len(flagged.items)
    client = app.test_client()
    login(client, "auditor")
    use_language(client, "en")
    html = client.get("/assessments/search").get_data(as_text=True)
    assert "More than 2 assessments found." in html
    with app.app_context():
        token = issue_token(user("auditor"))
    body = client.get(
        "/api/v1/assessments?per_page=1", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert (body["total"], body["total_capped"], len(body["items"])) == (2, True, 1)


def test_a_bad_flag_on_the_page_lists_the_flags_names(world):
    app, ids = world
    client = app.test_client()
    login(client, "reviewer")
    use_language(client, "fi")
    html = client.get("/assessments/search?flag=nope").get_data(as_text=True)
    assert "Vain yksi vaihtoehto" in html  # single_alternative's name in Finnish
    assert "Lippu: &#39;nope&#39; ei ole lippu." in html
    assert "single_alternative" not in html.split("Lippu:", 1)[1].split("</li>", 1)[0]
