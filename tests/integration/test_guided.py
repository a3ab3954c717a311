"""The guided form over HTTP: screening, sections, the matrix, check answers, submit."""

import re

import pytest

from assess.extensions import db
from assess.models import Assessment, Decision
from assess.operations import assessments as ops
from tests.support import SCREENING_NO, login, post, use_language, user
from tests.support import page_version as version
from tests.support import stored_data as data_of


@pytest.fixture
def started(demo):
    with demo.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
        return a.id


@pytest.fixture
def preparer(client, started):
    login(client, "preparer")
    use_language(client, "en")
    return client


def save_screening(client, **extra):
    url = "/assessments/1/screening"
    return post(client, url, {**SCREENING_NO, **extra, "version": version(client, url)})


def test_screening_page_recommends_and_saves(demo, preparer):
    page = preparer.get("/assessments/1/screening").get_data(as_text=True)
    assert "Does it affect children or young people" in page
    response = save_screening(preparer, s_children="yes", level="light", continue_="1")
    assert response.status_code == 302
    page = preparer.get("/assessments/1/screening").get_data(as_text=True)
    assert "Recommended level from the answers: <strong>full assessment</strong>" in page
    assert "The chosen level is lower than the recommended one: give the reason." in page
    screening = data_of(demo)["screening"]
    assert screening["answers"]["s_children"] == "yes" and screening["level"] == "light"
    assert screening["recommended_level"] == "full"


def test_screen_out_with_an_exempt_category_through_the_pages(demo, preparer):
    save_screening(preparer, level="none", exempt_category="information_only")
    page = preparer.get("/decisions/1").get_data(as_text=True)
    assert 'value="propose_screen_out"' in page
    response = post(
        preparer,
        "/assessments/1/transitions",
        {"trigger": "propose_screen_out", "version": version(preparer, "/decisions/1")},
    )
    assert response.status_code == 302
    with demo.app_context():
        assert db.session.get(Assessment, 1).state == "screen_out_proposed"


def test_scoping_section_saves_and_conditional_question_follows_screening(demo, preparer):
    save_screening(preparer, level="full")
    url = "/assessments/1/sections/scoping"
    page = preparer.get(url).get_data(as_text=True)
    assert 'name="child_rights_considerations"' not in page  # s_children is no
    post(
        preparer,
        url,
        {
            "groups_in_scope": ["older_people", "disabled"],
            "dimensions_in_scope": ["access_to_services", "health"],
            "time_horizons": ["budget_year"],
            "version": version(preparer, url),
        },
    )
    answers = data_of(demo)["answers"]
    assert answers["groups_in_scope"] == ["older_people", "disabled"]
    save_screening(preparer, s_children="yes", level="full")
    assert 'name="child_rights_considerations"' in preparer.get(url).get_data(as_text=True)


def test_unknown_posted_field_is_never_stored(demo, preparer):
    url = "/assessments/1/sections/scoping"
    post(
        preparer,
        url,
        {"groups_in_scope": ["children"], "is_admin": "yes", "version": version(preparer, url)},
    )
    assert "is_admin" not in data_of(demo)["answers"]


