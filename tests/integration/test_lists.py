"""Lists that scale (issue 20): the decisions list, the reviewer's queue and the meetings list
filtered by the address, paginated, only the reader's organisation, and a bad filter named
on the page with the list unfiltered on that field.

The rows come from tests/list_data.py, whose rule is also the oracle of every count here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from assess.extensions import db
from assess.models import AgendaItem, Body, Decision, Meeting, Organisation
from assess.operations.users import create_user
from tests.conftest import fresh_app, release_app
from tests.list_data import add_rows
from tests.support import login, use_language, user

N = 60
PREFIX = "LISTA"
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture(scope="module")
def world(request):
    from assess.operations.demo import load_demo

    app = fresh_app(request)
    with app.app_context():
        load_demo()
        org_id = user("preparer").organisation_id
        bodies = list(db.session.scalars(select(Body.id).where(Body.organisation_id == org_id)))
        org = db.session.get(Organisation, org_id)
        second_preparer = create_user(
            organisation=org,
            email="preparer2@lists.example",
            name="Petra Toinen",
            roles=["preparer"],
            password="long enough password",
        )
        second_reviewer = create_user(
            organisation=org,
            email="reviewer2@lists.example",
            name="Riikka Toinen",
            roles=["reviewer"],
            password="long enough password",
        )
        preparers = [user("preparer").id, second_preparer.id]
        reviewers = [user("reviewer").id, second_reviewer.id]
        rows = add_rows(
            org_id, N, prefix=PREFIX, bodies=bodies, preparers=preparers, reviewers=reviewers
        )
        other = Organisation(name_fi="Toinen kunta", name_sv="Annan kommun", bilingual=False)
        other_body = Body(organisation=other, name_fi="Hallitus", name_sv="Styrelsen")
        db.session.add_all([other, other_body])
        db.session.commit()
        stranger = create_user(
            organisation=other,
            email="reviewer@other.example",
            name="Other reviewer",
            roles=["reviewer", "preparer"],
            password="long enough password",
        )
        add_rows(
            other.id,
            20,
            prefix=PREFIX,
            bodies=[other_body.id],
            preparers=[stranger.id],
            reviewers=[stranger.id],
        )
        # Meetings: three of org 1, one of the other, the first with a LISTA decision.
        decision_ids = dict(
            db.session.execute(
                select(Decision.case_number, Decision.id).where(Decision.organisation_id == org_id)
            ).all()
        )
        starts = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
        meetings = [
            Meeting(
                organisation_id=org_id,
                body_id=bodies[k % len(bodies)],
                number=k + 1,
                year=2026,
                starts_at=starts + timedelta(days=30 * k),
                place="Sali",
                state=("planned", "published", "held")[k],
            )
            for k in range(3)
        ]
        meetings.append(
            Meeting(
                organisation_id=other.id,
                body_id=other_body.id,
                number=1,
                year=2026,
                starts_at=starts,
                place="Toinen",
                state="planned",
            )
        )
        db.session.add_all(meetings)
        db.session.flush()
        db.session.add(
            AgendaItem(
                meeting_id=meetings[0].id, decision_id=decision_ids[f"{PREFIX}/5/2026"], position=1
            )
        )
        db.session.commit()
        facts = {
            "org_id": org_id,
            "bodies": bodies,
            "preparers": preparers,
            "reviewers": reviewers,
            "rows": rows,
            "other_body": other_body.id,
            "stranger": stranger.id,
            "meetings": [m.id for m in meetings],
        }
    yield app, facts
    release_app(app)


def client_of(app, role):
    client = app.test_client()
    login(client, role)
    use_language(client, "en")
    return client


def found(html: str, noun: str = "decision") -> int:
    match = re.search(rf"(\d+) {noun}s? (?:found|waits? for review)", html)
    assert match, html[:2000]
    return int(match.group(1))


def listed(html: str) -> list[str]:
    return re.findall(rf"{PREFIX}/\d+/2026", html)


def ours(facts, keep) -> list:
    return [r for r in facts["rows"] if keep(r)]


def helsinki_day(r):
    return r.updated_at.astimezone(HELSINKI).date()


@pytest.mark.parametrize(
    "args, keep",
    [
        ("", lambda f, r: True),
        ("&state=in_review", lambda f, r: r.state == "in_review"),
        ("&state=none", lambda f, r: r.state is None),
        ("&level=full", lambda f, r: r.level == "full"),
        ("&level=none", lambda f, r: r.level == "none"),
        ("&body={b1}", lambda f, r: r.body_id == f["bodies"][1]),
        ("&preparer={p1}", lambda f, r: r.preparer_id == f["preparers"][1]),
        ("&reviewer={r0}", lambda f, r: r.reviewer_id == f["reviewers"][0]),
        (
            "&date_from=2025-01-01&date_to=2025-01-01",
            lambda f, r: helsinki_day(r).isoformat() == "2025-01-01",
        ),
        ("&date_from=2025-01-02", lambda f, r: helsinki_day(r).isoformat() >= "2025-01-02"),
        (
            "&state=in_review&reviewer={r1}&level=light",
            lambda f, r: (
                r.state == "in_review" and r.reviewer_id == f["reviewers"][1] and r.level == "light"
            ),
        ),
        (
            "&body={b0}&preparer={p0}&date_to=2025-01-01",
            lambda f, r: (
                r.body_id == f["bodies"][0]
                and r.preparer_id == f["preparers"][0]
                and helsinki_day(r).isoformat() <= "2025-01-01"
            ),
        ),
    ],
)
def test_each_decisions_filter_and_combined(world, args, keep):
    app, facts = world
    client = client_of(app, "reviewer")
    names = {
        "b0": facts["bodies"][0],
        "b1": facts["bodies"][1],
        "p0": facts["preparers"][0],
        "p1": facts["preparers"][1],
        "r0": facts["reviewers"][0],
        "r1": facts["reviewers"][1],
    }
    expected = ours(facts, lambda r: keep(facts, r))
    assert expected or args == ""  # each case finds something, else it could not fail
    html = client.get(f"/decisions?q={PREFIX}{args.format(**names)}").get_data(as_text=True)
    assert "left out" not in html
    assert found(html) == len(expected)
    # The first page lists the latest changed first.
    latest = sorted(expected, key=lambda r: r.updated_at, reverse=True)[:25]
    assert listed(html) == [r.case_number for r in latest]


def test_text_search_on_title(world):
    app, facts = world
    html = client_of(app, "preparer").get("/decisions?q=KOULUKULJETUS").get_data(as_text=True)
    assert found(html) == len(ours(facts, lambda r: "koulukuljetus" in r.title))


def test_pagination_edges_keep_the_filters(world):
    app, facts = world
    client = client_of(app, "reviewer")
    html = client.get(f"/decisions?q={PREFIX}").get_data(as_text=True)
    assert found(html) == N
    assert "Showing 1–25, page 1 of 3." in html
    assert 'aria-label="Pages of the list"' in html
    assert 'aria-current="page" aria-label="Page 1, the current page"' in html
    assert "Previous page" not in html and "Next page" in html
    assert f'href="/decisions?page=2&amp;q={PREFIX}" rel="next"' in html
    last = client.get(f"/decisions?q={PREFIX}&page=3").get_data(as_text=True)
    assert "Showing 51–60, page 3 of 3." in last
    assert len(listed(last)) == 10
    assert "Next page" not in last and "Previous page" in last
    # Beyond the end: the last page, and a message saying so.
    beyond = client.get(f"/decisions?q={PREFIX}&page=9")
    assert beyond.status_code == 200
    text = beyond.get_data(as_text=True)
    assert "The list ends at page 3" in text and "Showing 51–60" in text
    # One page only: no pagination.
    one = client.get(f"/decisions?q={PREFIX}&state=decided").get_data(as_text=True)
    assert "Pages of the list" not in one
    # Not a page number: refused as before (the address is no link of ours).
    assert client.get("/decisions?page=0").status_code == 400


def test_an_organisation_never_sees_another_s_rows(world):
    app, facts = world
    client = client_of(app, "reviewer")
    html = client.get(f"/decisions?q={PREFIX}").get_data(as_text=True)
    assert found(html) == N  # the other organisation's 20 LISTA rows are not counted
    # Its body and people are no choices here: named, left out, the list unfiltered on them.
    for field, value in (
        ("body", facts["other_body"]),
        ("preparer", facts["stranger"]),
        ("reviewer", facts["stranger"]),
    ):
        page = client.get(f"/decisions?q={PREFIX}&{field}={value}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert f"&#39;{value}&#39; is not one of the choices" in text, field
        assert found(text) == N
    queue = client.get(f"/?q={PREFIX}").get_data(as_text=True)
    assert found(queue, "assessment") == len(ours(facts, lambda r: r.state == "in_review"))
    meetings = client_of(app, "secretary").get("/meetings").get_data(as_text=True)
    assert found(meetings, "meeting") == 3 and "Toinen" not in meetings


def test_bad_parameters_are_named_and_the_rest_still_filters(world):
    app, facts = world
    client = client_of(app, "reviewer")
    response = client.get(
        f"/decisions?q={PREFIX}&state=bogus&level=full&date_from=31.1.2025&date_to=2025-01-01"
        "&preparer=abc"
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Some filters in the address were left out" in html
    assert "&#39;bogus&#39; is not one of the choices of State" in html
    assert "&#39;31.1.2025&#39; is not a date" in html
    assert "&#39;abc&#39; is not one of the choices of Preparer" in html
    assert 'id="state" name="state" aria-invalid="true"' in html
    expected = ours(
        facts, lambda r: r.level == "full" and helsinki_day(r).isoformat() <= "2025-01-01"
    )
    assert found(html) == len(expected)
    backwards = client.get(
        f"/decisions?q={PREFIX}&date_from=2025-02-01&date_to=2025-01-01"
    ).get_data(as_text=True)
    assert "The end date 2025-01-01 is before the start date 2025-02-01" in backwards
    assert found(backwards) == len(
        ours(facts, lambda r: helsinki_day(r).isoformat() >= "2025-02-01")
    )
    long = client.get("/decisions?q=" + "x" * 201).get_data(as_text=True)
    assert "The search text has 201 characters" in long


def test_the_filters_stay_in_the_form_and_clear(world):
    app, facts = world
    client = client_of(app, "reviewer")
    html = client.get(f"/decisions?q={PREFIX}&state=in_review&date_from=2025-01-01").get_data(
        as_text=True
    )
    assert f'name="q" value="{PREFIX}"' in html
    assert '<option value="in_review" selected>' in html
    assert 'name="date_from" value="2025-01-01"' in html
    assert (
        '<a class="hds-button hds-button--supplementary" href="/decisions">Clear filters</a>'
        in (html)
    )
    assert "Clear filters" not in client.get("/decisions").get_data(as_text=True)


def test_the_review_queue_filters(world):
    app, facts = world
    client = client_of(app, "reviewer")
    in_review = ours(facts, lambda r: r.state == "in_review")
    html = client.get(f"/?q={PREFIX}").get_data(as_text=True)
    assert found(html, "assessment") == len(in_review)
    # What is assigned to this reviewer first (issue 20, review), then the longest-waiting
    # first, ten a page.
    queue = html[html.index('id="queue"') :].split("</section>")[0]
    me = facts["reviewers"][0]
    assigned_first = sorted(in_review, key=lambda r: r.reviewer_id != me)
    assert listed(queue) == [r.case_number for r in assigned_first][:10]
    mine = client.get(f"/?q={PREFIX}&reviewer={facts['reviewers'][0]}").get_data(as_text=True)
    assert found(mine, "assessment") == len(
        [r for r in in_review if r.reviewer_id == facts["reviewers"][0]]
    )
    full = client.get(f"/?q={PREFIX}&level=full&body={facts['bodies'][0]}").get_data(as_text=True)
    assert found(full, "assessment") == len(
        [r for r in in_review if r.level == "full" and r.body_id == facts["bodies"][0]]
    )
    # No state filter in the queue: everything in it awaits review.
    ignored = client.get(f"/?q={PREFIX}&state=draft").get_data(as_text=True)
    assert found(ignored, "assessment") == len(in_review)
    bad = client.get(f"/?q={PREFIX}&level=x").get_data(as_text=True)
    assert "&#39;x&#39; is not one of the choices of Level" in bad
    assert found(bad, "assessment") == len(in_review)


def test_the_meetings_list_filters(world):
    app, facts = world
    client = client_of(app, "secretary")
    first, second, third, _ = facts["meetings"]

    def ids(html):
        return [int(i) for i in re.findall(r'href="/meetings/(\d+)"', html)]

    assert found(client.get("/meetings?state=published").get_data(as_text=True), "meeting") == 1
    by_body = client.get(f"/meetings?body={facts['bodies'][0]}").get_data(as_text=True)
    assert ids(by_body) == [first]
    # The text finds the meeting with the decision on its agenda.
    by_text = client.get(f"/meetings?q={PREFIX}/5/").get_data(as_text=True)
    assert ids(by_text) == [first]
    by_title = client.get("/meetings?q=PÄÄTÖSASIA 5: palveluverkko").get_data(as_text=True)
    assert ids(by_title) == [first] or "sqlite" in app.config["SQLALCHEMY_DATABASE_URI"]
    by_date = client.get("/meetings?date_from=2026-04-01&date_to=2026-04-30").get_data(as_text=True)
    assert ids(by_date) == [second]
    assert ids(client.get("/meetings").get_data(as_text=True)) == [third, second, first]
    bad = client.get("/meetings?state=cancelled&body=abc").get_data(as_text=True)
    assert "&#39;abc&#39; is not one of the choices of Deciding body" in bad
    assert found(bad, "meeting") == 0  # cancelled is a state; none is cancelled here


def test_the_level_column_follows_the_answers(ctx):
    """The level filter reads assessments.level, which the model keeps equal to the
    screening's answer on every write (the answers are the truth)."""
    from assess.models import Assessment
    from tests.support import to_review

    decision = db.session.scalars(select(Decision).order_by(Decision.id)).first()
    a = to_review(user("preparer"), decision)
    db.session.expire_all()
    stored = db.session.get(Assessment, a.id)
    assert stored.content.level in ("light", "full")
    assert stored.level == stored.content.level
