"""The published policy reaches the screening (issue 17, "Screening criteria the
organisation can adjust"): the guided page, the API, completeness and the guard, the
document; and the settings page no longer edits the investment threshold."""

import io
import re
from datetime import timedelta

import pytest
from docx import Document as Docx

import assess.api.endpoints  # noqa: F401  (declares the endpoints)
from assess.extensions import db
from assess.models import Assessment, Decision, Organisation
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations import documents as doc_ops
from assess.operations import policies
from assess.operations.context import today
from assess.operations.users import issue_token
from tests.support import login, post, use_language, user

OWN_FULL = {
    "id": "x_school_transport",
    "labels": {
        "fi": "Muuttaako päätös koulukuljetuksia?",
        "sv": "Ändrar beslutet skolskjutsarna?",
        "en": "Does it change school transport?",
    },
    "help": {
        "fi": "Esimerkiksi reitit tai kyytien määrä.",
        "sv": "Till exempel rutter eller antalet turer.",
        "en": "For example the routes or the number of rides.",
    },
    "recommends": "full",
}
OWN_LIGHT = {
    "id": "x_volunteers",
    "labels": {
        "fi": "Koskeeko päätös vapaaehtoistoimintaa?",
        "sv": "Gäller beslutet frivilligverksamhet?",
        "en": "Does it concern volunteer work?",
    },
    "recommends": "light",
}
POLICY = {
    "format": 1,
    "default": {"rule": "screen"},
    "screening": {
        "investment_threshold_eur": 250_000,
        "questions_off": ["s_staff"],
        "own_questions": [OWN_FULL, OWN_LIGHT],
    },
}


def publish(data=POLICY):
    admin = user("admin")
    _, problems = policies.save_draft(admin, data)
    assert problems == []
    return policies.publish(admin, today())


def asked(a_id):
    a = db.session.get(Assessment, a_id)
    return [q.id for q in answer_ops.form_for(a).screening.questions]


@pytest.fixture
def started(demo):
    with demo.app_context():
        publish()
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
        return a.id


@pytest.fixture
def preparer(client, started):
    login(client, "preparer")
    use_language(client, "en")
    return client


def answers_for(a_id, **yes):
    return {q: yes.get(q, "no") for q in asked(a_id)}


def page_version(client, url):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_the_guided_page_asks_the_policys_questions(demo, preparer, started):
    page = preparer.get(f"/assessments/{started}/screening").get_data(as_text=True)
    assert "Does it change school transport?" in page
    assert "For example the routes or the number of rides." in page  # its help
    assert "a yes recommends a full assessment" in page  # what a yes means, said
    assert "own question" in page
    assert "Does it concern volunteer work?" in page
    assert "Does it affect staff or employment?" not in page  # switched off
    assert 'name="s_staff"' not in page
    # The investment threshold is the policy's.
    assert "threshold is 250,000 €." in page
    use_language(preparer, "sv")
    page = preparer.get(f"/assessments/{started}/screening").get_data(as_text=True)
    assert "Ändrar beslutet skolskjutsarna?" in page and "Till exempel rutter" in page


def test_the_page_saves_own_answers_and_recommends_by_them(demo, preparer, started):
    url = f"/assessments/{started}/screening"
    with demo.app_context():
        answers = answers_for(started, x_school_transport="yes")
    response = post(
        preparer, url, {**answers, "level": "full", "version": page_version(preparer, url)}
    )
    assert response.status_code == 302
    page = preparer.get(url).get_data(as_text=True)
    assert "Recommended level from the answers: <strong>full assessment</strong>" in page
    with demo.app_context():
        screening = db.session.get(Assessment, started).data["screening"]
    assert screening["answers"]["x_school_transport"] == "yes"
    assert "s_staff" not in screening["answers"]
    assert screening["recommended_level"] == "full"


def test_completeness_and_the_guard_use_the_effective_questions(demo, started):
    with demo.app_context():
        a = db.session.get(Assessment, started)
        every_shipped = {q: "no" for q in asked(started) if not q.startswith("x_")}
        a = answer_ops.save_screening(
            user("preparer"),
            a,
            {"answers": every_shipped, "level": "none", "level_reason": "Nothing changes."},
            expected_version=a.version,
        )
        # The two own questions are unanswered: the screening is not complete.
        reasons = [str(r) for o in ops.options(user("preparer"), a) for r in o.reasons]
        assert any("(2 unanswered)" in r for r in reasons), reasons
        a = answer_ops.save_screening(
            user("preparer"),
            a,
            {
                "answers": answers_for(started, x_volunteers="yes"),
                "level": "none",
                "level_reason": "Nothing changes.",
            },
            expected_version=a.version,
        )
        assert a.content.screening.recommended_level == "light"
        reasons = [str(r) for o in ops.options(user("preparer"), a) for r in o.reasons]
        assert not any("unanswered" in r for r in reasons), reasons


