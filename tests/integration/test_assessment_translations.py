"""The assessment's free texts in Swedish (issue 19): the API lists the texts and replaces
their translations (422 naming a wrong path or language), the Translations page shows each
original beside its field and copies an original marked as untranslated, the flag
translation_missing counts what is missing and goes once all is written, the decision form
takes the Swedish title and proposal, and the summary's pre-fill is in each language."""

import re

import pytest

import assess.api.endpoints  # noqa: F401  (declares the endpoints)
from assess.extensions import db
from assess.models import Assessment, Decision
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations.users import issue_token
from tests.support import login, post, prepared, stored_data, use_language, user

LABEL = "alternatives.ve1.label"


@pytest.fixture
def assessment(demo):
    with demo.app_context():
        return prepared(user("preparer"), db.session.get(Decision, 1), "full").id


@pytest.fixture
def api(demo, assessment):
    with demo.app_context():
        token = issue_token(user("preparer"))
    client = demo.test_client()

    def call(method, path, json=None, headers=None):
        all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        return client.open("/api/v1" + path, method=method, json=json, headers=all_headers)

    return call


@pytest.fixture
def preparer(client, assessment):
    login(client, "preparer")
    use_language(client, "en")
    return client


def open_flags(app, assessment_id, rule="translation_missing"):
    return [
        f
        for f in stored_data(app, assessment_id)["flags"]
        if f["rule"] == rule and f["status"] == "open"
    ]


