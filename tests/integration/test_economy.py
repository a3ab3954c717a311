"""Issue 18, [economy]: the alternatives' costs and savings on the page and in the API, the
flag of an alternative without a cost estimate, the light level asking only what it has
sections for, and the zero option as the baseline."""

import re

import pytest

from assess.extensions import db
from assess.models import Decision
from assess.operations import assessments as ops
from assess.operations.demo_scenario import BASELINE
from assess.operations.users import issue_token
from tests.support import SCREENING_NO, login, post, use_language, user
from tests.support import page_version as version
from tests.support import stored_data as data_of


@pytest.fixture
def preparer(demo, client):
    with demo.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
    login(client, "preparer")
    use_language(client, "en")
    return client


def screening(client, level, **answers):
    url = "/assessments/1/screening"
    post(client, url, {**SCREENING_NO, **answers, "level": level, "version": version(client, url)})


def flags_of(demo):
    """The open flags' rules, with the label of the alternative each is about."""
    data = data_of(demo)
    labels = {a["id"]: a["label"] for a in data.get("alternatives", [])}
    return {
        (f["rule"], labels.get(f.get("alternative"), f.get("alternative")))
        for f in data.get("flags", [])
        if f["status"] == "open"
    }


ALTERNATIVES = {
    "alternatives-0-label": "VE0",
    "alternatives-0-description": "The health station stays open.",
    "alternatives-0-zero_option": "y",
    "alternatives-0-costs-0-kind": "cost",
    "alternatives-0-costs-0-timing": "one_off",
    "alternatives-0-costs-0-category": "investment",
    "alternatives-0-costs-0-borne_by": "organisation",
    "alternatives-0-costs-0-amount_eur": "300 000",
    "alternatives-0-costs-0-note": "The roof must be repaired anyway.",
    "alternatives-0-horizon_years": "5",
    "alternatives-1-label": "VE1",
    "alternatives-1-description": "Services move to the centre.",
    "alternatives-1-recommended": "y",
    "alternatives-1-costs-0-kind": "saving",
    "alternatives-1-costs-0-timing": "yearly",
    "alternatives-1-costs-0-category": "operating",
    "alternatives-1-costs-0-borne_by": "organisation",
    "alternatives-1-costs-0-amount_eur": "400000",
    "alternatives-1-costs-0-note": "Two doctors' posts fewer.",
    "alternatives-1-costs-1-kind": "cost",
    "alternatives-1-costs-1-timing": "yearly",
    "alternatives-1-costs-1-category": "operating",
    "alternatives-1-costs-1-borne_by": "residents",
    "alternatives-1-costs-1-amount_eur": "60000",
    "alternatives-1-costs-1-note": "Longer trips.",
    "alternatives-1-horizon_years": "5",
}


def test_costs_are_added_and_removed_on_the_alternatives_page_without_script(demo, preparer):
    screening(preparer, "full", s_service_network="yes")
    url = "/assessments/1/sections/alternatives"
    page = preparer.get(url).get_data(as_text=True)
    # A blank cost line to fill in, labelled for assistive technology.
    assert 'name="alternatives-0-costs-0-amount_eur"' in page
    assert re.search(r'<label [^>]*for="alternatives-0-costs-0-amount_eur"', page)
    response = post(preparer, url, {**ALTERNATIVES, "version": version(preparer, url)})
    assert response.status_code == 302, response.get_data(as_text=True)
    alts = data_of(demo)["alternatives"]
    assert alts[0]["horizon_years"] == 5 and alts[0]["costs"][0]["amount_eur"] == 300_000
    assert [c["kind"] for c in alts[1]["costs"]] == ["saving", "cost"]
    assert alts[1]["costs"][1]["borne_by"] == "residents"
    page = preparer.get(url).get_data(as_text=True)
    assert 'value="400000"' in page
    assert 'name="alternatives-1-costs-2-amount_eur"' in page  # the blank line to add one
    # Emptying a line's amount and text removes it.
    removed = {
        **ALTERNATIVES,
        "alternatives-1-costs-1-amount_eur": "",
        "alternatives-1-costs-1-note": "",
    }
    post(preparer, url, {**removed, "version": version(preparer, url)})
    assert [c["kind"] for c in data_of(demo)["alternatives"][1]["costs"]] == ["saving"]


