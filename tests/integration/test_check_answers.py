"""Check your answers (issue 20): every answer with a "Change" link that returns here, the
open flags grouped by what resolves them, who reviews; the start in one step; the screening's
fixes; the glossary."""

import html
import re

import pytest

from assess.extensions import db
from assess.models import Assessment, Decision
from assess.operations import assessments as ops
from tests.support import (
    SCREENING_NO,
    complete_assessment,
    complete_screening,
    login,
    post,
    use_language,
    user,
)
from tests.support import page_version as version
from tests.support import stored_data as data_of


@pytest.fixture
def prepared(demo):
    """A full assessment with every section answered, still with the preparer."""
    with demo.app_context():
        preparer = user("preparer")
        a = ops.create_assessment(preparer, db.session.get(Decision, 1))
        ops.fire(preparer, a, "start_screening", expected_version=a.version)
        complete_screening(preparer, a, "full")
        ops.fire(preparer, a, "start_assessment", expected_version=a.version)
        complete_assessment(preparer, a, "full")
        return a.id


@pytest.fixture
def screening(demo):
    with demo.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
        return a.id


def as_preparer(client, language="en"):
    login(client, "preparer")
    use_language(client, language)
    return client


def tag(page: str, element_id: str) -> str:
    """The opening tag of the element with ``element_id``."""
    return re.search(rf'<[^>]*id="{element_id}"[^>]*>', page).group(0)