def test_the_api_lists_the_texts_and_replaces_their_translations(api, assessment):
    texts = api("GET", f"/assessments/{assessment}/texts")
    assert texts.status_code == 200
    body = texts.get_json()
    assert body["language"] == "fi" and body["translated_into"] == ["sv"]
    paths = {t["path"]: t for t in body["texts"]}
    assert LABEL in paths and paths[LABEL]["missing"] == ["sv"]
    assert body["missing"]["sv"] == len(body["texts"])
    etag = texts.headers["ETag"]
    put = api(
        "PUT",
        f"/assessments/{assessment}/translations",
        json={"sv": {LABEL: {"text": "Mottagningen dras in"}}},
        headers={"If-Match": etag},
    )
    assert put.status_code == 200, put.get_json()
    assert put.get_json() == {"sv": {LABEL: {"text": "Mottagningen dras in", "copied": False}}}
    got = api("GET", f"/assessments/{assessment}/translations")
    assert got.get_json() == put.get_json()
    after = api("GET", f"/assessments/{assessment}/texts").get_json()
    assert after["missing"]["sv"] == body["missing"]["sv"] - 1
    # the old ETag is stale now
    stale = api(
        "PUT",
        f"/assessments/{assessment}/translations",
        json={"sv": {}},
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412


def test_a_wrong_path_or_language_is_refused_naming_it(api, assessment, demo):
    etag = api("GET", f"/assessments/{assessment}/translations").headers["ETag"]
    path = f"/assessments/{assessment}/translations"
    unknown = api(
        "PUT",
        path,
        json={"sv": {"alternatives.nope.label": {"text": "x"}}},
        headers={"If-Match": etag},
    )
    assert unknown.status_code == 422
    assert "sv.alternatives.nope.label" in str(unknown.get_json()["error"]["details"])
    own = api("PUT", path, json={"fi": {LABEL: {"text": "x"}}}, headers={"If-Match": etag})
    assert own.status_code == 422
    assert "'fi'" in str(own.get_json()["error"]), own.get_json()
    other = api("PUT", path, json={"en": {}}, headers={"If-Match": etag})
    assert other.status_code == 422
    assert stored_data(demo, assessment).get("translations", {}) == {}


def test_a_copy_stays_a_copy_only_while_it_is_the_original(api, assessment, demo):
    texts = api("GET", f"/assessments/{assessment}/texts").get_json()["texts"]
    original = next(t["original"] for t in texts if t["path"] == LABEL)
    etag = api("GET", f"/assessments/{assessment}/translations").headers["ETag"]
    path = f"/assessments/{assessment}/translations"
    copied = api(
        "PUT",
        path,
        json={"sv": {LABEL: {"text": original, "copied": True}}},
        headers={"If-Match": etag},
    )
    assert copied.get_json()["sv"][LABEL] == {"text": original, "copied": True}
    edited = api(
        "PUT",
        path,
        json={"sv": {LABEL: {"text": original + " (sv)", "copied": True}}},
        headers={"If-Match": copied.headers["ETag"]},
    )
    assert edited.get_json()["sv"][LABEL]["copied"] is False


def test_the_flag_counts_what_is_missing_and_goes_when_all_is_written(demo, assessment):
    [flag] = open_flags(demo, assessment)
    assert flag["severity"] == "high"
    assert "title" in flag["message"]["en"] and "texts" in flag["message"]["en"]
    with demo.app_context():
        preparer = user("preparer")
        d = db.session.get(Decision, 1)
        decision_ops.update_decision(
            preparer,
            d,
            expected_version=d.version,
            case_number=d.case_number,
            title=d.title,
            language=d.language,
            body_id=d.body_id,
            proposal=d.proposal,
            translations={"sv": {"title": "Indragning", "proposal": "Regionstyrelsen beslutar."}},
        )
        db.session.commit()
    # The decision's change recomputes the flag: the title is no longer missing.
    [flag] = open_flags(demo, assessment)
    assert "title" not in flag["message"]["en"] and "texts" in flag["message"]["en"]
    with demo.app_context():
        preparer = user("preparer")
        a = db.session.get(Assessment, assessment)
        from assess.operations import translations as translation_ops

        everything = {path: {"text": f"[sv] {text}"} for path, text in translation_ops.texts(a)}
        translation_ops.save_translations(
            preparer, a, {"sv": everything}, expected_version=a.version
        )
    assert open_flags(demo, assessment) == []


def test_the_page_shows_each_original_beside_its_field_and_copies_one(demo, preparer, assessment):
    url = f"/assessments/{assessment}/translations"
    page = preparer.get(url).get_data(as_text=True)
    assert ">Translations</a>" in page  # in the guided form's list of sections
    assert 'lang="fi"' in page and 'lang="sv"' in page
    assert "Copy the original as a starting point" in page and "Missing" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    copied = post(preparer, url, {"version": version, "copy": LABEL})
    assert copied.status_code == 302
    stored = stored_data(demo, assessment)["translations"]["sv"][LABEL]
    assert stored["copied"] is True
    page = preparer.get(url).get_data(as_text=True)
    assert "Untranslated copy" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    saved = post(
        preparer,
        url,
        {"version": version, f"text:{LABEL}": "Mottagningen dras in", f"copied:{LABEL}": "1"},
    )
    assert saved.status_code == 302
    assert stored_data(demo, assessment)["translations"]["sv"][LABEL] == {
        "text": "Mottagningen dras in",
        "copied": False,
    }


def test_a_stale_save_keeps_what_was_typed(demo, preparer, assessment):
    url = f"/assessments/{assessment}/translations"
    refused = post(preparer, url, {"version": "1", f"text:{LABEL}": "Ny text"})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Ny text" in page and "error-summary" in page
    assert stored_data(demo, assessment).get("translations", {}) == {}


def test_no_page_for_an_organisation_that_is_not_bilingual(demo, preparer, assessment):
    with demo.app_context():
        db.session.get(Decision, 1).organisation.bilingual = False
        db.session.commit()
    assert preparer.get(f"/assessments/{assessment}/translations").status_code == 404
    page = preparer.get(f"/assessments/{assessment}/screening").get_data(as_text=True)
    assert ">Translations</a>" not in page


def test_the_decision_form_takes_the_swedish_title_and_proposal(demo, client):
    login(client, "preparer")
    use_language(client, "en")
    page = client.get("/decisions/1/edit").get_data(as_text=True)
    assert "Title in Swedish" in page and "Proposal in Swedish" in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    with demo.app_context():
        d = db.session.get(Decision, 1)
        form = {
            "case_number": d.case_number,
            "title": d.title,
            "language": "fi",
            "body_id": str(d.body_id),
            "proposal": d.proposal,
            "decision_type": d.decision_type.key if d.decision_type else "",
        }
    saved = post(
        client,
        "/decisions/1/edit",
        {**form, "version": version, "title_other": "Indragning", "proposal_other": "Beslut."},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(Decision, 1).translations == {
            "sv": {"title": "Indragning", "proposal": "Beslut."}
        }
    view = client.get("/decisions/1").get_data(as_text=True)
    assert "Indragning" in view


def test_the_summary_is_drafted_in_each_language_with_labels(demo, preparer):
    with demo.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 2))
        from tests.support import complete_screening

        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
        complete_screening(user("preparer"), a, "full")
        ops.fire(user("preparer"), a, "start_assessment", expected_version=a.version)
        aid = a.id
    page = preparer.get(f"/assessments/{aid}/sections/summary").get_data(as_text=True)
    fi = re.search(r'<textarea[^>]*name="fi"[^>]*>([^<]*)<', page).group(1)
    sv = re.search(r'<textarea[^>]*name="sv"[^>]*>([^<]*)<', page).group(1)
    assert "Arvioinnin taso: laaja arviointi." in fi
    assert "Bedömningens nivå: omfattande bedömning." in sv
    assert "full." not in fi + sv


def test_the_review_page_links_the_flag_to_the_translations_page(demo, assessment, client):
    with demo.app_context():
        a = db.session.get(Assessment, assessment)
        ops.fire(user("preparer"), a, "submit", expected_version=a.version)
    login(client, "reviewer")
    use_language(client, "en")
    page = client.get(f"/assessments/{assessment}/flags").get_data(as_text=True)
    assert "The Swedish documents lack" in page
    assert f'href="/assessments/{assessment}/translations"' in page