def test_a_bad_amount_is_refused_with_what_would_be_right_and_nothing_stored(demo, preparer):
    screening(preparer, "full", s_service_network="yes")
    url = "/assessments/1/sections/alternatives"
    bad = {**ALTERNATIVES, "alternatives-1-costs-0-amount_eur": "-400000"}
    response = post(preparer, url, {**bad, "version": version(preparer, url)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the amount in whole euros, from 0 to 1 000 000 000 000" in page
    assert 'value="-400000"' in page  # what was typed is shown back
    assert not data_of(demo).get("alternatives")


def test_no_cost_estimate_flags_an_alternative_until_it_has_costs_or_a_note(demo, preparer):
    screening(preparer, "full", s_service_network="yes")
    url = "/assessments/1/sections/alternatives"
    bare = {k: v for k, v in ALTERNATIVES.items() if "costs" not in k and "horizon" not in k}
    post(preparer, url, {**bare, "version": version(preparer, url)})
    # The zero option is the baseline: only VE1 lacks an estimate.
    assert ("no_cost_estimate", "VE1") in flags_of(demo)
    assert ("no_cost_estimate", "VE0") not in flags_of(demo)
    assert ("single_alternative", None) not in flags_of(demo)
    noted = {**bare, "alternatives-1-costs_note": "Within the same budget: staff move."}
    post(preparer, url, {**noted, "version": version(preparer, url)})
    assert not any(rule == "no_cost_estimate" for rule, _ in flags_of(demo))


def test_the_light_level_asks_how_effects_are_mitigated_not_to_compare(demo, preparer):
    screening(preparer, "light", s_many_residents="yes")
    url = "/assessments/1/sections/mitigation"
    page = preparer.get(url).get_data(as_text=True)
    assert 'name="mitigation_measures"' in page
    assert 'name="comparison"' not in page and 'name="recommendation_reason"' not in page
    check = preparer.get("/assessments/1/sections/mitigation").get_data(as_text=True)
    assert "Answer: How are the negative effects mitigated?" in check
    assert "Comparison of the alternatives" not in check
    screening(preparer, "full", s_many_residents="yes")
    page = preparer.get(url).get_data(as_text=True)
    assert 'name="comparison"' in page and 'name="mitigation_measures"' not in page


@pytest.fixture
def api(demo):
    client = demo.test_client()
    with demo.app_context():
        token = {"Authorization": f"Bearer {issue_token(user('preparer'))}"}

    def call(method, path, json=None, headers=None):
        return client.open(
            "/api/v1" + path, method=method, json=json, headers={**token, **(headers or {})}
        )

    return call


def _patch(api, a, body):
    return api(
        "PATCH", f"/assessments/{a['id']}", json=body, headers={"If-Match": f'"{a["version"]}"'}
    )


def _started(api):
    body = {"case_number": "ECON/1", "title": "T", "language": "fi", "body": 1}
    d = api("POST", "/decisions", json=body).get_json()
    a = api("POST", f"/decisions/{d['id']}/assessment", json={}).get_json()
    a = api("POST", f"/assessments/{a['id']}/transitions", json={"trigger": "start_screening"})
    a = a.get_json()
    form = api("GET", f"/definitions/forms/{a['form']['key']}").get_json()["definition"]
    answers = {q["id"]: "no" for q in form["screening"]["questions"]}
    answers["s_service_network"] = "yes"
    a = _patch(api, a, {"screening": {"answers": answers}, "level": "full"}).get_json()
    return api(
        "POST", f"/assessments/{a['id']}/transitions", json={"trigger": "start_assessment"}
    ).get_json()


def test_api_costs_round_trip_and_refusals_name_the_field(api):
    a = _started(api)
    costs = [
        {
            "kind": "saving",
            "timing": "yearly",
            "category": "operating",
            "borne_by": "organisation",
            "amount_eur": 400000,
            "note": "Two posts fewer.",
        }
    ]
    body = {
        "alternatives": [
            {"id": "ve0", "label": "VE0", "description": "As now.", "zero_option": True},
            {
                "id": "ve1",
                "label": "VE1",
                "description": "Moves.",
                "recommended": True,
                "costs": costs,
                "horizon_years": 5,
            },
        ]
    }
    response = _patch(api, a, body)
    assert response.status_code == 200, response.get_json()
    a = response.get_json()
    ve1 = a["alternatives"][1]
    assert ve1["horizon_years"] == 5 and ve1["costs"][0]["amount_eur"] == 400000
    assert ve1["costs"][0]["id"]
    assert not any(f["rule"] == "no_cost_estimate" for f in a["flags"])
    bad = {
        "alternatives": [
            {
                "id": "ve1",
                "label": "VE1",
                "costs": [
                    {"kind": "gift", "amount_eur": 10**13},
                    {"borne_by": "everyone", "amount_eur": 5, "colour": "red"},
                ],
                "horizon_years": 0,
            }
        ]
    }
    response = _patch(api, a, bad)
    assert response.status_code == 422
    paths = {d["path"] for d in response.get_json()["error"]["details"]}
    assert {
        "alternatives.0.costs.0.kind",
        "alternatives.0.costs.0.amount_eur",
        "alternatives.0.costs.1.borne_by",
        "alternatives.0.costs.1.colour",
        "alternatives.0.horizon_years",
    } <= paths
    again = api("GET", f"/assessments/{a['id']}").get_json()
    assert again["alternatives"][1]["costs"][0]["amount_eur"] == 400000  # nothing stored
    without = {"alternatives": [{**body["alternatives"][1], "costs": [], "id": "ve1"}]}
    a = _patch(api, again, without).get_json()
    assert [f["alternative"] for f in a["flags"] if f["rule"] == "no_cost_estimate"] == ["ve1"]


def _document(demo, language):
    import io

    import docx

    from assess.models import Document
    from assess.operations import assessments as a_ops
    from tests.support import acknowledge_high, prepared

    with demo.app_context():
        a = prepared(user("preparer"), db.session.get(Decision, 1), level="full")
        a_ops.fire(user("preparer"), a, "submit", expected_version=a.version)
        acknowledge_high(user("reviewer"), a)
        a_ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
        row = db.session.scalar(
            db.select(Document).where(Document.assessment_id == a.id, Document.language == language)
        )
        return row.content, docx.Document(io.BytesIO(row.content))


def test_the_document_compares_the_alternatives_costs_in_one_table(demo):
    content, d = _document(demo, "fi")
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in d.tables]
    costs = next(t for t in tables if t[0][0] == "Erä")
    assert costs[0] == ["Erä", "VE0", "VE1"]
    rows = {r[0]: r[1:] for r in costs[1:]}
    nb = "\u00a0"
    assert rows["Kertaluonteiset kustannukset"] == [f"280{nb}000{nb}€", f"150{nb}000{nb}€"]
    assert rows["Vuotuiset säästöt"] == [f"0{nb}€", f"410{nb}000{nb}€"]
    assert rows["Tarkastelujakso (vuotta)"] == ["5", "5"]
    # Over five years: VE1 costs 150 000 + 5 x 155 000 and saves 5 x 410 000.
    assert rows["Kustannukset tarkastelujaksolla"] == [f"730{nb}000{nb}€", f"925{nb}000{nb}€"]
    assert rows["Netto (kustannukset miinus säästöt) tarkastelujaksolla"][1] == (
        f"−1{nb}125{nb}000{nb}€"
    )
    assert rows["Asukkaiden kustannukset"] == [f"0{nb}€", f"175{nb}000{nb}€"]
    paragraphs = "\n".join(p.text for p in d.paragraphs)
    # The zero option is the baseline the other alternative is compared with.
    assert "Vaikutukset yksityiskohtaisesti: VE1, verrattuna vaihtoehtoon VE0" in paragraphs
    assert f"Tilanne ilman päätöstä: {BASELINE}" in paragraphs


def test_the_swedish_document_names_the_baseline_too(demo):
    _, d = _document(demo, "sv")
    paragraphs = "\n".join(p.text for p in d.paragraphs)
    assert "jämfört med VE0" in paragraphs
    assert any(t.rows[0].cells[0].text == "Post" for t in d.tables)


def test_the_zero_option_s_cells_describe_the_baseline_the_others_are_compared_with(demo, preparer):
    screening(preparer, "full", s_service_network="yes")
    url = "/assessments/1/sections/scoping"
    scope = {
        "groups_in_scope": ["older_people"],
        "dimensions_in_scope": ["access_to_services"],
        "time_horizons": ["budget_year"],
    }
    post(preparer, url, {**scope, "version": version(preparer, url)})
    url = "/assessments/1/sections/alternatives"
    post(preparer, url, {**ALTERNATIVES, "version": version(preparer, url)})
    ids = {a["label"]: a["id"] for a in data_of(demo)["alternatives"]}
    zero = f"/assessments/1/impacts/{ids['VE0']}/older_people/access_to_services"
    page = preparer.get(zero).get_data(as_text=True)
    assert "The situation without the decision" in page and 'name="direction"' not in page
    response = post(preparer, zero, {"rationale": "", "version": version(preparer, zero)})
    assert response.status_code == 422
    assert "Describe the situation without the decision." in response.get_data(as_text=True)
    described = {"rationale": "The station is 5 km away.", "direction": "negative"}
    response = post(preparer, zero, {**described, "version": version(preparer, zero)})
    assert response.status_code == 302
    cell = next(c for c in data_of(demo)["impacts"] if c["alternative"] == ids["VE0"])
    assert cell["rationale"] == "The station is 5 km away." and cell["direction"] is None
    matrix = preparer.get("/assessments/1/sections/impacts").get_data(as_text=True)
    assert "Each effect is compared with VE0, the situation without the decision." in matrix
    assert "older people / access to services: described" in matrix
    other = f"/assessments/1/impacts/{ids['VE1']}/older_people/access_to_services"
    page = preparer.get(other).get_data(as_text=True)
    assert "compared with VE0" in page and "The station is 5 km away." in page
    assert 'name="direction"' in page