def text(page: str) -> str:
    """The page's visible text, roughly: tags out, entities decoded, spaces folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_every_answer_in_words_with_a_change_link(demo, client, prepared):
    as_preparer(client)
    page = client.get(f"/assessments/{prepared}/check").get_data(as_text=True)
    words = text(page)
    # Screening questions and answers in words, the level and its recommendation.
    assert "Does it change the service network" in words
    assert "Level of the assessment full assessment" in words
    # A section's multi-choice answer as labels, never ids.
    assert "older people, rural and remote residents" in words
    assert "older_people" not in words and "rural_residents" not in words
    # Hearings name the council; the matrix is compact with a link to the whole.
    assert "older people's council" in words
    assert "effects assessed" in words and "The whole impact matrix" in words
    # Every row has its Change link to the question's field, carrying the return.
    back = f"/assessments/{prepared}/check"
    assert (
        f'href="/assessments/{prepared}/sections/scoping?return_to={back}%23scoping'
        '#groups_in_scope"' in page
    )
    assert f'href="/assessments/{prepared}/screening?return_to={back}%23screening#level"' in page
    assert page.count(">Change<") >= 20
    assert 'Change<span class="visually-hidden"> Level of the assessment</span>' in page


def test_check_your_answers_in_finnish_has_no_english_headings(demo, client, prepared):
    as_preparer(client, "fi")
    words = text(client.get(f"/assessments/{prepared}/check").get_data(as_text=True))
    assert "Tarkista vastauksesi" in words or "Tarkista vastaukset" in words
    assert "Muuta" in words and "Change" not in words
    for english in ("Hearings", "Alternatives", "Indicators", "Not answered", "Open flags"):
        assert english not in words, english


def test_a_change_saved_returns_to_check_your_answers(demo, client, prepared):
    as_preparer(client)
    back = f"/assessments/{prepared}/check#scoping"
    url = f"/assessments/{prepared}/sections/scoping?return_to={back.replace('#', '%23')}"
    page = client.get(url).get_data(as_text=True)
    assert "Back to check your answers" in page
    response = post(
        client,
        url,
        {
            "groups_in_scope": ["older_people", "rural_residents", "disabled"],
            "dimensions_in_scope": ["access_to_services"],
            "time_horizons": ["budget_year"],
            "version": version(client, url),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == back
    assert "disabled" in data_of(demo, prepared)["answers"]["groups_in_scope"]
    words = text(client.get(back).get_data(as_text=True))
    assert "persons with disabilities" in words


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
    ],
)
def test_a_return_target_elsewhere_is_refused(demo, client, prepared, target):
    as_preparer(client)
    url = f"/assessments/{prepared}/sections/evidence"
    response = post(
        client,
        url,
        {
            "sources-0-title": "Home-care client numbers 2026",
            "sources-0-kind": "statistics",
            "version": version(client, url),
            "return_to": target,
        },
    )
    assert response.status_code == 302
    # Saved, and back to the page itself as without a return: never elsewhere.
    assert response.headers["Location"] == url
    page = client.get(url, query_string={"return_to": target}).get_data(as_text=True)
    assert "Back to check your answers" not in page
    assert 'href="https://evil.example' not in page and 'href="//evil' not in page


def test_open_flags_grouped_by_what_resolves_them(demo, client, prepared):
    stored = data_of(demo, prepared)["flags"]
    assert {(f["rule"], f["severity"]) for f in stored if f["status"] == "open"} == {
        ("serious_negative_effect", "high"),
        ("translation_missing", "high"),
        ("consultation_required", "medium"),
    }
    as_preparer(client)
    page = client.get(f"/assessments/{prepared}/check").get_data(as_text=True)
    flags = text(page.split('id="open-flags"', 1)[1].split('id="submit"', 1)[0])
    assert "2 high flags will block approval" in flags
    change = flags.index("Resolved by a change in the assessment")
    hearing = flags.index("Resolved by a hearing")
    reviewer = flags.index("Weighed by the reviewer")
    assert change < hearing < reviewer
    # Each flag under what resolves it, with the page to go to; the high ones say they block.
    assert "Go to: Translations" in flags[change:hearing]
    assert "Go to: Hearings" in flags[hearing:reviewer]
    assert "High · blocks approval" in flags[reviewer:]
    assert "Medium · blocks approval" not in flags


def test_the_submit_area_says_what_happens_and_who_reviews(demo, client, prepared):
    as_preparer(client)
    words = text(client.get(f"/assessments/{prepared}/check").get_data(as_text=True))
    assert "What happens when you submit" in words
    assert "goes to review" in words
    assert "Any reviewer of your organisation may review it:" in words
    with demo.app_context():
        reviewer_name = user("reviewer").name
        a = db.session.get(Assessment, prepared)
        a.reviewer_id = user("reviewer").id
        db.session.commit()
    words = text(client.get(f"/assessments/{prepared}/check").get_data(as_text=True))
    assert f"Reviewer: {reviewer_name}." in words


# --- the screening ---------------------------------------------------------------------


def test_no_recommendation_before_anything_is_answered(demo, client, screening):
    as_preparer(client)
    words = text(client.get(f"/assessments/{screening}/screening").get_data(as_text=True))
    assert "Answer the questions to get a recommendation." in words
    assert "Recommended level from the answers: no assessment" not in words


def test_a_lower_level_without_reason_cannot_continue(demo, client, screening):
    as_preparer(client)
    url = f"/assessments/{screening}/screening"
    response = post(
        client,
        url,
        {
            **SCREENING_NO,
            "s_children": "yes",
            "level": "light",
            "continue": "1",
            "version": version(client, url),
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "You chose a lower level than the recommended one (full assessment)" in page
    # The typed answers are kept on the page, and nothing was stored.
    assert " checked" in tag(page, "s_children-0")  # yes
    assert " checked" in tag(page, "level-1")  # light
    assert " checked" in tag(page, "s_many_residents-1")  # no
    assert data_of(demo, screening).get("screening", {}).get("level") is None
    # With the reason it continues.
    response = post(
        client,
        url,
        {
            **SCREENING_NO,
            "s_children": "yes",
            "level": "light",
            "level_reason": "Only one school's timetable changes.",
            "continue": "1",
            "version": version(client, url),
        },
    )
    assert response.status_code == 302


def test_after_the_screening_the_next_step_is_explained_and_offered(demo, client, screening):
    as_preparer(client)
    url = f"/assessments/{screening}/screening"
    response = post(
        client,
        url,
        {
            **SCREENING_NO,
            "s_service_network": "yes",
            "level": "full",
            "continue": "1",
            "version": version(client, url),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/assessments/{screening}/next-step"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    words = text(page)
    assert "The assessment is still in screening until you take it." in words
    assert "decision page" in words
    assert 'value="start_assessment"' in page
    assert f'name="return_to" value="/assessments/{screening}/sections/scoping"' in page
    started = post(
        client,
        f"/assessments/{screening}/transitions",
        {
            "trigger": "start_assessment",
            "version": re.search(r'name="version" value="(\d+)"', page).group(1),
            "return_to": f"/assessments/{screening}/sections/scoping",
        },
    )
    assert started.status_code == 302
    assert started.headers["Location"] == f"/assessments/{screening}/sections/scoping"
    with demo.app_context():
        assert db.session.get(Assessment, screening).state == "in_assessment"
    # Past the screening, the page is gone and "continue" leads to the sections again.
    assert client.get(f"/assessments/{screening}/next-step").status_code == 404


def test_start_in_one_step_lands_on_the_first_question(demo, client):
    as_preparer(client)
    page = client.get("/decisions/1").get_data(as_text=True)
    assert "Start: answer the screening questions" in page
    response = post(client, "/decisions/1/assessment", {"begin": "screening"})
    assert response.status_code == 302
    with demo.app_context():
        a = ops.active_assessment(db.session.get(Decision, 1))
        assert a.state == "screening"
        assert response.headers["Location"] == f"/assessments/{a.id}/screening"


# --- the glossary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, heading, term",
    [
        ("en", "Glossary of the assessment's terms", "Zero option"),
        ("fi", "Arvioinnin käsitteiden sanasto", "Nollavaihtoehto"),
        ("sv", "Ordlista över bedömningens begrepp", "Nollalternativ"),
    ],
)
def test_the_glossary_in_each_language(client, language, heading, term):
    as_preparer(client, language)
    page = client.get("/help/glossary").get_data(as_text=True)
    assert heading in html.unescape(page)
    assert 'id="term-zero_option"' in page and term in page
    for term_id in ("screening", "scope", "mitigation", "statutory_council", "indicator"):
        assert f'id="term-{term_id}"' in page


def test_terms_link_to_the_glossary_and_help_folds(demo, client, prepared):
    as_preparer(client)
    page = client.get(f"/assessments/{prepared}/sections/hearings").get_data(as_text=True)
    assert 'href="/help/glossary#term-statutory_council"' in page
    assert "<details" in page and "Help for this section" in page
    page = client.get(f"/assessments/{prepared}/screening").get_data(as_text=True)
    assert 'href="/help/glossary#term-screening"' in page


@pytest.mark.parametrize("language, legend", [("fi", "Vaihtoehdot"), ("sv", "Alternativ")])
def test_list_headings_are_translated(demo, client, prepared, language, legend):
    as_preparer(client, language)
    page = client.get(f"/assessments/{prepared}/sections/alternatives").get_data(as_text=True)
    assert f'<legend class="fs-5">{legend}</legend>' in page
    for section, english in (("hearings", "Hearings"), ("follow_up", "Indicators")):
        page = client.get(f"/assessments/{prepared}/sections/{section}").get_data(as_text=True)
        assert f">{english}</legend>" not in page