def test_over_long_text_is_refused_and_shown_back(demo, preparer):
    save_screening(preparer, level="full")
    url = "/assessments/1/sections/mitigation"
    text = "<script>x</script>" + "a" * 5000
    response = post(preparer, url, {"comparison": text, "version": version(preparer, url)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "at most 5000 characters" in page.lower()
    assert "&lt;script&gt;x&lt;/script&gt;aaaa" in page  # the typed text is not lost
    assert "comparison" not in (data_of(demo).get("answers") or {})


def test_matrix_cell_round_trip(demo, preparer):
    save_screening(preparer, level="light", s_many_residents="yes")
    url = "/assessments/1/sections/scoping"
    post(
        preparer,
        url,
        {
            "groups_in_scope": ["older_people"],
            "dimensions_in_scope": ["health"],
            "time_horizons": ["budget_year"],
            "version": version(preparer, url),
        },
    )
    matrix = preparer.get("/assessments/1/sections/impacts").get_data(as_text=True)
    assert "older people" in matrix and "—" in matrix
    cell = "/assessments/1/impacts/proposal/older_people/health"
    response = post(preparer, cell, {"direction": "negative", "version": version(preparer, cell)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A non-neutral effect needs its magnitude." in page
    # Kept even so: the direction typed is stored and the matrix marks it incomplete.
    assert data_of(demo)["impacts"][0]["direction"] == "negative"
    response = post(
        preparer,
        cell,
        {
            "direction": "negative",
            "magnitude": "large",
            "rationale": "Longer trips to the health centre.",
            "version": version(preparer, cell),
        },
    )
    assert response.status_code == 302
    matrix = preparer.get("/assessments/1/sections/impacts").get_data(as_text=True)
    assert "▼ negative, large" in matrix.replace("  ", " ")


def test_cell_for_unknown_group_is_not_found(preparer):
    assert preparer.get("/assessments/1/impacts/proposal/martians/health").status_code == 404


def test_stale_save_keeps_the_typed_text(demo, preparer):
    save_screening(preparer, level="full")
    url = "/assessments/1/sections/mitigation"
    old = version(preparer, url)
    post(preparer, url, {"comparison": "first", "version": old})
    response = post(preparer, url, {"comparison": "my second text", "version": old})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed" in page
    assert "my second text" in page
    assert data_of(demo)["answers"]["comparison"] == "first"


def test_check_page_lists_what_is_missing_and_submit_is_blocked(demo, preparer):
    save_screening(preparer, level="light", s_many_residents="yes")
    with demo.app_context():
        a = db.session.get(Assessment, 1)
        ops.fire(user("preparer"), a, "start_assessment", expected_version=a.version)
    page = preparer.get("/assessments/1/check").get_data(as_text=True)
    assert "Not possible yet:" in page and "Section &#39;Scoping&#39; is incomplete." in page


def test_reviewer_reads_but_cannot_save(demo, client, started):
    login(client, "reviewer")
    use_language(client, "en")
    page = client.get("/assessments/1/screening").get_data(as_text=True)
    assert "cannot be changed" in page
    response = post(client, "/assessments/1/screening", {**SCREENING_NO, "version": "2"})
    assert response.status_code == 409


def test_saved_choices_are_shown_again(demo, preparer):
    save_screening(preparer, level="full")
    url = "/assessments/1/sections/scoping"
    post(preparer, url, {"groups_in_scope": ["older_people"], "version": version(preparer, url)})
    page = preparer.get(url).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="older_people"', page)
    url = "/assessments/1/sections/alternatives"
    post(
        preparer,
        url,
        {
            "alternatives-0-label": "VE0",
            "alternatives-0-description": "as now",
            "alternatives-0-zero_option": "y",
            "version": version(preparer, url),
        },
    )
    page = preparer.get(url).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="alternatives-0-zero_option"', page)
    assert 'name="alternatives-1-label"' in page  # the blank row to add another


def _with_hearing(demo, preparer):
    save_screening(preparer, level="full")
    url = "/assessments/1/sections/hearings"
    post(
        preparer,
        url,
        {
            "hearings-0-council": "older_people_council",
            "hearings-0-statement": "See the file.",
            "version": version(preparer, url),
        },
    )
    hearing_id = data_of(demo)["hearings"][0]["id"]
    return url, hearing_id


def upload(client, url, hearing_id, name, content):
    from io import BytesIO

    return client.post(
        f"/assessments/1/hearings/{hearing_id}/statement",
        data={
            "csrf_token": client.csrf,
            "version": version(client, url),
            "file": (BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def test_a_statement_file_is_kept_with_its_hearing(demo, preparer):
    url, hearing_id = _with_hearing(demo, preparer)
    response = upload(
        preparer, url, hearing_id, "../../Vanhusneuvoston lausunto.pdf", b"%PDF-1.4 x"
    )
    assert response.status_code == 302
    hearing = data_of(demo)["hearings"][0]
    assert hearing["attachment"]["filename"] == "Vanhusneuvoston lausunto.pdf"
    page = preparer.get(url).get_data(as_text=True)
    assert "Vanhusneuvoston lausunto.pdf" in page
    download = preparer.get(f"/assessments/1/attachments/{hearing['attachment']['id']}")
    assert download.data == b"%PDF-1.4 x" and download.mimetype == "application/pdf"
    # Saving the hearings again keeps the file with its hearing.
    post(
        preparer,
        url,
        {
            "hearings-0-id": hearing_id,
            "hearings-0-council": "older_people_council",
            "hearings-0-statement": "Edited.",
            "version": version(preparer, url),
        },
    )
    assert data_of(demo)["hearings"][0]["attachment"] == hearing["attachment"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ", "Upload a PDF, Word"),
        ("empty.pdf", b"", "is empty"),
        ("big.pdf", b"x" * (10 * 1024 * 1024 + 1), "at most 10 MB"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_kept(demo, preparer, name, content, message):
    url, hearing_id = _with_hearing(demo, preparer)
    response = upload(preparer, url, hearing_id, name, content)
    page = preparer.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert "attachment" not in data_of(demo)["hearings"][0]


SCRIPT = '<script>alert("x")</script><b>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;"


@pytest.mark.parametrize(
    "section, fields, stored",
    [
        ("mitigation", {"comparison": SCRIPT}, lambda d: d["answers"]["comparison"]),
        (
            "evidence",
            {"sources-0-title": SCRIPT, "sources-0-kind": "other"},
            lambda d: d["answers"]["sources"][0]["title"],
        ),
        (
            "alternatives",
            {"alternatives-0-label": SCRIPT, "alternatives-0-description": SCRIPT},
            lambda d: d["alternatives"][0]["description"],
        ),
        (
            "hearings",
            {"hearings-0-council": "youth_council", "hearings-0-statement": SCRIPT},
            lambda d: d["hearings"][0]["statement"],
        ),
        (
            "follow_up",
            {"indicators-0-name": SCRIPT, "indicators-0-owner": SCRIPT},
            lambda d: d["indicators"][0]["owner"],
        ),
        ("summary", {"fi": SCRIPT, "sv": SCRIPT}, lambda d: d["summary"]["sv"]),
    ],
)
def test_html_in_every_kind_of_text_field_is_stored_as_typed_and_shown_escaped(
    demo, preparer, section, fields, stored
):
    save_screening(preparer, level="full")
    url = f"/assessments/1/sections/{section}"
    assert post(preparer, url, {**fields, "version": version(preparer, url)}).status_code == 302
    assert stored(data_of(demo)) == SCRIPT
    page = preparer.get(url).get_data(as_text=True)
    assert SCRIPT not in page and ESCAPED in page


def test_html_in_a_cell_is_escaped_in_the_cell_and_the_history(demo, preparer):
    save_screening(preparer, level="light", s_many_residents="yes")
    scoping = "/assessments/1/sections/scoping"  # a cell outside the scope is refused
    post(
        preparer,
        scoping,
        {
            "groups_in_scope": ["children"],
            "dimensions_in_scope": ["health"],
            "time_horizons": ["budget_year"],
            "version": version(preparer, scoping),
        },
    )
    cell = "/assessments/1/impacts/proposal/children/health"
    post(
        preparer,
        cell,
        {
            "direction": "negative",
            "magnitude": "small",
            "rationale": SCRIPT,
            "version": version(preparer, cell),
        },
    )
    assert data_of(demo)["impacts"][0]["rationale"] == SCRIPT
    for url in (cell, "/assessments/1/history"):
        page = preparer.get(url).get_data(as_text=True)
        assert SCRIPT not in page and "&lt;script&gt;" in page