@pytest.fixture
def api(demo, started):
    with demo.app_context():
        token = {"Authorization": f"Bearer {issue_token(user('preparer'))}"}
    client = demo.test_client()

    def call(method, path, json=None, headers=None):
        return client.open(
            "/api/v1" + path, method=method, json=json, headers={**token, **(headers or {})}
        )

    return call


def test_the_api_accepts_own_ids_and_names_switched_off_and_unknown_ones(api, started):
    a = api("GET", f"/assessments/{started}").get_json()
    questions = {q["id"]: q for q in a["screening"]["questions"]}
    assert "s_staff" not in questions and questions["x_school_transport"]["own"] is True
    assert questions["x_school_transport"]["labels"]["sv"] == "Ändrar beslutet skolskjutsarna?"
    assert questions["s_children"]["own"] is False

    def patch(answers, version):
        return api(
            "PATCH",
            f"/assessments/{started}",
            json={"screening": {"answers": answers}},
            headers={"If-Match": f'"{version}"'},
        )

    refused = patch({"s_staff": "yes", "x_nope": "no", "x_volunteers": "yes"}, a["version"])
    assert refused.status_code == 422
    details = {d["path"]: d["message"] for d in refused.get_json()["error"]["details"]}
    assert set(details) == {"screening.answers.s_staff", "screening.answers.x_nope"}
    assert "switched off" in details["screening.answers.s_staff"]
    assert "x_nope" in details["screening.answers.x_nope"]
    # Nothing of the refused request was kept.
    assert api("GET", f"/assessments/{started}").get_json()["screening"]["answers"] == {}
    done = patch({"x_school_transport": "unknown"}, a["version"])
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["screening"]["answers"] == {"x_school_transport": "unknown"}
    assert body["recommended_level"] == "full"  # "don't know" counts as yes


def test_without_a_policy_in_force_the_questionnaires_own_screening_is_asked(ctx):
    a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
    shipped = [q.id for q in answer_ops.forms().latest("iva").screening.questions]
    assert asked(a.id) == shipped
    # A version that starts tomorrow is not in force yet.
    admin = user("admin")
    policies.save_draft(admin, POLICY)
    policies.publish(admin, today() + timedelta(days=1))
    assert asked(a.id) == shipped


def test_an_assessment_keeps_the_questions_of_the_version_it_started_under(demo, started):
    with demo.app_context():
        first = asked(started)
        # A second version, in force from today, asks about staff again and drops the own
        # "light" question.
        second = {
            **POLICY,
            "screening": {"questions_off": ["s_gender"], "own_questions": [OWN_FULL]},
        }
        publish(second)
        assert asked(started) == first  # the assessment started under the first
        newer = ops.create_assessment(user("preparer"), db.session.get(Decision, 2))
        ids = asked(newer.id)
        assert "s_staff" in ids and "s_gender" not in ids
        assert "x_school_transport" in ids and "x_volunteers" not in ids


def test_the_document_prints_own_questions_in_its_language(demo, started):
    with demo.app_context():
        a = db.session.get(Assessment, started)
        a = answer_ops.save_screening(
            user("preparer"),
            a,
            {"answers": answers_for(started, x_school_transport="yes"), "level": "full"},
            expected_version=a.version,
        )
        texts = {}
        for language in ("fi", "sv"):
            content, _ = doc_ops.preview(user("preparer"), a, language)
            texts[language] = "\n".join(p.text for p in Docx(io.BytesIO(content)).paragraphs)
    assert "Muuttaako päätös koulukuljetuksia?" in texts["fi"]
    assert "Ändrar beslutet skolskjutsarna?" in texts["sv"]
    assert "koulukuljetuksia" not in texts["sv"]


def test_the_settings_page_shows_the_threshold_is_the_policys(demo, client, started):
    with demo.app_context():
        org = db.session.get(Organisation, 1)
        before = dict(org.settings or {})
    login(client, "admin")
    use_language(client, "en")
    page = client.get("/admin/organisation").get_data(as_text=True)
    assert 'name="investment_threshold_eur"' not in page
    assert "250,000" in page and "assessment policy" in page
    with demo.app_context():
        assert db.session.get(Organisation, 1).settings == before
